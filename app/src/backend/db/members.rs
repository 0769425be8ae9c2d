//! `members`: an account's record inside one tenant.

use sqlx::AnyConnection;

use super::RoleNames;
use super::exec::{self, Exec, parsed};
use crate::domain::MemberStatus;
use crate::dto::MemberInfo;
use crate::error::AppError;

/// A member with its account and organisation.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub id: i64,
    pub tenant_id: i64,
    pub account_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub status: MemberStatus,
    pub external_id: String,
    pub meta: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl MemberRow {
    /// [`member_columns`], in their order.
    fn decode(r: &dyn exec::Row) -> Result<Self, sqlx::Error> {
        Ok(MemberRow {
            id: r.int(0)?,
            tenant_id: r.int(1)?,
            account_id: r.int(2)?,
            email: r.text(3)?,
            first_name: r.text(4)?,
            last_name: r.text(5)?,
            roles: parsed(r, 6)?,
            organisation_id: r.opt_int(7)?,
            organisation_name: r.opt_text(8)?,
            status: parsed(r, 9)?,
            external_id: r.text(10)?,
            meta: r.text(11)?,
            created_at: r.int(12)?,
            updated_at: r.int(13)?,
        })
    }
}

impl From<MemberRow> for MemberInfo {
    fn from(r: MemberRow) -> Self {
        MemberInfo {
            id: r.id,
            tenant_id: r.tenant_id,
            account_id: r.account_id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            roles: r.roles.0,
            organisation_id: r.organisation_id,
            organisation_name: r.organisation_name,
            status: r.status,
            external_id: r.external_id,
            meta: serde_json::from_str(&r.meta).unwrap_or_else(|_| serde_json::json!({})),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A member's columns ([`MemberRow::decode`]), over `members m`,
/// `accounts a` and `organisations o`.
macro_rules! member_columns {
    () => {
        "m.id, m.tenant_id, m.account_id, a.email, a.first_name, a.last_name, m.roles, \
         m.organisation_id, o.name AS organisation_name, m.status, m.external_id, m.meta, m.created_at, m.updated_at"
    };
}

/// Members with their account and organisation; callers add the WHERE.
macro_rules! member_select {
    ($where:literal) => {
        concat!(
            "SELECT ",
            member_columns!(),
            " FROM members m JOIN accounts a ON a.id = m.account_id \
             LEFT JOIN organisations o ON o.id = m.organisation_id ",
            $where
        )
    };
}

pub async fn find(conn: &mut impl Exec, id: i64) -> Result<MemberInfo, AppError> {
    let row = conn
        .fetch_one(
            member_select!("WHERE m.id = $1"),
            &[id.into()],
            MemberRow::decode,
        )
        .await?;
    Ok(row.into())
}

/// A member of `tenant_id`; another tenant's member is not found.
pub async fn find_in_tenant(
    conn: &mut impl Exec,
    tenant_id: i64,
    id: i64,
) -> Result<MemberInfo, AppError> {
    let row = conn
        .fetch_optional(
            member_select!("WHERE m.tenant_id = $1 AND m.id = $2"),
            &[tenant_id.into(), id.into()],
            MemberRow::decode,
        )
        .await?;
    row.map(Into::into).ok_or(AppError::NotFound)
}

/// A filter over a tenant's members: status ('' = all but DELETED) and a
/// search over email and name.
pub struct MemberFilter<'a> {
    pub tenant_id: i64,
    pub status: &'a str,
    /// What to look for (trimmed, lower-case); '' for everyone.
    pub search: &'a str,
}

/// How a search is served: every way gives the same members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPlan {
    /// No search.
    None,
    /// SQLite, three characters or more: the FTS5 trigram index
    /// `accounts_search` finds the accounts, then each one's membership.
    Trigram,
    /// `LOWER(…) LIKE '%…%'`: on PostgreSQL served by the `pg_trgm` GIN
    /// indexes on the same expressions; on SQLite (one or two characters,
    /// which no trigram holds) a walk of the tenant's members.
    Like,
}

impl SearchPlan {
    pub fn of(conn: &impl Exec, search: &str) -> SearchPlan {
        if search.is_empty() {
            SearchPlan::None
        } else if conn.is_sqlite() && search.chars().count() >= 3 {
            SearchPlan::Trigram
        } else {
            SearchPlan::Like
        }
    }

