//! What the OpenAPI document promises, checked against the server: `/me`
//! and `/tenants/{id}`, the served URL pattern, whole numbers as JSON
//! Schema counts them, and list queries refused out of their stated range.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn me_lists_the_caller_and_their_memberships() {
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let (status, me) = ada.get(&app, "/api/v1/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["emailVerified"], true);
    assert_eq!(me["firstName"], "Ada");
    let memberships = me["memberships"].as_array().unwrap();
    assert_eq!(memberships.len(), 1, "{me}");
    assert_eq!(memberships[0]["tenantId"], tenant);
    assert_eq!(memberships[0]["tenantName"], "Acme");
    assert_eq!(memberships[0]["roles"], json!(["extractor-manager"]));
    assert_eq!(memberships[0]["status"], "ACTIVE");
    assert!(memberships[0]["memberId"].is_i64());
    assert_eq!(memberships[0]["organisationId"], Value::Null);

    let (status, _) = app.api(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(status, 401);
    let (status, _) = app
        .api(Method::GET, "/api/v1/me", Some("not-a-token"), None)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_tenant_is_read_by_its_members_only() {
    let app = spawn_app().await;
    let (ada, acme) = app.manager("ada@example.com", "Acme").await;
    let (eve, globex) = app.manager("eve@example.com", "Globex").await;
    let (status, t) = ada.get(&app, &format!("/api/v1/tenants/{acme}")).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["id"], acme);
    assert_eq!(t["name"], "Acme");
    assert_eq!(t["seatLimit"], Value::Null);
    // Ada herself is the one ACTIVE member; nobody is invited yet.
    assert_eq!(t["seatsUsed"], 1);
    assert_eq!(t["seatsReserved"], 0);
    assert!(t["createdAt"].as_i64().unwrap() > 1_700_000_000_000);

    // Another tenant's, or one that does not exist: 404, nothing of it shown.
    for id in [globex.to_string(), "999999".to_owned()] {
        let (status, body) = ada.get(&app, &format!("/api/v1/tenants/{id}")).await;
        assert_eq!(status, 404, "{body}");
        assert!(!body.to_string().contains("Globex"));
    }
    let (status, _) = eve.get(&app, "/api/v1/tenants/abc").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_served_document_states_the_origins_urls_may_use() {
    let app = spawn_app().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let url = &doc["components"]["schemas"]["InviteRequest"]["properties"]["url"];
    let pattern = url["pattern"].as_str().unwrap();
    let base = &app.state.config.base_url;
    assert!(
        pattern.contains(&base.replace('.', "\\.")),
        "{pattern} names {base}"
    );
    assert_eq!(
        doc["components"]["schemas"]["InviteRequest"]["example"]["url"],
        format!("{base}/invite")
    );
    let required = doc["components"]["schemas"]["InviteRequest"]["required"]
        .as_array()
        .unwrap();
    for field in ["email", "roles", "url"] {
        assert!(required.contains(&json!(field)), "{field} required");
    }
    let roles = &doc["components"]["schemas"]["InviteRequest"]["properties"]["roles"];
    assert_eq!(roles["uniqueItems"], true);
    assert_eq!(roles["minItems"], 1);
    assert_eq!(
        doc["components"]["schemas"]["Role"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
}

#[tokio::test]
async fn urls_are_accepted_exactly_as_the_pattern_says() {
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let base = app.state.config.base_url.clone();
    let invite = |url: String, email: &'static str| {
        let body =
            json!({"email": email, "roles": ["extractor-user"], "url": url, "tenantId": tenant});
        let jwt = ada.jwt.clone();
        let app = &app;
        async move {
            app.api(
                Method::POST,
                "/api/v1/registration/invite",
                Some(&jwt),
                Some(body),
            )
            .await
        }
    };
    let (status, body) = invite(format!("{base}/welcome?from=mail#top"), "a@example.com").await;
    assert_eq!(status, 200, "{body}");
    for (url, email) in [
        (format!("{base}/a b"), "b@example.com"),
        (format!(" {base}/x"), "c@example.com"),
        (format!("{}/x", base.to_uppercase()), "d@example.com"),
        (format!("{base}/%zz"), "e@example.com"),
        ("http://evil.example/invite".to_owned(), "f@example.com"),
    ] {
        let (status, body) = invite(url.clone(), email).await;
        assert_eq!(status, 400, "{url}: {body}");
        assert!(body["fields"]["url"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn whole_numbers_count_as_json_schema_counts_them() {
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let url = format!("{}/invite", app.state.config.base_url);
    let (status, body) = ada.api(&app, Method::POST, "/api/v1/registration/invite", Some(json!({"email": "bob@example.com", "roles": ["extractor-user"], "url": url, "tenantId": tenant as f64}))).await;
    assert_eq!(status, 200, "{tenant}.0 is the integer {tenant}: {body}");
    let (status, body) = ada.api(&app, Method::POST, "/api/v1/registration/invite", Some(json!({"email": "bob@example.com", "roles": ["extractor-user"], "url": url, "tenantId": tenant as f64 + 0.5}))).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn list_queries_out_of_their_stated_range_are_refused() {
    let app = spawn_app().await;
    let (ada, _) = app.manager("ada@example.com", "Acme").await;
    let long = "x".repeat(201);
    for (path, field) in [
        ("/api/v1/members?page=0".to_owned(), "page"),
        ("/api/v1/members?perPage=101".to_owned(), "perPage"),
        (format!("/api/v1/members?search={long}"), "search"),
        (format!("/api/v1/audit?actor={long}"), "actor"),
        ("/api/v1/audit?page=1000001".to_owned(), "page"),
    ] {
        let (status, body) = ada.get(&app, &path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body["fields"][field].is_string(), "{path}: {body}");
    }
    let (status, _) = ada.get(&app, "/api/v1/members?page=1&perPage=100").await;
    assert_eq!(status, 200);
}
