//! Server functions answer every error with status 500 and the error in
//! the body. This middleware gives each `AppError` its real status (400,
//! 401, 403, 404, 409, 429 with `Retry-After`, 503) — the one place where `AppError::status`
//! applies to server functions, as it does to REST.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::StatusCode;
use leptos::server_fn::error::FromServerFnError;

use app::AppError;

/// Error bodies are small JSON; anything larger is left alone.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn set_error_status(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let is_server_fn_error = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && response.headers().contains_key("serverfnerror");
    if !is_server_fn_error {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let error = AppError::de(bytes.clone());
    parts.status = error.status();
    if let Some(secs) = error.retry_after() {
        parts
            .headers
            .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
    }
    Response::from_parts(parts, Body::from(bytes))
}
