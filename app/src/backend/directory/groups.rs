//! SCIM Groups (SPEC §11): kept as the directory sends them; a manager
//! maps a group to roles (and optionally an organisation) on
//! `/t/{id}/directory`, and the provisioned members in it then hold those
//! roles ([`super::roles`]). Members are rows, so adding one person to a
//! group of 100,000 writes one row.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::document::{self, Doc, Op, Target};
use super::users::{Narrowed, check_if_match, narrow_of};
use super::{Directory, Kind, MAX_BODY_BYTES, Paging, ScimError, new_id, roles, stamp};
use crate::backend::access::actor::Actor;
use crate::backend::audit::AuditActor;
use crate::backend::db::scim::{Narrow, ScimGroupRow};
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, Role};
use crate::error::AppError;

/// The most members a Group answer lists.
pub const MEMBERS_SHOWN: i64 = 10_000;

/// The most members one request may name.
const MEMBERS_PER_REQUEST: usize = 10_000;

/// The resource as the directory reads it; members only when asked for.
async fn render(
    conn: &mut AnyConnection,
    directory: &Directory,
    row: &ScimGroupRow,
    with_members: bool,
) -> Result<Doc, ScimError> {
    let mut doc: Doc = serde_json::from_str(&row.attributes).map_err(|_| {
        ScimError::from(AppError::broken(
            "stored SCIM group attributes are not JSON",
        ))
    })?;
    if with_members {
        let members = db::scim::group_members(conn, &row.id, MEMBERS_SHOWN).await?;
        if !members.is_empty() {
            let members: Vec<Value> = members
                .into_iter()
                .map(|m| {
                    json!({
                        "value": m.user_id,
                        "$ref": format!("{}/Users/{}", directory.base, m.user_id),
                    })
                })
                .collect();
            doc.insert("members".into(), Value::Array(members));
        }
    }
    stamp(
        &mut doc,
        directory,
        Kind::Group,
        &row.id,
        row.created_at,
        row.updated_at,
        row.version,
    );
    Ok(doc)
}

/// The attributes to store (without members) and the member ids named.
fn split(body: Value) -> Result<(Doc, Option<Vec<String>>), ScimError> {
    let Value::Object(mut doc) = body else {
        return Err(ScimError::invalid_syntax("A Group is a JSON object."));
    };
    for read_only in ["id", "meta", "schemas"] {
        document::remove_key(&mut doc, read_only);
    }
    let members = match document::get(&doc, "members").cloned() {
        None | Some(Value::Null) => None,
        Some(v) => Some(member_ids(&v)?),
    };
    document::remove_key(&mut doc, "members");
    document::canonical_names(&mut doc, &["displayName", "externalId"]);
    Ok((doc, members))
}

/// The user ids of a `members` value: `[{"value": "…"}, …]`.
fn member_ids(value: &Value) -> Result<Vec<String>, ScimError> {
    let items = match value {
        Value::Array(items) => items.as_slice(),
        Value::Object(_) => std::slice::from_ref(value),
        _ => {
            return Err(ScimError::invalid_value(
                "members is a list of {\"value\": userId}.",
            ));
        }
    };
    if items.len() > MEMBERS_PER_REQUEST {
        return Err(ScimError::invalid_value(format!(
            "At most {MEMBERS_PER_REQUEST} members per request."
        )));
    }
    items
        .iter()
        .map(|item| match item {
            Value::Object(o) => document::get(o, "value")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| ScimError::invalid_value("Each member needs a value (a User id).")),
            _ => Err(ScimError::invalid_value(
                "members is a list of {\"value\": userId}.",
            )),
        })
        .collect()
}

struct Checked {
    display_key: String,
    external_id: Option<String>,
    json: String,
}

fn check(doc: &Doc) -> Result<Checked, ScimError> {
    let display = match document::get(doc, "displayName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim(),
        _ => return Err(ScimError::invalid_value("displayName is required.")),
    };
    if display.chars().count() > 256 {
        return Err(ScimError::invalid_value(
            "displayName has at most 256 characters.",
        ));
    }
    let external_id = match document::get(doc, "externalId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= 256 => Some(s.clone()),
        Some(_) => {
            return Err(ScimError::invalid_value(
                "externalId is a string of at most 256 characters.",
            ));
        }
    };
    let json = Value::Object(doc.clone()).to_string();
    if json.len() > MAX_BODY_BYTES {
        return Err(ScimError::invalid_value(format!(
            "A Group's attributes are at most {MAX_BODY_BYTES} bytes of JSON."
        )));
    }
    Ok(Checked {
        display_key: display.to_lowercase(),
        external_id,
        json,
    })
}

