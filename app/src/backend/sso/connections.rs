//! SSO connections (SPEC §11): `{issuer, clientId, clientSecret, domains,
//! joinRoles, required}` per tenant, for tenant managers. The domains must
//! be DNS-proven domains of the tenant, each signed in by one connection.

use serde_json::json;

use crate::backend::access::actor::Actor;
use crate::backend::crypto;
use crate::backend::db::sso::{ConnectionFields, SsoConnectionRow};
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::state::AppState;
use crate::backend::url_policy;
use crate::domain::{AuditAction, Role};
use crate::dto::SsoConnectionInfo;
use crate::error::AppError;
use secrecy::ExposeSecret;

/// What a manager sends to make or change a connection (`None`: keep).
#[derive(Debug, Clone, Default)]
pub struct ConnectionInput {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub domains: Option<Vec<String>>,
    pub join_roles: Option<Vec<Role>>,
    pub required: Option<bool>,
}

/// The issuer URL: https on a public name, or http on an origin of
/// PORTICO_ALLOWED_ORIGINS; the provider's URLs are fetched under the
/// webhooks' address rules (SPEC §8).
pub fn check_issuer(state: &AppState, raw: &str) -> Result<String, AppError> {
    let issuer = raw.trim();
    url_policy::check_webhook_url(&state.config, issuer).map_err(|why| {
        AppError::field(
            "issuer",
            why.replace("https://example.com/hooks", "https://login.example.com"),
        )
    })?;
    Ok(issuer.to_string())
}

fn text(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(AppError::field(field, "Required."));
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(AppError::field(
            field,
            format!("At most {max} characters, no control characters."),
        ));
    }
    Ok(v.to_string())
}

