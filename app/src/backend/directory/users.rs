//! SCIM Users (SPEC §11): each is a member of the tenant. Creating one
//! finds the account by email (or makes one, without a password) and
//! admits it through `membership::admit`; `active: false` disables the
//! member and DELETE removes it, both ending the person's refresh tokens
//! in the tenant. The attributes are kept as the directory sent them; the
//! account's own email and names never change through SCIM (another
//! tenant's directory could otherwise rename someone's account).

use scim_v2::filter::{AttrExp, CompValue, CompareOp, Filter};
use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::document::{self, Doc};
use super::{Directory, Kind, MAX_BODY_BYTES, Paging, ScimError, discovery, new_id, stamp};
use crate::backend::db::scim::{Narrow, ScimUserRow};
use crate::backend::db::{self, now_ms};
use crate::backend::delivery::events::{self, EventType, Subject};
use crate::backend::onboarding::domains::email_domain;
use crate::backend::onboarding::membership::{self, Admission, Via};
use crate::backend::onboarding::seats::{self, SeatClaim};
use crate::backend::state::AppState;
use crate::backend::tenant_admin::ensure_not_last_manager;
use crate::domain::{AuditAction, Email, MemberStatus};
use crate::dto::MemberInfo;
use crate::error::AppError;

/// What a directory may send but never sets: ignored (RFC 7644 §3.5.1).
const READ_ONLY: [&str; 5] = ["id", "meta", "schemas", "groups", "password"];

/// The attributes of the User schema, in their schema spelling.
const ATTRIBUTES: [&str; 6] = [
    "userName",
    "name",
    "displayName",
    "emails",
    "active",
    "externalId",
];

/// `W/"3"`: a resource's version as an entity tag.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// 412 unless `if_match` (when sent) names the stored version.
pub fn check_if_match(if_match: Option<&str>, version: i64) -> Result<(), ScimError> {
    match if_match.map(str::trim) {
        None | Some("*") => Ok(()),
        Some(tag)
            if tag == etag(version) || tag.trim_start_matches("W/") == format!("\"{version}\"") =>
        {
            Ok(())
        }
        Some(_) => Err(ScimError::new(
            412,
            None,
            "The resource changed since it was read (If-Match does not match its version).",
        )),
    }
}

/// The resource as the directory reads it.
pub fn render(directory: &Directory, row: &ScimUserRow) -> Result<Doc, ScimError> {
    let mut doc: Doc = serde_json::from_str(&row.attributes).map_err(|_| {
        ScimError::from(AppError::broken("stored SCIM user attributes are not JSON"))
    })?;
    stamp(
        &mut doc,
        directory,
        Kind::User,
        &row.id,
        row.created_at,
        row.updated_at,
        row.version,
    );
    Ok(doc)
}

/// An incoming body as the attributes to store: what is read-only is
/// dropped (RFC 7644 §3.5.1: ignored), Entra's string booleans become
/// booleans.
pub fn attributes_from(body: Value) -> Result<Doc, ScimError> {
    let Value::Object(mut doc) = body else {
        return Err(ScimError::invalid_syntax("A User is a JSON object."));
    };
    for read_only in READ_ONLY {
        document::remove_key(&mut doc, read_only);
    }
    normalise(&mut doc);
    Ok(doc)
}

fn normalise(doc: &mut Doc) {
    document::booleans_from_strings(doc, &["active"], &[("emails", "primary")]);
    document::canonical_names(doc, &ATTRIBUTES);
}

/// What Portico reads from a User's attributes.
#[derive(Debug)]
struct Checked {
    user_key: String,
    email: Email,
    external_id: Option<String>,
    active: bool,
    given_name: String,
    family_name: String,
    json: String,
}

fn text<'a>(doc: &'a Doc, name: &str) -> Result<Option<&'a str>, ScimError> {
    match document::get(doc, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ScimError::invalid_value(format!(
            "{name} must be a string."
        ))),
    }
}

