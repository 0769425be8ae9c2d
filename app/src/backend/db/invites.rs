//! `invites`: offers for an email address to join a tenant. A pending
//! invitation past `expired_at` is expired to every reader ([`status_at`]);
//! the periodic sweep records it ([`expire_due`]).

use sqlx::AnyConnection;

use super::RoleNames;
use super::exec::{Arg, Exec, Row, parsed};
use crate::domain::InviteStatus;
use crate::dto::InviteInfo;
use crate::error::AppError;

/// The status every reader sees: a pending invitation past its expiry is
/// expired, whether or not the sweep has recorded it yet. Reads never
/// write.
pub fn status_at(status: InviteStatus, expired_at: i64, now: i64) -> InviteStatus {
    if status == InviteStatus::Pending && expired_at <= now {
        InviteStatus::Expired
    } else {
        status
    }
}

/// An invitation as managers see it ([`COLUMNS`]).
#[derive(Debug, Clone)]
pub struct InviteRow {
    pub id: i64,
    pub tenant_id: i64,
    pub email: String,
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
    pub status: InviteStatus,
    pub expired_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub send_email: i64,
}

impl InviteRow {
    fn decode(r: &dyn Row) -> Result<Self, sqlx::Error> {
        Ok(InviteRow {
            id: r.int(0)?,
            tenant_id: r.int(1)?,
            email: r.text(2)?,
            roles: parsed(r, 3)?,
            organisation_id: r.opt_int(4)?,
            status: parsed(r, 5)?,
            expired_at: r.int(6)?,
            created_at: r.int(7)?,
            updated_at: r.int(8)?,
            send_email: r.int(9)?,
        })
    }

    /// The wire form, with the status as of `now`.
    pub fn info(self, now: i64) -> InviteInfo {
        InviteInfo {
            id: self.id,
            tenant_id: self.tenant_id,
            email: self.email,
            roles: self.roles.0,
            organisation_id: self.organisation_id,
            status: status_at(self.status, self.expired_at, now),
            expired_at: self.expired_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            send_email: self.send_email != 0,
        }
    }
}

const COLUMNS: &str = "id, tenant_id, email, roles, organisation_id, status, expired_at, created_at, updated_at, send_email";

pub async fn find_in_tenant(
    conn: &mut impl Exec,
    tenant_id: i64,
    id: i64,
) -> Result<Option<InviteRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM invites WHERE id = $1 AND tenant_id = $2");
    Ok(conn
        .fetch_optional(&sql, &[id.into(), tenant_id.into()], InviteRow::decode)
        .await?)
}

/// Which invitations a list shows, by the status readers see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown<'a> {
    All,
    /// Pending and not past its expiry.
    Pending,
    /// Pending, expiring before `ListFilter::expiring_before`.
    Expiring,
    /// Marked expired, or pending past its expiry.
    Expired,
    /// A stored status (accepted, declined, revoked).
    Stored(&'a str),
}

/// What a list of a tenant's invitations filters by.
#[derive(Debug, Clone, Copy)]
pub struct ListFilter<'a> {
    pub tenant_id: i64,
    pub shown: Shown<'a>,
    /// The beginning of the address (lowercase); '' for any.
    pub email_prefix: &'a str,
    /// 0 = every organisation.
    pub organisation: i64,
    pub now: i64,
    pub expiring_before: i64,
}

