//! The language of each page (SPEC §12), chosen before the page renders:
//! `?lang=` (the reader's switch), else the invitation's on its page
//! (`/invite?token=…`), else the signed-in account's preference, else the
//! browser's `Accept-Language`, else `PORTICO_DEFAULT_LOCALE`. The page
//! reads it from the request (`i18n::lang()`); the answer says it in
//! `Content-Language`.

use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, HeaderValue, VARY};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use app::backend::AppState;
use app::backend::access::session_store::ACCOUNT_KEY;
use app::backend::languages::{self, PageRequest};

pub async fn choose(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let query: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let account_id = match req.extensions().get::<Session>() {
        Some(session) => session.get::<i64>(ACCOUNT_KEY).await.ok().flatten(),
        None => None,
    };
    let page = PageRequest {
        switch: param("lang"),
        invite_token: param("token").filter(|_| req.uri().path() == "/invite"),
        account_id,
        accept_language: req
            .headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    };
    let lang = match languages::for_page(&state.db, &state.config, page).await {
        Ok(lang) => lang,
        Err(e) => {
            // The page still renders, in the instance's language.
            tracing::warn!(error = ?e, "choosing the page's language failed");
            state.config.default_lang
        }
    };
    req.extensions_mut().insert(lang);
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    headers.append(VARY, HeaderValue::from_static("accept-language"));
    response
}
