//! `accounts`: people who can sign in.

use sqlx::AnyConnection;

use super::exec::{Exec, Row};
use crate::backend::crypto::PasswordHash;
use crate::dto::AccountInfo;
use crate::error::AppError;

/// An account row ([`COLUMNS`]). Holds the password hash, so it is never
/// serialized.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub email_verified_at: Option<i64>,
    pub password_hash: PasswordHash,
    /// Moves on when credentials are revoked; sessions and JWTs carry it.
    pub credentials_version: i64,
    /// The language they chose (a tag of `i18n::Lang`), if any.
    pub locale: Option<String>,
}

impl AccountRow {
    pub fn decode(r: &dyn Row) -> Result<Self, sqlx::Error> {
        Self::decode_from(r, 0)
    }

    /// The account's [`COLUMNS`] from column `at` on (a statement that
    /// reads other columns first).
    pub fn decode_from(r: &dyn Row, at: usize) -> Result<Self, sqlx::Error> {
        Ok(AccountRow {
            id: r.int(at)?,
            email: r.text(at + 1)?,
            first_name: r.text(at + 2)?,
            last_name: r.text(at + 3)?,
            email_verified_at: r.opt_int(at + 4)?,
            password_hash: PasswordHash::from(r.text(at + 5)?),
            credentials_version: r.int(at + 6)?,
            locale: r.opt_text(at + 7)?,
        })
    }

    pub fn info(&self) -> AccountInfo {
        AccountInfo {
            id: self.id,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email_verified: self.email_verified_at.is_some(),
            locale: self.locale.clone(),
        }
    }
}

/// The columns of an [`AccountRow`], of `accounts` named `a` (so a
/// statement joining another table reads the account along).
pub const COLUMNS: &str = "a.id, a.email, a.first_name, a.last_name, a.email_verified_at, a.password_hash, \
     a.credentials_version, a.locale";

/// The language preference of the account with `email`, if any.
pub async fn locale_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT locale FROM accounts WHERE email = $1")
            .bind(email)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

/// The language preference of account `id`, if any.
pub async fn locale_of(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT locale FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

/// Sets (or, with `None`, clears) the account's language.
pub async fn set_locale(
    conn: &mut AnyConnection,
    id: i64,
    locale: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find_by_id(conn: &mut impl Exec, id: i64) -> Result<Option<AccountRow>, AppError> {
    Ok(conn
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM accounts a WHERE a.id = $1"),
            &[id.into()],
            AccountRow::decode,
        )
        .await?)
}

/// `email` is the stored form: trimmed and lower-cased.
pub async fn find_by_email(
    conn: &mut impl Exec,
    email: &str,
) -> Result<Option<AccountRow>, AppError> {
    Ok(conn
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM accounts a WHERE a.email = $1"),
            &[email.into()],
            AccountRow::decode,
        )
        .await?)
}

pub async fn exists_with_email(conn: &mut AnyConnection, email: &str) -> Result<bool, AppError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?;
    Ok(id.is_some())
}

/// The columns of a new account.
pub struct NewAccountRow<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email_verified_at: Option<i64>,
    pub locale: Option<&'a str>,
}

/// Inserts an account; a duplicate email is a `Conflict`.
pub async fn insert(
    conn: &mut AnyConnection,
    new: NewAccountRow<'_>,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO accounts (email, mailbox, password_hash, first_name, last_name, email_verified_at, created_at, updated_at, locale) \
         VALUES ($1, $7, $2, $3, $4, $5, $6, $6, $8) RETURNING id",
    )
    .bind(new.email)
    .bind(new.password_hash)
    .bind(new.first_name)
    .bind(new.last_name)
    .bind(new.email_verified_at)
    .bind(now)
    .bind(crate::domain::mailbox_of(new.email))
    .bind(new.locale)
    .fetch_one(conn)
    .await?)
}

pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    hash: &PasswordHash,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash.0)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the address verified; true when it was not verified before.
/// Removes the account's password (it signs in with SSO or sets a new
/// one with a reset link).
pub async fn clear_password(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET password_hash = '', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_verified(conn: &mut AnyConnection, id: i64, now: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE accounts SET email_verified_at = $1, updated_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves the credentials version on; returns the new one.
pub async fn bump_credentials_version(
    conn: &mut AnyConnection,
    id: i64,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE accounts SET credentials_version = credentials_version + 1, updated_at = $1 WHERE id = $2 \
         RETURNING credentials_version",
    )
    .bind(now)
    .bind(id)
    .fetch_one(conn)
    .await?)
}

pub async fn set_names(
    conn: &mut AnyConnection,
    id: i64,
    first: &str,
    last: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET first_name = $1, last_name = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(first)
    .bind(last)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
