//! Session cookies, id cycling, sign-out and CSRF protection.

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with};

fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portico_session="))
        .expect("a session cookie")
}

/// The session id inside a signed cookie value (signature, then the
/// 22-character id).
fn cookie_id(cookie: &str) -> String {
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("portico_session=");
    value[value.len() - 22..].to_owned()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = spawn_app().await;
    let res = app.register("ada@example.com", "Acme").await;
    let cookie = session_cookie(&res);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_base_url_is_https() {
    let app = spawn_app_with(&[("PORTICO_BASE_URL", "https://portico.example.com")]).await;
    let res = app.register("ada@example.com", "Acme").await;
    assert!(session_cookie(&res).contains("Secure"));
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_drops_the_old_one() {
    let app = spawn_app().await;
    let first = session_cookie(&app.register("ada@example.com", "Acme").await);
    let second_res = app.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(second_res.status(), 200);
    let second = session_cookie(&second_res);
    assert_ne!(cookie_id(&first), cookie_id(&second));
    let old_rows = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions WHERE id = $1")
        .bind(cookie_id(&first))
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(old_rows, 0, "the pre-sign-in session must be gone");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.register("ada@example.com", "Acme").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
    let res = app.rpc("sign_out", &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    let res = app.rpc("get_account_overview", &[]).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_cross_origin_post_to_a_server_function_is_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/rpc/register"))
        .header("origin", "https://evil.example")
        .form(&[("email", "ada@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "forbidden");

    let same = app
        .client
        .post(app.url("/rpc/check_server_status"))
        .header("origin", &app.state.config.base_url)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
}

/// Pages sent with `Referrer-Policy: no-referrer` post with `Origin: null`:
/// the browser's `Sec-Fetch-Site` decides, and only `same-origin` passes.
#[tokio::test]
async fn an_opaque_origin_passes_only_when_the_browser_says_same_origin() {
    let app = spawn_app().await;
    let post = |fetch_site: Option<&'static str>| {
        let mut req = app
            .client
            .post(app.url("/rpc/check_server_status"))
            .header("origin", "null");
        if let Some(site) = fetch_site {
            req = req.header("sec-fetch-site", site);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(post(Some("same-origin")).await, 200);
    assert_eq!(post(Some("cross-site")).await, 403);
    assert_eq!(post(Some("same-site")).await, 403);
    assert_eq!(post(None).await, 403);
}

#[tokio::test]
async fn a_cross_site_post_to_a_rest_endpoint_is_refused() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"email": "a@b.io", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("sec-fetch-site", "cross-site")
        .json(&serde_json::json!({"email": "a@b.io", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn sessions_survive_a_restart_on_the_same_database() {
    let app = spawn_app().await;
    app.register("ada@example.com", "Acme").await;
    let client = app.client.clone();
    let url = app.database_url.clone();
    app.stop().await;
    let again = spawn_app_with(&[("DATABASE_URL", &url)]).await;
    let cookie_port_differs = client.get(again.url("/account")).send().await.unwrap();
    // Cookies are per host, not per port, so the same client carries the
    // session to the restarted server.
    let html = cookie_port_differs.text().await.unwrap();
    assert!(html.contains("ada@example.com"), "{html}");
}