/// The WHERE clause of a filter and its arguments, numbered from `$1`.
/// Only the fragments a filter needs are in it, so each variant is planned
/// on its own index: (tenant, created) for all, (tenant, status, created)
/// for a status, (tenant, email) for an address prefix.
pub fn filter_sql(f: &ListFilter<'_>) -> (String, Vec<Arg<'static>>) {
    let mut args = vec![Arg::from(f.tenant_id)];
    let mut sql = String::from("WHERE tenant_id = $1");
    let mut arg = |a: Arg<'static>| {
        args.push(a);
        format!("${}", args.len())
    };
    match f.shown {
        Shown::All => {}
        Shown::Pending => {
            let now = arg(Arg::from(f.now));
            // `+expired_at`: not a range on (tenant, expiry), whose rows
            // would all be sorted for each page (177 ms at 225,000 pending
            // against 0.08 ms), but a filter on the walk of (tenant,
            // status, created), newest first, that stops at the page.
            sql += &format!(" AND status = 'pending' AND +expired_at > {now}");
        }
        Shown::Expiring => {
            let now = arg(Arg::from(f.now));
            let soon = arg(Arg::from(f.expiring_before));
            sql +=
                &format!(" AND status = 'pending' AND expired_at > {now} AND expired_at <= {soon}");
        }
        Shown::Expired => {
            let now = arg(Arg::from(f.now));
            sql += &format!(
                " AND (status = 'expired' OR (status = 'pending' AND expired_at <= {now}))"
            );
        }
        Shown::Stored(status) => {
            let status = arg(Arg::from(status.to_owned()));
            sql += &format!(" AND status = {status}");
        }
    }
    if f.organisation != 0 {
        let org = arg(Arg::from(f.organisation));
        sql += &format!(" AND organisation_id = {org}");
    }
    if let Some(last) = f.email_prefix.chars().last() {
        // The range serves it from the index; the `substr` keeps it exact
        // under any collation.
        let mut upper = f.email_prefix.to_owned();
        upper.pop();
        upper.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
        let low = arg(Arg::from(f.email_prefix.to_owned()));
        let high = arg(Arg::from(upper));
        sql += &format!(
            " AND email >= {low} AND email < {high} AND substr(email, 1, length({low})) = {low}"
        );
    }
    (sql, args)
}

/// A page of the list, newest first, and its arguments.
pub fn list_sql(f: &ListFilter<'_>, limit: i64, offset: i64) -> (String, Vec<Arg<'static>>) {
    let (filter, mut args) = filter_sql(f);
    let n = args.len();
    args.extend([Arg::from(limit), Arg::from(offset)]);
    (
        format!(
            "SELECT {COLUMNS} FROM invites {filter} ORDER BY created_at DESC, id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ),
        args,
    )
}

/// Counts the matches up to `cap` + 1 (more than `cap`: reported as such).
pub fn count_sql(f: &ListFilter<'_>, cap: i64) -> (String, Vec<Arg<'static>>) {
    let (filter, args) = filter_sql(f);
    (
        format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM invites {filter} LIMIT {}) capped",
            cap + 1
        ),
        args,
    )
}

pub async fn list_page(
    conn: &mut impl Exec,
    filter: &ListFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<InviteRow>, AppError> {
    let (sql, args) = list_sql(filter, limit, offset);
    Ok(conn.fetch_all(&sql, &args, InviteRow::decode).await?)
}

pub async fn count(
    conn: &mut impl Exec,
    filter: &ListFilter<'_>,
    cap: i64,
) -> Result<i64, AppError> {
    let (sql, args) = count_sql(filter, cap);
    Ok(conn.fetch_one(&sql, &args, |r| r.int(0)).await?)
}

/// What an invitation offered, to offer it again.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferRow {
    pub email: String,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
    pub message: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub redirect_url: Option<String>,
    pub url: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: InviteStatus,
    pub expired_at: i64,
    pub locale: Option<String>,
}

pub async fn offer_in_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> Result<Option<OfferRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT email, roles, organisation_id, message, first_name, last_name, redirect_url, url, status, expired_at, locale \
         FROM invites WHERE id = $1 AND tenant_id = $2",
    )
    .bind(id)
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

/// The pending invitation of an address in a tenant (at most one, by the
/// unique index `invites_one_pending_key`), read by [`invite_context`].
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub id: i64,
    pub expired_at: i64,
    pub organisation_id: Option<i64>,
    pub roles: RoleNames,
}

/// What inviting address `$2` into tenant `$1` must know, in one read
/// (each its own index: the ACTIVE member at that address, the address's
/// pending invitation by `invites_one_pending_key`, the account's
/// language, and the tenant's default language and seat limit). No row:
/// no such tenant.
pub const INVITE_CONTEXT_SQL: &str = concat!(
    "SELECT (",
    super::members::active_by_email_sql!(),
    ") AS active_member_id, \
     (SELECT a.locale FROM accounts a WHERE a.email = $2) AS account_locale, \
     t.default_locale, t.seat_limit, \
     p.id AS pending_id, p.expired_at AS pending_expired_at, \
     p.organisation_id AS pending_organisation_id, p.roles AS pending_roles \
     FROM tenants t LEFT JOIN invites p ON p.tenant_id = t.id AND p.email = $2 AND p.status = 'pending' \
     WHERE t.id = $1"
);

