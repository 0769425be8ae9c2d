//! The foundation: operational endpoints, SSR pages, server functions,
//! start-up validation of the binary.

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_answers_ready_when_the_database_is_reachable() {
    let app = spawn_app().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    app.state.db.close().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 503);
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    let app = spawn_app_with(&[("PORTICO_METRICS_TOKEN", crate::helpers::METRICS_TOKEN)]).await;
    app.get("/healthz").await;
    app.get("/healthz").await;
    let text = app.metrics().await;
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"} 2"#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "{text}"
    );
}

#[tokio::test]
async fn the_home_page_routes_visitors_and_shows_no_instance_figures() {
    let app = spawn_app().await;
    sqlx::query("INSERT INTO tenants (name, created_at, updated_at) VALUES ('Acme', 1, 1)")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Bring people into your product"), "{html}");
    assert!(html.contains(r#"data-testid="home-routes""#), "{html}");
    for href in [r#"href="/login""#, r#"href="/register""#] {
        assert!(html.contains(href), "{href} missing: {html}");
    }
    assert!(html.contains("I have an invitation"), "{html}");
    assert!(!html.contains("home-stats"), "{html}");
    assert!(html.contains("/pkg/portico.js"), "hydration script missing");
    // The anonymous counting server function is gone.
    let res = app.rpc("get_home_stats", &[]).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn signed_in_the_home_page_lists_tenants_and_accepts_a_waiting_invitation() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let (eve, _) = app.manager("eve@example.com", "Evil <b>Corp</b>").await;
    let bob = app.account("bob@example.com").await;
    for (by, email) in [(&ada, "bob@example.com"), (&eve, "cy@example.com")] {
        let url = format!("{}/invite", app.state.config.base_url);
        let (status, body) = app
            .api(
                reqwest::Method::POST,
                "/api/v1/registration/invite",
                Some(&by.jwt),
                Some(
                    serde_json::json!({"email": email, "roles": ["extractor-manager"], "url": url}),
                ),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    let page = app.page_of(&ada.client, "/").await;
    assert!(page.contains(&format!(r#"href="/t/{tenant}""#)), "{page}");
    assert!(!page.contains("home-invitations"), "{page}");
    let page = app.page_of(&eve.client, "/").await;
    assert!(
        page.contains("Evil &lt;b&gt;Corp&lt;/b&gt;"),
        "escaped: {page}"
    );

    // Bob sees Acme's invitation (not cy's), and accepts it from here.
    let page = app.page_of(&bob.client, "/").await;
    assert!(page.contains(r#"data-testid="home-invitations""#), "{page}");
    assert!(page.contains("Join Acme"), "{page}");
    assert!(!page.contains("Evil"), "{page}");
    let invite = app
        .count("SELECT id FROM invites WHERE email = 'bob@example.com'")
        .await;
    let res = bob
        .client
        .post(app.url("/rpc/accept_waiting_invitation"))
        .form(&[("id", invite.to_string())])
        .send()
        .await
        .unwrap();
    let to = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    assert_eq!(
        to.as_deref(),
        Some(format!("/t/{tenant}").as_str()),
        "{}",
        res.status()
    );
    assert!(app.member_id(tenant, "bob@example.com").await > 0);
    let page = app.page_of(&bob.client, "/").await;
    assert!(page.contains(&format!(r#"href="/t/{tenant}""#)), "{page}");
    assert!(!page.contains("home-invitations"), "{page}");
}

#[tokio::test]
async fn an_unknown_page_answers_404_with_the_not_found_page() {
    let app = spawn_app().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn server_functions_answer_under_rpc() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/rpc/check_server_status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database_ready"], true);
}

/// Runs the real binary with one bad variable.
fn run_binary_with(var: &str, value: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .env(var, value)
        .env(
            "DATABASE_URL",
            if var == "DATABASE_URL" {
                value
            } else {
                "sqlite::memory:"
            },
        )
        .output()
        .expect("run portico")
}

#[test]
fn a_bad_database_url_exits_non_zero_with_one_clear_line() {
    let out = run_binary_with("DATABASE_URL", "foo://x");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("foo://x"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_listen_address_exits_non_zero_with_one_clear_line() {
    let out = run_binary_with("PORTICO_ADDR", "nonsense");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PORTICO_ADDR"), "{stderr}");
}

#[tokio::test]
async fn a_failed_migration_stops_start_up_with_one_clear_line() {
    // A database whose recorded migration does not match the shipped one.
    let dir = std::env::temp_dir().join(format!("portico-bad-migration-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/bad.db?mode=rwc", dir.display());
    let db = app::backend::Db::connect(&url, app::backend::DbKind::Sqlite, 4)
        .await
        .unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = X'00'")
        .execute(&mut *db.read().await.unwrap())
        .await
        .unwrap();
    db.close().await;

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .env("DATABASE_URL", &url)
        .env("PORTICO_ADDR", "127.0.0.1:0")
        .output()
        .expect("run portico");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("portico: database migration failed"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
