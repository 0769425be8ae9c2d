//! Extractors for REST handlers: JSON bodies whose rejections become the
//! error body of SPEC §4, and the bearer caller (API token or JWT).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;

use app::AppError;
use app::backend::access::accounts;
use app::backend::access::actor::Caller;
use app::backend::{AppState, access::access_tokens, access::api_tokens, crypto};

pub use app::domain::required;

/// An optional id in a JSON body, counted as JSON Schema counts integers:
/// `5` and `5.0` alike; a fraction or a value past `i64` is an error.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::Deserialize;
    use serde::de::Error;
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    as_whole(&n)
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected a whole number, got {n}")))
}

/// A JSON number as JSON Schema's `integer` reads it: `5` and `5.0`
/// alike; `None` for a fraction or a value past `i64`.
/// For a PATCH field: tells a key given as `null` (`Some(None)`) from one
/// left out (`None`).
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

pub fn as_whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
            .map(|f| f as i64)
    })
}

/// `Json<T>` that answers malformed bodies with a 400 naming the problem.
/// Every request body of the API is a JSON object: serde would also read
/// a struct from an array of its fields (`[null, null]`), which the
/// document does not allow, so anything else is refused first.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !has_json_content_type(req.headers()) {
            return Err(AppError::field(
                "body",
                "Send the body as JSON with Content-Type: application/json.",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::field("body", "The body could not be read."))?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(AppError::field("body", "Send a JSON object."));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// An optional body (`Option<ApiJson<T>>`): none when the request has no
/// Content-Type; otherwise what [`ApiJson`] reads.
impl<T: DeserializeOwned, S: Send + Sync> axum::extract::OptionalFromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        if !req.headers().contains_key(http::header::CONTENT_TYPE) {
            return Ok(None);
        }
        <ApiJson<T> as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
    }
}

/// `application/json` or `application/…+json`, parameters aside (what
/// axum's `Json` accepts).
fn has_json_content_type(headers: &http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    let problem = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON with Content-Type: application/json.".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => "The body is not valid JSON.".to_owned(),
        // serde's message names the field and the expected type, without
        // echoing anything but the field name.
        JsonRejection::JsonDataError(e) => e.body_text().replace(
            "Failed to deserialize the JSON body into the target type: ",
            "",
        ),
        _ => "The body could not be read.".to_owned(),
    };
    AppError::field("body", problem)
}

/// The account calling the API, from `Authorization: Bearer <token>`: an
/// API token, or an access token (limited to one tenant when the OpenID
/// provider issued it).
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(AppError::Unauthorized)?;
        if token.starts_with(api_tokens::TOKEN_PREFIX) {
            // The token's lookup reads its account along.
            return Ok(ApiCaller(Caller {
                account: api_tokens::authenticate(&state.db, token).await?,
                only_tenant: None,
            }));
        }
        let access = access_tokens::verify(state, token).await?;
        let account = accounts::get(state, access.account_id)
            .await?
            // A JWT issued before the credentials were revoked is void.
            .filter(|a| a.credentials_version == access.credentials_version)
            .ok_or(AppError::Unauthorized)?;
        Ok(ApiCaller(Caller {
            account,
            only_tenant: access.tenant_id,
        }))
    }
}

/// The token of `Authorization: Bearer <token>`, if one was sent.
fn bearer(parts: &Parts) -> Option<&str> {
    bearer_of(&parts.headers)
}

/// The token of `Authorization: Bearer <token>` in `headers`, if any.
pub fn bearer_of(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The instance operator: `Authorization: Bearer <PORTICO_ADMIN_TOKEN>`,
/// compared in constant time. Without the variable the operator's
/// endpoints do not exist (404); a missing or wrong token is a 401.
pub struct Operator;

impl FromRequestParts<AppState> for Operator {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let expected = state
            .config
            .admin_token
            .as_ref()
            .map(ExposeSecret::expose_secret)
            .ok_or(AppError::NotFound)?;
        let given = bearer(parts).ok_or(AppError::Unauthorized)?;
        if crypto::secret_matches(given, expected) {
            Ok(Operator)
        } else {
            Err(AppError::Unauthorized)
        }
    }
}

/// Like [`ApiCaller`], for endpoints that also serve anonymous callers: no
/// `Authorization` header gives `None`; a bad one is still a 401.
pub struct OptionalApiCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for OptionalApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !parts.headers.contains_key(http::header::AUTHORIZATION) {
            return Ok(OptionalApiCaller(None));
        }
        let ApiCaller(account) = ApiCaller::from_request_parts(parts, state).await?;
        Ok(OptionalApiCaller(Some(account)))
    }
}

/// The client's address: the socket peer, or what a trusted proxy says in
/// `X-Forwarded-For` (`PORTICO_TRUSTED_PROXIES`).
pub struct ClientIp(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| AppError::broken("the client address is missing (ConnectInfo)"))?;
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientIp(state.config.client_ip(peer, forwarded)))
    }
}

/// `Path<T>` whose rejections are a 400 with the error body.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|_| AppError::field("path", "Use a numeric id in the path."))
    }
}

/// `Query<T>` whose rejections are a 400 naming the problem.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|e| {
                AppError::field(
                    "query",
                    e.body_text()
                        .replace("Failed to deserialize query string: ", ""),
                )
            })
    }
}
