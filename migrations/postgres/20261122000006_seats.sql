-- Seats (SPEC §9): the most ACTIVE members plus pending invitations a
-- tenant may have, set by the instance operator; NULL = no limit. Seats are
-- counted from members_tenant_status_idx and invites_tenant_status_idx.
ALTER TABLE tenants ADD COLUMN seat_limit BIGINT;
-- A tenant's pending invitations by expiry: the seat check counts the
-- unexpired ones from the index alone.
CREATE INDEX invites_tenant_pending_idx ON invites (tenant_id, expired_at) WHERE status = 'pending';
