//! Short-lived access tokens (JWT, HS256) signed with Portico's secret.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use app::AppError;
use app::backend::access::accounts::AccountRow;
use app::backend::now_ms;

/// Lifetime of an access token, in seconds.
pub const ACCESS_TOKEN_SECONDS: i64 = 900;
const AUDIENCE: &str = "portico-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    aud: String,
    iat: i64,
    exp: i64,
    /// The account's credentials version when issued: a password reset or
    /// change, or the first verification, moves it on and voids the token.
    ver: i64,
}

pub fn issue(secret: &str, account: &AccountRow) -> Result<String, AppError> {
    let now = now_ms() / 1000;
    let claims = Claims {
        sub: account.id.to_string(),
        aud: AUDIENCE.into(),
        iat: now,
        exp: now + ACCESS_TOKEN_SECONDS,
        ver: account.credentials_version,
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| AppError::internal("signing a JWT failed", &e))
}

/// The account id and credentials version of a valid, unexpired token.
pub fn verify(secret: &str, token: &str) -> Result<(i64, i64), AppError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[AUDIENCE]);
    validation.leeway = 5;
    let data = decode::<Claims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map_err(|_| AppError::Unauthorized)?;
    let id = data
        .claims
        .sub
        .parse()
        .map_err(|_| AppError::Unauthorized)?;
    Ok((id, data.claims.ver))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_with_its_secret_only() {
        let secret = "0123456789abcdef0123456789abcdef";
        let account = AccountRow {
            id: 42,
            email: "a@example.com".into(),
            first_name: "A".into(),
            last_name: "B".into(),
            email_verified_at: None,
            password_hash: app::backend::crypto::PasswordHash(String::new()),
            credentials_version: 3,
        };
        let token = issue(secret, &account).unwrap();
        assert_eq!(verify(secret, &token), Ok((42, 3)));
        assert_eq!(
            verify("another-secret-another-secret-xx", &token),
            Err(AppError::Unauthorized)
        );
        assert_eq!(verify(secret, "not.a.jwt"), Err(AppError::Unauthorized));
    }
}
