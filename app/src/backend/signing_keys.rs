//! The keys Portico signs its JWTs with (SPEC §10): ID tokens, access
//! tokens and the tokens of `POST /api/v1/auth/token`. RS256 keys are
//! generated when first needed, kept in the database (every instance of
//! one database signs with the same key) and published in the JWKS, so any
//! service verifies Portico's tokens offline. [`SigningKeys::rotate`]
//! starts a new key; the old one stays published until every token it
//! signed has expired.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, TokenData, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::db::{self, Db, now_ms};
use crate::error::AppError;

/// The longest any signed token lives, in seconds: a retired key stays
/// published this long (and a little more for clock skew).
pub const LONGEST_TOKEN_SECONDS: i64 = 3600;
/// How long an instance trusts its copy of the key list before reading it
/// again (another instance may have rotated).
const RELOAD_AFTER: Duration = Duration::from_secs(60);
const RSA_BITS: usize = 2048;
/// How many tokens whose signature was checked an instance remembers (by
/// SHA-256): an RSA verification costs about 0.1 ms of CPU, a lookup far
/// less, and a client presents the same token for up to an hour.
const VERIFIED_REMEMBERED: usize = 4096;

/// The keys, read from the database and kept in memory.
#[derive(Clone)]
pub struct SigningKeys {
    db: Db,
    cache: Arc<RwLock<Option<Arc<KeySet>>>>,
    /// One key generation at a time on this instance.
    generating: Arc<tokio::sync::Mutex<()>>,
    /// Tokens whose signature this instance checked (SHA-256 of the whole
    /// token). Their claims are still checked on every use, and a token
    /// whose key is no longer published fails as before.
    verified: Arc<std::sync::Mutex<std::collections::HashSet<[u8; 32]>>>,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKeys")
    }
}

struct KeySet {
    loaded_at: Instant,
    /// Newest first; the first one signs unless it is retired.
    keys: Vec<Key>,
}

struct Key {
    kid: String,
    retired: bool,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The public key's modulus and exponent, base64url (JWK `n`, `e`).
    n: String,
    e: String,
}

/// A JSON Web Key Set (RFC 7517) of public keys.
#[derive(Debug, Clone, Serialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Jwk {
    pub kty: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
    pub alg: &'static str,
    pub kid: String,
    pub n: String,
    pub e: String,
}

impl SigningKeys {
    pub fn new(db: Db) -> Self {
        SigningKeys {
            db,
            cache: Arc::default(),
            generating: Arc::default(),
            verified: Arc::default(),
        }
    }

    /// Signs `claims` with the current key; `typ` is the JOSE header's
    /// type (`JWT`, or `at+jwt` for an RFC 9068 access token).
    pub async fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> Result<String, AppError> {
        let set = self.with_signing_key().await?;
        let key = &set.keys[0];
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some(typ.to_owned());
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(&header, claims, &key.encoding)
            .map_err(|e| AppError::internal("signing a JWT failed", &e))
    }

