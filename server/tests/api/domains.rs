//! Verified domains and auto-join (SPEC §9): a manager adds only the
//! domain of their own confirmed email, never a public one; with `auto`,
//! a confirmed person at the domain sees the tenant on `/account` and joins
//! with one post; with `off`, nobody sees or joins it; someone the tenant
//! removed is not let back in by it.

use reqwest::Method;
use serde_json::json;

use crate::dns_server::DnsServer;
use crate::helpers::{Person, TestApp, new_client, spawn_app_with};

const ADMIN: &str = "operator-token-of-at-least-32-characters";

/// A test app whose DNS is a server the test fills.
pub(crate) struct DomainsApp {
    app: TestApp,
    dns: DnsServer,
}

impl std::ops::Deref for DomainsApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

pub(crate) async fn app() -> DomainsApp {
    let dns = DnsServer::start().await;
    let app = spawn_app_with(&[
        ("PORTICO_RATE_LIMITS", "off"),
        ("PORTICO_ADMIN_TOKEN", ADMIN),
        ("PORTICO_DNS_RESOLVER", &dns.resolver()),
    ])
    .await;
    DomainsApp { app, dns }
}

/// Publishes the domain's TXT record (as its owner would at their DNS) and
/// asks Portico to verify it; returns the answer.
pub(crate) async fn prove(app: &DomainsApp, manager: &Person, id: i64) -> (u16, serde_json::Value) {
    let (_, domain) = manager.get(app, "/api/v1/domains").await;
    let entry = domain
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap()
        .clone();
    app.dns
        .add_txt(
            entry["verification"]["name"].as_str().unwrap(),
            entry["verification"]["value"].as_str().unwrap(),
        )
        .await;
    manager
        .api(
            app,
            Method::POST,
            &format!("/api/v1/domains/{id}/verify"),
            None,
        )
        .await
}

/// Acme, managed by ada@acme.test, with acme.test added and proven by
/// DNS: (ada, tenant, domain id).
pub(crate) async fn acme(app: &DomainsApp) -> (Person, i64, i64) {
    let (ada, tenant) = app.manager("ada@acme.test", "Acme").await;
    let (status, body) = ada
        .api(
            app,
            Method::POST,
            &format!("/api/v1/domains?tenantId={tenant}"),
            Some(json!({"domain": "acme.test"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (&body["joinPolicy"], &body["joinRoles"]),
        (&json!("off"), &json!(["extractor-user"]))
    );
    let id = body["id"].as_i64().unwrap();
    let (status, body) = prove(app, &ada, id).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["verifiedAt"].is_i64(), "{body}");
    (ada, tenant, id)
}

pub(crate) async fn set_policy(
    app: &TestApp,
    ada: &Person,
    id: i64,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    ada.api(
        app,
        Method::PATCH,
        &format!("/api/v1/domains/{id}"),
        Some(body),
    )
    .await
}

async fn account_page(app: &TestApp, person: &Person) -> String {
    app.page_of(&person.client, "/account").await
}

async fn join(app: &TestApp, client: &reqwest::Client, domain_id: i64) -> reqwest::Response {
    client
        .post(app.url("/rpc/join_by_domain"))
        .form(&[("domain_id", domain_id.to_string())])
        .send()
        .await
        .unwrap()
}

async fn members_of(app: &TestApp, tenant: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant} AND status = 'ACTIVE'"
    ))
    .await
}

