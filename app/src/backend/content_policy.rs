//! The `Content-Security-Policy` of Portico's pages (SPEC §7): scripts only
//! from Portico's origin or inline with the request's nonce (the islands'
//! hydration script and the resources serialized beside it), WASM
//! compilation for the islands, styles only from the stylesheet, no
//! plugins, no `<base>`, and no framing (`frame-ancestors 'none'`), so
//! nobody can frame "Accept invitation" or "Create token" and click it
//! through.

/// The policy of a page rendered with `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'"
    )
}

/// The policy of every other response (the API viewer, files, JSON): no
/// inline script at all.
pub const OTHER_POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'";

/// Sends the page policy with the nonce Leptos renders into this page's
/// scripts. Called while the page's shell renders.
pub fn send_page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The API viewer (`/api/docs`, Swagger UI) writes a `<style>` element of
/// its own: inline styles are allowed there, scripts still only from
/// Portico's origin.
pub const API_VIEWER_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
