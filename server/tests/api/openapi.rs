//! The OpenAPI document: valid OpenAPI 3, lists every REST endpoint with
//! its responses, and matches the committed snapshot so it cannot drift.

use crate::helpers::spawn_app;

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/api/snapshots/openapi.json"
);

/// Every REST endpoint built so far, with the statuses it documents.
const ENDPOINTS: &[(&str, &str, &[&str])] = &[
    ("/api/v1/auth/signup", "post", &["201", "400", "409"]),
    ("/api/v1/auth/token", "post", &["200", "400", "401", "429"]),
    (
        "/api/v1/registration",
        "post",
        &["200", "400", "401", "404", "409"],
    ),
    (
        "/api/v1/registration/invite",
        "post",
        &["200", "400", "401", "403", "404", "409", "429"],
    ),
    (
        "/api/v1/invites",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/invites/{id}/resend",
        "post",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/invites/{id}/revoke",
        "post",
        &["200", "400", "401", "403", "404", "409"],
    ),
    ("/api/v1/invites/preview", "get", &["200", "400", "404"]),
    ("/api/v1/me", "get", &["200", "401"]),
    (
        "/api/v1/invite-links",
        "post",
        &["201", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/invite-links",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/invite-links/{id}",
        "delete",
        &["204", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/invite-links/join",
        "post",
        &["200", "202", "400", "401", "403", "404", "409", "429"],
    ),
    (
        "/api/v1/domains",
        "post",
        &["201", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/domains",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/domains/{id}",
        "patch",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/domains/{id}/verify",
        "post",
        &["200", "400", "401", "403", "404", "409", "429"],
    ),
    (
        "/api/v1/domains/{id}",
        "delete",
        &["204", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/admin/oidc-clients",
        "post",
        &["201", "400", "401", "404"],
    ),
    ("/api/v1/admin/oidc-clients", "get", &["200", "401", "404"]),
    (
        "/api/v1/admin/oidc-clients/{clientId}",
        "get",
        &["200", "401", "404"],
    ),
    (
        "/api/v1/admin/oidc-clients/{clientId}",
        "patch",
        &["200", "400", "401", "404"],
    ),
    (
        "/api/v1/admin/oidc-clients/{clientId}",
        "delete",
        &["204", "401", "404"],
    ),
    (
        "/api/v1/admin/signing-keys/rotate",
        "post",
        &["200", "401", "404"],
    ),
    ("/api/v1/admin/stats", "get", &["200", "401", "404"]),
    (
        "/api/v1/admin/tenants/{id}",
        "patch",
        &["200", "400", "401", "404"],
    ),
    (
        "/api/v1/tenants/{id}",
        "get",
        &["200", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/tenants/{id}",
        "patch",
        &["200", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/invites/accept",
        "post",
        &["200", "400", "401", "403", "404", "409", "429"],
    ),
    (
        "/auth/invite",
        "post",
        &["201", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/users/invite",
        "post",
        &["201", "400", "401", "403", "500"],
    ),
    (
        "/api/v1/members",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/members/{id}",
        "patch",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/members/{id}",
        "delete",
        &["204", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/audit",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/sso-connections",
        "post",
        &["201", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/sso-connections",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/sso-connections/{id}",
        "get",
        &["200", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/sso-connections/{id}",
        "patch",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/sso-connections/{id}",
        "delete",
        &["204", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/join-requests",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/join-requests/{id}/approve",
        "post",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/join-requests/{id}/deny",
        "post",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/tenants/{id}/ownership-transfer",
        "post",
        &["201", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/tenants/{id}/ownership-transfer",
        "delete",
        &["204", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/ownership-transfers/accept",
        "post",
        &["200", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/ownership-transfers/decline",
        "post",
        &["204", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/scim-tokens",
        "post",
        &["201", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/scim-tokens",
        "get",
        &["200", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/scim-tokens/{id}",
        "delete",
        &["204", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/webhooks",
        "post",
        &["201", "400", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/webhooks",
        "get",
        &["200", "401", "403", "404", "409"],
    ),
    (
        "/api/v1/webhooks/{id}",
        "patch",
        &["200", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/webhooks/{id}",
        "delete",
        &["204", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/webhooks/{id}/deliveries",
        "get",
        &["200", "400", "401", "403", "404"],
    ),
    (
        "/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry",
        "post",
        &["200", "400", "401", "403", "404", "409"],
    ),
];

#[tokio::test]
async fn the_served_document_is_openapi_3_and_lists_every_endpoint() {
    let app = spawn_app().await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string());
    for (path, method, statuses) in ENDPOINTS {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        for status in *statuses {
            assert!(
                op["responses"][status].is_object(),
                "{method} {path} lacks {status}"
            );
        }
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    for (path, name) in [
        ("/api/v1/invites", "status"),
        ("/api/v1/invites/preview", "token"),
    ] {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        let param = params.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(param["in"], "query", "{path} {name}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Every event type is documented as a webhook with its typed body.
    for event in app::backend::delivery::events::EventType::ALL {
        let hook = &doc["webhooks"][event.as_str()]["post"];
        assert_eq!(
            hook["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/WebhookEventDto",
            "{}",
            event.as_str()
        );
    }
    let data = &doc["components"]["schemas"]["EventDataDto"]["properties"];
    for field in ["tenantId", "actor", "invite", "member"] {
        assert!(data[field].is_object(), "event data lacks {field}");
    }
    let operations: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        operations,
        ENDPOINTS.len(),
        "an endpoint is undocumented here or in ENDPOINTS"
    );
}

#[tokio::test]
async fn the_docs_viewer_is_served() {
    let app = spawn_app().await;
    let res = app.get("/api/docs/").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("swagger"));
}

/// Set `UPDATE_SNAPSHOTS=1` to accept an intended change.
#[test]
fn the_document_matches_the_snapshot() {
    let current = serde_json::to_value(server::rest::openapi()).unwrap();
    let pretty = serde_json::to_string_pretty(&current).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(std::path::Path::new(SNAPSHOT).parent().unwrap()).unwrap();
        std::fs::write(SNAPSHOT, &pretty).unwrap();
    }
    let stored =
        std::fs::read_to_string(SNAPSHOT).expect("snapshot missing: run with UPDATE_SNAPSHOTS=1");
    // Report the first differing line, not two whole documents.
    let mismatch = pretty
        .lines()
        .zip(stored.lines())
        .enumerate()
        .find(|(_, (now, was))| now != was);
    if let Some((n, (now, was))) = mismatch {
        panic!(
            "OpenAPI document changed at line {}:\n  now: {now}\n  was: {was}\nreview, then run with UPDATE_SNAPSHOTS=1",
            n + 1
        );
    }
    assert_eq!(
        pretty.lines().count(),
        stored.lines().count(),
        "OpenAPI document changed length; run with UPDATE_SNAPSHOTS=1"
    );
}