#[tokio::test]
async fn a_confirmed_person_at_an_auto_join_domain_joins_from_their_account_page() {
    let app = app().await;
    let (ada, tenant, id) = acme(&app).await;
    let bob = app.account("bob@acme.test").await;

    // Off (the default): nothing to see, nothing to join.
    assert!(
        !account_page(&app, &bob)
            .await
            .contains("Tenants you can join")
    );
    assert_eq!(join(&app, &bob.client, id).await.status(), 404);
    assert_eq!(members_of(&app, tenant).await, 1);

    let (status, body) = set_policy(
        &app,
        &ada,
        id,
        json!({"joinPolicy": "auto", "joinRoles": ["extractor-viewer"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["joinPolicy"], "auto");
    let page = account_page(&app, &bob).await;
    assert!(
        page.contains("Tenants you can join") && page.contains("Join Acme"),
        "{page}"
    );

    let res = join(&app, &bob.client, id).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(members_of(&app, tenant).await, 2);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM members m JOIN accounts a ON a.id = m.account_id \
             WHERE a.email = 'bob@acme.test' AND m.tenant_id = {tenant} AND m.roles = '[\"extractor-viewer\"]'"
        ))
        .await,
        1
    );
    let audited: String = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'member.joined' AND actor = 'bob@acme.test'",
    )
    .fetch_one(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    assert!(audited.contains("\"via\":\"domain\""), "{audited}");
    // Joined: no longer offered; a second join changes nothing.
    assert!(
        !account_page(&app, &bob)
            .await
            .contains("Tenants you can join")
    );
    assert_eq!(join(&app, &bob.client, id).await.status(), 409);
    assert_eq!(members_of(&app, tenant).await, 2);

    // Elsewhere, or unconfirmed: not offered, and refused.
    let eve = app.account("eve@other.test").await;
    assert!(
        !account_page(&app, &eve)
            .await
            .contains("Tenants you can join")
    );
    assert_eq!(join(&app, &eve.client, id).await.status(), 404);
    let carl = new_client();
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(json!({"email": "carl@acme.test", "password": crate::helpers::PASSWORD, "firstName": "Carl", "lastName": "Later"})),
        )
        .await;
    assert_eq!(status, 201);
    let res = carl
        .post(app.url("/rpc/sign_in"))
        .form(&[
            ("email", "carl@acme.test"),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = join(&app, &carl, id).await;
    assert_eq!(res.status(), 403, "an unconfirmed address proves nothing");
    assert_eq!(members_of(&app, tenant).await, 2);
}

#[tokio::test]
async fn someone_the_tenant_removed_is_not_let_back_in_by_the_domain() {
    let app = app().await;
    let (ada, tenant, id) = acme(&app).await;
    set_policy(&app, &ada, id, json!({"joinPolicy": "auto"})).await;
    let bob = app.account("bob@acme.test").await;
    assert_eq!(join(&app, &bob.client, id).await.status(), 200);
    let member: i64 = app
        .count(&format!(
            "SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'bob@acme.test' AND m.tenant_id = {tenant}"
        ))
        .await;
    let (status, _) = ada
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{member}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert!(
        !account_page(&app, &bob)
            .await
            .contains("Tenants you can join")
    );
    assert_eq!(join(&app, &bob.client, id).await.status(), 403);
    assert_eq!(members_of(&app, tenant).await, 1);
}

#[tokio::test]
async fn a_full_tenant_refuses_a_domain_join() {
    let app = app().await;
    let (ada, tenant, id) = acme(&app).await;
    set_policy(&app, &ada, id, json!({"joinPolicy": "auto"})).await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/admin/tenants/{tenant}")))
        .bearer_auth(ADMIN)
        .json(&json!({"seatLimit": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bob = app.account("bob@acme.test").await;
    let res = join(&app, &bob.client, id).await;
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(body.to_lowercase().contains("seat"), "{body}");
    assert_eq!(members_of(&app, tenant).await, 1);
}

#[tokio::test]
async fn managers_add_only_their_own_domain_never_a_public_one() {
    let app = app().await;
    let (ada, tenant, id) = acme(&app).await;
    let path = format!("/api/v1/domains?tenantId={tenant}");
    let add = |domain: &str| {
        app.api(
            Method::POST,
            &path,
            Some(&ada.jwt),
            Some(json!({ "domain": domain })),
        )
    };
    let (status, body) = add("other.test").await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("(acme.test)"),
        "{body}"
    );
    let (status, body) = add("acme.test").await;
    assert_eq!(status, 409, "{body}");
    for bad in ["Acme.Test", "@acme.test", "acme", ""] {
        let (status, body) = add(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["fields"]["domain"].is_string(), "{bad}: {body}");
    }
    let (status, body) = ada.api(&app, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 400, "{body}");

    // A manager whose own address is at a public provider still cannot
    // add it: anyone can have an address there.
    let (gina, gina_tenant) = app.manager("gina@gmail.com", "Gina's").await;
    let (status, body) = gina
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/domains?tenantId={gina_tenant}"),
            Some(json!({"domain": "gmail.com"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["fields"]["domain"]
            .as_str()
            .unwrap()
            .contains("public mail provider"),
        "{body}"
    );

    // Policies and roles are checked; refusals change nothing.
    for bad in [
        json!({"joinPolicy": "sometimes"}),
        json!({"joinRoles": ["organisation-user"]}),
        json!({"joinRoles": []}),
        json!({"joinRoles": ["owner"]}),
        // serde would read the struct from an array of its fields.
        json!([null, null]),
    ] {
        let (status, body) = set_policy(&app, &ada, id, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (status, list) = ada.get(&app, &path).await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        json!([{"id": id, "tenantId": tenant, "domain": "acme.test", "joinPolicy": "off",
        "joinRoles": ["extractor-user"], "createdAt": list[0]["createdAt"],
        "verifiedAt": list[0]["verifiedAt"], "verification": list[0]["verification"]}])
    );

    // Another tenant's manager does not see or change it.
    let (status, _) = set_policy(&app, &gina, id, json!({"joinPolicy": "auto"})).await;
    assert_eq!(status, 404);
    let (status, _) = gina
        .api(&app, Method::DELETE, &format!("/api/v1/domains/{id}"), None)
        .await;
    assert_eq!(status, 404);

    // Removing it: audited, gone.
    let (status, _) = ada
        .api(&app, Method::DELETE, &format!("/api/v1/domains/{id}"), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(app.count("SELECT COUNT(*) FROM tenant_domains").await, 0);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action IN ('domain.added', 'domain.removed')"
        )
        .await,
        2
    );
}

// Issue 20, 2. A removed person walked back in with a second address of
// the same mailbox (`bob+back@…`), by the domain or a link they kept, and
// with `+1…+N` filled every seat.
#[tokio::test]
async fn a_removed_person_cannot_walk_back_in_with_another_address_of_their_mailbox() {
    let app = app().await;
    let (ada, tenant, id) = acme(&app).await;
    set_policy(&app, &ada, id, json!({"joinPolicy": "auto"})).await;
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 50}),
        )
        .await;
    let bob = app.account("bob@acme.test").await;
    assert_eq!(join(&app, &bob.client, id).await.status(), 200);
    let member: i64 = app
        .count(&format!(
            "SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'bob@acme.test' AND m.tenant_id = {tenant}"
        ))
        .await;
    let (status, _) = ada
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{member}"),
            None,
        )
        .await;
    assert_eq!(status, 204);

    for n in ["back", "1", "2"] {
        let again = app.account(&format!("bob+{n}@acme.test")).await;
        assert!(
            !account_page(&app, &again)
                .await
                .contains("Tenants you can join"),
            "bob+{n} is not offered the tenant"
        );
        assert_eq!(
            join(&app, &again.client, id).await.status(),
            403,
            "bob+{n} by domain"
        );
        let (status, body) = again
            .api(
                &app,
                Method::POST,
                "/api/v1/invite-links/join",
                Some(json!({"code": code})),
            )
            .await;
        assert_eq!(status, 403, "bob+{n} by link: {body}");
    }
    assert_eq!(members_of(&app, tenant).await, 1);
    // Another person at the domain is not affected.
    let cy = app.account("cy+work@acme.test").await;
    assert_eq!(join(&app, &cy.client, id).await.status(), 200);
    // A manager's invitation brings Bob back.
    let (status, body) = app.invite_as_user(&ada, tenant, "bob+back@acme.test").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn removing_a_manager_lists_the_links_they_made_and_revokes_them_in_one_action() {
    let app = app().await;
    let (ada, tenant, _) = acme(&app).await;
    let bea = app.account("bea@acme.test").await;
    let (status, body) = app.invite_as_user(&ada, tenant, "bea@acme.test").await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = bea
        .api(
            &app,
            Method::POST,
            "/api/v1/registration",
            Some(json!({"url": app.state.config.base_url})),
        )
        .await;
    assert_eq!(status, 200);
    let bea_member: i64 = app
        .count(&format!(
            "SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'bea@acme.test' AND m.tenant_id = {tenant}"
        ))
        .await;
    let (status, _) = ada
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bea_member}"),
            Some(json!({"roles": ["extractor-manager"]})),
        )
        .await;
    assert_eq!(status, 200);
    // Bea makes two links and a webhook, then is removed.
    for _ in 0..2 {
        let (status, body) = bea
            .api(
                &app,
                Method::POST,
                &format!("/api/v1/invite-links?tenantId={tenant}"),
                Some(json!({"roles": ["extractor-viewer"], "maxUses": 5})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = bea
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/webhooks?tenantId={tenant}"),
            Some(json!({"url": "https://hooks.example.com/bea"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let res = ada
        .client
        .post(app.url("/rpc/remove_member"))
        .header("accept", "text/html")
        .header("origin", &app.state.config.base_url)
        .header("referer", app.url(&format!("/t/{tenant}/members")))
        .form(&[
            ("tenant_id", tenant.to_string()),
            ("member_id", bea_member.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/t/{tenant}/members?done=removed&removed={bea_member}")
    );
    let audit = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE tenant_id = {tenant} AND action = 'member.removed' \
             AND details LIKE '%hooks.example.com/bea%'"
        ))
        .await;
    assert_eq!(audit, 1, "the audit entry names the webhook she made");
    let page = ada
        .client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"removed-links\""), "{page}");
    assert!(
        page.matches("<li>Link ").count() >= 2,
        "both links listed: {page}"
    );
    let res = ada
        .client
        .post(app.url("/rpc/revoke_links_of_member"))
        .form(&[
            ("tenant_id", tenant.to_string()),
            ("member_id", bea_member.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invite_links WHERE tenant_id = {tenant} AND revoked_at IS NULL"
        ))
        .await,
        0
    );
}

// Issue 20, 3. A domain was proven by one mailbox, once: any verified
// address at it claimed it for any number of tenants, and one employee
// could flood "Tenants you can join" with look-alikes.
#[tokio::test]
async fn a_domain_needs_its_dns_record_for_auto_join_and_belongs_to_one_tenant() {
    let app = app().await;
    let (ada, acme_tenant) = app.manager("ada@bigcorp.test", "BigCorp").await;
    let add = |jwt: String, tenant: i64| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/domains?tenantId={tenant}"),
                Some(&jwt),
                Some(json!({"domain": "bigcorp.test"})),
            )
            .await
        }
    };
    let (status, body) = add(ada.jwt.clone(), acme_tenant).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    assert_eq!(body["verifiedAt"], serde_json::Value::Null);
    assert_eq!(body["verification"]["type"], "TXT");
    assert_eq!(
        body["verification"]["name"],
        "_portico-challenge.bigcorp.test"
    );
    let value = body["verification"]["value"].as_str().unwrap().to_owned();
    assert!(value.starts_with("portico-verification="), "{value}");

    // Without the record: no auto-join, and verifying says what it found.
    let (status, body) = set_policy(&app, &ada, id, json!({"joinPolicy": "auto"})).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("_portico-challenge.bigcorp.test")
    );
    let verify = |jwt: String, id: i64| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/domains/{id}/verify"),
                Some(&jwt),
                None,
            )
            .await
        }
    };
    let (status, body) = verify(ada.jwt.clone(), id).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("No TXT record"),
        "{body}"
    );
    app.dns
        .add_txt(
            "_portico-challenge.bigcorp.test",
            "portico-verification=someone-elses",
        )
        .await;
    let (status, body) = verify(ada.jwt.clone(), id).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("someone-elses"),
        "{body}"
    );

    // An employee's own tenant adds the same domain (their address is at
    // it) but never proves it; the real owner publishes the record.
    let (mal, mal_tenant) = app.manager("mal@bigcorp.test", "BigCorp Official").await;
    let (status, body) = add(mal.jwt.clone(), mal_tenant).await;
    assert_eq!(status, 201, "{body}");
    let mal_id = body["id"].as_i64().unwrap();
    app.dns
        .add_txt("_portico-challenge.bigcorp.test", &value)
        .await;
    let (status, body) = verify(ada.jwt.clone(), id).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["verifiedAt"].is_i64());
    // The domain is BigCorp's alone now: the other tenant can neither prove
    // it (even with its own token published) nor add it again elsewhere,
    // nor turn auto-join on.
    let (_, list) = mal
        .get(&app, &format!("/api/v1/domains?tenantId={mal_tenant}"))
        .await;
    let mal_value = list[0]["verification"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    app.dns
        .add_txt("_portico-challenge.bigcorp.test", &mal_value)
        .await;
    let (status, body) = verify(mal.jwt.clone(), mal_id).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("another tenant"),
        "{body}"
    );
    let (status, _) = set_policy(&app, &mal, mal_id, json!({"joinPolicy": "auto"})).await;
    assert_eq!(status, 409);
    let (cy, cy_tenant) = app.manager("cy@bigcorp.test", "BigCorp Look-alike").await;
    let (status, body) = add(cy.jwt.clone(), cy_tenant).await;
    assert_eq!(status, 409, "{body}");

    // So a colleague is offered exactly the proven tenant.
    let (status, _) = set_policy(&app, &ada, id, json!({"joinPolicy": "auto"})).await;
    assert_eq!(status, 200);
    let bob = app.account("bob@bigcorp.test").await;
    let page = account_page(&app, &bob).await;
    assert!(page.contains("aria-label=\"Join BigCorp\""), "{page}");
    assert!(!page.contains("BigCorp Official"), "{page}");
    assert!(!page.contains("BigCorp Look-alike"), "{page}");
}

#[tokio::test]
async fn public_and_disposable_providers_come_from_the_maintained_list() {
    for public in [
        "gmail.com",
        "yahoo.co.uk",
        "mailinator.com",
        "mail.yahoo.co.uk",
    ] {
        assert!(
            app::backend::onboarding::domains::is_public_mail_domain(public),
            "{public} is public"
        );
    }
    for private in ["bigcorp.test", "example.com", "acme.test", "co.uk"] {
        assert!(
            !app::backend::onboarding::domains::is_public_mail_domain(private),
            "{private} is not"
        );
    }
}
