//! `/join?code=…` (SPEC §9) the way a browser uses it: opening the page
//! changes nothing; a new person makes an account, confirms the address
//! from the mailed link, and joins then; a signed-in person joins with one
//! post. And the attacks: another domain's account, a forged `join` on a
//! verification link, a link revoked between sign-up and confirmation.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, new_client, spawn_app_with};

async fn app() -> TestApp {
    spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await
}

/// A tenant "Acme" managed by ada@example.com and a link of it for
/// `allowed_domain`, with `max_uses`: (tenant id, link code, ada's token).
async fn acme_with_link(
    app: &TestApp,
    max_uses: i64,
    allowed_domain: Option<&str>,
) -> (i64, String, String) {
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let mut request = json!({"roles": ["extractor-user"], "maxUses": max_uses});
    if let Some(d) = allowed_domain {
        request["allowedDomain"] = json!(d);
    }
    let (status, body) = ada
        .api(
            app,
            Method::POST,
            &format!("/api/v1/invite-links?tenantId={tenant}"),
            Some(request),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let code = body["url"]
        .as_str()
        .unwrap()
        .split("code=")
        .nth(1)
        .unwrap()
        .to_owned();
    (tenant, code, ada.jwt)
}

/// Rows that a join or a sign-up would add.
async fn footprint(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM accounts").await,
        app.count("SELECT COUNT(*) FROM members").await,
        app.count("SELECT CAST(COALESCE(SUM(uses), 0) AS BIGINT) FROM invite_links")
            .await,
    )
}

async fn is_member(app: &TestApp, email: &str, tenant: i64) -> bool {
    app.count(&format!(
        "SELECT COUNT(*) FROM members m JOIN accounts a ON a.id = m.account_id \
         WHERE a.email = '{email}' AND m.tenant_id = {tenant} AND m.status = 'ACTIVE'"
    ))
    .await
        == 1
}

