//! Key/value settings kept in the database, such as the generated secret.

use base64::Engine;
use rand::RngCore;

use super::db::Db;
use crate::error::AppError;

const SECRET_KEY: &str = "secret";

/// The secret that signs JWTs and cookies: `configured` when set, else the
/// one stored on first start, else a new random one that is stored now. Two
/// instances starting at once agree, because only the first insert wins.
pub async fn load_or_create_secret(db: &Db, configured: Option<&str>) -> Result<String, AppError> {
    if let Some(secret) = configured {
        return Ok(secret.to_owned());
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let fresh = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut conn = db.write().await?;
    super::db::settings::get_or_insert(&mut conn, SECRET_KEY, &fresh).await
}
