//! `signing_keys`: the OpenID provider's asymmetric keys (SPEC §10).

use sqlx::AnyConnection;

use crate::error::AppError;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub kid: String,
    pub private_pem: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// The keys still published: the signing ones and those retired after
/// `retired_since` (their tokens may not have expired yet), newest first.
pub async fn published(
    conn: &mut AnyConnection,
    retired_since: i64,
) -> Result<Vec<SigningKeyRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT kid, private_pem, created_at, retired_at FROM signing_keys \
         WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC, kid",
    )
    .bind(retired_since)
    .fetch_all(conn)
    .await?)
}

pub async fn insert(
    conn: &mut AnyConnection,
    kid: &str,
    private_pem: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, algorithm, private_pem, created_at) \
         VALUES ($1, 'RS256', $2, $3)",
    )
    .bind(kid)
    .bind(private_pem)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Retires every signing key but `keep`.
pub async fn retire_all_but(
    conn: &mut AnyConnection,
    keep: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL AND kid <> $2")
        .bind(now)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(())
}
