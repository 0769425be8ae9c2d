-- Languages (SPEC §12). Each is a BCP 47 tag of a language Portico speaks
-- (`en`, `de`, `es`), or NULL for "not chosen".
-- A person's preference: the pages they read and the mails they get.
ALTER TABLE accounts ADD COLUMN locale TEXT;
-- The tenant's default for invitations to people with no preference.
ALTER TABLE tenants ADD COLUMN default_locale TEXT;
-- An invitation's language, decided once when it is made: its mail,
-- reminder, resends and accept page use it.
ALTER TABLE invites ADD COLUMN locale TEXT;
-- The language of a queued mail (its Content-Language header).
ALTER TABLE outbox_mail ADD COLUMN language TEXT;
