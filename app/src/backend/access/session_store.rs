//! tower-sessions records in the `sessions` table, through the same `Any`
//! pool as everything else, so sessions survive restarts and are shared by
//! every instance on one database.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::backend::db::sessions::{self, SessionRow};
use crate::backend::db::{Db, now_ms};
use crate::error::AppError;

/// The session key holding the signed-in account's id.
pub const ACCOUNT_KEY: &str = "account_id";
/// The session key holding the account's credentials version at sign-in.
pub const CREDENTIALS_VERSION_KEY: &str = "credentials_version";
/// The session key holding when the account signed in (seconds): the
/// OpenID provider's `auth_time`, `max_age` and `prompt=login`.
pub const AUTH_TIME_KEY: &str = "auth_time";
/// The session key holding the id of the account whose password this
/// browser chose (register, sign-up to join): only a confirmation of the
/// address from this session keeps that password (SPEC §2, pre-hijack).
pub const CHOSE_PASSWORD_KEY: &str = "chose_password_for";

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }

    /// Removes expired sessions; run periodically.
    pub async fn delete_expired(&self) -> Result<u64, AppError> {
        let mut conn = self.db.write().await?;
        sessions::delete_expired(&mut conn, now_ms()).await
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn columns(record: &Record) -> Result<(String, i64, Option<i64>), session_store::Error> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let expiry = record.expiry_date.unix_timestamp() * 1000;
    let account = record.data.get(ACCOUNT_KEY).and_then(|v| v.as_i64());
    Ok((data, expiry, account))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let (data, expiry, account) = columns(record)?;
        let mut conn = self.db.write().await.map_err(backend)?;
        loop {
            let id = record.id.to_string();
            let row = SessionRow {
                id: &id,
                data: &data,
                expiry_date: expiry,
                account_id: account,
            };
            if sessions::insert_new(&mut conn, &row)
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (data, expiry, account) = columns(record)?;
        let id = record.id.to_string();
        let row = SessionRow {
            id: &id,
            data: &data,
            expiry_date: expiry,
            account_id: account,
        };
        let mut conn = self.db.write().await.map_err(backend)?;
        sessions::upsert(&mut conn, &row).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let mut conn = self.db.read().await.map_err(backend)?;
        let row = sessions::load(&mut conn, &id.to_string(), now_ms())
            .await
            .map_err(backend)?;
        let Some((data, expiry)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(expiry / 1000)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let mut conn = self.db.write().await.map_err(backend)?;
        sessions::delete(&mut conn, &id.to_string())
            .await
            .map_err(backend)
    }
}
