-- Only an invitation whose link was replaced (resent, refreshed, reminded)
-- has a previous token: the index of replaced links holds just those, so a
-- new invitation's insert writes one index fewer. `previous_token_hash = $1`
-- implies `IS NOT NULL`, so the lookup of a replaced link still uses it.
DROP INDEX invites_previous_token_hash_idx;
CREATE INDEX invites_previous_token_hash_idx ON invites (previous_token_hash)
    WHERE previous_token_hash IS NOT NULL;
