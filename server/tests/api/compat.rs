//! The Royalti and DoiT compatibility endpoints.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn royalti_invite_answers_201_with_the_invite_id() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let path = format!("/auth/invite?workspaceId={tenant}");
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            &path,
            Some(
                json!({"email": "bob@example.com", "firstName": "Bob", "role": "extractor-viewer"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["message"].is_string());
    assert!(body["inviteId"].is_i64());
    assert!(
        body.get("inviteUrl").is_none(),
        "the link is mailed, not returned"
    );
    app.mail_to("bob@example.com", "invited you").await;
}

#[tokio::test]
async fn royalti_invite_without_mail_returns_the_link_and_queues_nothing() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let mails_before = app.count("SELECT COUNT(*) FROM outbox_mail").await;
    let (status, body) = manager.api(&app, Method::POST, &format!("/auth/invite?workspaceId={tenant}"), Some(json!({"email": "bob@example.com", "sendEmail": false, "redirect_url": format!("{}/welcome", app.state.config.base_url)}))).await;
    assert_eq!(status, 201, "{body}");
    let url = body["inviteUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/invite?token=", app.state.config.base_url)),
        "{url}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail").await,
        mails_before
    );
    let token = url.split("token=").nth(1).unwrap();
    let (status, _) = app
        .api(
            Method::GET,
            &format!("/api/v1/invites/preview?token={token}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn royalti_invite_errors() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            "/auth/invite",
            Some(json!({"role": "chief"})),
        )
        .await;
    assert_eq!(status, 400);
    for f in ["workspaceId", "email", "role"] {
        assert!(body["fields"][f].is_string(), "{f}: {body}");
    }
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            &format!("/auth/invite?workspaceId={tenant}"),
            Some(json!({"email": "bob@example.com", "redirect_url": "https://evil.example/x"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["fields"]["redirect_url"].is_string(), "{body}");
    let (status, _) = app
        .api(
            Method::POST,
            &format!("/auth/invite?workspaceId={tenant}"),
            None,
            Some(json!({"email": "b@x.io"})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = manager
        .api(
            &app,
            Method::POST,
            "/auth/invite?workspaceId=999999",
            Some(json!({"email": "b@x.io"})),
        )
        .await;
    assert_eq!(status, 404);
    let (eve, _) = app.manager("eve@example.com", "Evil").await;
    let (status, _) = eve
        .api(
            &app,
            Method::POST,
            &format!("/auth/invite?workspaceId={tenant}"),
            Some(json!({"email": "b@x.io"})),
        )
        .await;
    assert_eq!(status, 404, "another tenant's workspace is not found");
}

#[tokio::test]
async fn doit_invite_answers_the_user_shape() {
    let app = spawn_app().await;
    let (manager, _) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            "/api/v1/users/invite",
            Some(json!({"email": "Bob@Example.com", "roleId": "extractor-viewer"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["message"].is_string());
    let user = &body["user"];
    assert!(user["id"].is_string());
    assert_eq!(user["email"], "bob@example.com");
    assert_eq!(user["roleId"], "extractor-viewer");
    assert_eq!(user["organizationId"], Value::Null);
    assert_eq!(user["status"], "invited");
}

#[tokio::test]
async fn doit_invite_errors_are_error_objects() {
    let app = spawn_app().await;
    let (manager, _) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            "/api/v1/users/invite",
            Some(json!({"email": "nope"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("email"), "{body}");
    assert!(
        body.get("code").is_none(),
        "DoiT errors are {{\"error\"}} only"
    );
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/users/invite",
            Some("pt_wrong"),
            Some(json!({"email": "b@x.io"})),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "Invalid API key.");
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/users/invite",
            None,
            Some(json!({"email": "b@x.io"})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            "/api/v1/users/invite",
            Some(json!({"email": "b@x.io", "organizationId": "999"})),
        )
        .await;
    // Another tenant's or an unknown organisation: not this key's to use.
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "No such organisation in your tenant.");
    let viewer = app.account("viewer@example.com").await;
    let (status, _) = viewer
        .api(
            &app,
            Method::POST,
            "/api/v1/users/invite",
            Some(json!({"email": "b@x.io"})),
        )
        .await;
    assert_eq!(status, 403);
}
