//! `api_tokens`: long-lived bearer credentials, stored as hashes.

use sqlx::AnyConnection;

use super::exec::{Exec, Row};

use crate::error::AppError;

/// A token as its owner sees it in the list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What authenticating a presented token needs: the token, and the
/// account it acts for (read in the same statement: a request then needs
/// no second lookup before its own).
#[derive(Debug, Clone)]
pub struct ActiveToken {
    pub id: i64,
    pub token_hash: String,
    pub last_used_at: Option<i64>,
    pub account: super::accounts::AccountRow,
}

impl ActiveToken {
    /// [`find_active_sql`]'s row: the token's three columns, the account's.
    fn decode(r: &dyn Row) -> Result<Self, sqlx::Error> {
        Ok(ActiveToken {
            id: r.int(0)?,
            token_hash: r.text(1)?,
            last_used_at: r.opt_int(2)?,
            account: super::accounts::AccountRow::decode_from(r, 3)?,
        })
    }
}

/// Inserts a token for the account only while its credentials are still
/// at `credentials_version` (the version the request was authorised
/// under): a token created while a password reset revokes everything
/// cannot land after the revocation. `None` when they moved on.
pub async fn insert(
    conn: &mut AnyConnection,
    account_id: i64,
    credentials_version: i64,
    name: &str,
    prefix: &str,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (account_id, name, prefix, token_hash, created_at) \
         SELECT id, $2, $3, $4, $5 FROM accounts WHERE id = $1 AND credentials_version = $6 \
         RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .bind(prefix)
    .bind(token_hash)
    .bind(now)
    .bind(credentials_version)
    .fetch_optional(conn)
    .await?)
}

pub async fn list_active(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<Vec<ApiTokenRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, prefix, created_at, last_used_at FROM api_tokens \
         WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?)
}

/// Revokes one of the account's tokens; false when there is no such token.
pub async fn revoke(
    conn: &mut AnyConnection,
    account_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every token of the account.
pub async fn revoke_all(
    conn: &mut AnyConnection,
    account_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// [`find_active`]'s statement: the token by its hash
/// (`api_tokens_token_hash_key`), its account by primary key.
pub fn find_active_sql() -> String {
    format!(
        "SELECT t.id AS token_id, t.token_hash, t.last_used_at, {} \
         FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)",
        super::accounts::COLUMNS
    )
}

/// The unrevoked, unexpired token with this hash, with its account.
pub async fn find_active(
    conn: &mut impl Exec,
    token_hash: &str,
    now: i64,
) -> Result<Option<ActiveToken>, AppError> {
    Ok(conn
        .fetch_optional(
            &find_active_sql(),
            &[token_hash.into(), now.into()],
            ActiveToken::decode,
        )
        .await?)
}

pub async fn record_use(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
