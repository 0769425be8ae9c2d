-- The tenants' counters move out of the tenant's row into `tenant_counters`,
-- as on PostgreSQL (see its migration of the same name, which needs the
-- stripes: there, one row per tenant made one tenant's writes wait for
-- each other). SQLite has one writer, so one stripe (0) is all it uses;
-- the tables are the same so that reading and repairing a counter is the
-- same statement on both databases (db::tenants).

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

DROP TRIGGER members_counted_insert;
DROP TRIGGER members_counted_update;
DROP TRIGGER members_counted_delete;
DROP TRIGGER invites_counted_insert;
DROP TRIGGER invites_counted_update;
DROP TRIGGER invites_counted_delete;

ALTER TABLE tenants DROP COLUMN active_members;
ALTER TABLE tenants DROP COLUMN listed_members;
ALTER TABLE tenants DROP COLUMN all_invites;
ALTER TABLE tenants DROP COLUMN pending_invites;
ALTER TABLE tenants DROP COLUMN pending_invites_of_members;

-- Each trigger adds its row's change to the tenant's stripe 0 (creating
-- it if a repair or a hand removed it); a tenant being deleted is skipped.

-- A member's pending invitation in its tenant (at most one: invites_one_pending_key).
CREATE TRIGGER members_counted_insert AFTER INSERT ON members BEGIN
    INSERT INTO tenant_counters (tenant_id, stripe, active_members, listed_members, pending_invites_of_members)
    SELECT NEW.tenant_id, 0, (NEW.status = 'ACTIVE'), (NEW.status <> 'DELETED'),
           CASE WHEN NEW.status = 'ACTIVE' THEN
               (SELECT COUNT(*) FROM accounts a JOIN invites i ON i.tenant_id = NEW.tenant_id AND i.email = a.email AND i.status = 'pending'
                WHERE a.id = NEW.account_id) ELSE 0 END
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id)
    ON CONFLICT (tenant_id, stripe) DO UPDATE SET
        active_members = active_members + excluded.active_members,
        listed_members = listed_members + excluded.listed_members,
        pending_invites_of_members = pending_invites_of_members + excluded.pending_invites_of_members;
END;
CREATE TRIGGER members_counted_update AFTER UPDATE OF status ON members WHEN OLD.status <> NEW.status BEGIN
    INSERT INTO tenant_counters (tenant_id, stripe, active_members, listed_members, pending_invites_of_members)
    SELECT NEW.tenant_id, 0, (NEW.status = 'ACTIVE') - (OLD.status = 'ACTIVE'),
           (NEW.status <> 'DELETED') - (OLD.status <> 'DELETED'),
           CASE WHEN (NEW.status = 'ACTIVE') <> (OLD.status = 'ACTIVE') THEN
               (CASE WHEN NEW.status = 'ACTIVE' THEN 1 ELSE -1 END) *
               (SELECT COUNT(*) FROM accounts a JOIN invites i ON i.tenant_id = NEW.tenant_id AND i.email = a.email AND i.status = 'pending'
                WHERE a.id = NEW.account_id) ELSE 0 END
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id)
    ON CONFLICT (tenant_id, stripe) DO UPDATE SET
        active_members = active_members + excluded.active_members,
        listed_members = listed_members + excluded.listed_members,
        pending_invites_of_members = pending_invites_of_members + excluded.pending_invites_of_members;
END;
CREATE TRIGGER members_counted_delete AFTER DELETE ON members BEGIN
    INSERT INTO tenant_counters (tenant_id, stripe, active_members, listed_members, pending_invites_of_members)
    SELECT OLD.tenant_id, 0, -(OLD.status = 'ACTIVE'), -(OLD.status <> 'DELETED'),
           CASE WHEN OLD.status = 'ACTIVE' THEN
               -(SELECT COUNT(*) FROM accounts a JOIN invites i ON i.tenant_id = OLD.tenant_id AND i.email = a.email AND i.status = 'pending'
                 WHERE a.id = OLD.account_id) ELSE 0 END
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id)
    ON CONFLICT (tenant_id, stripe) DO UPDATE SET
        active_members = active_members + excluded.active_members,
        listed_members = listed_members + excluded.listed_members,
        pending_invites_of_members = pending_invites_of_members + excluded.pending_invites_of_members;
END;

-- An invitation's email is an ACTIVE member of its tenant (0 or 1).
CREATE TRIGGER invites_counted_insert AFTER INSERT ON invites BEGIN
    INSERT INTO tenant_counters (tenant_id, stripe, all_invites, pending_invites, pending_invites_of_members)
    SELECT NEW.tenant_id, 0, 1, (NEW.status = 'pending'),
           CASE WHEN NEW.status = 'pending' THEN
               (SELECT COUNT(*) FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = NEW.tenant_id AND m.status = 'ACTIVE'
                WHERE a.email = NEW.email) ELSE 0 END
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id)
    ON CONFLICT (tenant_id, stripe) DO UPDATE SET
        all_invites = all_invites + excluded.all_invites,
        pending_invites = pending_invites + excluded.pending_invites,
        pending_invites_of_members = pending_invites_of_members + excluded.pending_invites_of_members;
END;
CREATE TRIGGER invites_counted_update AFTER UPDATE OF status ON invites WHEN OLD.status <> NEW.status BEGIN
    INSERT INTO tenant_counters (tenant_id, stripe, pending_invites, pending_invites_of_members)
    SELECT NEW.tenant_id, 0, (NEW.status = 'pending') - (OLD.status = 'pending'),
           CASE WHEN (NEW.status = 'pending') <> (OLD.status = 'pending') THEN
               (CASE WHEN NEW.status = 'pending' THEN 1 ELSE -1 END) *
               (SELECT COUNT(*) FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = NEW.tenant_id AND m.status = 'ACTIVE'
                WHERE a.email = NEW.email) ELSE 0 END
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = NEW.tenant_id)
    ON CONFLICT (tenant_id, stripe) DO UPDATE SET
        pending_invites = pending_invites + excluded.pending_invites,
        pending_invites_of_members = pending_invites_of_members + excluded.pending_invites_of_members;
END;
CREATE TRIGGER invites_counted_delete AFTER DELETE ON invites BEGIN
    INSERT INTO tenant_counters (tenant_id, stripe, all_invites, pending_invites, pending_invites_of_members)
    SELECT OLD.tenant_id, 0, -1, -(OLD.status = 'pending'),
           CASE WHEN OLD.status = 'pending' THEN
               -(SELECT COUNT(*) FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = OLD.tenant_id AND m.status = 'ACTIVE'
                 WHERE a.email = OLD.email) ELSE 0 END
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id)
    ON CONFLICT (tenant_id, stripe) DO UPDATE SET
        all_invites = all_invites + excluded.all_invites,
        pending_invites = pending_invites + excluded.pending_invites,
        pending_invites_of_members = pending_invites_of_members + excluded.pending_invites_of_members;
END;
