-- Scale (issue 9): every hot query served by an index.

-- The expiry sweep walks only pending invitations that are due.
CREATE INDEX invites_pending_expiry_idx ON invites (expired_at) WHERE status = 'pending';
-- Invitation lists and the overview's funnel, newest first per tenant.
CREATE INDEX invites_tenant_created_idx ON invites (tenant_id, created_at);
-- Member lists, newest first per tenant.
CREATE INDEX members_tenant_created_idx ON members (tenant_id, created_at);
