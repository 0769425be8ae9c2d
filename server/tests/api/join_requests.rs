//! Join requests (SPEC §12): a verified person at a domain on `request`,
//! or holding a request-mode link, asks to join; a manager approves (roles
//! adjustable, seats checked then) or denies; the person is mailed either
//! way; managers get one digest an hour at most; requests expire after 30
//! days. Attacks on it are in `adversarial.rs`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::domains::{acme, app, set_policy};
use crate::helpers::{Person, TestApp};

const ADMIN: &str = "operator-token-of-at-least-32-characters";

pub async fn ask_by_domain(
    app: &TestApp,
    who: &Person,
    domain_id: i64,
    message: &str,
) -> reqwest::Response {
    who.client
        .post(app.url("/rpc/ask_to_join_by_domain"))
        .form(&[
            ("domain_id", domain_id.to_string()),
            ("message", message.into()),
        ])
        .send()
        .await
        .unwrap()
}

pub async fn requests(app: &TestApp, manager: &Person, tenant: i64) -> Value {
    let (status, body) = manager
        .get(app, &format!("/api/v1/join-requests?tenantId={tenant}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub async fn ask_by_link(app: &TestApp, who: &Person, code: &str) -> (u16, Value) {
    who.api(
        app,
        Method::POST,
        "/api/v1/invite-links/join",
        Some(json!({ "code": code, "message": "It's me, Bea." })),
    )
    .await
}

pub async fn decide(
    app: &TestApp,
    manager: &Person,
    id: i64,
    what: &str,
    body: Option<Value>,
) -> (u16, Value) {
    manager
        .api(
            app,
            Method::POST,
            &format!("/api/v1/join-requests/{id}/{what}"),
            body,
        )
        .await
}

#[tokio::test]
async fn a_person_at_a_request_domain_asks_and_a_manager_approves_with_other_roles() {
    let app = app().await;
    let (ada, tenant, domain) = acme(&app).await;
    let (status, body) = set_policy(&app, &ada, domain, json!({"joinPolicy": "request"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["joinPolicy"], "request");
    let bea = app.account("bea@acme.test").await;
    let page = app.page_of(&bea.client, "/account").await;
    assert!(page.contains("Ask to join"), "{page}");

    let res = ask_by_domain(&app, &bea, domain, "<b>Hi</b>, I run the Berlin office").await;
    assert_eq!(res.headers()["location"], "/account?saved=requested");
    let page = app.page_of(&bea.client, "/account").await;
    assert!(page.contains("data-testid=\"request-pending\""), "{page}");
    // One pending request per person and tenant.
    let res = ask_by_domain(&app, &bea, domain, "again").await;
    assert!(!res.status().is_redirection(), "{}", res.status());
    assert_eq!(app.count("SELECT COUNT(*) FROM join_requests").await, 1);

    // The managers hear of it, once.
    let digest = app
        .mail_to("ada@acme.test", "People ask to join Acme")
        .await;
    assert!(digest.contains("One person asks to join Acme"), "{digest}");
    assert!(
        digest.contains("/t/") && digest.contains("/requests"),
        "{digest}"
    );

    let list = requests(&app, &ada, tenant).await;
    assert_eq!(list["total"], 1, "{list}");
    let request = &list["items"][0];
    assert_eq!(request["email"], "bea@acme.test");
    assert_eq!(request["via"], "domain");
    assert_eq!(request["status"], "pending");
    assert_eq!(request["roles"], json!(["extractor-user"]));
    assert_eq!(request["message"], "<b>Hi</b>, I run the Berlin office");
    let id = request["id"].as_i64().unwrap();
    // The message is shown, escaped.
    let page = app
        .page_of(&ada.client, &format!("/t/{tenant}/requests"))
        .await;
    assert!(page.contains("&lt;b&gt;Hi&lt;/b&gt;"), "{page}");
    assert!(!page.contains("<b>Hi</b>"));

    let (status, body) = decide(
        &app,
        &ada,
        id,
        "approve",
        Some(json!({"roles": ["extractor-viewer"]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "approved");
    let (_, me) = bea.get(&app, "/api/v1/me").await;
    assert_eq!(me["memberships"][0]["tenantId"], tenant);
    assert_eq!(me["memberships"][0]["roles"], json!(["extractor-viewer"]));
    let mail = app.mail_to("bea@acme.test", "You have joined Acme").await;
    assert!(mail.contains("as Viewer"), "{mail}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.joined' AND details LIKE '%\"via\":\"request\"%'").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'join_request.approved'")
            .await,
        1
    );
    assert_eq!(requests(&app, &ada, tenant).await["total"], 0);
    // Decided once.
    assert_eq!(decide(&app, &ada, id, "approve", None).await.0, 409);
    assert_eq!(decide(&app, &ada, id, "deny", None).await.0, 409);
}

#[tokio::test]
async fn a_request_link_files_a_request_that_takes_no_use_and_a_denial_is_mailed() {
    let app = app().await;
    let (ada, tenant, _) = acme(&app).await;
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 1, "mode": "request"}),
        )
        .await;
    let (_, links) = ada
        .get(&app, &format!("/api/v1/invite-links?tenantId={tenant}"))
        .await;
    assert_eq!(links["items"][0]["mode"], "request");
    let bea = app.account("bea@elsewhere.test").await;
    let page = app
        .page_of(&bea.client, &format!("/join?code={code}"))
        .await;
    assert!(page.contains("Ask to join Acme"), "{page}");

    let (status, body) = ask_by_link(&app, &bea, &code).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "pending");
    let id = body["requestId"].as_i64().unwrap();
    assert_eq!(
        app.count("SELECT uses FROM invite_links").await,
        0,
        "a request uses nothing"
    );
    assert_eq!(
        ask_by_link(&app, &bea, &code).await.0,
        409,
        "one pending request"
    );
    let list = requests(&app, &ada, tenant).await;
    assert_eq!(list["items"][0]["via"], "link");
    assert_eq!(list["items"][0]["message"], "It's me, Bea.");

    let (status, body) = decide(&app, &ada, id, "deny", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "denied");
    let mail = app.mail_to("bea@elsewhere.test", "was declined").await;
    assert!(mail.contains("declined your request"), "{mail}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE tenant_id > 0")
            .await,
        1
    );
    // A denied person may ask again; a second person may ask through the
    // same link although it allows one use: uses count joins, not asks.
    assert_eq!(ask_by_link(&app, &bea, &code).await.0, 202);
    let cy = app.account("cy@elsewhere.test").await;
    assert_eq!(ask_by_link(&app, &cy, &code).await.0, 202);
    // Without JavaScript: the link page's form files it and says so.
    let dee = app.account("dee@elsewhere.test").await;
    let res = dee
        .client
        .post(app.url("/rpc/join_with_link"))
        .form(&[("code", code.as_str()), ("message", "")])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("&requested=1"), "{location}");
    let page = app.page_of(&dee.client, &location).await;
    assert!(page.contains("data-testid=\"request-sent\""), "{page}");
    assert_eq!(requests(&app, &ada, tenant).await["total"], 3);
}

