-- The tenants' counters move out of the tenant's row into rows of their
-- own, `tenant_counters`, one per (tenant, stripe); a tenant's counter is
-- the sum of its stripes (at most 16 rows, read through the primary key).
--
-- Why: with the counters in `tenants`, every invitation and every member
-- change updated its tenant's row and held that row lock until it
-- committed, so one tenant's writes ran one at a time (`make bench` on
-- PostgreSQL: 240 invitations/s, 12 to 14 of 16 connections waiting on
-- the lock), and each update left a version of the tenant's row that
-- every read of the tenant walked.
--
-- Now each connection adds its change to its own stripe (its backend's
-- pid modulo 16): two connections wait for each other only when their
-- pids share a stripe. Two things the tenant's row lock did still need
-- doing:
-- * The overlap (`pending_invites_of_members`: a pending invitation whose
--   email is an ACTIVE member's) is read from the other table, so an
--   invitation and the activation of its email in two simultaneous
--   transactions must see each other. They take the same transaction
--   advisory lock, keyed by the tenant and a bucket of the email (1,024
--   buckets per tenant: a bulk import takes at most that many), before
--   they read; under READ COMMITTED the second then sees the first.
-- * The repair (tenant_admin::counters) recounts and replaces the stripes
--   and must not miss a change made meanwhile: the triggers take FOR KEY
--   SHARE on the tenant's row (which a foreign key to it takes anyway and
--   which never waits for another writer), and the repair takes FOR UPDATE,
--   which waits for them and holds them off.
-- The seat check (onboarding::seats) still locks the tenant's row FOR NO
-- KEY UPDATE where the tenant has a seat limit, so seats stay exact there.

CREATE TABLE tenant_counters (
    tenant_id                  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    stripe                     INTEGER NOT NULL,
    active_members             BIGINT NOT NULL DEFAULT 0,
    listed_members             BIGINT NOT NULL DEFAULT 0,
    all_invites                BIGINT NOT NULL DEFAULT 0,
    pending_invites            BIGINT NOT NULL DEFAULT 0,
    pending_invites_of_members BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, stripe)
);

INSERT INTO tenant_counters (tenant_id, stripe, active_members, listed_members, all_invites,
                             pending_invites, pending_invites_of_members)
SELECT id, 0, active_members, listed_members, all_invites, pending_invites, pending_invites_of_members
FROM tenants;

DROP TRIGGER members_counted ON members;
DROP TRIGGER members_counted_insert ON members;
DROP TRIGGER invites_counted ON invites;
DROP TRIGGER invites_counted_insert ON invites;
DROP FUNCTION count_members();
DROP FUNCTION count_member(members, INTEGER);
DROP FUNCTION count_inserted_members();
DROP FUNCTION count_invites();
DROP FUNCTION count_invite(invites, INTEGER);
DROP FUNCTION count_inserted_invites();

ALTER TABLE tenants DROP COLUMN active_members;
ALTER TABLE tenants DROP COLUMN listed_members;
ALTER TABLE tenants DROP COLUMN all_invites;
ALTER TABLE tenants DROP COLUMN pending_invites;
ALTER TABLE tenants DROP COLUMN pending_invites_of_members;

-- The advisory lock that orders the overlap's readers for one email.
CREATE FUNCTION counter_email_key(tenant_id BIGINT, email TEXT) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE AS $$ SELECT tenant_id * 1024 + (hashtext(email) & 1023) $$;

