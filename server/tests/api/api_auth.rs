//! REST authentication: sign-up, tokens (JWT and API tokens), and the
//! register flow of `POST /api/v1/registration`.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, spawn_app};

async fn signup(app: &TestApp, email: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/signup"))
        .json(&json!({"email": email, "password": PASSWORD, "firstName": "Grace", "lastName": "Hopper"}))
        .send()
        .await
        .unwrap()
}

async fn jwt(app: &TestApp, email: &str) -> String {
    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["tokenType"], "Bearer");
    assert!(body["expiresIn"].as_i64().unwrap() > 0);
    body["accessToken"].as_str().unwrap().to_owned()
}

async fn registration(
    app: &TestApp,
    bearer: Option<&str>,
    body: serde_json::Value,
) -> reqwest::Response {
    let mut req = app.client.post(app.url("/api/v1/registration")).json(&body);
    if let Some(token) = bearer {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn signup_creates_an_unverified_account_and_mails_it() {
    let app = spawn_app().await;
    let res = signup(&app, "Grace@Example.com").await;
    assert_eq!(res.status(), 201);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["email"], "grace@example.com");
    assert_eq!(body["emailVerified"], false);
    assert!(body["id"].is_i64());
    assert!(
        app.mail_to("grace@example.com", "Confirm your email")
            .await
            .contains("verify-email?token=")
    );

    let again = signup(&app, "grace@example.com").await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn signup_names_every_bad_field() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/signup"))
        .json(&json!({"email": "x", "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    for f in ["email", "password", "firstName", "lastName"] {
        assert!(body["fields"][f].is_string(), "{f} missing in {body}");
    }
    let res = app
        .client
        .post(app.url("/api/v1/auth/signup"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn a_token_request_with_bad_credentials_is_401() {
    let app = spawn_app().await;
    signup(&app, "grace@example.com").await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"email": "grace@example.com", "password": "wrong password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "invalid_credentials");
}

#[tokio::test]
async fn registration_with_a_jwt_runs_the_register_flow() {
    let app = spawn_app().await;
    signup(&app, "grace@example.com").await;
    let token = jwt(&app, "grace@example.com").await;
    let res = registration(
        &app,
        Some(&token),
        json!({"tenantName": "Navy", "projectName": "COBOL", "url": app.state.config.base_url}),
    )
    .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let user: serde_json::Value = res.json().await.unwrap();
    assert_eq!(user["status"], "ACTIVE");
    assert_eq!(user["email"], "grace@example.com");
    assert_eq!(user["firstName"], "Grace");
    assert_eq!(user["roles"], json!(["extractor-manager"]));
    assert_eq!(user["organisationId"], serde_json::Value::Null);
    assert!(user["tenantId"].is_i64() && user["createdAt"].is_i64() && user["updatedAt"].is_i64());
    assert_eq!(user["meta"], json!({}));
    assert!(user["externalId"].is_string());
}

#[tokio::test]
async fn registration_with_an_api_token_runs_the_register_flow() {
    let app = spawn_app().await;
    app.register("ada@example.com", "Acme").await;
    let res = app.rpc("create_api_token", &[("name", "CI")]).await;
    assert_eq!(res.status(), 403, "unverified accounts get no API tokens");
    app.verify_email_with(&app.client, "ada@example.com").await;
    let res = app.rpc("create_api_token", &[("name", "CI")]).await;
    assert_eq!(res.status(), 200);
    let created: serde_json::Value = res.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("pt_"));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'"
        ))
        .await,
        0,
        "stored in clear"
    );

    let res = registration(
        &app,
        Some(&token),
        json!({"tenantName": "Second", "projectName": "P"}),
    )
    .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(app.count("SELECT COUNT(*) FROM tenants").await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens WHERE last_used_at IS NOT NULL")
            .await,
        1
    );

    // Revoked tokens stop working.
    let id = created["info"]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        app.rpc("revoke_api_token", &[("id", &id)]).await.status(),
        200
    );
    let res = registration(
        &app,
        Some(&token),
        json!({"tenantName": "Third", "projectName": "P"}),
    )
    .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn registration_without_a_valid_token_is_401_with_the_error_body() {
    let app = spawn_app().await;
    for bearer in [None, Some("garbage"), Some("pt_unknown")] {
        let res = registration(&app, bearer, json!({"tenantName": "T", "projectName": "P"})).await;
        assert_eq!(res.status(), 401);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized");
        assert!(body["error"].is_string());
        assert!(body["fields"].is_object());
    }
}

#[tokio::test]
async fn registration_refuses_a_foreign_url_and_answers_404_without_a_pending_invite() {
    let app = spawn_app().await;
    signup(&app, "grace@example.com").await;
    let token = jwt(&app, "grace@example.com").await;
    let res = registration(
        &app,
        Some(&token),
        json!({"tenantName": "T", "projectName": "P", "url": "https://evil.example/cb"}),
    )
    .await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["fields"]["url"].is_string(), "{body}");

    // The invite flow needs a verified email before it looks for anything.
    let res = registration(
        &app,
        Some(&token),
        json!({"url": app.state.config.base_url}),
    )
    .await;
    assert_eq!(res.status(), 403);
    app.verify_email_of("grace@example.com").await;
    let token = jwt(&app, "grace@example.com").await;
    let res = registration(
        &app,
        Some(&token),
        json!({"url": app.state.config.base_url}),
    )
    .await;
    assert_eq!(res.status(), 404);
}
