//! Ownership (SPEC §12): the founder owns the tenant, nobody else can
//! remove, disable or demote the owner, and a nomination becomes a
//! transfer only when the nominee accepts the mailed link. Attacks on it
//! are in `adversarial.rs`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Person, TestApp, spawn_app};
use crate::smtp_sink::link_in;

/// The owner nominates `member`; returns the token of the mailed link.
pub async fn nominate(
    app: &TestApp,
    owner: &Person,
    tenant: i64,
    member: i64,
    email: &str,
) -> String {
    let (status, body) = owner
        .api(
            app,
            Method::POST,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            Some(json!({ "memberId": member })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["memberId"], member);
    let mail = app.mail_to(email, "Become the owner").await;
    let link = link_in(
        &mail,
        &format!("{}/ownership?token=", app.state.config.base_url),
    );
    link.split("token=").nth(1).unwrap().to_owned()
}

pub async fn answer(app: &TestApp, who: &Person, what: &str, token: &str) -> (u16, Value) {
    who.api(
        app,
        Method::POST,
        &format!("/api/v1/ownership-transfers/{what}"),
        Some(json!({ "token": token })),
    )
    .await
}

#[tokio::test]
async fn the_founder_owns_the_tenant_and_a_transfer_needs_the_nominees_acceptance() {
    let app = spawn_app().await;
    let (owner, tenant) = app.manager("founder@acme.test", "Acme").await;
    let founder = app.member_id(tenant, "founder@acme.test").await;
    let (_, t) = owner.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(t["ownerMemberId"], founder);
    assert_eq!(t["pendingOwnershipTransfer"], Value::Null);

    let bea = app
        .member(&owner, "bea@acme.test", &["extractor-viewer"], None)
        .await;
    let bea_id = app.member_id(tenant, "bea@acme.test").await;
    let token = nominate(&app, &owner, tenant, bea_id, "bea@acme.test").await;

    // Nothing changes until Bea answers; the tenant shows the nomination.
    let (_, t) = owner.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(t["ownerMemberId"], founder);
    assert_eq!(t["pendingOwnershipTransfer"]["memberId"], bea_id);
    assert_eq!(t["pendingOwnershipTransfer"]["email"], "bea@acme.test");

    // The mailed page, opened by Bea, offers the answer and changes nothing.
    let page = app
        .page_of(&bea.client, &format!("/ownership?token={token}"))
        .await;
    assert!(page.contains("Accept ownership"), "{page}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ownership_transfers").await,
        1
    );

    let (status, t) = answer(&app, &bea, "accept", &token).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["ownerMemberId"], bea_id);
    assert_eq!(t["pendingOwnershipTransfer"], Value::Null);
    // Bea is owner and manager; the founder stays a manager.
    let (_, members) = bea
        .get(&app, &format!("/api/v1/members?tenantId={tenant}"))
        .await;
    let roles_of = |email: &str| {
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .map(|m| m["roles"].clone())
            .unwrap()
    };
    assert_eq!(roles_of("bea@acme.test"), json!(["extractor-manager"]));
    assert_eq!(roles_of("founder@acme.test"), json!(["extractor-manager"]));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'tenant.owner_changed'")
            .await,
        1
    );
    // The overview names the new owner.
    let home = app.page_of(&owner.client, &format!("/t/{tenant}")).await;
    let owner_line = home.split("data-testid=\"owner\"").nth(1).unwrap();
    assert!(owner_line[..80].contains("bea@acme.test"), "{owner_line}");

    // Now the founder is an ordinary manager: the new owner may demote them.
    let (status, body) = bea
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{founder}"),
            Some(json!({ "roles": ["extractor-user"] })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // ...and the founder may no longer touch the owner.
    let (status, _) = owner
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{bea_id}"),
            None,
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_owner_can_cancel_and_the_nominee_can_decline() {
    let app = spawn_app().await;
    let (owner, tenant) = app.manager("founder@acme.test", "Acme").await;
    let founder = app.member_id(tenant, "founder@acme.test").await;
    let bea = app
        .member(&owner, "bea@acme.test", &["extractor-manager"], None)
        .await;
    let bea_id = app.member_id(tenant, "bea@acme.test").await;

    // Only the owner nominates or cancels, even another manager may not.
    let (status, _) = bea
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            Some(json!({ "memberId": bea_id })),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = owner
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            Some(json!({ "memberId": founder })),
        )
        .await;
    assert_eq!(status, 409, "the owner nominating themselves");

    let token = nominate(&app, &owner, tenant, bea_id, "bea@acme.test").await;
    let (status, _) = bea
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            None,
        )
        .await;
    assert_eq!(status, 403, "the nominee cannot cancel for the owner");
    let (status, _) = owner
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        answer(&app, &bea, "accept", &token).await.0,
        404,
        "a cancelled link"
    );

    let token = nominate(&app, &owner, tenant, bea_id, "bea@acme.test").await;
    assert_eq!(answer(&app, &bea, "decline", &token).await.0, 204);
    assert_eq!(
        answer(&app, &bea, "accept", &token).await.0,
        404,
        "a declined link"
    );
    let (_, t) = owner.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(t["ownerMemberId"], founder);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE action LIKE 'ownership.%' ORDER BY id",
    )
    .fetch_all(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "ownership.nominated",
            "ownership.cancelled",
            "ownership.nominated",
            "ownership.declined"
        ]
    );

    // A new nomination replaces the old one: its link stops working.
    let first = nominate(&app, &owner, tenant, bea_id, "bea@acme.test").await;
    let second = nominate(&app, &owner, tenant, bea_id, "bea@acme.test").await;
    assert_ne!(first, second);
    assert_eq!(answer(&app, &bea, "accept", &first).await.0, 404);
    // An expired nomination cannot be accepted.
    sqlx::query("UPDATE ownership_transfers SET expires_at = 1")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(answer(&app, &bea, "accept", &second).await.0, 404);
    let (_, t) = owner.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(
        t["pendingOwnershipTransfer"],
        Value::Null,
        "an expired one is not shown"
    );
}