async fn sign_up_to_join(
    client: &reqwest::Client,
    app: &TestApp,
    code: &str,
    email: &str,
) -> reqwest::Response {
    client
        .post(app.url("/rpc/join_new_account"))
        .form(&[
            ("code", code),
            ("email", email),
            ("first_name", "Bea"),
            ("last_name", "Newcomer"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

/// The verification link mailed to `email`, with its `join` code if any.
async fn verification_link(app: &TestApp, email: &str) -> (String, Option<String>) {
    let mail = app.mail_to(email, "Confirm your email").await;
    let link = crate::smtp_sink::link_in(
        &mail,
        &format!("{}/verify-email?token=", app.state.config.base_url),
    );
    let query = link.split_once('?').unwrap().1;
    let mut token = None;
    let mut join = None;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("token", v)) => token = Some(v.to_owned()),
            Some(("join", v)) => join = Some(v.to_owned()),
            _ => {}
        }
    }
    (token.unwrap(), join)
}

#[tokio::test]
async fn a_new_person_joins_once_they_confirm_the_mailed_address() {
    let app = app().await;
    let (tenant, code, _) = acme_with_link(&app, 3, None).await;
    let before = footprint(&app).await;

    // Opening the page (as a mail scanner would) shows the tenant and
    // changes nothing.
    let bea = new_client();
    let page = bea
        .get(app.url(&format!("/join?code={code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Join Acme") && html.contains("Create your account"),
        "{html}"
    );
    assert_eq!(footprint(&app).await, before);

    // Signing up makes an unconfirmed account, not a member.
    let res = sign_up_to_join(&bea, &app, &code, "bea@example.org").await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(!is_member(&app, "bea@example.org", tenant).await);
    let page = bea
        .get(app.url(&format!("/join?code={code}&sent=1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("We sent a confirmation link to bea@example.org"),
        "{page}"
    );

    // The mail says what confirming does and carries the code.
    let mail = app.mail_to("bea@example.org", "Confirm your email").await;
    assert!(
        mail.contains("Once you confirm, you join Acme on Portico."),
        "{mail}"
    );
    let (token, join) = verification_link(&app, "bea@example.org").await;
    assert_eq!(join.as_deref(), Some(code.as_str()));

    // Confirmed on another device (not signed in there): the password
    // chosen in the first browser proves nothing, so the phone is asked
    // for a new one, and with it confirms, joins and is signed in.
    let phone = new_client();
    let res = phone
        .post(app.url("/rpc/verify_email"))
        .form(&[("token", token.as_str()), ("join", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("Choose a new password"));
    assert!(!is_member(&app, "bea@example.org", tenant).await);
    let res = phone
        .post(app.url("/rpc/verify_email"))
        .header("accept", "text/html")
        .header("origin", &app.state.config.base_url)
        .header("referer", app.url("/verify-email"))
        .form(&[
            ("token", token.as_str()),
            ("join", code.as_str()),
            ("password", "a new password of bea"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/t/{tenant}?joined=1")
    );
    assert!(is_member(&app, "bea@example.org", tenant).await);
    assert_eq!(app.count("SELECT uses FROM invite_links").await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE tenant_id = {tenant} AND action = 'member.joined' \
             AND actor = 'bea@example.org'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_signed_in_confirmed_person_joins_with_one_post_and_not_twice() {
    let app = app().await;
    let (tenant, code, _) = acme_with_link(&app, 3, None).await;
    let (cy, _) = app.manager("cy@example.net", "Cy's").await;
    let page = cy
        .client
        .get(app.url(&format!("/join?code={code}")))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("action=\"/rpc/join_with_link\"") && html.contains(">Join Acme"),
        "{html}"
    );

    let join = || async {
        cy.client
            .post(app.url("/rpc/join_with_link"))
            .header("accept", "text/html")
            .header("origin", &app.state.config.base_url)
            .header("referer", app.url(&format!("/join?code={code}")))
            .form(&[("code", code.as_str())])
            .send()
            .await
            .unwrap()
    };
    let res = join().await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/t/{tenant}?joined=1")
    );
    assert!(is_member(&app, "cy@example.net", tenant).await);

    // A second join is refused and takes no use; the page says why.
    let res = join().await;
    assert_eq!(
        res.status(),
        302,
        "a failed no-JS post goes back to the page"
    );
    assert_eq!(app.count("SELECT uses FROM invite_links").await, 1);
    let html = cy
        .client
        .get(app.url(&format!("/join?code={code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("You are already a member of Acme."), "{html}");
}

#[tokio::test]
async fn the_page_explains_unknown_revoked_and_used_up_links() {
    let app = app().await;
    let (tenant, code, ada) = acme_with_link(&app, 1, None).await;
    let visitor = new_client();
    let text = |path: String| {
        let visitor = visitor.clone();
        let url = app.url(&path);
        async move { visitor.get(url).send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        text("/join?code=not-a-code".into())
            .await
            .contains("Link not found")
    );
    assert!(text("/join?code=".into()).await.contains("Link not found"));

    let someone = app.verified_account("dan@example.com").await;
    app_backend_join(&app, &someone, &code).await;
    assert!(
        text(format!("/join?code={code}"))
            .await
            .contains("Link used up")
    );

    let (_, code2, _) = {
        let (status, body) = app
            .api(
                Method::POST,
                &format!("/api/v1/invite-links?tenantId={tenant}"),
                Some(&ada),
                Some(json!({"roles": ["extractor-user"], "maxUses": 5})),
            )
            .await;
        assert_eq!(status, 201);
        let id = body["id"].as_i64().unwrap();
        let code = body["url"]
            .as_str()
            .unwrap()
            .split("code=")
            .nth(1)
            .unwrap()
            .to_owned();
        let (status, _) = app
            .api(
                Method::DELETE,
                &format!("/api/v1/invite-links/{id}"),
                Some(&ada),
                None,
            )
            .await;
        assert_eq!(status, 204);
        (tenant, code, ())
    };
    let html = text(format!("/join?code={code2}")).await;
    assert!(
        html.contains("Link revoked") && !html.contains("Create your account"),
        "{html}"
    );
}

async fn app_backend_join(
    app: &TestApp,
    account: &app::backend::access::accounts::AccountRow,
    code: &str,
) {
    app::backend::onboarding::invite_links::join(&app.state, account, code, "")
        .await
        .expect("join");
}

/// A link for @acme.test: an account elsewhere is refused before it is
/// made, and a verification link of another account with the code added
/// by hand confirms that account but joins nothing.
#[tokio::test]
async fn other_domains_cannot_sign_up_or_confirm_their_way_in() {
    let app = app().await;
    let (tenant, code, _) = acme_with_link(&app, 5, Some("acme.test")).await;
    let before = footprint(&app).await;
    let eve = new_client();
    let res = sign_up_to_join(&eve, &app, &code, "eve@evil.test").await;
    assert_eq!(res.status(), 403);
    let body = res.text().await.unwrap();
    assert!(body.contains("@acme.test"), "{body}");
    assert_eq!(
        footprint(&app).await,
        before,
        "no account for a refused sign-up"
    );

    // Eve signs up the ordinary way and adds the code to her own
    // verification link.
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(json!({"email": "eve@evil.test", "password": PASSWORD, "firstName": "Eve", "lastName": "Intruder"})),
        )
        .await;
    assert_eq!(res.0, 201, "{}", res.1);
    let (token, join) = verification_link(&app, "eve@evil.test").await;
    assert_eq!(join, None);
    let res = eve
        .post(app.url("/rpc/verify_email"))
        .header("accept", "text/html")
        .header("origin", &app.state.config.base_url)
        .header("referer", app.url("/verify-email"))
        .form(&[
            ("token", token.as_str()),
            ("join", code.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/join?code={code}"),
        "the join failed: back to the link's page"
    );
    assert!(!is_member(&app, "eve@evil.test", tenant).await);
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(uses), 0) AS BIGINT) FROM invite_links")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'eve@evil.test' AND email_verified_at IS NOT NULL").await,
        1,
        "her own address is confirmed all the same"
    );
}

#[tokio::test]
async fn a_link_revoked_before_the_confirmation_joins_nobody() {
    let app = app().await;
    let (tenant, code, ada) = acme_with_link(&app, 5, None).await;
    let bea = new_client();
    assert_eq!(
        sign_up_to_join(&bea, &app, &code, "bea@example.org")
            .await
            .status(),
        200
    );
    let id = app.count("SELECT id FROM invite_links").await;
    let (status, _) = app
        .api(
            Method::DELETE,
            &format!("/api/v1/invite-links/{id}"),
            Some(&ada),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (token, join) = verification_link(&app, "bea@example.org").await;
    let res = bea
        .post(app.url("/rpc/verify_email"))
        .form(&[("token", token.as_str()), ("join", join.unwrap().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(!is_member(&app, "bea@example.org", tenant).await);
    let html = bea
        .get(app.url(&format!("/join?code={code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Link revoked"), "{html}");
}

/// A person who was removed kept the link: it does not bring them back
/// (only a manager's invitation does), and the refusal takes no use.
#[tokio::test]
async fn someone_removed_cannot_come_back_with_a_link_they_kept() {
    let app = app().await;
    let (tenant, code, ada) = acme_with_link(&app, 5, None).await;
    let dan = app.account("dan@example.net").await;
    let join = || {
        app.api(
            Method::POST,
            "/api/v1/invite-links/join",
            Some(&dan.jwt),
            Some(json!({ "code": code })),
        )
    };
    let (status, body) = join().await;
    assert_eq!(status, 200, "{body}");
    let member = body["id"].as_i64().unwrap();
    let (status, _) = app
        .api(
            Method::DELETE,
            &format!("/api/v1/members/{member}"),
            Some(&ada),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = join().await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("ask a manager to invite you"),
        "{body}"
    );
    assert!(!is_member(&app, "dan@example.net", tenant).await);
    assert_eq!(app.count("SELECT uses FROM invite_links").await, 1);
}