/// Every id must be a User of this directory.
async fn ensure_users(
    conn: &mut AnyConnection,
    tenant_id: i64,
    ids: &[String],
) -> Result<(), ScimError> {
    for id in ids {
        if db::scim::find_user(conn, tenant_id, id).await?.is_none() {
            return Err(ScimError::invalid_value(format!(
                "No User with id {id:?} in this directory."
            )));
        }
    }
    Ok(())
}

/// POST /Groups.
pub async fn create(
    state: &AppState,
    directory: &Directory,
    body: Value,
) -> Result<Doc, ScimError> {
    let (doc, members) = split(body)?;
    let checked = check(&doc)?;
    let now = now_ms();
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    db::tenants::lock(&mut tx, directory.tenant_id).await?;
    let members = members.unwrap_or_default();
    ensure_users(&mut tx, directory.tenant_id, &members).await?;
    let row = ScimGroupRow {
        id: new_id(),
        tenant_id: directory.tenant_id,
        display_key: checked.display_key,
        external_id: checked.external_id,
        attributes: checked.json,
        roles: None,
        organisation_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    db::scim::insert_group(&mut tx, &row).await?;
    for id in &members {
        db::scim::add_group_member(&mut tx, &row.id, id).await?;
    }
    log(
        &mut tx,
        &directory.audit(),
        directory.tenant_id,
        AuditAction::DirectoryGroupCreated,
        &row,
    )
    .await?;
    let doc = render(&mut tx, directory, &row, true).await?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(doc)
}

async fn log(
    conn: &mut AnyConnection,
    actor: &AuditActor,
    tenant_id: i64,
    action: AuditAction,
    row: &ScimGroupRow,
) -> Result<(), AppError> {
    crate::backend::audit::record(
        conn,
        Some(tenant_id),
        actor,
        action,
        &row.display_key,
        json!({ "groupId": row.id }),
    )
    .await
}

async fn load(
    conn: &mut AnyConnection,
    directory: &Directory,
    id: &str,
) -> Result<ScimGroupRow, ScimError> {
    db::scim::find_group(conn, directory.tenant_id, id)
        .await?
        .ok_or_else(|| ScimError::not_found("Group", id))
}

/// GET /Groups/{id}.
pub async fn get(
    state: &AppState,
    directory: &Directory,
    id: &str,
    with_members: bool,
) -> Result<Doc, ScimError> {
    let mut conn = state.db.read().await.map_err(AppError::from)?;
    let row = load(&mut conn, directory, id).await?;
    render(&mut conn, directory, &row, with_members).await
}

/// GET /Groups: a page, optionally narrowed by `eq` on displayName,
/// externalId or id.
pub async fn list(
    state: &AppState,
    directory: &Directory,
    filter: Option<&str>,
    paging: Paging,
    with_members: bool,
) -> Result<(Vec<Doc>, i64), ScimError> {
    let narrow = narrow_of(filter, "displayName")?;
    let mut conn = state.db.read().await.map_err(AppError::from)?;
    let page = db::scim::list_groups(
        &mut conn,
        directory.tenant_id,
        narrow.as_ref().map_or(Narrow::All, Narrowed::as_narrow),
        paging.start_index - 1,
        paging.count,
    )
    .await?;
    let mut docs = Vec::with_capacity(page.rows.len());
    for row in &page.rows {
        docs.push(render(&mut conn, directory, row, with_members).await?);
    }
    Ok((docs, page.total))
}

/// A change to the group's members.
enum MemberChange {
    Add(Vec<String>),
    Remove(Vec<String>),
    RemoveAll,
    Set(Vec<String>),
}

/// PUT /Groups/{id}: attributes and members become the body's.
pub async fn replace(
    state: &AppState,
    directory: &Directory,
    id: &str,
    body: Value,
    if_match: Option<&str>,
) -> Result<Doc, ScimError> {
    let (doc, members) = split(body)?;
    let changes = vec![MemberChange::Set(members.unwrap_or_default())];
    change(state, directory, id, if_match, doc, changes).await
}

/// PATCH /Groups/{id}: operations on `members` change rows; the others
/// change the attributes.
pub async fn patch(
    state: &AppState,
    directory: &Directory,
    id: &str,
    operations: Vec<document::Operation>,
    if_match: Option<&str>,
) -> Result<Doc, ScimError> {
    let mut conn = state.db.read().await.map_err(AppError::from)?;
    let row = load(&mut conn, directory, id).await?;
    drop(conn);
    let mut doc: Doc = serde_json::from_str(&row.attributes).unwrap_or_default();
    let mut changes = Vec::new();
    for op in operations {
        let kind = Op::parse(&op.op)?;
        let path = op.path.as_deref().map(str::trim).filter(|p| !p.is_empty());
        match path {
            None => {
                let Some(Value::Object(values)) = op.value else {
                    return Err(ScimError::invalid_syntax(
                        "An operation without a path needs an object of attributes as its value.",
                    ));
                };
                for (name, value) in values {
                    if name.eq_ignore_ascii_case("members") {
                        changes.push(members_op(kind, None, Some(value))?);
                    } else {
                        document::apply(&mut doc, kind, Some(&name), Some(value))?;
                    }
                }
            }
            Some(path) => {
                let target = Target::parse(path)?;
                if target.names("members") {
                    changes.push(members_op(kind, Some(&target), op.value)?);
                } else {
                    document::apply_at(&mut doc, kind, &target, op.value)?;
                }
            }
        }
    }
    for read_only in ["id", "meta", "schemas", "members"] {
        document::remove_key(&mut doc, read_only);
    }
    document::canonical_names(&mut doc, &["displayName", "externalId"]);
    change(state, directory, id, if_match, doc, changes).await
}

/// What an operation on `members` does. Removal by `members[value eq
/// "id"]` (Okta) or by a value listing the members (Entra ID).
fn members_op(
    op: Op,
    target: Option<&Target>,
    value: Option<Value>,
) -> Result<MemberChange, ScimError> {
    let filter = target.and_then(|t| t.filter.as_ref());
    let ids = |v: Option<Value>| -> Result<Vec<String>, ScimError> {
        v.as_ref()
            .map(member_ids)
            .transpose()
            .map(Option::unwrap_or_default)
    };
    match (op, filter) {
        (Op::Add, None) => Ok(MemberChange::Add(ids(value)?)),
        (Op::Replace, None) => Ok(MemberChange::Set(ids(value)?)),
        (Op::Remove, None) => match value {
            None | Some(Value::Null) => Ok(MemberChange::RemoveAll),
            v => Ok(MemberChange::Remove(ids(v)?)),
        },
        (Op::Remove, Some(filter)) => match filter {
            scim_v2::filter::ValFilter::Attr(scim_v2::filter::AttrExp::Comparison(
                path,
                scim_v2::filter::CompareOp::Eq,
                scim_v2::filter::CompValue::Str(id),
            )) if path.name.eq_ignore_ascii_case("value") => {
                Ok(MemberChange::Remove(vec![id.clone()]))
            }
            _ => Err(ScimError::invalid_filter(
                "Members are removed by members[value eq \"userId\"].",
            )),
        },
        (_, Some(_)) => Err(ScimError::invalid_path(
            "Members are added or replaced with a list of {\"value\": userId}, without a filter.",
        )),
    }
}

async fn change(
    state: &AppState,
    directory: &Directory,
    id: &str,
    if_match: Option<&str>,
    doc: Doc,
    changes: Vec<MemberChange>,
) -> Result<Doc, ScimError> {
    let checked = check(&doc)?;
    let now = now_ms();
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    db::tenants::lock(&mut tx, directory.tenant_id).await?;
    let mut row = load(&mut tx, directory, id).await?;
    check_if_match(if_match, row.version)?;
    let mut touched = BTreeSet::new();
    for change in changes {
        match change {
            MemberChange::Add(ids) => {
                ensure_users(&mut tx, directory.tenant_id, &ids).await?;
                for uid in ids {
                    if db::scim::add_group_member(&mut tx, &row.id, &uid).await? {
                        touched.insert(uid);
                    }
                }
            }
            MemberChange::Remove(ids) => {
                for uid in ids {
                    if db::scim::remove_group_member(&mut tx, &row.id, &uid).await? {
                        touched.insert(uid);
                    }
                }
            }
            MemberChange::RemoveAll => {
                touched.extend(db::scim::clear_group(&mut tx, &row.id).await?)
            }
            MemberChange::Set(ids) => {
                ensure_users(&mut tx, directory.tenant_id, &ids).await?;
                let before: BTreeSet<String> = db::scim::clear_group(&mut tx, &row.id)
                    .await?
                    .into_iter()
                    .collect();
                let after: BTreeSet<String> = ids.into_iter().collect();
                for uid in &after {
                    db::scim::add_group_member(&mut tx, &row.id, uid).await?;
                }
                touched.extend(before.symmetric_difference(&after).cloned());
            }
        }
    }
    row.display_key = checked.display_key;
    row.external_id = checked.external_id;
    row.attributes = checked.json;
    row.updated_at = now;
    db::scim::update_group(&mut tx, &row).await?;
    row.version += 1;
    let actor = directory.audit();
    log(
        &mut tx,
        &actor,
        directory.tenant_id,
        AuditAction::DirectoryGroupChanged,
        &row,
    )
    .await?;
    if row.roles.is_some() {
        let touched: Vec<String> = touched.into_iter().collect();
        roles::sync_all(&mut tx, &actor, directory.tenant_id, &touched, now).await?;
    }
    let doc = render(&mut tx, directory, &row, true).await?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(doc)
}

/// DELETE /Groups/{id}: its members lose what it gave them.
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
    let members = db::scim::clear_group(&mut tx, &row.id).await?;
    db::scim::delete_group(&mut tx, directory.tenant_id, &row.id).await?;
    let actor = directory.audit();
    log(
        &mut tx,
        &actor,
        directory.tenant_id,
        AuditAction::DirectoryGroupDeleted,
        &row,
    )
    .await?;
    if row.roles.is_some() {
        roles::sync_all(&mut tx, &actor, directory.tenant_id, &members, now).await?;
    }
    tx.commit().await.map_err(AppError::from)?;
    Ok(())
}