fn check(doc: &Doc) -> Result<Checked, ScimError> {
    let user_name = text(doc, "userName")?
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ScimError::invalid_value("userName is required."))?;
    if user_name.chars().count() > 256 {
        return Err(ScimError::invalid_value(
            "userName has at most 256 characters.",
        ));
    }
    let external_id = text(doc, "externalId")?.map(str::to_string);
    if external_id
        .as_ref()
        .is_some_and(|e| e.chars().count() > 256)
    {
        return Err(ScimError::invalid_value(
            "externalId has at most 256 characters.",
        ));
    }
    let active = match document::get(doc, "active") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ScimError::invalid_value("active must be true or false.")),
    };
    let emails: Vec<(&str, bool)> = match document::get(doc, "emails") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::Object(o) => {
                    match (document::get(o, "value"), document::get(o, "primary")) {
                        (Some(Value::String(v)), primary) => {
                            Ok((v.as_str(), primary == Some(&Value::Bool(true))))
                        }
                        _ => Err(ScimError::invalid_value("Each of emails needs a value.")),
                    }
                }
                _ => Err(ScimError::invalid_value("emails holds objects.")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(ScimError::invalid_value("emails is a list.")),
    };
    let name = match document::get(doc, "name") {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some(o),
        Some(_) => return Err(ScimError::invalid_value("name is an object.")),
    };
    let part = |sub: &str| -> String {
        name.and_then(|o| document::get(o, sub))
            .and_then(Value::as_str)
            .unwrap_or("")
            .chars()
            .take(100)
            .collect()
    };
    // userName when it is an address (SPEC §11), else the primary email,
    // else the first.
    let email = Email::parse(user_name)
        .ok()
        .or_else(|| {
            emails
                .iter()
                .find(|(_, p)| *p)
                .and_then(|(v, _)| Email::parse(v).ok())
        })
        .or_else(|| emails.first().and_then(|(v, _)| Email::parse(v).ok()))
        .ok_or_else(|| {
            ScimError::invalid_value("userName or emails must hold an email address.")
        })?;
    let json = Value::Object(doc.clone()).to_string();
    if json.len() > MAX_BODY_BYTES {
        return Err(ScimError::invalid_value(format!(
            "A User's attributes are at most {MAX_BODY_BYTES} bytes of JSON."
        )));
    }
    Ok(Checked {
        user_key: user_name.to_lowercase(),
        email,
        external_id,
        active,
        given_name: part("givenName"),
        family_name: part("familyName"),
        json,
    })
}