/// The answer of [`INVITE_CONTEXT_SQL`].
#[derive(Debug, Clone)]
pub struct InviteContext {
    /// The ACTIVE member whose account has the address, if any.
    pub active_member_id: Option<i64>,
    /// The language the account at the address prefers, if any.
    pub account_locale: Option<String>,
    /// The tenant's default language, if set.
    pub default_locale: Option<String>,
    /// The tenant's seat limit, if any.
    pub seat_limit: Option<i64>,
    pending_id: Option<i64>,
    pending_expired_at: Option<i64>,
    pending_organisation_id: Option<i64>,
    pending_roles: Option<String>,
}

impl InviteContext {
    fn decode(r: &dyn Row) -> Result<Self, sqlx::Error> {
        Ok(InviteContext {
            active_member_id: r.opt_int(0)?,
            account_locale: r.opt_text(1)?,
            default_locale: r.opt_text(2)?,
            seat_limit: r.opt_int(3)?,
            pending_id: r.opt_int(4)?,
            pending_expired_at: r.opt_int(5)?,
            pending_organisation_id: r.opt_int(6)?,
            pending_roles: r.opt_text(7)?,
        })
    }

    /// The address's pending invitation in the tenant, if any.
    pub fn pending(&self) -> Result<Option<PendingRow>, AppError> {
        let (Some(id), Some(expired_at), Some(roles)) = (
            self.pending_id,
            self.pending_expired_at,
            self.pending_roles.clone(),
        ) else {
            return Ok(None);
        };
        Ok(Some(PendingRow {
            id,
            expired_at,
            organisation_id: self.pending_organisation_id,
            roles: RoleNames::try_from(roles)
                .map_err(|e| AppError::internal("a pending invitation's roles", &e))?,
        }))
    }
}

/// See [`INVITE_CONTEXT_SQL`].
pub async fn invite_context(
    conn: &mut impl Exec,
    tenant_id: i64,
    email: &str,
) -> Result<Option<InviteContext>, AppError> {
    Ok(conn
        .fetch_optional(
            INVITE_CONTEXT_SQL,
            &[tenant_id.into(), email.into()],
            InviteContext::decode,
        )
        .await?)
}

/// The fields of an invitation that a create or a refresh sets.
pub struct InviteFields<'a> {
    pub roles: &'a RoleNames,
    pub organisation_id: Option<i64>,
    pub message: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub redirect_url: Option<&'a str>,
    pub url: Option<&'a str>,
    pub token_hash: &'a str,
    pub expired_at: i64,
    pub invited_by: i64,
    /// Whether the new token is mailed to the address.
    pub send_email: bool,
    /// Its language: set on create; on a refresh, kept unless given.
    pub locale: Option<&'a str>,
}

pub async fn insert(
    conn: &mut impl Exec,
    tenant_id: i64,
    email: &str,
    f: &InviteFields<'_>,
    now: i64,
) -> Result<i64, AppError> {
    Ok(conn
        .fetch_one(
            "INSERT INTO invites (tenant_id, email, roles, organisation_id, message, first_name, last_name, redirect_url, url, \
             token_hash, status, expired_at, invited_by, send_email, token_mailed, created_at, updated_at, locale) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, $13, $13, $14, $14, $15) RETURNING id",
            &[
                tenant_id.into(),
                email.into(),
                f.roles.to_json().into(),
                f.organisation_id.into(),
                f.message.into(),
                f.first_name.into(),
                f.last_name.into(),
                f.redirect_url.into(),
                f.url.into(),
                f.token_hash.into(),
                f.expired_at.into(),
                f.invited_by.into(),
                f.send_email.into(),
                now.into(),
                f.locale.into(),
            ],
            |r| r.int(0),
        )
        .await?)
}

/// Refreshes a pending invitation: new token and expiry, the given fields
/// merged over the stored ones; the old link is kept as replaced.
pub async fn refresh(
    conn: &mut impl Exec,
    id: i64,
    f: &InviteFields<'_>,
    now: i64,
) -> Result<(), AppError> {
    conn.execute("UPDATE invites SET roles = $1, organisation_id = COALESCE($2, organisation_id), \
         message = COALESCE($3, message), first_name = COALESCE($4, first_name), last_name = COALESCE($5, last_name), \
         redirect_url = COALESCE($6, redirect_url), url = COALESCE($7, url), previous_token_hash = token_hash, token_hash = $8, \
         expired_at = $9, invited_by = $10, send_email = $11, token_mailed = $11, updated_at = $12, \
         locale = COALESCE($14, locale) WHERE id = $13", &[f.roles.to_json().into(), f.organisation_id.into(), f.message.into(), f.first_name.into(), f.last_name.into(), f.redirect_url.into(), f.url.into(), f.token_hash.into(), f.expired_at.into(), f.invited_by.into(), i64::from(f.send_email).into(), now.into(), id.into(), f.locale.into()]).await?;
    Ok(())
}

