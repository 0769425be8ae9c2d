//! The OpenID provider's HTTP endpoints (SPEC §10): discovery, JWKS,
//! authorization, token, userinfo, revocation and end-session. The rules
//! live in `app::backend::oidc`; this module reads requests and writes
//! the protocol's answers (JSON errors with `error`/`error_description`,
//! `Cache-Control: no-store` on tokens, Portico's own page for a request
//! with nowhere safe to send an error).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::json;
use tower_sessions::Session;

use app::AppError;
use app::backend::AppState;
use app::backend::access::session;
use app::backend::delivery::mail::escape_html;
use app::backend::oidc::authorize::{self, Refusal, SignedIn};
use app::backend::oidc::clients;
use app::backend::oidc::tokens::{self, TokenError};

pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/oauth/jwks";
pub const TOKEN_PATH: &str = "/oauth/token";
pub const USERINFO_PATH: &str = "/oauth/userinfo";
pub const REVOCATION_PATH: &str = "/oauth/revoke";
pub const END_SESSION_PATH: &str = "/oauth/end-session";

/// The endpoints that answer other sites' servers and browsers: the
/// cross-site request check does not apply to them (they read no cookie
/// but the authorization and end-session endpoints', whose answers go
/// only to registered redirect URIs).
pub fn is_protocol_endpoint(path: &str) -> bool {
    [
        authorize::PATH,
        TOKEN_PATH,
        USERINFO_PATH,
        REVOCATION_PATH,
        END_SESSION_PATH,
    ]
    .contains(&path)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(DISCOVERY_PATH, get(discovery))
        .route(JWKS_PATH, get(jwks))
        .route(authorize::PATH, get(authorize_query).post(authorize_form))
        .route(TOKEN_PATH, axum::routing::post(token))
        .route(USERINFO_PATH, get(userinfo).post(userinfo))
        .route(REVOCATION_PATH, axum::routing::post(revoke))
        .route(
            END_SESSION_PATH,
            get(end_session_query).post(end_session_form),
        )
}

/// OpenID Connect Discovery 1.0.
async fn discovery(State(state): State<AppState>) -> Response {
    let base = &state.config.base_url;
    let body = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}{}", authorize::PATH),
        "token_endpoint": format!("{base}{TOKEN_PATH}"),
        "userinfo_endpoint": format!("{base}{USERINFO_PATH}"),
        "jwks_uri": format!("{base}{JWKS_PATH}"),
        "revocation_endpoint": format!("{base}{REVOCATION_PATH}"),
        "end_session_endpoint": format!("{base}{END_SESSION_PATH}"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp",
            "email", "email_verified", "name", "given_name", "family_name", "locale",
            "tenant_id", "tenant_name", "roles", "organisation_id",
        ],
        "prompt_values_supported": ["none", "login", "select_account", "consent"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
    });
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(body)).into_response()
}

async fn jwks(State(state): State<AppState>) -> Result<Response, AppError> {
    let keys = state.keys.jwks().await?;
    // Short: a rotated key must reach clients before tokens signed with it.
    Ok(([(header::CACHE_CONTROL, "public, max-age=60")], Json(keys)).into_response())
}

fn pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

async fn authorize_query(
    State(state): State<AppState>,
    session: Session,
    RawQuery(query): RawQuery,
) -> Response {
    authorize(state, session, pairs(query.unwrap_or_default().as_bytes())).await
}

async fn authorize_form(State(state): State<AppState>, session: Session, body: Bytes) -> Response {
    authorize(state, session, pairs(&body)).await
}

async fn authorize(state: AppState, session: Session, params: Vec<(String, String)>) -> Response {
    let request = match authorize::parse(&state, params).await {
        Ok(request) => request,
        Err(Refusal::Page(message)) => return error_page(StatusCode::BAD_REQUEST, &message),
        Err(Refusal::Redirect(location)) => return Redirect::to(&location).into_response(),
        Err(Refusal::Failed(e)) => return e.into_response(),
    };
    let signed_in = match session::signed_in(&state, &session).await {
        Ok(s) => s.map(|(account, auth_time)| SignedIn { account, auth_time }),
        Err(e) => return e.into_response(),
    };
    match authorize::decide(&state, &request, signed_in).await {
        Ok(location) => Redirect::to(&location).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Portico's page for a request it cannot answer to the client.
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sign-in request refused · Portico</title>\
         <link rel=\"stylesheet\" href=\"/pkg/portico.css\"></head>\
         <body><main class=\"page narrow\"><h1>This sign-in request cannot be answered</h1>\
         <p class=\"error\" role=\"alert\">{}</p>\
         <p>Go back to the application and try again, or tell its owner.</p></main></body></html>",
        escape_html(message)
    );
    (status, Html(body)).into_response()
}

/// A token-endpoint parameter, refused when given twice (RFC 6749 §3.2).
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, name: &str) -> Result<Option<&str>, TokenError> {
        let mut values = self.0.iter().filter(|(k, _)| k == name);
        let first = values.next();
        if values.next().is_some() {
            return Err(TokenError::Invalid(
                "invalid_request",
                format!("The parameter {name} is given more than once."),
            ));
        }
        Ok(first.map(|(_, v)| v.as_str()).filter(|v| !v.is_empty()))
    }
}