/// POST /Users.
pub async fn create(
    state: &AppState,
    directory: &Directory,
    body: Value,
) -> Result<Doc, ScimError> {
    let doc = attributes_from(body)?;
    let checked = check(&doc)?;
    let tenant_id = directory.tenant_id;
    let now = now_ms();
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    db::tenants::lock(&mut tx, tenant_id).await?;
    if db::scim::user_id_by_key(&mut tx, tenant_id, &checked.user_key)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let account = account_for(&mut tx, tenant_id, &checked, now).await?;
    let membership = db::members::membership(&mut tx, tenant_id, account.id).await?;
    let (member_id, manages_roles) = match membership {
        Some(m) if m.status != MemberStatus::Deleted => {
            if db::scim::user_of_member(&mut tx, m.id).await?.is_some() {
                return Err(ScimError::uniqueness(
                    "This person is provisioned already, as another User.",
                ));
            }
            crate::backend::audit::record(
                &mut tx,
                Some(tenant_id),
                &directory.audit(),
                AuditAction::DirectoryUserLinked,
                &account.email,
                json!({ "memberId": m.id, "userName": checked.user_key }),
            )
            .await?;
            (m.id, false)
        }
        _ => {
            let roles = db::scim::directory_roles(&mut tx, tenant_id).await?;
            let admission = Admission {
                tenant_id,
                account: &account,
                roles: &roles,
                organisation_id: None,
                via: Via::Directory {
                    token: &directory.token_name,
                },
            };
            (membership::admit(&mut tx, admission, now).await?, true)
        }
    };
    let row = ScimUserRow {
        id: new_id(),
        tenant_id,
        member_id,
        user_key: checked.user_key.clone(),
        external_id: checked.external_id.clone(),
        attributes: checked.json.clone(),
        manages_roles: i64::from(manages_roles),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    db::scim::insert_user(&mut tx, &row).await?;
    let member = db::members::find_in_tenant(&mut tx, tenant_id, member_id).await?;
    set_active(&mut tx, directory, &member, checked.active, now).await?;
    tx.commit().await.map_err(AppError::from)?;
    render(directory, &row)
}

/// The account with the User's address, or a new one without a password
/// (the person sets one with "Forgot password", or signs in with SSO). The
/// address counts as confirmed when it is at a domain this tenant proved
/// by DNS; otherwise the person confirms it as anyone would.
async fn account_for(
    conn: &mut AnyConnection,
    tenant_id: i64,
    checked: &Checked,
    now: i64,
) -> Result<db::accounts::AccountRow, AppError> {
    let email = checked.email.as_str();
    if let Some(account) = db::accounts::find_by_email(conn, email).await? {
        return Ok(account);
    }
    let domain = email_domain(email);
    let proven = db::domains::proven_by(conn, domain).await? == Some(tenant_id);
    let new = db::accounts::NewAccountRow {
        email,
        password_hash: "",
        first_name: &checked.given_name,
        last_name: &checked.family_name,
        email_verified_at: proven.then_some(now),
        locale: None,
    };
    let id = db::accounts::insert(conn, new, now).await?;
    db::accounts::find_by_id(conn, id)
        .await?
        .ok_or_else(|| AppError::broken("an account written in this transaction is missing"))
}

/// Disables or re-enables the member to match `active`. Disabling ends
/// their refresh tokens in the tenant (their pages and API calls stop at
/// the next request: every one checks the membership).
async fn set_active(
    conn: &mut AnyConnection,
    directory: &Directory,
    member: &MemberInfo,
    active: bool,
    now: i64,
) -> Result<(), AppError> {
    let Some(status) = status_change(member.status, active) else {
        return Ok(());
    };
    let action = if status == MemberStatus::Disabled {
        ensure_not_last_manager(conn, directory.tenant_id, member).await?;
        db::oidc::revoke_grants_in_tenant(conn, member.account_id, directory.tenant_id, now)
            .await?;
        AuditAction::MemberDisabled
    } else {
        seats::ensure_free(conn, directory.tenant_id, SeatClaim::Join).await?;
        AuditAction::MemberEnabled
    };
    db::members::set_status(conn, member.id, status, now).await?;
    record_member_change(conn, directory, member.id, action, EventType::MemberUpdated).await
}

/// The status `active` gives a member who has `status` now, when it
/// changes it: an active member is disabled, a disabled one enabled.
fn status_change(status: MemberStatus, active: bool) -> Option<MemberStatus> {
    match (status, active) {
        (MemberStatus::Active, false) => Some(MemberStatus::Disabled),
        (MemberStatus::Disabled, true) => Some(MemberStatus::Active),
        _ => None,
    }
}

/// The audit entry and event of a change the directory made to a member.
async fn record_member_change(
    conn: &mut AnyConnection,
    directory: &Directory,
    member_id: i64,
    action: AuditAction,
    event: EventType,
) -> Result<(), AppError> {
    let actor = directory.audit();
    let member = db::members::find_in_tenant(conn, directory.tenant_id, member_id).await?;
    crate::backend::audit::record(
        conn,
        Some(directory.tenant_id),
        &actor,
        action,
        &member.email,
        json!({ "memberId": member_id, "via": "scim" }),
    )
    .await?;
    events::emit(conn, event, Some(&actor), Subject::Member(member)).await
}

async fn load(
    conn: &mut AnyConnection,
    directory: &Directory,
    id: &str,
) -> Result<ScimUserRow, ScimError> {
    db::scim::find_user(conn, directory.tenant_id, id)
        .await?
        .ok_or_else(|| ScimError::not_found("User", id))
}

/// GET /Users/{id}.
pub async fn get(state: &AppState, directory: &Directory, id: &str) -> Result<Doc, ScimError> {
    let mut conn = state.db.read().await.map_err(AppError::from)?;
    render(directory, &load(&mut conn, directory, id).await?)
}

/// PUT /Users/{id}: the attributes become the body's.
pub async fn replace(
    state: &AppState,
    directory: &Directory,
    id: &str,
    body: Value,
    if_match: Option<&str>,
) -> Result<Doc, ScimError> {
    let doc = attributes_from(body)?;
    change(state, directory, id, if_match, |_| Ok(doc.clone())).await
}

/// PATCH /Users/{id}.
pub async fn patch(
    state: &AppState,
    directory: &Directory,
    id: &str,
    operations: Vec<document::Operation>,
    if_match: Option<&str>,
) -> Result<Doc, ScimError> {
    change(state, directory, id, if_match, |mut doc| {
        for op in &operations {
            document::apply(
                &mut doc,
                document::Op::parse(&op.op)?,
                op.path.as_deref(),
                op.value.clone(),
            )?;
        }
        for read_only in READ_ONLY {
            document::remove_key(&mut doc, read_only);
        }
        normalise(&mut doc);
        Ok(doc)
    })
    .await
}

/// How often a change is made again when another change of the same User
/// came first. Each retry means another change committed, so ten attempts
/// see through nine changes made at the same moment.
const CHANGE_ATTEMPTS: usize = 10;

/// Reads the user, makes the new attributes with `edit`, and stores them
/// with what they change about the member.
///
/// Changes of different Users run side by side: the tenant is locked only
/// when the member's status changes (the last-manager and seat rules count
/// before they write). The User is stored only if its version is still the
/// one read (compare and set); when another change of it came first, the
/// change is made again from what that one stored, so no change is lost
/// (`If-Match` then fails as it should: 412).
async fn change(
    state: &AppState,
    directory: &Directory,
    id: &str,
    if_match: Option<&str>,
    edit: impl Fn(Doc) -> Result<Doc, ScimError>,
) -> Result<Doc, ScimError> {
    for _ in 0..CHANGE_ATTEMPTS {
        if let Some(doc) = try_change(state, directory, id, if_match, &edit).await? {
            return Ok(doc);
        }
    }
    Err(ScimError::new(
        409,
        None,
        "The User kept changing while this change was made: send it again.",
    ))
}

/// One attempt of [`change`]: `None` when another change of the User was
/// stored after this one read it.
async fn try_change(
    state: &AppState,
    directory: &Directory,
    id: &str,
    if_match: Option<&str>,
    edit: &impl Fn(Doc) -> Result<Doc, ScimError>,
) -> Result<Option<Doc>, ScimError> {
    let now = now_ms();
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    let mut row = load(&mut tx, directory, id).await?;
    check_if_match(if_match, row.version)?;
    let stored: Doc = serde_json::from_str(&row.attributes).unwrap_or_default();
    let doc = edit(stored)?;
    let checked = check(&doc)?;
    let mut member =
        db::members::find_in_tenant(&mut tx, directory.tenant_id, row.member_id).await?;
    if status_change(member.status, checked.active).is_some() {
        // The tenant first, as every change that counts locks it, then
        // the member as it is now.
        db::tenants::lock(&mut tx, directory.tenant_id).await?;
        member = db::members::find_in_tenant(&mut tx, directory.tenant_id, row.member_id).await?;
    }
    if checked.user_key != row.user_key
        && db::scim::user_id_by_key(&mut tx, directory.tenant_id, &checked.user_key)
            .await?
            .is_some_and(|other| other != row.id)
    {
        return Err(taken());
    }
    row.user_key = checked.user_key.clone();
    row.external_id = checked.external_id.clone();
    row.attributes = checked.json.clone();
    row.updated_at = now;
    // Another change may store the same userName between the check and
    // here: the unique index refuses the second.
    let stored = db::scim::update_user(&mut tx, &row)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => taken(),
            other => other.into(),
        })?;
    if !stored {
        return Ok(None);
    }
    row.version += 1;
    crate::backend::audit::record(
        &mut tx,
        Some(directory.tenant_id),
        &directory.audit(),
        AuditAction::DirectoryUserChanged,
        &row.user_key,
        json!({ "userId": row.id, "memberId": row.member_id }),
    )
    .await?;
    set_active(&mut tx, directory, &member, checked.active, now).await?;
    tx.commit().await.map_err(AppError::from)?;
    render(directory, &row).map(Some)
}

