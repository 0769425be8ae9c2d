-- The invitation list by status, newest first (issue 25): the status
-- filter walks its own part of the index in order instead of every
-- invitation of the tenant. It covers what (tenant_id, status) served.
CREATE INDEX invites_tenant_status_created_idx ON invites (tenant_id, status, created_at);
DROP INDEX invites_tenant_status_idx;
