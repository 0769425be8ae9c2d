//! Join requests (SPEC §12): a verified person asks to join a tenant by
//! its domain (policy `request`) or a request-mode shareable link, with an
//! optional message; a tenant manager approves (roles adjustable, seats
//! checked then, admitted through `membership::admit`) or denies, and the
//! person is mailed the decision. One pending request per person and
//! tenant; requests expire after [`REQUEST_TTL_MS`]; managers get at most
//! one digest mail an hour; whoever was removed stays out.

use serde_json::json;
use sqlx::AnyConnection;

use crate::backend::access::accounts::AccountRow;
use crate::backend::access::actor::Actor;
use crate::backend::audit::{self, AuditActor};
use crate::backend::config::rate_limits::Bucket;
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::delivery::mail;
use crate::backend::languages;
use crate::backend::onboarding::membership::{self, Admission, Via};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, JoinRequestStatus, Role, RoleScope};
use crate::dto::{JoinRequestInfo, Page};
use crate::error::AppError;

/// How long a request waits for a manager.
pub const REQUEST_TTL_MS: i64 = 30 * 24 * 3_600_000;
/// Managers hear of new requests at most once in this time.
pub const DIGEST_INTERVAL_MS: i64 = 3_600_000;
/// The longest message a person may add.
pub const MESSAGE_MAX_CHARS: usize = 1_000;

/// Checks the optional message: at most [`MESSAGE_MAX_CHARS`], no control
/// characters but line breaks and tabs.
pub fn check_message(message: &str) -> Result<String, AppError> {
    let message = message.trim();
    if message.chars().count() > MESSAGE_MAX_CHARS {
        return Err(AppError::field(
            "message",
            format!("Keep the message under {MESSAGE_MAX_CHARS} characters."),
        ));
    }
    if message
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::field(
            "message",
            "The message contains control characters.",
        ));
    }
    Ok(message.to_owned())
}

/// Where a request came from: what it offers, and for the audit.
pub(crate) struct Source<'a> {
    pub tenant_id: i64,
    /// `domain` or `link`.
    pub via: &'static str,
    pub source_id: i64,
    pub roles: &'a RoleNames,
    pub organisation_id: Option<i64>,
}

/// Counts an attempt to ask against the person's cap (10 an hour across
/// every tenant). Called before the filing transaction begins: the
/// limiter writes on a connection of its own.
pub(crate) async fn count_attempt(state: &AppState, account: &AccountRow) -> Result<(), AppError> {
    state
        .limiter
        .hit(Bucket::JoinRequestsAccount, &account.id.to_string())
        .await
}

/// Files `account`'s request on the caller's transaction (the caller
/// checked the source admits the account and counted the attempt with
/// [`count_attempt`]). Mails the managers when the hourly digest is due.
pub(crate) async fn file(
    state: &AppState,
    conn: &mut AnyConnection,
    account: &AccountRow,
    source: Source<'_>,
    message: &str,
) -> Result<JoinRequestInfo, AppError> {
    if account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified("ask to join a tenant"));
    }
    let message = check_message(message)?;
    let tenant_id = source.tenant_id;
    membership::ensure_may_ask(conn, tenant_id, account.id).await?;
    let now = now_ms();
    db::join_requests::expire_pending_of(conn, tenant_id, account.id, now).await?;
    let new = db::join_requests::NewRequest {
        tenant_id,
        account_id: account.id,
        via: source.via,
        source_id: source.source_id,
        roles: source.roles,
        organisation_id: source.organisation_id,
        message: &message,
        expires_at: now + REQUEST_TTL_MS,
    };
    let id = db::join_requests::insert(conn, new, now)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Conflict(
                "You have asked to join this tenant already: a manager will answer.".into(),
            ),
            other => other,
        })?;
    let info = db::join_requests::find_in_tenant(conn, tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?
        .info(now);
    let actor = AuditActor::account(account);
    audit::record(
        conn,
        Some(tenant_id),
        &actor,
        AuditAction::JoinRequestCreated,
        &account.email,
        json!({ "requestId": id, "via": source.via, "sourceId": source.source_id }),
    )
    .await?;
    events::emit(
        conn,
        EventType::JoinRequestCreated,
        Some(&actor),
        Subject::JoinRequest(info.clone()),
    )
    .await?;
    mail_digest_if_due(state, conn, tenant_id, now).await?;
    Ok(info)
}