fn taken() -> ScimError {
    ScimError::uniqueness("A User with this userName exists.")
}

/// DELETE /Users/{id}: the member is removed (softly: DELETED, as a
/// manager's removal) and the User is gone.
pub async fn delete(
    state: &AppState,
    directory: &Directory,
    id: &str,
    if_match: Option<&str>,
) -> Result<(), ScimError> {
    let now = now_ms();
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    db::tenants::lock(&mut tx, directory.tenant_id).await?;
    let row = load(&mut tx, directory, id).await?;
    check_if_match(if_match, row.version)?;
    let member = db::members::find_in_tenant(&mut tx, directory.tenant_id, row.member_id).await?;
    if member.status != MemberStatus::Deleted {
        ensure_not_last_manager(&mut tx, directory.tenant_id, &member).await?;
        db::members::set_status(&mut tx, member.id, MemberStatus::Deleted, now).await?;
        db::oidc::revoke_grants_in_tenant(&mut tx, member.account_id, directory.tenant_id, now)
            .await?;
        record_member_change(
            &mut tx,
            directory,
            member.id,
            AuditAction::MemberRemoved,
            EventType::MemberRemoved,
        )
        .await?;
    }
    db::scim::delete_user(&mut tx, directory.tenant_id, &row.id).await?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(())
}

