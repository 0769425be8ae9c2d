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
-- Inserts are counted per statement, changes of status and deletes per
-- row. The member and invitation triggers lock the tenant's row before they
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

-- Statement-level, over the statement's rows: a bulk insert (an import, a
-- seed) costs one update, not one per row.
CREATE FUNCTION count_instance_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT COUNT(*) INTO n FROM new_rows;
    ELSE
        SELECT -COUNT(*) INTO n FROM old_rows;
    END IF;
    IF TG_TABLE_NAME = 'tenants' THEN
        UPDATE instance_counts SET tenants = tenants + n WHERE id = 1;
    ELSE
        UPDATE instance_counts SET accounts = accounts + n WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tenants_counted_insert AFTER INSERT ON tenants REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_instance_rows();
CREATE TRIGGER tenants_counted_delete AFTER DELETE ON tenants REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_instance_rows();
CREATE TRIGGER accounts_counted_insert AFTER INSERT ON accounts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_instance_rows();
CREATE TRIGGER accounts_counted_delete AFTER DELETE ON accounts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_instance_rows();

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
    PERFORM count_member(OLD, -1);
    IF TG_OP = 'UPDATE' THEN
        PERFORM count_member(NEW, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER members_counted AFTER DELETE OR UPDATE OF status ON members
    FOR EACH ROW EXECUTE FUNCTION count_members();

-- Inserted members, counted per statement (see count_inserted_invites).
CREATE FUNCTION count_inserted_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tenants WHERE id IN (SELECT tenant_id FROM new_rows) ORDER BY id FOR UPDATE;
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
CREATE TRIGGER members_counted_insert AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_members();

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
    PERFORM count_invite(OLD, -1);
    IF TG_OP = 'UPDATE' THEN
        PERFORM count_invite(NEW, 1);
    ELSE
        UPDATE tenants SET all_invites = all_invites - 1 WHERE id = OLD.tenant_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER invites_counted AFTER DELETE OR UPDATE OF status ON invites
    FOR EACH ROW EXECUTE FUNCTION count_invites();

-- Inserted invitations, counted per statement (one row from the API, a
-- million from an import): the tenants' rows are locked first, in id
-- order, then the overlap is read.
CREATE FUNCTION count_inserted_invites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tenants WHERE id IN (SELECT tenant_id FROM new_rows) ORDER BY id FOR UPDATE;
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
CREATE TRIGGER invites_counted_insert AFTER INSERT ON invites REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_invites();
