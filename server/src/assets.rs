//! Static assets and caching. `/pkg` (the WASM, JS and CSS cargo-leptos
//! builds) is served from files compressed at build time (`.br`, `.gz`,
//! chosen by `Accept-Encoding`), never compressed again per request. A file
//! whose name carries its content hash (`portico.<hash>.wasm`, release
//! builds) never changes, so browsers keep it for a year without asking
//! again; anything else, HTML pages included, is revalidated on every use.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use http::header::CACHE_CONTROL;
use tower_http::services::ServeDir;

/// For a file that is named by its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else: use it, but ask first whether it changed. `private`
/// because pages show the signed-in person's data.
pub const REVALIDATE: &str = "private, no-cache";

/// Serves `<site_root>/pkg` under `/pkg`, preferring the precompressed
/// files. The router's [`cache_control`] layer adds the cache policy.
pub fn pkg_router<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    let files = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new().nest_service("/pkg", files)
}

/// Sets `Cache-Control` on successful answers that have none: [`IMMUTABLE`]
/// for a content-hashed asset, [`REVALIDATE`] for pages, API answers and
/// other files.
pub async fn cache_control(req: Request, next: Next) -> Response {
    let hashed = is_content_hashed(req.uri().path());
    let mut res = next.run(req).await;
    if res.headers().contains_key(CACHE_CONTROL) || !res.status().is_success() {
        return res;
    }
    let policy = if hashed { IMMUTABLE } else { REVALIDATE };
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    res
}

/// Whether the last segment of `path` is `name.<hash>.ext`, as cargo-leptos
/// names files with `hash-files`: the hash is an MD5 in unpadded base64url,
/// 22 characters.
pub fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(hash), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !name.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_names_carrying_a_22_character_hash_count_as_hashed() {
        assert!(is_content_hashed(
            "/pkg/portico.a1B2c3D4e5F6g7H8i9J0-_.wasm"
        ));
        assert!(is_content_hashed("/pkg/portico.a1B2c3D4e5F6g7H8i9J0-_.css"));
        assert!(!is_content_hashed("/pkg/portico.wasm"));
        assert!(!is_content_hashed("/pkg/portico.short.wasm"));
        assert!(!is_content_hashed("/pkg/.a1B2c3D4e5F6g7H8i9J0-_.wasm"));
        assert!(!is_content_hashed(
            "/pkg/portico.a1B2c3D4e5F6g7H8i9J0+/.wasm"
        ));
        assert!(!is_content_hashed("/t/1/members"));
    }
}