pub use crate::dto::DirectoryGroup as MappedGroup;

/// The tenant's groups (a page of at most [`super::MAX_PAGE`]) for the
/// directory page, and the directory's default roles.
pub async fn for_page(
    state: &AppState,
    actor: &Actor,
    page: i64,
) -> Result<(Vec<MappedGroup>, i64, Vec<String>), AppError> {
    actor.ensure_tenant_manager()?;
    let mut conn = state.db.read().await?;
    let per = super::MAX_PAGE;
    let rows = db::scim::list_groups(
        &mut conn,
        actor.tenant_id,
        Narrow::All,
        (page.max(1) - 1) * per,
        per,
    )
    .await?;
    let defaults = db::scim::directory_roles(&mut conn, actor.tenant_id).await?;
    let groups = rows
        .rows
        .into_iter()
        .map(|r| {
            let doc: Doc = serde_json::from_str(&r.attributes).unwrap_or_default();
            MappedGroup {
                id: r.id,
                display_name: document::get(&doc, "displayName")
                    .and_then(Value::as_str)
                    .unwrap_or(&r.display_key)
                    .to_string(),
                roles: r
                    .roles
                    .and_then(|j| RoleNames::try_from(j).ok())
                    .map(|r| r.0),
                organisation_id: r.organisation_id,
            }
        })
        .collect();
    Ok((groups, rows.total, defaults.0))
}