/// The language of the invitation whose current link has `token_hash`.
pub async fn locale_by_token_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT locale FROM invites WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

/// The acceptance page URL stored for an invitation (None: the default).
pub async fn url(conn: &mut impl Exec, id: i64) -> Result<Option<String>, AppError> {
    Ok(conn
        .fetch_one("SELECT url FROM invites WHERE id = $1", &[id.into()], |r| {
            r.opt_text(0)
        })
        .await?)
}

/// A new token and expiry (resend, copy link); `mailed` says whether the
/// new token goes out by mail. Returns the stored URL.
pub async fn reissue(
    conn: &mut AnyConnection,
    id: i64,
    token_hash: &str,
    expired_at: i64,
    mailed: bool,
    now: i64,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE invites SET previous_token_hash = token_hash, token_hash = $1, expired_at = $2, updated_at = $3, \
         token_mailed = $4 WHERE id = $5 RETURNING url",
    )
    .bind(token_hash)
    .bind(expired_at)
    .bind(now)
    .bind(i64::from(mailed))
    .bind(id)
    .fetch_one(conn)
    .await?)
}

/// Ends an invitation: `revoked` or `expired`.
pub async fn set_status(
    conn: &mut impl Exec,
    id: i64,
    status: InviteStatus,
    now: i64,
) -> Result<(), AppError> {
    conn.execute(
        "UPDATE invites SET status = $1, updated_at = $2 WHERE id = $3",
        &[status.as_str().into(), now.into(), id.into()],
    )
    .await?;
    Ok(())
}

/// What the invitation mail needs.
#[derive(Debug, Clone)]
pub struct MailDetails {
    pub email: String,
    pub roles: RoleNames,
    pub message: Option<String>,
    pub expired_at: i64,
    pub tenant_name: String,
    pub organisation_name: Option<String>,
    /// Who sent the invitation.
    pub inviter: String,
    /// Its language (SPEC §12).
    pub locale: Option<String>,
}

impl MailDetails {
    fn decode(r: &dyn Row) -> Result<Self, sqlx::Error> {
        Ok(MailDetails {
            email: r.text(0)?,
            roles: parsed(r, 1)?,
            message: r.opt_text(2)?,
            expired_at: r.int(3)?,
            tenant_name: r.text(4)?,
            organisation_name: r.opt_text(5)?,
            inviter: r.text(6)?,
            locale: r.opt_text(7)?,
        })
    }
}

/// A pending invitation whose mailed link is due a reminder.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueReminder {
    pub id: i64,
    pub url: Option<String>,
}

/// Pending, mailed, not reminded yet, expiring in `($1, $2]`: a range of
/// `invites_pending_expiry_idx`.
pub const DUE_REMINDERS_SQL: &str = "SELECT id, url FROM invites \
     WHERE status = 'pending' AND expired_at > $1 AND expired_at <= $2 \
       AND reminded_at IS NULL AND send_email <> 0 AND token_mailed <> 0 \
     ORDER BY expired_at LIMIT $3";