    /// Whether the statement may stay prepared on its connection. A LIKE
    /// search may not: PostgreSQL plans a kept statement once for every
    /// pattern after its fifth run (a generic plan), guessing that 0.5 %
    /// of the accounts match, and with 100,000 members that plan walks
    /// them all (29 ms; 294 ms in `make bench`'s largest tenant) where the
    /// trigram index finds the eleven matches (0.7 ms, planning included).
    /// A statement prepared afresh is planned with its pattern.
    pub fn keeps_plan(self) -> bool {
        self != SearchPlan::Like
    }

    /// The search's bind value (`$3`).
    pub fn argument(self, search: &str) -> String {
        match self {
            SearchPlan::None => String::new(),
            // One FTS5 phrase: the text as it is, quotes doubled.
            SearchPlan::Trigram => format!("\"{}\"", search.replace('"', "\"\"")),
            SearchPlan::Like => super::like_pattern(search),
        }
    }

    /// FROM and WHERE for the members of `$1` with status `$2` matching
    /// `$3`; `join` is joined after the member's account.
    fn clauses(self, join: &str) -> String {
        let status = "(($2 = '' AND m.status <> 'DELETED') OR m.status = $2)";
        match self {
            SearchPlan::None => format!(
                "FROM members m JOIN accounts a ON a.id = m.account_id {join} \
                 WHERE m.tenant_id = $1 AND {status} AND $3 = ''"
            ),
            // CROSS JOIN: SQLite keeps this order, so the walk starts from
            // the index's matches, not from the tenant's members.
            SearchPlan::Trigram => format!(
                "FROM accounts_search CROSS JOIN members m JOIN accounts a ON a.id = m.account_id {join} \
                 WHERE accounts_search MATCH $3 AND m.tenant_id = $1 AND m.account_id = accounts_search.rowid AND {status}"
            ),
            SearchPlan::Like => format!(
                "FROM members m JOIN accounts a ON a.id = m.account_id {join} \
                 WHERE m.tenant_id = $1 AND {status} \
                 AND (LOWER(a.email) LIKE $3 ESCAPE '\\' OR LOWER(a.first_name || ' ' || a.last_name) LIKE $3 ESCAPE '\\')"
            ),
        }
    }
}

/// Totals are counted up to this many, then reported as `COUNT_CAP + 1`
/// ("more than"): a count costs at most that many rows, however large the
/// tenant.
pub const COUNT_CAP: i64 = 10_000;

/// The lists whose total is one of the tenant's counters when there is no
/// search: (status filter, counter). Everyone listed, or the ACTIVE members.
const COUNTED_LISTS: [(&str, &str); 2] = [("", "listed_members"), ("ACTIVE", "active_members")];

/// The counter holding this list's total, if one does.
fn counter_of(filter: &MemberFilter<'_>) -> Option<&'static str> {
    if !filter.search.is_empty() {
        return None;
    }
    COUNTED_LISTS
        .iter()
        .find(|(status, _)| *status == filter.status)
        .map(|(_, counter)| *counter)
}

/// Newest first; without a search, walking `members_tenant_created_idx`.
/// Each row also carries `counted_total`: the total of a list that is a
/// counter ([`COUNTED_LISTS`]) read from the tenant's stripes in the same
/// statement, else NULL (counted apart). A search is never a counter, so
/// its statement leaves the counters out: PostgreSQL parses and plans a
/// search afresh each time (see [`SearchPlan::keeps_plan`]), and the
/// counters' subqueries cost it ~0.1 ms of 1 ms (`pgbench`, 100,000
/// members).
pub fn list_sql(plan: SearchPlan) -> String {
    let counted: String = match plan {
        SearchPlan::None => {
            let cases: String = COUNTED_LISTS
                .iter()
                .map(|(status, counter)| {
                    format!(
                        "WHEN $3 = '' AND $2 = '{status}' THEN {} ",
                        super::tenants::counter_sum(counter, "$1")
                    )
                })
                .collect();
            format!("CASE {cases}END")
        }
        SearchPlan::Trigram | SearchPlan::Like => "CAST(NULL AS BIGINT)".to_owned(),
    };
    format!(
        "SELECT {}, {counted} AS counted_total \
         {} ORDER BY m.created_at DESC, m.id DESC LIMIT $4 OFFSET $5",
        member_columns!(),
        plan.clauses("LEFT JOIN organisations o ON o.id = m.organisation_id")
    )
}

/// The column after [`member_columns`] in [`list_sql`].
const COUNTED_TOTAL: usize = 14;

/// Counts up to [`COUNT_CAP`] + 1 matches.
pub fn count_sql(plan: SearchPlan) -> String {
    format!(
        "SELECT COUNT(*) FROM (SELECT 1 {} LIMIT {}) capped",
        plan.clauses(""),
        COUNT_CAP + 1
    )
}

pub async fn list_page(
    conn: &mut impl Exec,
    filter: &MemberFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<MemberInfo>, AppError> {
    Ok(list_page_counted(conn, filter, limit, offset).await?.0)
}

/// A page and the list's total. When a counter holds the total and the
/// page has rows, one statement reads both (see [`list_sql`]); an empty
/// page reads the counter apart. A page that is not full ends the list,
/// so it gives the total (most searches: a few matches, no count). Any
/// other list is counted.
pub async fn list_page_with_total(
    conn: &mut impl Exec,
    filter: &MemberFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<MemberInfo>, i64), AppError> {
    let (items, counted) = list_page_counted(conn, filter, limit, offset).await?;
    let counted = match (counted, counter_of(filter)) {
        (Some(n), _) => Some(n),
        (None, Some(counter)) => {
            conn.fetch_one(
                &format!("SELECT {}", super::tenants::counter_sum(counter, "$1")),
                &[filter.tenant_id.into()],
                |r| r.opt_int(0),
            )
            .await?
        }
        (None, None) => None,
    };
    let total = match counted.or_else(|| super::page_total(items.len(), limit, offset)) {
        Some(n) => n,
        None => count(conn, filter).await?,
    };
    Ok((items, total))
}

/// The binds of [`list_sql`] and [`count_sql`]: `$1`..`$3`, then `tail`.
fn filter_args<'a>(
    plan: SearchPlan,
    filter: &MemberFilter<'a>,
    tail: &[i64],
) -> Vec<exec::Arg<'a>> {
    let mut args = vec![
        filter.tenant_id.into(),
        filter.status.into(),
        plan.argument(filter.search).into(),
    ];
    args.extend(tail.iter().map(|&n| exec::Arg::from(n)));
    args
}

/// Runs a statement of `plan`, kept prepared when the plan allows it.
async fn fetch_planned<T: Send>(
    conn: &mut impl Exec,
    plan: SearchPlan,
    sql: &str,
    args: &[exec::Arg<'_>],
    decode: impl FnMut(&dyn exec::Row) -> Result<T, sqlx::Error> + Send,
) -> Result<Vec<T>, sqlx::Error> {
    if plan.keeps_plan() {
        conn.fetch_all(sql, args, decode).await
    } else {
        conn.fetch_all_fresh(sql, args, decode).await
    }
}

/// A page, and the list's total when a counter holds it and the page is
/// not empty (see [`list_sql`]): one statement for both.
async fn list_page_counted(
    conn: &mut impl Exec,
    filter: &MemberFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<MemberInfo>, Option<i64>), AppError> {
    let plan = SearchPlan::of(conn, filter.search);
    let args = filter_args(plan, filter, &[limit, offset]);
    let rows = fetch_planned(conn, plan, &list_sql(plan), &args, |r| {
        Ok((MemberRow::decode(r)?, r.opt_int(COUNTED_TOTAL)?))
    })
    .await?;
    let counted = rows.first().and_then(|(_, counted)| *counted);
    let items = rows.into_iter().map(|(row, _)| row.into()).collect();
    Ok((items, counted))
}

pub async fn count(conn: &mut impl Exec, filter: &MemberFilter<'_>) -> Result<i64, AppError> {
    let plan = SearchPlan::of(conn, filter.search);
    let args = filter_args(plan, filter, &[]);
    let counted = fetch_planned(conn, plan, &count_sql(plan), &args, |r| r.int(0)).await?;
    counted
        .into_iter()
        .next()
        .ok_or_else(|| sqlx::Error::RowNotFound.into())
}

/// Active members holding `extractor-manager`, served by
/// `members_tenant_status_idx`.
pub const ACTIVE_MANAGERS_SQL: &str = "SELECT id FROM members WHERE tenant_id = $1 AND status = 'ACTIVE' \
     AND roles LIKE '%\"extractor-manager\"%'";

pub async fn active_manager_ids(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(ACTIVE_MANAGERS_SQL)
        .bind(tenant_id)
        .fetch_all(conn)
        .await?)
}

/// Email and first name of the tenant's active managers (for mail to them).
pub async fn active_manager_contacts(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<(String, String, Option<String>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT a.email, a.first_name, a.locale FROM members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.tenant_id = $1 AND m.status = 'ACTIVE' AND m.roles LIKE '%\"extractor-manager\"%'",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?)
}

/// An account's membership of a tenant, for permission checks.
#[derive(Debug, Clone)]
pub struct Membership {
    pub id: i64,
    pub status: MemberStatus,
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
    /// Read along, so a service needing the name asks no second time.
    pub tenant_name: String,
}

impl Membership {
    /// [`MEMBERSHIP_SQL`]'s columns from column `at` on.
    fn decode_from(r: &dyn exec::Row, at: usize) -> Result<Self, sqlx::Error> {
        Ok(Membership {
            id: r.int(at)?,
            status: parsed(r, at + 1)?,
            roles: parsed(r, at + 2)?,
            organisation_id: r.opt_int(at + 3)?,
            tenant_name: r.text(at + 4)?,
        })
    }

    fn decode(r: &dyn exec::Row) -> Result<Self, sqlx::Error> {
        Self::decode_from(r, 0)
    }
}

pub const MEMBERSHIP_SQL: &str = "SELECT m.id, m.status, m.roles, m.organisation_id, t.name AS tenant_name \
     FROM members m JOIN tenants t ON t.id = m.tenant_id WHERE m.tenant_id = $1 AND m.account_id = $2";

pub async fn membership(
    conn: &mut impl Exec,
    tenant_id: i64,
    account_id: i64,
) -> Result<Option<Membership>, AppError> {
    Ok(conn
        .fetch_optional(
            MEMBERSHIP_SQL,
            &[tenant_id.into(), account_id.into()],
            Membership::decode,
        )
        .await?)
}

/// The ACTIVE memberships of account `$1`, two at most: enough to know
/// whether it has exactly one tenant, and which (by `members_account_idx`).
pub const SOLE_MEMBERSHIP_SQL: &str = "SELECT m.tenant_id, m.id, m.status, m.roles, \
     m.organisation_id, t.name AS tenant_name \
     FROM members m JOIN tenants t ON t.id = m.tenant_id \
     WHERE m.account_id = $1 AND m.status = 'ACTIVE' LIMIT 2";

/// A membership with its tenant (see [`SOLE_MEMBERSHIP_SQL`]).
#[derive(Debug, Clone)]
pub struct TenantMembership {
    pub tenant_id: i64,
    pub membership: Membership,
}

impl TenantMembership {
    fn decode(r: &dyn exec::Row) -> Result<Self, sqlx::Error> {
        Ok(TenantMembership {
            tenant_id: r.int(0)?,
            membership: Membership::decode_from(r, 1)?,
        })
    }
}

/// Up to two ACTIVE memberships of the account: none, its only one, or
/// a sign that it has several.
pub async fn sole_membership(
    conn: &mut impl Exec,
    account_id: i64,
) -> Result<Vec<TenantMembership>, AppError> {
    Ok(conn
        .fetch_all(
            SOLE_MEMBERSHIP_SQL,
            &[account_id.into()],
            TenantMembership::decode,
        )
        .await?)
}

/// Whether the tenant removed or disabled the person behind `$2`: a
/// DELETED or DISABLED member whose account is at the same mailbox
/// (`accounts.mailbox`, the address without its +tag), this account or
/// another.
pub const REMOVED_MAILBOX_SQL: &str = "SELECT m.id FROM accounts me \
     JOIN accounts a ON a.mailbox = me.mailbox \
     JOIN members m ON m.account_id = a.id AND m.tenant_id = $1 \
     WHERE me.id = $2 AND m.status IN ('DELETED', 'DISABLED') LIMIT 1";

pub async fn removed_mailbox(
    conn: &mut AnyConnection,
    tenant_id: i64,
    account_id: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(REMOVED_MAILBOX_SQL)
        .bind(tenant_id)
        .bind(account_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// The ACTIVE member of tenant `$1` whose account has email `$2`. The
/// account first (by its unique email), then its membership: CROSS JOIN
/// keeps SQLite from choosing to walk the tenant's members instead. A
/// macro so that other statements embed it as a subquery at compile time
/// (`db::invites::INVITE_CONTEXT_SQL`): one text for the rule.
macro_rules! active_by_email_sql {
    () => {
        "SELECT m.id FROM accounts a CROSS JOIN members m \
         WHERE a.email = $2 AND m.account_id = a.id AND m.tenant_id = $1 AND m.status = 'ACTIVE'"
    };
}
pub(crate) use active_by_email_sql;

pub const ACTIVE_BY_EMAIL_SQL: &str = active_by_email_sql!();

/// The ACTIVE member of `tenant_id` whose account has `email`.
pub async fn active_id_by_email(
    conn: &mut AnyConnection,
    tenant_id: i64,
    email: &str,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(ACTIVE_BY_EMAIL_SQL)
        .bind(tenant_id)
        .bind(email)
        .fetch_optional(conn)
        .await?)
}

/// A new member.
pub struct NewMember<'a> {
    pub tenant_id: i64,
    pub account_id: i64,
    pub roles: &'a RoleNames,
    pub organisation_id: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: NewMember<'_>,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO members (tenant_id, account_id, status, roles, organisation_id, meta, external_id, created_at, updated_at) \
         VALUES ($1, $2, 'ACTIVE', $3, $4, '{}', $5, $6, $6) RETURNING id",
    )
    .bind(new.tenant_id)
    .bind(new.account_id)
    .bind(new.roles.to_json())
    .bind(new.organisation_id)
    .bind(new.account_id.to_string())
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Makes a DELETED member ACTIVE again with new roles and organisation.
pub async fn reactivate(
    conn: &mut AnyConnection,
    id: i64,
    roles: &RoleNames,
    organisation_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE members SET status = 'ACTIVE', roles = $1, organisation_id = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(roles.to_json())
    .bind(organisation_id)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_roles(
    conn: &mut AnyConnection,
    id: i64,
    roles: &RoleNames,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE members SET roles = $1, updated_at = $2 WHERE id = $3")
        .bind(roles.to_json())
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets roles and organisation together (a provisioned member's groups
/// decide both).
pub async fn set_placement(
    conn: &mut AnyConnection,
    id: i64,
    roles: &RoleNames,
    organisation_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE members SET roles = $1, organisation_id = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(roles.to_json())
    .bind(organisation_id)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// ACTIVE, DISABLED or DELETED.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: MemberStatus,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE members SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The tenants where the account is ACTIVE.
pub async fn active_tenant_ids(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT tenant_id FROM members WHERE account_id = $1 AND status = 'ACTIVE'",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?)
}

/// A tenant the account is an ACTIVE member of, with its roles there.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantOfAccount {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
}

pub async fn tenants_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<TenantOfAccount>, AppError> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.name, m.roles FROM members m JOIN tenants t ON t.id = m.tenant_id \
         WHERE m.account_id = $1 AND m.status = 'ACTIVE' ORDER BY t.name, t.id",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?)
}

/// A membership of an account, with its tenant's name (`GET /api/v1/me`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipOfAccount {
    pub id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    #[sqlx(try_from = "String")]
    pub status: MemberStatus,
    pub organisation_id: Option<i64>,
}

pub const MEMBERSHIPS_OF_SQL: &str = "SELECT m.id, m.tenant_id, t.name AS tenant_name, m.roles, m.status, m.organisation_id \
     FROM members m JOIN tenants t ON t.id = m.tenant_id \
     WHERE m.account_id = $1 AND m.status <> 'DELETED' ORDER BY t.name, t.id";

/// The account's memberships that were not removed, active or disabled.
pub async fn memberships_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<MembershipOfAccount>, AppError> {
    Ok(sqlx::query_as(MEMBERSHIPS_OF_SQL)
        .bind(account_id)
        .fetch_all(conn)
        .await?)
}

/// How many members have each (status, role set): a handful of rows
/// however large the tenant.
pub async fn status_role_counts(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<(MemberStatus, String, i64)>, AppError> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT status, roles, COUNT(*) FROM members WHERE tenant_id = $1 GROUP BY status, roles",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(status, roles, n)| Ok((super::decode_word(status)?, roles, n)))
        .collect()
}

/// Members (not DELETED) in an organisation.
pub async fn count_in_organisation(
    conn: &mut AnyConnection,
    organisation_id: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM members WHERE organisation_id = $1 AND status <> 'DELETED'",
    )
    .bind(organisation_id)
    .fetch_one(conn)
    .await?)
}

pub async fn clear_organisation(
    conn: &mut AnyConnection,
    organisation_id: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE members SET organisation_id = NULL WHERE organisation_id = $1")
        .bind(organisation_id)
        .execute(conn)
        .await?;
    Ok(())
}