/// Maps a group to roles and an organisation (`None` roles: unmapped);
/// its provisioned members' roles follow at once.
pub async fn map(
    state: &AppState,
    actor: &Actor,
    group_id: &str,
    roles: Option<Vec<Role>>,
    organisation_id: Option<i64>,
) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    if let Some(org) = organisation_id
        && db::collections::organisation_name(&mut tx, actor.tenant_id, org)
            .await?
            .is_none()
    {
        return Err(AppError::field(
            "organisationId",
            "No such organisation in this tenant.",
        ));
    }
    let names = roles.as_deref().map(RoleNames::of);
    if !db::scim::map_group(
        &mut tx,
        actor.tenant_id,
        group_id,
        names.as_ref(),
        organisation_id,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    actor
        .log(
            &mut tx,
            AuditAction::DirectoryGroupMapped,
            group_id,
            json!({ "groupId": group_id, "roles": names.map(|n| n.0), "organisationId": organisation_id }),
        )
        .await?;
    let members: Vec<String> = db::scim::group_members(&mut tx, group_id, i64::MAX)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    roles::sync_all(&mut tx, &actor.audit(), actor.tenant_id, &members, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the roles a provisioned member holds when no mapped group gives
/// any, and applies them to every provisioned member.
pub async fn set_default_roles(
    state: &AppState,
    actor: &Actor,
    roles: Vec<Role>,
) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    if roles.is_empty() {
        return Err(AppError::field("roles", "Choose at least one role."));
    }
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    db::tenants::lock(&mut tx, actor.tenant_id).await?;
    db::scim::set_directory_roles(&mut tx, actor.tenant_id, &RoleNames::of(&roles)).await?;
    let users = db::scim::managed_user_ids(&mut tx, actor.tenant_id).await?;
    roles::sync_all(&mut tx, &actor.audit(), actor.tenant_id, &users, now).await?;
    tx.commit().await?;
    Ok(())
}
