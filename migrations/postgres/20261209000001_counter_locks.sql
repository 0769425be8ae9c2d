-- The counters' triggers lock the tenant's row FOR NO KEY UPDATE, not FOR
-- UPDATE. Inserting an invitation, a member or an audit entry first takes
-- the FOR KEY SHARE lock its foreign key to the tenant needs, and FOR
-- UPDATE conflicts with KEY SHARE: two simultaneous invitations in one
-- tenant each held KEY SHARE and each trigger waited for the other's —
-- a deadlock on every pair (found by `make bench`: invitation creation on
-- PostgreSQL stalled at 16 connections). NO KEY UPDATE does not conflict
-- with KEY SHARE and still excludes itself, so the triggers still count
-- one at a time per tenant; the counters' UPDATE takes the same lock, as
-- does the seat check's (db::tenants::lock), so the order is unchanged.

CREATE OR REPLACE FUNCTION count_member(m members, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    overlap BIGINT := 0;
BEGIN
    PERFORM 1 FROM tenants WHERE id = m.tenant_id FOR NO KEY UPDATE;
    IF m.status = 'ACTIVE' THEN
        SELECT COUNT(*) INTO overlap FROM accounts a
            JOIN invites i ON i.tenant_id = m.tenant_id AND i.email = a.email AND i.status = 'pending'
            WHERE a.id = m.account_id;
    END IF;
    UPDATE tenants SET
        active_members = active_members + sign * (CASE WHEN m.status = 'ACTIVE' THEN 1 ELSE 0 END),
        listed_members = listed_members + sign * (CASE WHEN m.status <> 'DELETED' THEN 1 ELSE 0 END),
        pending_invites_of_members = pending_invites_of_members + sign * overlap
    WHERE id = m.tenant_id;
END $$;

CREATE OR REPLACE FUNCTION count_inserted_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tenants WHERE id IN (SELECT tenant_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    UPDATE tenants SET
        active_members = active_members + d.active,
        listed_members = listed_members + d.listed,
        pending_invites_of_members = pending_invites_of_members + d.of_members
    FROM (SELECT r.tenant_id,
                 COUNT(*) FILTER (WHERE r.status = 'ACTIVE') AS active,
                 COUNT(*) FILTER (WHERE r.status <> 'DELETED') AS listed,
                 COUNT(*) FILTER (WHERE r.status = 'ACTIVE' AND EXISTS (
                     SELECT 1 FROM accounts a
                     JOIN invites i ON i.tenant_id = r.tenant_id AND i.email = a.email AND i.status = 'pending'
                     WHERE a.id = r.account_id)) AS of_members
          FROM new_rows r GROUP BY r.tenant_id) d
    WHERE tenants.id = d.tenant_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION count_invite(i invites, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    overlap BIGINT := 0;
BEGIN
    PERFORM 1 FROM tenants WHERE id = i.tenant_id FOR NO KEY UPDATE;
    IF i.status = 'pending' THEN
        SELECT COUNT(*) INTO overlap FROM accounts a
            JOIN members m ON m.account_id = a.id AND m.tenant_id = i.tenant_id AND m.status = 'ACTIVE'
            WHERE a.email = i.email;
    END IF;
    UPDATE tenants SET
        pending_invites = pending_invites + sign * (CASE WHEN i.status = 'pending' THEN 1 ELSE 0 END),
        pending_invites_of_members = pending_invites_of_members + sign * overlap
    WHERE id = i.tenant_id;
END $$;

CREATE OR REPLACE FUNCTION count_inserted_invites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tenants WHERE id IN (SELECT tenant_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    UPDATE tenants SET
        all_invites = all_invites + d.n,
        pending_invites = pending_invites + d.pending,
        pending_invites_of_members = pending_invites_of_members + d.of_members
    FROM (SELECT r.tenant_id, COUNT(*) AS n,
                 COUNT(*) FILTER (WHERE r.status = 'pending') AS pending,
                 COUNT(*) FILTER (WHERE r.status = 'pending' AND EXISTS (
                     SELECT 1 FROM accounts a
                     JOIN members m ON m.account_id = a.id AND m.tenant_id = r.tenant_id AND m.status = 'ACTIVE'
                     WHERE a.email = r.email)) AS of_members
          FROM new_rows r GROUP BY r.tenant_id) d
    WHERE tenants.id = d.tenant_id;
    RETURN NULL;
END $$;