/// The client's id and secret: HTTP Basic (`client_secret_basic`, each
/// part form-encoded) or the body (`client_secret_post`, or `client_id`
/// alone for a public client). Both at once is refused.
async fn client_of(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<app::backend::oidc::clients::Client, TokenError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    let (id, secret) = match basic {
        Some(encoded) => {
            if params.get("client_secret")?.is_some() {
                return Err(TokenError::Invalid(
                    "invalid_request",
                    "Use one way of authenticating the client.".into(),
                ));
            }
            let (id, secret) = basic_credentials(encoded).ok_or(TokenError::InvalidClient)?;
            if params
                .get("client_id")?
                .is_some_and(|body_id| body_id != id)
            {
                return Err(TokenError::InvalidClient);
            }
            (Some(id), Some(secret))
        }
        None => (
            params.get("client_id")?.map(str::to_owned),
            params.get("client_secret")?.map(str::to_owned),
        ),
    };
    tokens::authenticate_client(state, id.as_deref(), secret.as_deref()).await
}

fn basic_credentials(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let decode = |s: &str| -> String {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

/// The token endpoint: `authorization_code` and `refresh_token` grants.
async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = Params(pairs(&body));
    let answer = async {
        let client = client_of(&state, &headers, &params).await?;
        match params.get("grant_type")? {
            Some("authorization_code") => {
                tokens::exchange_code(
                    &state,
                    &client,
                    params.get("code")?,
                    params.get("redirect_uri")?,
                    params.get("code_verifier")?,
                )
                .await
            }
            Some("refresh_token") => {
                tokens::refresh(&state, &client, params.get("refresh_token")?).await
            }
            Some(_) => Err(TokenError::Invalid(
                "unsupported_grant_type",
                "Only authorization_code and refresh_token are supported.".into(),
            )),
            None => Err(TokenError::Invalid(
                "invalid_request",
                "grant_type is missing.".into(),
            )),
        }
    }
    .await;
    match answer {
        Ok(tokens) => no_store(Json(tokens).into_response()),
        Err(e) => token_error(e),
    }
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

fn token_error(error: TokenError) -> Response {
    let (status, error, description) = match error {
        TokenError::InvalidClient => (
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The client is unknown or its credentials are wrong.".to_owned(),
        ),
        TokenError::Invalid(code, description) => (StatusCode::BAD_REQUEST, code, description),
        TokenError::Failed(e) => return e.into_response(),
    };
    let mut response = no_store(
        (
            status,
            Json(json!({"error": error, "error_description": description})),
        )
            .into_response(),
    );
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"portico\""),
        );
    }
    response
}

/// The userinfo endpoint: the person's claims for a bearer access token.
async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let refused = || {
        (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                "Bearer error=\"invalid_token\", error_description=\"The access token is missing, expired or revoked.\"",
            )],
            Json(json!({"error": "invalid_token"})),
        )
            .into_response()
    };
    let Some(token) = token else {
        return refused();
    };
    match tokens::userinfo(&state, token).await {
        Ok(claims) => no_store(Json(claims).into_response()),
        Err(AppError::Unauthorized) => refused(),
        Err(e) => e.into_response(),
    }
}

/// The revocation endpoint (RFC 7009): 200 whatever the token was.
async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = Params(pairs(&body));
    let answer = async {
        let client = client_of(&state, &headers, &params).await?;
        let token = params
            .get("token")?
            .ok_or_else(|| TokenError::Invalid("invalid_request", "token is missing.".into()))?;
        tokens::revoke(&state, &client, token).await?;
        Ok::<_, TokenError>(())
    }
    .await;
    match answer {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => token_error(e),
    }
}

async fn end_session_query(
    State(state): State<AppState>,
    session: Session,
    RawQuery(query): RawQuery,
) -> Response {
    end_session(state, session, pairs(query.unwrap_or_default().as_bytes())).await
}

async fn end_session_form(
    State(state): State<AppState>,
    session: Session,
    body: Bytes,
) -> Response {
    end_session(state, session, pairs(&body)).await
}

/// RP-initiated logout. With a valid `id_token_hint` of the signed-in
/// person, the session ends and the browser goes to the client's
/// registered `post_logout_redirect_uri` (or Portico's sign-in page).
/// Without one, nothing is ended unasked: Portico's sign-out page asks.
async fn end_session(state: AppState, session: Session, params: Vec<(String, String)>) -> Response {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let hint = match get("id_token_hint") {
        Some(token) => tokens::id_token_hint(&state, token).await.ok(),
        None => None,
    };
    let Some((client_id, sub)) = hint else {
        return Redirect::to("/logout").into_response();
    };
    if get("client_id").is_some_and(|id| id != client_id) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The client_id is not the one the ID token was issued to.",
        );
    }
    let target = match get("post_logout_redirect_uri") {
        None => None,
        Some(uri) => match clients::find(&state, &client_id).await {
            Ok(Some(client)) if client.allows_post_logout_redirect(uri) => Some(uri.to_owned()),
            Ok(_) => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "This post_logout_redirect_uri is not registered for the application.",
                );
            }
            Err(e) => return e.into_response(),
        },
    };
    match session::account_of(&state, &session).await {
        Ok(Some(account)) if account.id != sub => {
            // Someone else is signed in here: they decide.
            return Redirect::to("/logout").into_response();
        }
        Ok(Some(_)) => {
            if let Err(e) = session.flush().await {
                return AppError::internal("ending the session", &e).into_response();
            }
        }
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    let location = match target {
        Some(uri) => match url::Url::parse(&uri) {
            Ok(mut url) => {
                if let Some(s) = get("state") {
                    url.query_pairs_mut().append_pair("state", s);
                }
                url.to_string()
            }
            Err(_) => "/login?signed_out=1".to_owned(),
        },
        None => "/login?signed_out=1".to_owned(),
    };
    Redirect::to(&location).into_response()
}
