//! Cross-site request forgery protection: a state-changing request (POST,
//! PUT, PATCH, DELETE) that a browser sends from another site is refused.
//! Browsers always send `Origin` on such requests (and `Sec-Fetch-Site`);
//! when `Origin` is present it must be Portico's own. Requests without
//! either header come from non-browser clients (curl, SDKs with bearer
//! tokens), which carry no ambient cookies worth forging.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;

use app::AppError;
use app::backend::config::parse_origin;

/// The origins a browser request may come from.
#[derive(Clone)]
pub struct AllowedOrigins(pub std::sync::Arc<Vec<String>>);

pub async fn protect(State(origins): State<AllowedOrigins>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // The OpenID endpoints are called by other sites by design.
    if !safe
        && !crate::oidc::is_protocol_endpoint(req.uri().path())
        && is_cross_site(&req, &origins.0)
    {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        return AppError::Forbidden.into_response();
    }
    next.run(req).await
}

fn is_cross_site(req: &Request, own: &[String]) -> bool {
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(http::header::ORIGIN) {
        // A page sent with `Referrer-Policy: no-referrer` (those whose URL
        // carries a token) posts its forms with `Origin: null`; the
        // browser's own `Sec-Fetch-Site`, which no page can set, still says
        // whether the form was Portico's. Anything else opaque is refused.
        if origin.as_bytes() == b"null" {
            return fetch_site != Some("same-origin");
        }
        let origin = origin.to_str().ok().and_then(parse_origin);
        return !origin.is_some_and(|o| own.contains(&o));
    }
    // No Origin: a browser still labels cross-site requests.
    fetch_site.is_some_and(|site| site == "cross-site" || site == "same-site")
}