pub async fn due_reminders(
    conn: &mut AnyConnection,
    now: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<DueReminder>, AppError> {
    Ok(sqlx::query_as(DUE_REMINDERS_SQL)
        .bind(now)
        .bind(until)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Records the reminder and puts in the new link's hash (the expiry stays);
/// false when another instance reminded first or the invitation ended.
pub async fn mark_reminded(
    conn: &mut AnyConnection,
    id: i64,
    token_hash: &str,
    now: i64,
) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "UPDATE invites SET reminded_at = $1, previous_token_hash = token_hash, token_hash = $2, \
         token_mailed = 1, updated_at = $1 \
         WHERE id = $3 AND status = 'pending' AND reminded_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn mail_details(conn: &mut impl Exec, id: i64) -> Result<MailDetails, AppError> {
    Ok(conn.fetch_one("SELECT i.email, i.roles, i.message, i.expired_at, t.name AS tenant_name, o.name AS organisation_name, \
         COALESCE(a.first_name || ' ' || a.last_name, 'A manager') AS inviter, i.locale \
         FROM invites i JOIN tenants t ON t.id = i.tenant_id \
         LEFT JOIN organisations o ON o.id = i.organisation_id \
         LEFT JOIN accounts a ON a.id = i.invited_by WHERE i.id = $1", &[id.into()], MailDetails::decode).await?)
}

/// The invitation behind a token, as the acceptance page shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PreviewRow {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub inviter: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    pub expired_at: i64,
    #[sqlx(try_from = "String")]
    pub status: InviteStatus,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub message: Option<String>,
    pub token_hash: String,
    pub organisation_name: Option<String>,
}

pub const PREVIEW_SQL: &str = "SELECT i.tenant_id, t.name AS tenant_name, COALESCE(a.first_name || ' ' || a.last_name, 'A manager') AS inviter, \
                i.email, i.roles, i.expired_at, i.status, i.first_name, i.last_name, i.message, i.token_hash, o.name AS organisation_name \
         FROM invites i JOIN tenants t ON t.id = i.tenant_id LEFT JOIN accounts a ON a.id = i.invited_by \
         LEFT JOIN organisations o ON o.id = i.organisation_id \
         WHERE i.token_hash = $1";

pub async fn preview(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<PreviewRow>, AppError> {
    Ok(sqlx::query_as(PREVIEW_SQL)
        .bind(token_hash)
        .fetch_optional(conn)
        .await?)
}

/// An invitation just claimed for acceptance.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedRow {
    pub id: i64,
    pub tenant_id: i64,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    pub organisation_id: Option<i64>,
    pub redirect_url: Option<String>,
    /// 1 when the token went out in a mail to the invited address.
    pub token_mailed: i64,
    /// Its language: a new account made by accepting it gets it as its
    /// preference.
    pub locale: Option<String>,
}

pub const CLAIM_BY_TOKEN_SQL: &str = "UPDATE invites SET status = 'accepted', updated_at = $1 \
         WHERE token_hash = $2 AND status = 'pending' AND expired_at > $1 RETURNING id, tenant_id, email, roles, organisation_id, redirect_url, token_mailed, locale";

/// Claims the pending, unexpired invitation behind a token: one
/// conditional UPDATE, so of N concurrent claims exactly one wins.
pub async fn claim_by_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<ClaimedRow>, AppError> {
    Ok(sqlx::query_as(CLAIM_BY_TOKEN_SQL)
        .bind(now)
        .bind(token_hash)
        .fetch_optional(conn)
        .await?)
}

pub const CLAIM_NEWEST_FOR_EMAIL_SQL: &str = "UPDATE invites SET status = 'accepted', updated_at = $1 WHERE id = ( \
           SELECT id FROM invites WHERE email = $2 AND status = 'pending' AND expired_at > $1 \
             AND ($3 = 0 OR id = $3) \
           ORDER BY created_at DESC, id DESC LIMIT 1) \
         AND status = 'pending' RETURNING id, tenant_id, email, roles, organisation_id, redirect_url, token_mailed, locale";

/// Claims the newest pending, unexpired invitation for an email (any
/// tenant), or with `only`, that one if it is the email's; served by
/// `invites_email_status_idx`.
pub async fn claim_newest_for_email(
    conn: &mut AnyConnection,
    email: &str,
    only: Option<i64>,
    now: i64,
) -> Result<Option<ClaimedRow>, AppError> {
    Ok(sqlx::query_as(CLAIM_NEWEST_FOR_EMAIL_SQL)
        .bind(now)
        .bind(email)
        .bind(only.unwrap_or(0))
        .fetch_optional(conn)
        .await?)
}

/// A pending, unexpired invitation to an email, as its invitee sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WaitingRow {
    pub id: i64,
    pub tenant_name: String,
    #[sqlx(try_from = "String")]
    pub roles: RoleNames,
    pub expired_at: i64,
}

pub const WAITING_FOR_EMAIL_SQL: &str = "SELECT i.id, t.name AS tenant_name, i.roles, i.expired_at \
     FROM invites i JOIN tenants t ON t.id = i.tenant_id \
     WHERE i.email = $1 AND i.status = 'pending' AND i.expired_at > $2 \
     ORDER BY i.created_at DESC, i.id DESC LIMIT $3";