    /// The claims of a token signed by one of the published keys, checked
    /// by `validation` (its algorithms are set to RS256 here). Anything
    /// wrong is `Unauthorized`.
    pub async fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        validation: &Validation,
        typ: &str,
    ) -> Result<TokenData<T>, AppError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AppError::Unauthorized)?;
        if header.alg != Algorithm::RS256
            || !header
                .typ
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(typ))
        {
            return Err(AppError::Unauthorized);
        }
        let kid = header.kid.ok_or(AppError::Unauthorized)?;
        let mut set = self.loaded().await?;
        if !set.keys.iter().any(|k| k.kid == kid)
            && set.loaded_at.elapsed() > Duration::from_secs(1)
        {
            // Another instance may have rotated since this one read.
            set = self.reload().await?;
        }
        let key = set
            .keys
            .iter()
            .find(|k| k.kid == kid)
            .ok_or(AppError::Unauthorized)?;
        let mut validation = validation.clone();
        validation.algorithms = vec![Algorithm::RS256];
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let seen = self.lock_verified().contains(&digest);
        if seen {
            // These exact bytes were signed by `kid`, still published:
            // only the claims (expiry, audience, issuer) need checking,
            // which `decode` still does with the signature check off.
            #[allow(deprecated)]
            validation.insecure_disable_signature_validation();
        }
        let data = jsonwebtoken::decode::<T>(token, &key.decoding, &validation)
            .map_err(|_| AppError::Unauthorized)?;
        if !seen {
            let mut verified = self.lock_verified();
            if verified.len() >= VERIFIED_REMEMBERED {
                verified.clear();
            }
            verified.insert(digest);
        }
        Ok(data)
    }

    fn lock_verified(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<[u8; 32]>> {
        self.verified.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The published public keys (a key is made first if there is none).
    pub async fn jwks(&self) -> Result<Jwks, AppError> {
        let set = self.with_signing_key().await?;
        Ok(Jwks {
            keys: set
                .keys
                .iter()
                .map(|k| Jwk {
                    kty: "RSA",
                    use_: "sig",
                    alg: "RS256",
                    kid: k.kid.clone(),
                    n: k.n.clone(),
                    e: k.e.clone(),
                })
                .collect(),
        })
    }

    /// Makes a new signing key and retires the others (still published
    /// until their tokens expire). Returns the new key's id.
    pub async fn rotate(&self) -> Result<String, AppError> {
        let _one = self.generating.lock().await;
        let kid = self.generate().await?;
        self.reload().await?;
        Ok(kid)
    }

    /// The key set with a key that signs, generating one if none does.
    async fn with_signing_key(&self) -> Result<Arc<KeySet>, AppError> {
        let set = self.loaded().await?;
        if set.keys.first().is_some_and(|k| !k.retired) {
            return Ok(set);
        }
        let _one = self.generating.lock().await;
        let set = self.reload().await?;
        if set.keys.first().is_some_and(|k| !k.retired) {
            return Ok(set);
        }
        self.generate().await?;
        self.reload().await
    }

    async fn loaded(&self) -> Result<Arc<KeySet>, AppError> {
        let cached = self
            .cache
            .read()
            .map_err(|_| AppError::broken("signing key cache poisoned"))?
            .clone();
        match cached {
            Some(set) if set.loaded_at.elapsed() < RELOAD_AFTER => Ok(set),
            _ => self.reload().await,
        }
    }

    async fn reload(&self) -> Result<Arc<KeySet>, AppError> {
        let since = now_ms() - (LONGEST_TOKEN_SECONDS + 60) * 1000;
        let rows = {
            let mut conn = self.db.read().await?;
            db::signing_keys::published(&mut conn, since).await?
        };
        let keys = rows
            .into_iter()
            .map(|row| {
                let key = load(&row.private_pem)?;
                Ok(Key {
                    retired: row.retired_at.is_some(),
                    kid: row.kid,
                    ..key
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        // The newest signing key first, then the retired ones.
        let mut keys = keys;
        keys.sort_by_key(|k| k.retired);
        let set = Arc::new(KeySet {
            loaded_at: Instant::now(),
            keys,
        });
        *self
            .cache
            .write()
            .map_err(|_| AppError::broken("signing key cache poisoned"))? = Some(set.clone());
        Ok(set)
    }

    /// Generates a key (off the async threads: it takes a while), stores
    /// it and retires the others.
    async fn generate(&self) -> Result<String, AppError> {
        let (kid, pem) = tokio::task::spawn_blocking(|| -> Result<(String, String), AppError> {
            let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, RSA_BITS)
                .map_err(|e| AppError::internal("generating a signing key failed", &e))?;
            let pem = private
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| AppError::internal("encoding a signing key failed", &e))?;
            let (n, e) = components(&private);
            Ok((thumbprint(&n, &e), pem.to_string()))
        })
        .await
        .map_err(|e| AppError::internal("key generation task failed", &e))??;
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        db::signing_keys::insert(&mut tx, &kid, &pem, now).await?;
        db::signing_keys::retire_all_but(&mut tx, &kid, now).await?;
        tx.commit().await?;
        tracing::info!(kid, "new signing key");
        Ok(kid)
    }
}

/// A stored key ready to sign and verify (its `kid` is set by the caller).
fn load(pem: &str) -> Result<Key, AppError> {
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
        .map_err(|e| AppError::internal("a stored signing key is unreadable", &e))?;
    let der = private
        .to_pkcs1_der()
        .map_err(|e| AppError::internal("a stored signing key is unreadable", &e))?;
    let (n, e) = components(&private);
    let decoding = DecodingKey::from_rsa_components(&n, &e)
        .map_err(|e| AppError::internal("a stored signing key is unreadable", &e))?;
    Ok(Key {
        kid: String::new(),
        retired: false,
        encoding: EncodingKey::from_rsa_der(der.as_bytes()),
        decoding,
        n,
        e,
    })
}

/// The public modulus and exponent, base64url.
fn components(private: &rsa::RsaPrivateKey) -> (String, String) {
    (
        URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
        URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
    )
}

/// The RFC 7638 thumbprint of an RSA public key: a stable `kid`.
fn thumbprint(n: &str, e: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thumbprint_is_rfc_7638s() {
        // RFC 7638 §3.1's example key.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(n, "AQAB"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }
}