#[tokio::test]
async fn only_an_active_member_can_be_nominated_and_the_owner_cannot_leave() {
    let app = spawn_app().await;
    let (owner, tenant) = app.manager("founder@acme.test", "Acme").await;
    app.member(&owner, "bea@acme.test", &["extractor-user"], None)
        .await;
    let bea_id = app.member_id(tenant, "bea@acme.test").await;
    let (status, _) = owner
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bea_id}"),
            Some(json!({"status": "DISABLED"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = owner
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            Some(json!({ "memberId": bea_id })),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, _) = owner
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/tenants/{tenant}/ownership-transfer"),
            Some(json!({ "memberId": 987654 })),
        )
        .await;
    assert_eq!(status, 404);
    // The owner stays: leaving is refused until they hand ownership on.
    let res = owner
        .client
        .post(app.url("/rpc/leave_tenant"))
        .form(&[("tenant_id", tenant.to_string())])
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 200);
    assert_ne!(res.status().as_u16(), 302);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE status = 'ACTIVE' AND roles LIKE '%extractor-manager%'").await,
        1
    );
}

#[tokio::test]
async fn the_members_page_offers_the_owner_a_transfer_and_marks_the_owner() {
    let app = spawn_app().await;
    let (owner, tenant) = app.manager("founder@acme.test", "Acme").await;
    let bea = app
        .member(&owner, "bea@acme.test", &["extractor-manager"], None)
        .await;
    let page = app
        .page_of(&owner.client, &format!("/t/{tenant}/members"))
        .await;
    assert!(page.contains("Transfer ownership"), "{page}");
    assert!(page.contains("data-testid=\"owner-badge\""), "{page}");
    let page = app
        .page_of(&bea.client, &format!("/t/{tenant}/members"))
        .await;
    assert!(
        !page.contains("Transfer ownership"),
        "only the owner is offered it"
    );
    assert!(page.contains("data-testid=\"owner-badge\""));

    // Without JavaScript: the panel's form nominates by email.
    let res = owner
        .client
        .post(app.url("/rpc/nominate_owner"))
        .form(&[
            ("tenant_id", tenant.to_string()),
            ("email", "bea@acme.test".into()),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_redirection() || res.status() == 200,
        "{}",
        res.status()
    );
    let page = app
        .page_of(&owner.client, &format!("/t/{tenant}/members?transfer=1"))
        .await;
    assert!(page.contains("data-testid=\"pending-transfer\""), "{page}");
    let mail = app.mail_to("bea@acme.test", "Become the owner").await;
    let link = link_in(
        &mail,
        &format!("{}/ownership?token=", app.state.config.base_url),
    );
    let token = link.split("token=").nth(1).unwrap();
    // Someone signed out is asked to sign in; nothing is accepted.
    let page = app
        .page_of(
            &crate::helpers::new_client(),
            &format!("/ownership?token={token}"),
        )
        .await;
    assert!(page.contains("Sign in"), "{page}");
    let res = bea
        .client
        .post(app.url("/rpc/answer_ownership"))
        .form(&[("token", token), ("answer", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], format!("/t/{tenant}?owner=1"));
    let bea_id = app.member_id(tenant, "bea@acme.test").await;
    let (_, t) = owner.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(t["ownerMemberId"], bea_id);
}
