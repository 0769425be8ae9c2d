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

CREATE TRIGGER tenants_counted_insert AFTER INSERT ON tenants BEGIN
    UPDATE instance_counts SET tenants = tenants + 1 WHERE id = 1;
END;
CREATE TRIGGER tenants_counted_delete AFTER DELETE ON tenants BEGIN
    UPDATE instance_counts SET tenants = tenants - 1 WHERE id = 1;
END;
CREATE TRIGGER accounts_counted_insert AFTER INSERT ON accounts BEGIN
    UPDATE instance_counts SET accounts = accounts + 1 WHERE id = 1;
END;
CREATE TRIGGER accounts_counted_delete AFTER DELETE ON accounts BEGIN
    UPDATE instance_counts SET accounts = accounts - 1 WHERE id = 1;
END;

-- A member's pending invitation in its tenant (at most one: invites_one_pending_key).
CREATE TRIGGER members_counted_insert AFTER INSERT ON members BEGIN
    UPDATE tenants SET
        active_members = active_members + (NEW.status = 'ACTIVE'),
        listed_members = listed_members + (NEW.status <> 'DELETED'),
        pending_invites_of_members = pending_invites_of_members + CASE WHEN NEW.status = 'ACTIVE' THEN
            (SELECT COUNT(*) FROM accounts a JOIN invites i ON i.tenant_id = NEW.tenant_id AND i.email = a.email AND i.status = 'pending'
             WHERE a.id = NEW.account_id) ELSE 0 END
    WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER members_counted_update AFTER UPDATE OF status ON members WHEN OLD.status <> NEW.status BEGIN
    UPDATE tenants SET
        active_members = active_members + (NEW.status = 'ACTIVE') - (OLD.status = 'ACTIVE'),
        listed_members = listed_members + (NEW.status <> 'DELETED') - (OLD.status <> 'DELETED'),
        pending_invites_of_members = pending_invites_of_members + CASE WHEN (NEW.status = 'ACTIVE') <> (OLD.status = 'ACTIVE') THEN
            (CASE WHEN NEW.status = 'ACTIVE' THEN 1 ELSE -1 END) *
            (SELECT COUNT(*) FROM accounts a JOIN invites i ON i.tenant_id = NEW.tenant_id AND i.email = a.email AND i.status = 'pending'
             WHERE a.id = NEW.account_id) ELSE 0 END
    WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER members_counted_delete AFTER DELETE ON members BEGIN
    UPDATE tenants SET
        active_members = active_members - (OLD.status = 'ACTIVE'),
        listed_members = listed_members - (OLD.status <> 'DELETED'),
        pending_invites_of_members = pending_invites_of_members - CASE WHEN OLD.status = 'ACTIVE' THEN
            (SELECT COUNT(*) FROM accounts a JOIN invites i ON i.tenant_id = OLD.tenant_id AND i.email = a.email AND i.status = 'pending'
             WHERE a.id = OLD.account_id) ELSE 0 END
    WHERE id = OLD.tenant_id;
END;

-- An invitation's email is an ACTIVE member of its tenant (0 or 1).
CREATE TRIGGER invites_counted_insert AFTER INSERT ON invites BEGIN
    UPDATE tenants SET
        all_invites = all_invites + 1,
        pending_invites = pending_invites + (NEW.status = 'pending'),
        pending_invites_of_members = pending_invites_of_members + CASE WHEN NEW.status = 'pending' THEN
            (SELECT COUNT(*) FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = NEW.tenant_id AND m.status = 'ACTIVE'
             WHERE a.email = NEW.email) ELSE 0 END
    WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER invites_counted_update AFTER UPDATE OF status ON invites WHEN OLD.status <> NEW.status BEGIN
    UPDATE tenants SET
        pending_invites = pending_invites + (NEW.status = 'pending') - (OLD.status = 'pending'),
        pending_invites_of_members = pending_invites_of_members + CASE WHEN (NEW.status = 'pending') <> (OLD.status = 'pending') THEN
            (CASE WHEN NEW.status = 'pending' THEN 1 ELSE -1 END) *
            (SELECT COUNT(*) FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = NEW.tenant_id AND m.status = 'ACTIVE'
             WHERE a.email = NEW.email) ELSE 0 END
    WHERE id = NEW.tenant_id;
END;
CREATE TRIGGER invites_counted_delete AFTER DELETE ON invites BEGIN
    UPDATE tenants SET
        all_invites = all_invites - 1,
        pending_invites = pending_invites - (OLD.status = 'pending'),
        pending_invites_of_members = pending_invites_of_members - CASE WHEN OLD.status = 'pending' THEN
            (SELECT COUNT(*) FROM accounts a JOIN members m ON m.account_id = a.id AND m.tenant_id = OLD.tenant_id AND m.status = 'ACTIVE'
             WHERE a.email = OLD.email) ELSE 0 END
    WHERE id = OLD.tenant_id;
END;
