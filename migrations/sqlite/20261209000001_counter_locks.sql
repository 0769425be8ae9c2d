-- PostgreSQL's migration of this version changes how its counter triggers
-- lock the tenant's row (FOR NO KEY UPDATE, see there). SQLite has no row
-- locks (a write transaction holds the database's one write lock), so
-- nothing changes here; the file keeps both databases' versions in step.
SELECT 1;
