//! `account_tokens`: single-use tokens mailed to an account (email
//! verification, password reset), stored as hashes.

use sqlx::AnyConnection;

use crate::error::AppError;

/// What a mailed token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }
}

pub async fn insert(
    conn: &mut AnyConnection,
    account_id: i64,
    purpose: Purpose,
    token_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO account_tokens (account_id, purpose, token_hash, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account_id)
    .bind(purpose.as_str())
    .bind(token_hash)
    .bind(expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks an unused, unexpired token used, once; returns its account.
pub async fn consume(
    conn: &mut AnyConnection,
    purpose: Purpose,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE account_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await?)
}

/// The account of an unused, unexpired token, without using it: what a
/// form needs to know before it asks for more (and before any password is
/// hashed for a made-up token).
pub async fn peek(
    conn: &mut AnyConnection,
    purpose: Purpose,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT account_id FROM account_tokens \
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(conn)
    .await?)
}