/// GET /Users: a page, optionally narrowed by `eq` on userName,
/// externalId or id.
pub async fn list(
    state: &AppState,
    directory: &Directory,
    filter: Option<&str>,
    paging: Paging,
) -> Result<(Vec<Doc>, i64), ScimError> {
    let narrow = narrow_of(filter, "userName")?;
    let mut conn = state.db.read().await.map_err(AppError::from)?;
    let page = db::scim::list_users(
        &mut conn,
        directory.tenant_id,
        narrow.as_ref().map_or(Narrow::All, |n| n.as_narrow()),
        paging.start_index - 1,
        paging.count,
    )
    .await?;
    let docs = page
        .rows
        .iter()
        .map(|row| render(directory, row))
        .collect::<Result<_, _>>()?;
    Ok((docs, page.total))
}

/// A filter Portico answers from an index: `eq` on the key attribute
/// (userName, or a Group's displayName), externalId or id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Narrowed {
    Id(String),
    Key(String),
    ExternalId(String),
}

impl Narrowed {
    pub fn as_narrow(&self) -> Narrow<'_> {
        match self {
            Narrowed::Id(v) => Narrow::Id(v),
            Narrowed::Key(v) => Narrow::Key(v),
            Narrowed::ExternalId(v) => Narrow::ExternalId(v),
        }
    }
}

/// Parses `filter` (scim_v2's grammar) into what an index answers.
pub fn narrow_of(filter: Option<&str>, key_attribute: &str) -> Result<Option<Narrowed>, ScimError> {
    let Some(raw) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
        return Ok(None);
    };
    let unsupported = || {
        ScimError::invalid_filter(format!(
            "Portico filters with eq on {key_attribute}, externalId or id, e.g. {key_attribute} eq \"ann@example.com\"."
        ))
    };
    let parsed: Filter = raw
        .parse()
        .map_err(|_| ScimError::invalid_filter(format!("The filter {raw:?} does not parse.")))?;
    let Filter::Attr(AttrExp::Comparison(path, CompareOp::Eq, CompValue::Str(value))) = parsed
    else {
        return Err(unsupported());
    };
    if path.sub_attr.is_some()
        || path
            .uri
            .as_deref()
            .is_some_and(|u| !discovery::is_core_schema(u))
    {
        return Err(unsupported());
    }
    let name = path.name.as_str();
    if name.eq_ignore_ascii_case(key_attribute) {
        Ok(Some(Narrowed::Key(value.to_lowercase())))
    } else if name.eq_ignore_ascii_case("externalId") {
        Ok(Some(Narrowed::ExternalId(value)))
    } else if name.eq_ignore_ascii_case("id") {
        Ok(Some(Narrowed::Id(value)))
    } else {
        Err(unsupported())
    }
}

/// A list answer's resources as JSON values.
pub fn values(docs: Vec<Doc>) -> Vec<Value> {
    docs.into_iter().map(Value::Object).collect()
}