#[tokio::test]
async fn an_approval_checks_seats_then_and_requests_expire_after_thirty_days() {
    let app = app().await;
    let (ada, tenant, domain) = acme(&app).await;
    set_policy(&app, &ada, domain, json!({"joinPolicy": "request"})).await;
    let bea = app.account("bea@acme.test").await;
    ask_by_domain(&app, &bea, domain, "").await;
    let id = requests(&app, &ada, tenant).await["items"][0]["id"]
        .as_i64()
        .unwrap();
    // The tenant is full when the manager approves: refused, still pending.
    let (status, _) = app
        .api(
            Method::PATCH,
            &format!("/api/v1/admin/tenants/{tenant}"),
            Some(ADMIN),
            Some(json!({"seatLimit": 1})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = decide(&app, &ada, id, "approve", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("seat_limit_reached")),
        "{body}"
    );
    assert_eq!(requests(&app, &ada, tenant).await["total"], 1);
    // Organisation roles need an organisation.
    app.api(
        Method::PATCH,
        &format!("/api/v1/admin/tenants/{tenant}"),
        Some(ADMIN),
        Some(json!({"seatLimit": null})),
    )
    .await;
    let (status, _) = decide(
        &app,
        &ada,
        id,
        "approve",
        Some(json!({"roles": ["organisation-user"]})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = decide(&app, &ada, id, "approve", Some(json!({"roles": ["chief"]}))).await;
    assert_eq!(status, 400);

    // Thirty days on, nobody answered: it is gone from the list, cannot be
    // approved, and the person may ask again.
    sqlx::query("UPDATE join_requests SET expires_at = 1")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(requests(&app, &ada, tenant).await["total"], 0);
    let (status, body) = decide(&app, &ada, id, "approve", None).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    let res = ask_by_domain(&app, &bea, domain, "still here").await;
    assert_eq!(res.headers()["location"], "/account?saved=requested");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM join_requests WHERE status = 'expired'")
            .await,
        1
    );
}

#[tokio::test]
async fn managers_get_one_digest_an_hour_however_many_ask() {
    let app = app().await;
    let (ada, tenant, domain) = acme(&app).await;
    set_policy(&app, &ada, domain, json!({"joinPolicy": "request"})).await;
    for name in ["bea", "cy", "dee"] {
        let person = app.account(&format!("{name}@acme.test")).await;
        ask_by_domain(&app, &person, domain, "").await;
    }
    let digests = |mails: &[String]| {
        mails
            .iter()
            .filter(|m| m.contains("People ask to join Acme"))
            .count()
    };
    assert_eq!(
        digests(&app.mails().await),
        1,
        "one mail for three requests"
    );
    // Nothing new is mailed within the hour, even by the periodic pass.
    app::backend::onboarding::join_requests::mail_due_digests(&app.state)
        .await
        .unwrap();
    assert_eq!(digests(&app.mails().await), 1);
    // An hour later, the pass mails the requests made since.
    sqlx::query("UPDATE tenants SET requests_mailed_at = requests_mailed_at - 3600001")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    sqlx::query("UPDATE join_requests SET created_at = created_at - 3600000 WHERE id = 1")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        app::backend::onboarding::join_requests::mail_due_digests(&app.state)
            .await
            .unwrap(),
        1
    );
    let mails = app.mails().await;
    assert_eq!(digests(&mails), 2);
    assert!(
        mails
            .iter()
            .any(|m| m.contains("3 people ask to join Acme"))
    );
    // And nothing again when nobody new asked.
    sqlx::query("UPDATE join_requests SET created_at = created_at - 7200000")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    sqlx::query("UPDATE tenants SET requests_mailed_at = requests_mailed_at - 3600001")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        app::backend::onboarding::join_requests::mail_due_digests(&app.state)
            .await
            .unwrap(),
        0
    );
    let _ = tenant;
}