async fn info(
    conn: &mut sqlx::AnyConnection,
    row: SsoConnectionRow,
) -> Result<SsoConnectionInfo, AppError> {
    let domains = db::sso::domains(conn, row.id).await?;
    Ok(SsoConnectionInfo {
        id: row.id,
        tenant_id: row.tenant_id,
        kind: row.kind,
        issuer: row.issuer,
        client_id: row.client_id,
        domains,
        join_roles: row.join_roles.0,
        required: row.required != 0,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The domains, each a DNS-proven domain of the actor's tenant.
async fn check_domains(
    conn: &mut sqlx::AnyConnection,
    tenant_id: i64,
    connection_id: Option<i64>,
    raw: &[String],
) -> Result<Vec<String>, AppError> {
    if raw.is_empty() {
        return Err(AppError::field(
            "domains",
            "Name at least one of the tenant's proven domains.",
        ));
    }
    if raw.len() > 100 {
        return Err(AppError::field(
            "domains",
            "At most 100 domains per connection.",
        ));
    }
    let mut out = Vec::new();
    for d in raw {
        let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        // Well formed, refused by the tenant's state: 409.
        if db::domains::proven_by(conn, &d).await? != Some(tenant_id) {
            return Err(AppError::Conflict(format!(
                "{d} is not a domain this tenant proved by DNS (Domains page)."
            )));
        }
        if let Some(other) = db::sso::for_domain(conn, &d).await?
            && Some(other.id) != connection_id
        {
            return Err(AppError::Conflict(format!(
                "{d} is signed in by another connection already."
            )));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: ConnectionInput,
) -> Result<SsoConnectionInfo, AppError> {
    actor.ensure_tenant_manager()?;
    let issuer = check_issuer(state, input.issuer.as_deref().unwrap_or(""))?;
    let client_id = text("clientId", input.client_id.as_deref().unwrap_or(""), 255)?;
    let secret = text(
        "clientSecret",
        input.client_secret.as_deref().unwrap_or(""),
        1000,
    )?;
    let roles = match input.join_roles {
        Some(r) if !r.is_empty() => r,
        _ => return Err(AppError::field("joinRoles", "Choose at least one role.")),
    };
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let domains = check_domains(
        &mut tx,
        actor.tenant_id,
        None,
        input.domains.as_deref().unwrap_or(&[]),
    )
    .await?;
    let sealed = crypto::seal(state.secret.expose_secret(), &secret);
    let names = RoleNames::of(&roles);
    let fields = ConnectionFields {
        issuer: &issuer,
        client_id: &client_id,
        client_secret_enc: &sealed,
        join_roles: &names,
        required: input.required.unwrap_or(false),
    };
    let id = db::sso::insert(&mut tx, actor.tenant_id, &fields, now).await?;
    db::sso::set_domains(&mut tx, id, &domains).await?;
    actor
        .log(
            &mut tx,
            AuditAction::SsoConnectionCreated,
            &issuer,
            json!({ "connectionId": id, "domains": domains }),
        )
        .await?;
    let row = db::sso::find(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let out = info(&mut tx, row).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<SsoConnectionInfo>, AppError> {
    actor.ensure_tenant_manager()?;
    let mut conn = state.db.read().await?;
    let mut out = Vec::new();
    for row in db::sso::list(&mut conn, actor.tenant_id).await? {
        out.push(info(&mut conn, row).await?);
    }
    Ok(out)
}

async fn own(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<SsoConnectionRow, AppError> {
    db::sso::find(conn, id)
        .await?
        .filter(|c| c.tenant_id == actor.tenant_id)
        .ok_or(AppError::NotFound)
}

pub async fn get(state: &AppState, actor: &Actor, id: i64) -> Result<SsoConnectionInfo, AppError> {
    actor.ensure_tenant_manager()?;
    let mut conn = state.db.read().await?;
    let row = own(&mut conn, actor, id).await?;
    info(&mut conn, row).await
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: ConnectionInput,
) -> Result<SsoConnectionInfo, AppError> {
    actor.ensure_tenant_manager()?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let row = own(&mut tx, actor, id).await?;
    let issuer = match &input.issuer {
        Some(i) => check_issuer(state, i)?,
        None => row.issuer.clone(),
    };
    let client_id = match &input.client_id {
        Some(c) => text("clientId", c, 255)?,
        None => row.client_id.clone(),
    };
    let sealed = match &input.client_secret {
        Some(s) => crypto::seal(
            state.secret.expose_secret(),
            &text("clientSecret", s, 1000)?,
        ),
        None => row.client_secret_enc.clone(),
    };
    let names = match input.join_roles {
        Some(r) if r.is_empty() => {
            return Err(AppError::field("joinRoles", "Choose at least one role."));
        }
        Some(r) => RoleNames::of(&r),
        None => row.join_roles.clone(),
    };
    if let Some(domains) = &input.domains {
        let domains = check_domains(&mut tx, actor.tenant_id, Some(id), domains).await?;
        db::sso::set_domains(&mut tx, id, &domains).await?;
    }
    let fields = ConnectionFields {
        issuer: &issuer,
        client_id: &client_id,
        client_secret_enc: &sealed,
        join_roles: &names,
        required: input.required.unwrap_or(row.required != 0),
    };
    db::sso::update(&mut tx, id, &fields, now).await?;
    actor
        .log(
            &mut tx,
            AuditAction::SsoConnectionUpdated,
            &issuer,
            json!({ "connectionId": id }),
        )
        .await?;
    let row = db::sso::find(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let out = info(&mut tx, row).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    let mut tx = state.db.begin().await?;
    let row = own(&mut tx, actor, id).await?;
    db::sso::delete(&mut tx, id).await?;
    actor
        .log(
            &mut tx,
            AuditAction::SsoConnectionDeleted,
            &row.issuer,
            json!({ "connectionId": id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What the relying party needs of a connection: the issuer, the client
/// id and the secret, opened.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    pub connection_id: i64,
    pub tenant_id: i64,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: secrecy::SecretString,
}

pub fn relying_party(state: &AppState, row: &SsoConnectionRow) -> Result<RelyingParty, AppError> {
    let secret =
        crypto::open(state.secret.expose_secret(), &row.client_secret_enc).ok_or_else(|| {
            AppError::broken("an SSO client secret does not open under PORTICO_SECRET")
        })?;
    Ok(RelyingParty {
        connection_id: row.id,
        tenant_id: row.tenant_id,
        issuer: row.issuer.clone(),
        client_id: row.client_id.clone(),
        client_secret: secret.into(),
    })
}

/// The relying party of connection `id`.
pub async fn load(state: &AppState, id: i64) -> Result<RelyingParty, AppError> {
    let mut conn = state.db.read().await?;
    let row = db::sso::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    relying_party(state, &row)
}