/// Mails the tenant's managers how many requests wait, unless they were
/// mailed within [`DIGEST_INTERVAL_MS`]; whether it did.
async fn mail_digest_if_due(
    state: &AppState,
    conn: &mut AnyConnection,
    tenant_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    if !db::join_requests::claim_digest(conn, tenant_id, now, now - DIGEST_INTERVAL_MS).await? {
        return Ok(false);
    }
    let waiting = db::join_requests::count_pending(conn, tenant_id, now, 1_000).await?;
    let tenant = db::tenants::get(conn, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let link = format!("{}/t/{tenant_id}/requests", state.config.base_url);
    for (email, first_name, locale) in db::members::active_manager_contacts(conn, tenant_id).await?
    {
        let lang = languages::of_person(&state.config, locale.as_deref());
        let m = mail::join_requests_digest_mail(
            lang,
            &email,
            &first_name,
            &tenant.name,
            waiting,
            &link,
        );
        mail::enqueue(conn, &m).await?;
    }
    Ok(true)
}

/// The periodic pass: a digest for every tenant with requests its
/// managers have not heard of, once the hour since the last one is over.
pub async fn mail_due_digests(state: &AppState) -> Result<usize, AppError> {
    let now = now_ms();
    let due = {
        let mut conn = state.db.read().await?;
        db::join_requests::tenants_due_digest(&mut conn, now, now - DIGEST_INTERVAL_MS, 100).await?
    };
    let mut sent = 0;
    for tenant_id in due {
        let mut tx = state.db.begin().await?;
        if mail_digest_if_due(state, &mut tx, tenant_id, now).await? {
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// The tenant's pending requests, newest first (tenant managers).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    page: (i64, i64),
) -> Result<Page<JoinRequestInfo>, AppError> {
    actor.ensure_tenant_manager()?;
    let (page, per_page) = page;
    let now = now_ms();
    let mut conn = state.db.read().await?;
    let offset = (page - 1) * per_page;
    let rows =
        db::join_requests::pending_page(&mut conn, actor.tenant_id, now, per_page, offset).await?;
    let total = match db::page_total(rows.len(), per_page, offset) {
        Some(total) => total,
        None => db::join_requests::count_pending(&mut conn, actor.tenant_id, now, 10_001).await?,
    };
    Ok(Page {
        items: rows.into_iter().map(|r| r.info(now)).collect(),
        page,
        per_page,
        total,
    })
}

/// Approves a pending request: the person joins with `roles` (else the
/// roles the domain or link offered), if a seat is free; they are mailed.
/// Two managers approving at once: one wins, the other gets 409.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, request_id = id))]
pub async fn approve(
    state: &AppState,
    actor: &Actor,
    id: i64,
    roles: Option<Vec<Role>>,
) -> Result<JoinRequestInfo, AppError> {
    actor.ensure_tenant_manager()?;
    let mut tx = state.db.begin().await?;
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    let row = db::join_requests::find_in_tenant(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles = match roles {
        Some(r) if r.is_empty() => {
            return Err(AppError::field("roles", "Choose at least one role."));
        }
        Some(r) => r,
        None => RoleNames::parse_names(&row.roles.0),
    };
    actor.ensure_can_manage(row.organisation_id, &roles)?;
    if row.organisation_id.is_none() && roles.iter().any(|r| r.scope() == RoleScope::Organisation) {
        return Err(AppError::Conflict(
            "Organisation roles need an organisation: this request is for the whole tenant.".into(),
        ));
    }
    let now = now_ms();
    decide(&mut tx, &row, JoinRequestStatus::Approved, actor, now).await?;
    let account = db::accounts::find_by_id(&mut tx, row.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let names = RoleNames::of(&roles);
    let member_id = membership::admit(
        &mut tx,
        Admission {
            tenant_id: actor.tenant_id,
            account: &account,
            roles: &names,
            organisation_id: row.organisation_id,
            via: Via::Request { id },
        },
        now,
    )
    .await?;
    let info = finish(
        &mut tx,
        actor,
        id,
        EventType::JoinRequestApproved,
        AuditAction::JoinRequestApproved,
        json!({ "requestId": id, "memberId": member_id, "roles": names.0 }),
        now,
    )
    .await?;
    let link = format!("{}/t/{}", state.config.base_url, actor.tenant_id);
    let lang = person_lang(state, &mut tx, &info.email).await?;
    mail::enqueue(
        &mut tx,
        &mail::join_request_decided_mail(lang, &info, &actor.tenant_name, Some(&names.0), &link),
    )
    .await?;
    tx.commit().await?;
    Ok(info)
}

/// The language the person who asked reads their mail in.
async fn person_lang(
    state: &AppState,
    conn: &mut AnyConnection,
    email: &str,
) -> Result<crate::i18n::Lang, AppError> {
    let locale = db::accounts::locale_by_email(conn, email).await?;
    Ok(languages::of_person(&state.config, locale.as_deref()))
}

/// Denies a pending request; the person is mailed.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, request_id = id))]
pub async fn deny(state: &AppState, actor: &Actor, id: i64) -> Result<JoinRequestInfo, AppError> {
    actor.ensure_tenant_manager()?;
    let mut tx = state.db.begin().await?;
    let row = db::join_requests::find_in_tenant(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = now_ms();
    decide(&mut tx, &row, JoinRequestStatus::Denied, actor, now).await?;
    let info = finish(
        &mut tx,
        actor,
        id,
        EventType::JoinRequestDenied,
        AuditAction::JoinRequestDenied,
        json!({ "requestId": id }),
        now,
    )
    .await?;
    let link = format!("{}/account", state.config.base_url);
    let lang = person_lang(state, &mut tx, &info.email).await?;
    mail::enqueue(
        &mut tx,
        &mail::join_request_decided_mail(lang, &info, &actor.tenant_name, None, &link),
    )
    .await?;
    tx.commit().await?;
    Ok(info)
}

/// Marks the request decided, or says why it cannot be.
async fn decide(
    conn: &mut AnyConnection,
    row: &db::join_requests::RequestRow,
    status: JoinRequestStatus,
    actor: &Actor,
    now: i64,
) -> Result<(), AppError> {
    if db::join_requests::decide(conn, row.id, status, actor.account.id, now).await? {
        return Ok(());
    }
    Err(AppError::Conflict(
        match row.status_at(now) {
            JoinRequestStatus::Expired => "This request expired: the person can ask again.",
            _ => "This request was already decided.",
        }
        .into(),
    ))
}

/// The audit entry and the event of a decision; the request as it is now.
async fn finish(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    event: EventType,
    action: AuditAction,
    details: serde_json::Value,
    now: i64,
) -> Result<JoinRequestInfo, AppError> {
    let info = db::join_requests::find_in_tenant(conn, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?
        .info(now);
    actor.log(conn, action, &info.email, details).await?;
    events::emit(
        conn,
        event,
        Some(&actor.audit()),
        Subject::JoinRequest(info.clone()),
    )
    .await?;
    Ok(info)
}
