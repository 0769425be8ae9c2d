-- Counters (issue 25): the totals a hot read shows, kept in the rows they
-- describe by triggers, so they change in the same transaction as what
-- they count whichever code path writes, and reading them costs one
-- primary-key lookup however large the tenant. The housekeeping repair
-- recomputes them tenant by tenant and corrects any drift.
--
-- tenants.active_members           members with status ACTIVE (seats used)
-- tenants.listed_members           members that are not DELETED
-- tenants.all_invites              every invitation of the tenant
-- tenants.pending_invites          invitations with status pending (some may
--                                  be past their expiry until the sweep marks them)
-- tenants.pending_invites_of_members  those pending whose email is an ACTIVE
--                                  member's (they reserve no seat)
-- Members and invitations never change tenant, account or email, and an
-- account's email never changes: the triggers rely on it.
--
-- The member and invitation triggers lock the tenant's row before they
-- look at the other table: under READ COMMITTED each statement of a
-- PL/pgSQL function sees what committed before it, so an invitation and the
-- activation of its email in two simultaneous transactions see each other
-- once the first commits, and the overlap is counted exactly once.
ALTER TABLE tenants ADD COLUMN active_members BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN listed_members BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN all_invites BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN pending_invites BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN pending_invites_of_members BIGINT NOT NULL DEFAULT 0;

-- The instance's figures for the operator (GET /api/v1/admin/stats).
CREATE TABLE instance_counts (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    tenants  BIGINT NOT NULL,
    accounts BIGINT NOT NULL
);
INSERT INTO instance_counts (id, tenants, accounts)
    VALUES (1, (SELECT COUNT(*) FROM tenants), (SELECT COUNT(*) FROM accounts));

UPDATE tenants SET
    active_members = (SELECT COUNT(*) FROM members m WHERE m.tenant_id = tenants.id AND m.status = 'ACTIVE'),
    listed_members = (SELECT COUNT(*) FROM members m WHERE m.tenant_id = tenants.id AND m.status <> 'DELETED'),
    all_invites = (SELECT COUNT(*) FROM invites i WHERE i.tenant_id = tenants.id),
    pending_invites = (SELECT COUNT(*) FROM invites i WHERE i.tenant_id = tenants.id AND i.status = 'pending'),
    pending_invites_of_members = (SELECT COUNT(*) FROM invites i
        JOIN accounts a ON a.email = i.email
        JOIN members m ON m.account_id = a.id AND m.tenant_id = i.tenant_id AND m.status = 'ACTIVE'
        WHERE i.tenant_id = tenants.id AND i.status = 'pending');

CREATE FUNCTION count_instance_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta BIGINT := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    IF TG_TABLE_NAME = 'tenants' THEN
        UPDATE instance_counts SET tenants = tenants + delta WHERE id = 1;
    ELSE
        UPDATE instance_counts SET accounts = accounts + delta WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tenants_counted AFTER INSERT OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION count_instance_rows();
CREATE TRIGGER accounts_counted AFTER INSERT OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION count_instance_rows();

-- One member row's contribution, added (sign 1) or taken away (sign -1).
CREATE FUNCTION count_member(m members, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    overlap BIGINT := 0;
BEGIN
    PERFORM 1 FROM tenants WHERE id = m.tenant_id FOR UPDATE;
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
CREATE FUNCTION count_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM count_member(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM count_member(NEW, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER members_counted AFTER INSERT OR DELETE OR UPDATE OF status ON members
    FOR EACH ROW EXECUTE FUNCTION count_members();

-- One invitation row's contribution, added (sign 1) or taken away (sign -1).
CREATE FUNCTION count_invite(i invites, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    overlap BIGINT := 0;
BEGIN
    PERFORM 1 FROM tenants WHERE id = i.tenant_id FOR UPDATE;
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
CREATE FUNCTION count_invites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM count_invite(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM count_invite(NEW, 1);
    END IF;
    UPDATE tenants SET all_invites = all_invites
        + (CASE TG_OP WHEN 'INSERT' THEN 1 WHEN 'DELETE' THEN -1 ELSE 0 END)
    WHERE id = COALESCE(NEW.tenant_id, OLD.tenant_id) AND TG_OP <> 'UPDATE';
    RETURN NULL;
END $$;
CREATE TRIGGER invites_counted AFTER INSERT OR DELETE OR UPDATE OF status ON invites
    FOR EACH ROW EXECUTE FUNCTION count_invites();
