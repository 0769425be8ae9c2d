//! `POST /api/v1/auth/signup` and `POST /api/v1/auth/token`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::backend::AppState;
use app::backend::access::access_tokens;
use app::backend::access::accounts::{self, AccountFields, NewAccount};
use app::domain::FormParser;
use app::{AppError, ErrorBody};

use super::extract::{ApiJson, ClientIp, required};
use super::schema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"email": "ada@example.com", "password": "correct horse battery", "firstName": "Ada", "lastName": "Lovelace"}))]
pub struct SignupRequest {
    #[schema(schema_with = schema::email, required = true)]
    email: Option<String>,
    #[schema(schema_with = schema::new_password, required = true)]
    password: Option<String>,
    #[schema(schema_with = schema::person_name, required = true)]
    first_name: Option<String>,
    #[schema(schema_with = schema::person_name, required = true)]
    last_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountDto {
    #[schema(format = Int64)]
    id: i64,
    #[schema(format = Email)]
    email: String,
    first_name: String,
    last_name: String,
    email_verified: bool,
}

/// Creates an account (unverified) and mails the verification link.
#[utoipa::path(
    post, path = "/api/v1/auth/signup", tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Account created", body = AccountDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 409, description = "Email already registered", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this address or to this email", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Password hashing is at capacity", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<AccountDto>), AppError> {
    let mut form = FormParser::default();
    let fields = AccountFields {
        email: body.email.as_deref(),
        password: body.password.as_deref(),
        first_name: body.first_name.as_deref(),
        last_name: body.last_name.as_deref(),
    };
    let account = NewAccount::parse(&mut form, fields);
    let account = form.finish(|| account)?;
    let info = accounts::sign_up(&state, account, Some(ip), None)
        .await?
        .info();
    Ok((
        StatusCode::CREATED,
        Json(AccountDto {
            id: info.id,
            email: info.email,
            first_name: info.first_name,
            last_name: info.last_name,
            email_verified: info.email_verified,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct horse battery"}))]
pub struct TokenRequest {
    #[schema(schema_with = secret_field, required = true, example = "ada@example.com")]
    email: Option<String>,
    #[schema(schema_with = secret_field, required = true)]
    password: Option<String>,
}

/// Any string: a wrong email or password is a 401, not a 400.
fn secret_field() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    schema::secret(1000)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    access_token: String,
    #[schema(example = "Bearer")]
    token_type: String,
    /// Seconds until the token expires.
    #[schema(format = Int64, minimum = 1)]
    expires_in: i64,
}

/// Exchanges email and password for a short-lived access token.
#[utoipa::path(
    post, path = "/api/v1/auth/token", tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Access token", body = TokenResponse),
        (status = 400, description = "Missing fields", body = ErrorBody),
        (status = 401, description = "Email or password incorrect", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Password hashing is at capacity", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn issue_token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let mut form = FormParser::default();
    let email = form.field(
        "email",
        required(body.email.as_deref(), |s| Ok(s.to_owned())),
    );
    let password = form.field(
        "password",
        required(body.password.as_deref(), |s| Ok(s.to_owned())),
    );
    let (email, password) = form.finish(|| Some((email?, password?)))?;
    let account = accounts::sign_in(
        &state,
        &email,
        &password,
        Some(ip),
        accounts::SignInVia::Api,
    )
    .await?;
    Ok(Json(TokenResponse {
        access_token: access_tokens::issue(&state, &account, None).await?,
        token_type: "Bearer".into(),
        expires_in: access_tokens::ACCESS_TOKEN_SECONDS,
    }))
}