-- Adds deltas to this connection's stripe of each tenant in `d`, in
-- tenant order; a tenant that is gone (a cascade deleting it) is skipped.
CREATE FUNCTION add_to_counters(d tenant_counters[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tenant_counters AS c (tenant_id, stripe, active_members, listed_members, all_invites,
                                      pending_invites, pending_invites_of_members)
    SELECT x.tenant_id, pg_backend_pid() % 16, x.active_members, x.listed_members, x.all_invites,
           x.pending_invites, x.pending_invites_of_members
    FROM unnest(d) x
    WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = x.tenant_id)
      AND (x.active_members, x.listed_members, x.all_invites, x.pending_invites,
           x.pending_invites_of_members) <> (0, 0, 0, 0, 0)
    ORDER BY x.tenant_id
    ON CONFLICT (tenant_id, stripe) DO UPDATE SET
        active_members = c.active_members + EXCLUDED.active_members,
        listed_members = c.listed_members + EXCLUDED.listed_members,
        all_invites = c.all_invites + EXCLUDED.all_invites,
        pending_invites = c.pending_invites + EXCLUDED.pending_invites,
        pending_invites_of_members = c.pending_invites_of_members + EXCLUDED.pending_invites_of_members;
END $$;

-- Members: a change of status or a delete, per row; inserts per statement.
CREATE FUNCTION count_member(m members, sign INTEGER) RETURNS tenant_counters LANGUAGE plpgsql AS $$
DECLARE
    overlap BIGINT := 0;
BEGIN
    IF m.status = 'ACTIVE' THEN
        PERFORM pg_advisory_xact_lock(counter_email_key(m.tenant_id, a.email))
            FROM accounts a WHERE a.id = m.account_id;
        SELECT COUNT(*) INTO overlap FROM accounts a
            JOIN invites i ON i.tenant_id = m.tenant_id AND i.email = a.email AND i.status = 'pending'
            WHERE a.id = m.account_id;
    END IF;
    RETURN ROW(m.tenant_id, 0,
               sign * (CASE WHEN m.status = 'ACTIVE' THEN 1 ELSE 0 END),
               sign * (CASE WHEN m.status <> 'DELETED' THEN 1 ELSE 0 END),
               0, 0, sign * overlap)::tenant_counters;
END $$;
CREATE FUNCTION count_members() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_part tenant_counters;
    new_part tenant_counters;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM tenants WHERE id = OLD.tenant_id FOR KEY SHARE;
    old_part := count_member(OLD, -1);
    IF TG_OP = 'UPDATE' THEN
        new_part := count_member(NEW, 1);
        old_part.active_members := old_part.active_members + new_part.active_members;
        old_part.listed_members := old_part.listed_members + new_part.listed_members;
        old_part.pending_invites_of_members :=
            old_part.pending_invites_of_members + new_part.pending_invites_of_members;
    END IF;
    PERFORM add_to_counters(ARRAY[old_part]);
    RETURN NULL;
END $$;
CREATE TRIGGER members_counted AFTER DELETE OR UPDATE OF status ON members
    FOR EACH ROW EXECUTE FUNCTION count_members();

CREATE FUNCTION count_inserted_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tenants WHERE id IN (SELECT tenant_id FROM new_rows) ORDER BY id FOR KEY SHARE;
    PERFORM pg_advisory_xact_lock(k) FROM (
        SELECT DISTINCT counter_email_key(r.tenant_id, a.email) AS k
        FROM new_rows r JOIN accounts a ON a.id = r.account_id
        WHERE r.status = 'ACTIVE' ORDER BY 1) keys;
    PERFORM add_to_counters(ARRAY(
        SELECT ROW(r.tenant_id, 0,
                   COUNT(*) FILTER (WHERE r.status = 'ACTIVE'),
                   COUNT(*) FILTER (WHERE r.status <> 'DELETED'),
                   0, 0,
                   COUNT(*) FILTER (WHERE r.status = 'ACTIVE' AND EXISTS (
                       SELECT 1 FROM accounts a
                       JOIN invites i ON i.tenant_id = r.tenant_id AND i.email = a.email AND i.status = 'pending'
                       WHERE a.id = r.account_id)))::tenant_counters
        FROM new_rows r GROUP BY r.tenant_id));
    RETURN NULL;
END $$;
CREATE TRIGGER members_counted_insert AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_members();

-- Invitations: a change of status or a delete, per row; inserts per statement.
CREATE FUNCTION count_invite(i invites, sign INTEGER) RETURNS tenant_counters LANGUAGE plpgsql AS $$
DECLARE
    overlap BIGINT := 0;
BEGIN
    IF i.status = 'pending' THEN
        PERFORM pg_advisory_xact_lock(counter_email_key(i.tenant_id, i.email));
        SELECT COUNT(*) INTO overlap FROM accounts a
            JOIN members m ON m.account_id = a.id AND m.tenant_id = i.tenant_id AND m.status = 'ACTIVE'
            WHERE a.email = i.email;
    END IF;
    RETURN ROW(i.tenant_id, 0, 0, 0, 0,
               sign * (CASE WHEN i.status = 'pending' THEN 1 ELSE 0 END),
               sign * overlap)::tenant_counters;
END $$;
CREATE FUNCTION count_invites() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_part tenant_counters;
    new_part tenant_counters;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM tenants WHERE id = OLD.tenant_id FOR KEY SHARE;
    old_part := count_invite(OLD, -1);
    IF TG_OP = 'UPDATE' THEN
        new_part := count_invite(NEW, 1);
        old_part.pending_invites := old_part.pending_invites + new_part.pending_invites;
        old_part.pending_invites_of_members :=
            old_part.pending_invites_of_members + new_part.pending_invites_of_members;
    ELSE
        old_part.all_invites := -1;
    END IF;
    PERFORM add_to_counters(ARRAY[old_part]);
    RETURN NULL;
END $$;
CREATE TRIGGER invites_counted AFTER DELETE OR UPDATE OF status ON invites
    FOR EACH ROW EXECUTE FUNCTION count_invites();

CREATE FUNCTION count_inserted_invites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM tenants WHERE id IN (SELECT tenant_id FROM new_rows) ORDER BY id FOR KEY SHARE;
    PERFORM pg_advisory_xact_lock(k) FROM (
        SELECT DISTINCT counter_email_key(r.tenant_id, r.email) AS k
        FROM new_rows r WHERE r.status = 'pending' ORDER BY 1) keys;
    PERFORM add_to_counters(ARRAY(
        SELECT ROW(r.tenant_id, 0, 0, 0,
                   COUNT(*),
                   COUNT(*) FILTER (WHERE r.status = 'pending'),
                   COUNT(*) FILTER (WHERE r.status = 'pending' AND EXISTS (
                       SELECT 1 FROM accounts a
                       JOIN members m ON m.account_id = a.id AND m.tenant_id = r.tenant_id AND m.status = 'ACTIVE'
                       WHERE a.email = r.email)))::tenant_counters
        FROM new_rows r GROUP BY r.tenant_id));
    RETURN NULL;
END $$;
CREATE TRIGGER invites_counted_insert AFTER INSERT ON invites REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_invites();
