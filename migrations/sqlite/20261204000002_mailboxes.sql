-- A removal sticks to the person (SPEC §2): an account's mailbox is its
-- address without the local part's +tag, so bob+back@bigcorp.com is found
-- as the bob@bigcorp.com a tenant removed.
ALTER TABLE accounts ADD COLUMN mailbox TEXT;
UPDATE accounts SET mailbox = CASE
    WHEN instr(substr(email, 1, instr(email, '@') - 1), '+') > 0
    THEN substr(email, 1, instr(email, '+') - 1) || substr(email, instr(email, '@'))
    ELSE email END;
CREATE INDEX accounts_mailbox_idx ON accounts (mailbox);
