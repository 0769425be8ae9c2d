//! Passwords and tokens. Passwords are hashed with argon2id (OWASP
//! parameters: 19 MiB, 2 passes, 1 lane) on a blocking thread, never on the
//! async runtime, and at most one hash per core at a time: a request that
//! cannot get a turn within [`ARGON2_WAIT`] is answered 503 with
//! `Retry-After` instead of queueing without bound. Tokens are 32 random bytes in base64url; only their
//! SHA-256 is stored, so a database leak does not leak usable links.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::Password;
use crate::error::AppError;

/// A stored argon2id hash. Holds a secret, so it is neither `Serialize` nor
/// printed.
#[derive(Clone)]
pub struct PasswordHash(pub String);

impl From<String> for PasswordHash {
    fn from(hash: String) -> Self {
        PasswordHash(hash)
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

/// How long a request waits for a turn at argon2 before giving up.
pub const ARGON2_WAIT: Duration = Duration::from_secs(5);

/// Who is waiting for argon2: sign-in has permits of its own, so a flood
/// of password-setting requests (reset, acceptance, confirmation, change)
/// never makes a real sign-in queue behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    SignIn,
    Other,
}

/// One permit per core and lane: argon2 is CPU- and memory-bound (19 MiB
/// each), so at most two hashes per core run at once.
fn argon2_permits(lane: Lane) -> &'static tokio::sync::Semaphore {
    static SIGN_IN: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    static OTHER: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    let cell = match lane {
        Lane::SignIn => &SIGN_IN,
        Lane::Other => &OTHER,
    };
    cell.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

static ARGON2_RUNS: AtomicU64 = AtomicU64::new(0);

/// How many argon2 hashes or verifications this process has run: the
/// tests check that made-up tokens buy none.
pub fn argon2_runs() -> u64 {
    ARGON2_RUNS.load(Ordering::Relaxed)
}

/// Runs argon2 work on a blocking thread once a permit of `lane` is free.
async fn with_argon2<T: Send + 'static>(
    lane: Lane,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let busy = AppError::Busy {
        retry_after_secs: 2,
    };
    let _permit = tokio::time::timeout(ARGON2_WAIT, argon2_permits(lane).acquire())
        .await
        .map_err(|_| busy.clone())?
        .map_err(|_| busy)?;
    ARGON2_RUNS.fetch_add(1, Ordering::Relaxed);
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal("password hashing task failed", &e))
}

pub async fn hash_password(password: &Password) -> Result<PasswordHash, AppError> {
    let password = password.expose().to_owned();
    with_argon2(Lane::Other, move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| PasswordHash(h.to_string()))
            .map_err(|e| AppError::broken(&format!("password hashing failed: {e}")))
    })
    .await?
}

/// A hash of a random password, verified against when the email is unknown
/// so that unknown and known emails take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let (random, _) = new_token();
        Argon2::default()
            .hash_password(random.as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Checks `password` against `hash`, or against a dummy hash when there is
/// no account, always doing the same work. `Busy` when argon2 is at its
/// bound.
pub async fn verify_password(
    lane: Lane,
    password: &str,
    hash: Option<&PasswordHash>,
) -> Result<bool, AppError> {
    let password = password.to_owned();
    let (hash, real) = match hash {
        Some(h) => (h.0.clone(), true),
        None => (String::new(), false),
    };
    with_argon2(lane, move || {
        let hash = if real { hash.as_str() } else { dummy_hash() };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), hash)
            .is_ok();
        ok && real
    })
    .await
}

/// A new random token (32 bytes, base64url) and the hash to store.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// Hex SHA-256 of a token: what is stored and looked up.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Whether a presented secret (an operator's bearer token) is `expected`:
/// both are hashed first, so the constant-time comparison's time says
/// nothing about either, not even its length.
pub fn secret_matches(given: &str, expected: &str) -> bool {
    hashes_equal(&hash_token(given), &hash_token(expected))
}

/// Constant-time equality of two stored hashes.
pub fn hashes_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The key SSO client secrets are sealed with: HMAC-SHA256 of a fixed
/// label under Portico's secret (PORTICO_SECRET or the stored one).
fn sealing_key(secret: &str) -> chacha20poly1305::Key {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(b"portico sso client secrets v1");
    chacha20poly1305::Key::clone_from_slice(&mac.finalize().into_bytes())
}

/// Seals `plaintext` (ChaCha20-Poly1305, a random nonce): base64url of
/// nonce and ciphertext.
pub fn seal(secret: &str, plaintext: &str) -> String {
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(&sealing_key(secret));
    let nonce = chacha20poly1305::ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(&nonce, plaintext.as_bytes())
        .unwrap_or_else(|_| unreachable!("encrypting a short string cannot fail"));
    let mut out = nonce.to_vec();
    out.extend(sealed);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
}

/// Opens what [`seal`] made under the same secret; `None` when it was
/// sealed under another secret or altered.
pub fn open(secret: &str, sealed: &str) -> Option<String> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sealed)
        .ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(12);
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(&sealing_key(secret));
    let plain = cipher
        .decrypt(chacha20poly1305::Nonce::from_slice(nonce), ciphertext)
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let p = Password::parse("correct horse battery").unwrap();
        let h = hash_password(&p).await.unwrap();
        assert!(
            h.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            h.0
        );
        assert_eq!(
            verify_password(Lane::Other, "correct horse battery", Some(&h)).await,
            Ok(true)
        );
        assert_eq!(
            verify_password(Lane::Other, "wrong horse battery", Some(&h)).await,
            Ok(false)
        );
        assert_eq!(
            verify_password(Lane::Other, "correct horse battery", None).await,
            Ok(false)
        );
    }

    #[test]
    fn sealed_secrets_open_only_under_the_same_secret_and_unaltered() {
        let sealed = super::seal("one secret", "client-secret-value");
        assert!(!sealed.contains("client-secret-value"));
        assert_ne!(
            sealed,
            super::seal("one secret", "client-secret-value"),
            "a fresh nonce each time"
        );
        assert_eq!(
            super::open("one secret", &sealed).as_deref(),
            Some("client-secret-value")
        );
        assert_eq!(super::open("another secret", &sealed), None);
        let mut altered = sealed.into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            super::open("one secret", &String::from_utf8(altered).unwrap()),
            None
        );
    }

    #[test]
    fn tokens_are_random_and_stored_as_their_hash() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a), ha);
        assert!(hashes_equal(&ha, &hash_token(&a)));
        assert!(!hashes_equal(&ha, &hash_token(&b)));
    }
}
