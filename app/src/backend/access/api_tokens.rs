//! Long-lived API tokens of an account: created at `/account`, shown once,
//! stored as a SHA-256 hash, listed by prefix, revocable.

use crate::backend::access::accounts::AccountRow;
use crate::backend::crypto;
use crate::backend::db::{Db, api_tokens, now_ms};
use crate::dto::{ApiTokenInfo, NewApiToken};
use crate::error::AppError;

/// Every API token starts with this, so it is recognisable in logs and
/// secret scanners.
pub const TOKEN_PREFIX: &str = "pt_";

/// A new token for `account`. Unverified accounts get none: a token made
/// before the owner of the address confirmed it would outlive them.
pub async fn create(db: &Db, account: &AccountRow, name: &str) -> Result<NewApiToken, AppError> {
    if account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified("create API tokens"));
    }
    let account_id = account.id;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field(
            "name",
            "Give the token a name of 1 to 100 characters.",
        ));
    }
    let (secret, _) = crypto::new_token();
    let token = format!("{TOKEN_PREFIX}{secret}");
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 8).collect();
    let now = now_ms();
    let mut conn = db.write().await?;
    let id = api_tokens::insert(
        &mut conn,
        account_id,
        account.credentials_version,
        name,
        &prefix,
        &crypto::hash_token(&token),
        now,
    )
    .await?
    .ok_or(AppError::Unauthorized)?;
    Ok(NewApiToken {
        info: ApiTokenInfo {
            id,
            name: name.to_owned(),
            prefix,
            created_at: now,
            last_used_at: None,
        },
        token,
    })
}

pub async fn list(db: &Db, account_id: i64) -> Result<Vec<ApiTokenInfo>, AppError> {
    let mut conn = db.read().await?;
    Ok(api_tokens::list_active(&mut conn, account_id)
        .await?
        .into_iter()
        .map(|r| ApiTokenInfo {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        })
        .collect())
}

/// Revokes one of the account's own tokens; another account's token id is
/// simply not found.
pub async fn revoke(db: &Db, account_id: i64, token_id: i64) -> Result<(), AppError> {
    let mut conn = db.write().await?;
    if api_tokens::revoke(&mut conn, account_id, token_id, now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// How stale `last_used_at` may be before a request records a new one.
const LAST_USED_PRECISION_MS: i64 = 60_000;

/// The account a presented token belongs to, recording its use.
pub async fn authenticate(db: &Db, token: &str) -> Result<AccountRow, AppError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Err(AppError::Unauthorized);
    }
    let hash = crypto::hash_token(token);
    let now = now_ms();
    let mut conn = db.read_direct().await?;
    let Some(found) = api_tokens::find_active(&mut conn, &hash, now).await? else {
        return Err(AppError::Unauthorized);
    };
    drop(conn);
    if !crypto::hashes_equal(&found.token_hash, &hash) {
        return Err(AppError::Unauthorized);
    }
    // A read answers without a write: the last use is recorded at most
    // once a minute per token.
    if found
        .last_used_at
        .is_none_or(|t| t < now - LAST_USED_PRECISION_MS)
    {
        let mut conn = db.write().await?;
        api_tokens::record_use(&mut conn, found.id, now).await?;
    }
    Ok(found.account)
}