/// The newest `limit` invitations waiting for `email` (any tenant), served
/// by `invites_email_status_idx`.
pub async fn waiting_for_email(
    conn: &mut AnyConnection,
    email: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<WaitingRow>, AppError> {
    Ok(sqlx::query_as(WAITING_FOR_EMAIL_SQL)
        .bind(email)
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// The stored status and expiry of the invitation behind a token.
pub async fn status_by_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(InviteStatus, i64)>, AppError> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT status, expired_at FROM invites WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(conn)
            .await?;
    row.map(|(status, expired_at)| Ok((super::decode_word(status)?, expired_at)))
        .transpose()
}

/// The invitation whose last replaced link is `$1`: through the partial
/// index of replaced links (`= $1` implies `IS NOT NULL` to both planners).
pub const REPLACED_LINK_SQL: &str = "SELECT id FROM invites WHERE previous_token_hash = $1";

/// Whether a token is the last link a resend or refresh replaced.
pub async fn is_replaced(conn: &mut AnyConnection, token_hash: &str) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(REPLACED_LINK_SQL)
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn set_accepted_by(
    conn: &mut AnyConnection,
    id: i64,
    account_id: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE invites SET accepted_by = $1 WHERE id = $2")
        .bind(account_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Declines the pending invitation behind a token for `email`; returns
/// (id, tenant).
pub async fn decline(
    conn: &mut AnyConnection,
    token_hash: &str,
    email: &str,
    now: i64,
) -> Result<Option<(i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "UPDATE invites SET status = 'declined', updated_at = $1 \
         WHERE token_hash = $2 AND status = 'pending' AND expired_at > $1 AND email = $3 RETURNING id, tenant_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(email)
    .fetch_optional(conn)
    .await?)
}

/// The sweep: records the expiry of up to `$2` pending invitations past
/// their date and returns them (each one once, whichever instance runs it:
/// the status condition decides). Served by the partial index
/// `invites_pending_expiry_idx`, so its cost follows the invitations that
/// expired, not the table.
pub fn expire_due_sql() -> String {
    format!(
        "UPDATE invites SET status = 'expired', updated_at = $1 \
         WHERE id IN (SELECT id FROM invites WHERE status = 'pending' AND expired_at <= $1 ORDER BY expired_at LIMIT $2) \
           AND status = 'pending' RETURNING {COLUMNS}"
    )
}

pub async fn expire_due(
    conn: &mut impl Exec,
    now: i64,
    batch: i64,
) -> Result<Vec<InviteRow>, AppError> {
    Ok(conn
        .fetch_all(
            &expire_due_sql(),
            &[now.into(), batch.into()],
            InviteRow::decode,
        )
        .await?)
}

/// Invitations of a tenant created since `since`, counted by week and by
/// the status readers see: (week index, status, count).
pub const FUNNEL_SQL: &str = "SELECT (created_at - $2) / $3 AS week, \
       CASE WHEN status = 'pending' AND expired_at <= $4 THEN 'expired' ELSE status END AS seen, COUNT(*) AS n \
     FROM invites WHERE tenant_id = $1 AND created_at >= $2 GROUP BY 1, 2";

pub async fn funnel(
    conn: &mut AnyConnection,
    tenant_id: i64,
    since: i64,
    week_ms: i64,
    now: i64,
) -> Result<Vec<(i64, InviteStatus, i64)>, AppError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(FUNNEL_SQL)
        .bind(tenant_id)
        .bind(since)
        .bind(week_ms)
        .bind(now)
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|(week, status, n)| Ok((week, super::decode_word(status)?, n)))
        .collect()
}

pub const ANY_IN_TENANT_SQL: &str = "SELECT id FROM invites WHERE tenant_id = $1 LIMIT 1";

/// Whether the tenant has any invitation at all (served by the tenant index).
pub async fn any_in_tenant(conn: &mut AnyConnection, tenant_id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(ANY_IN_TENANT_SQL)
        .bind(tenant_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

pub async fn count_pending_in_organisation(
    conn: &mut AnyConnection,
    organisation_id: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM invites WHERE organisation_id = $1 AND status = 'pending'",
    )
    .bind(organisation_id)
    .fetch_one(conn)
    .await?)
}

pub async fn clear_organisation(
    conn: &mut AnyConnection,
    organisation_id: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE invites SET organisation_id = NULL WHERE organisation_id = $1")
        .bind(organisation_id)
        .execute(conn)
        .await?;
    Ok(())
}
