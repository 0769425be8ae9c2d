//! What every response tells the browser (SPEC §7): a
//! `Content-Security-Policy` (pages send their own, with the nonce of their
//! inline scripts; everything else gets one without any inline script),
//! `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` for browsers
//! that predate `frame-ancestors`, a `Referrer-Policy` (`no-referrer` on
//! pages whose URL carries a token or code, so the secret never leaves in a
//! `Referer`), and on https `Strict-Transport-Security`.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use http::header;

use app::backend::Config;
use app::backend::content_policy::{API_VIEWER_POLICY, OTHER_POLICY};

/// What the headers depend on in the configuration.
#[derive(Debug, Clone, Copy)]
pub struct PageHeaders {
    https: bool,
}

impl PageHeaders {
    pub fn new(config: &Config) -> Self {
        PageHeaders {
            https: config.base_url.starts_with("https://"),
        }
    }
}

pub async fn add(State(page): State<PageHeaders>, req: Request, next: Next) -> Response {
    let secret_in_url = req.uri().query().is_some_and(crate::redact::carries_secret);
    let policy = if req.uri().path().starts_with("/api/docs") {
        API_VIEWER_POLICY
    } else {
        OTHER_POLICY
    };
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(policy));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static(if secret_in_url {
            "no-referrer"
        } else {
            "strict-origin-when-cross-origin"
        }),
    );
    if page.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}
