//! Long-lived API tokens of an account: created at `/account`, shown once,
//! stored as a SHA-256 hash, listed by prefix, revocable.

use sqlx::Row;

use super::accounts::AccountRow;
use super::crypto;
use super::db::{Db, now_ms};
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
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (account_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .bind(&prefix)
    .bind(crypto::hash_token(&token))
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
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
    let rows = sqlx::query(
        "SELECT id, name, prefix, created_at, last_used_at FROM api_tokens \
         WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| ApiTokenInfo {
            id: r.get(0),
            name: r.get(1),
            prefix: r.get(2),
            created_at: r.get(3),
            last_used_at: r.get(4),
        })
        .collect())
}

/// Revokes one of the account's own tokens; another account's token id is
/// simply not found.
pub async fn revoke(db: &Db, account_id: i64, token_id: i64) -> Result<(), AppError> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(token_id)
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The account a presented token belongs to, recording its use.
pub async fn authenticate(db: &Db, token: &str) -> Result<i64, AppError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Err(AppError::Unauthorized);
    }
    let hash = crypto::hash_token(token);
    let now = now_ms();
    let row: Option<(i64, String)> = sqlx::query_as(
        "UPDATE api_tokens SET last_used_at = $1 \
         WHERE token_hash = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) \
         RETURNING account_id, token_hash",
    )
    .bind(now)
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some((account_id, stored)) if crypto::hashes_equal(&stored, &hash) => Ok(account_id),
        _ => Err(AppError::Unauthorized),
    }
}
