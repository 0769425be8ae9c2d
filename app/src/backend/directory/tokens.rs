//! Directory tokens (SPEC §11): a tenant manager makes one per identity
//! provider; it is shown once and stored as its SHA-256. A token works
//! only on its own tenant's `/scim/v2/{tenantId}/`.

use serde_json::json;

use crate::backend::access::actor::Actor;
use crate::backend::audit::AuditActor;
use crate::backend::crypto;
use crate::backend::db::{self, now_ms};
use crate::backend::rate_limit::Bucket;
use crate::backend::state::AppState;
use crate::domain::AuditAction;
use crate::error::AppError;

/// Every directory token starts with this, so secret scanners can tell one.
pub const TOKEN_PREFIX: &str = "pscim_";

pub use crate::dto::ScimTokenInfo as ScimToken;

impl From<db::scim::ScimTokenRow> for ScimToken {
    fn from(r: db::scim::ScimTokenRow) -> Self {
        ScimToken {
            id: r.id,
            tenant_id: r.tenant_id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

/// The name of a token: 1 to 100 characters.
pub fn parse_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Name the token after the identity provider that will use it.".into());
    }
    if name.chars().count() > 100 {
        return Err("A token name has at most 100 characters.".into());
    }
    if name.chars().any(char::is_control) {
        return Err("A token name cannot hold control characters.".into());
    }
    Ok(name.to_string())
}

/// Makes a token (tenant managers only); returns it with its secret,
/// shown this once.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> Result<(ScimToken, String), AppError> {
    actor.ensure_tenant_manager()?;
    let (secret, _) = crypto::new_token();
    let token = format!("{TOKEN_PREFIX}{secret}");
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let id = db::scim::insert_token(
        &mut tx,
        actor.tenant_id,
        name,
        &crypto::hash_token(&token),
        actor.account.id,
        now,
    )
    .await?;
    actor
        .log(
            &mut tx,
            AuditAction::ScimTokenCreated,
            name,
            json!({ "tokenId": id }),
        )
        .await?;
    let row = db::scim::find_token(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok((row.into(), token))
}

pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<ScimToken>, AppError> {
    actor.ensure_tenant_manager()?;
    let mut conn = state.db.read().await?;
    Ok(db::scim::list_tokens(&mut conn, actor.tenant_id)
        .await?
        .into_iter()
        .map(ScimToken::from)
        .collect())
}

/// Deletes a token: the directory using it is shut out at once.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    let mut tx = state.db.begin().await?;
    let row = db::scim::find_token(&mut tx, id)
        .await?
        .filter(|t| t.tenant_id == actor.tenant_id)
        .ok_or(AppError::NotFound)?;
    db::scim::delete_token(&mut tx, id).await?;
    actor
        .log(
            &mut tx,
            AuditAction::ScimTokenDeleted,
            &row.name,
            json!({ "tokenId": id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A directory that presented a token of its tenant.
#[derive(Debug, Clone)]
pub struct Directory {
    pub tenant_id: i64,
    pub token_id: i64,
    pub token_name: String,
    /// `{base}/scim/v2/{tenantId}`: where its resources live.
    pub base: String,
}

impl Directory {
    /// Who the audit log names for what the directory did.
    pub fn audit(&self) -> AuditActor {
        AuditActor::directory(&self.token_name)
    }
}

/// The directory of `tenant_id` that `bearer` is a token of. Anything
/// else (no token, a token of another tenant, a deleted one) is 401, and
/// counts against the caller's address; a tenant's directory is limited
/// to `scim_tenant` requests a minute.
pub async fn authenticate(
    state: &AppState,
    tenant_id: i64,
    bearer: Option<&str>,
    client: &str,
) -> Result<Directory, AppError> {
    let found = match bearer {
        Some(token) if token.starts_with(TOKEN_PREFIX) => {
            let mut conn = state.db.read().await?;
            db::scim::token_by_hash(&mut conn, &crypto::hash_token(token)).await?
        }
        _ => None,
    };
    let Some(token) = found.filter(|t| t.tenant_id == tenant_id) else {
        state.limiter.hit(Bucket::ScimFailedIp, client).await?;
        return Err(AppError::Unauthorized);
    };
    state
        .limiter
        .hit(Bucket::ScimTenant, &tenant_id.to_string())
        .await?;
    let now = now_ms();
    if token.last_used_at.is_none_or(|t| t < now - 60_000) {
        let mut conn = state.db.write().await?;
        db::scim::record_token_use(&mut conn, token.id, now).await?;
    }
    Ok(Directory {
        tenant_id,
        token_id: token.id,
        token_name: token.name,
        base: format!(
            "{}/scim/v2/{tenant_id}",
            state.config.base_url.trim_end_matches('/')
        ),
    })
}
