-- Member search (issue 25): trigram GIN indexes (pg_trgm) on the lower-case
-- email and name, the expressions the search's LIKE '%…%' compares, so a
-- "contains" search is answered from the index, not by a walk over each
-- member of the tenant. pg_trgm ships with PostgreSQL and is a trusted
-- extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX accounts_email_trgm_idx ON accounts USING gin (LOWER(email) gin_trgm_ops);
CREATE INDEX accounts_name_trgm_idx ON accounts USING gin (LOWER(first_name || ' ' || last_name) gin_trgm_ops);
