-- A removal sticks to the person (SPEC §2): an account's mailbox is its
-- address without the local part's +tag, so bob+back@bigcorp.com is found
-- as the bob@bigcorp.com a tenant removed.
ALTER TABLE accounts ADD COLUMN mailbox TEXT;
UPDATE accounts SET mailbox = regexp_replace(email, '\+[^@]*@', '@');
CREATE INDEX accounts_mailbox_idx ON accounts (mailbox);
