//! Attacks, each named as the attack it stops (issue 8). They run on
//! SQLite and, in `make test`, again on PostgreSQL.
//!
//! Later features keep their attacks beside their other tests:
//! - webhooks (`webhooks.rs`): private, loopback and metadata URLs
//!   (`private_and_loopback_urls_are_refused_without_the_flag`), a receiver
//!   that answers without end (`a_receiver_answering_without_end_costs_one_short_excerpt`);
//! - mail (`mail.rs`): dead links never mailed, a refused recipient not
//!   retried forever, no live link kept after sending;
//! - seats (`seats.rs`): twenty joins racing for the last seat;
//! - shareable links (`invite_links.rs`, `join_page.rs`): thirty joins racing
//!   for five uses, other domains signing up or confirming their way in, a
//!   removed member coming back with a link they kept, a hand-made `join` on
//!   someone else's verification link;
//! - verified domains (`domains.rs`): a domain that is not the manager's own,
//!   a public mail provider, a removed member rejoining by domain;
//! - SSO (`sso.rs`): a callback from another browser (CSRF, login fixation),
//!   another issuer's answer (mix-up), a removed person signing in again,
//!   passwords for a domain whose connection is required, a domain the
//!   tenant has not proven; the ID token's nonce and signature are checked
//!   by the openidconnect crate on every callback.

use std::sync::{Arc, Mutex, OnceLock};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, Person, TestApp, new_client, spawn_app, spawn_app_on, spawn_app_with,
};

fn accept_url(app: &TestApp) -> String {
    format!("{}/invite", app.state.config.base_url)
}

async fn invite(app: &TestApp, by: &Person, body: Value) -> (u16, Value) {
    by.api(app, Method::POST, "/api/v1/registration/invite", Some(body))
        .await
}

/// Signs up `email` over the API without ever opening its mail, as an
/// attacker who does not own the mailbox would; returns a JWT.
async fn sign_up_unverified(app: &TestApp, email: &str) -> String {
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(json!({"email": email, "password": PASSWORD, "firstName": "Mal", "lastName": "Lory"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["emailVerified"], false);
    app.jwt(email).await
}

/// Accepts `token` as a new account from a fresh browser.
async fn accept_as_new_account(app: &TestApp, token: &str) -> (reqwest::Client, reqwest::Response) {
    let browser = new_client();
    let res = browser
        .post(app.url("/rpc/accept_invite_new_account"))
        .form(&[
            ("token", token),
            ("first_name", "Mal"),
            ("last_name", "Lory"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    (browser, res)
}

fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .expect("a token in the link")
        .to_owned()
}

/// Whether `credential` still opens the API (401 once it is revoked).
async fn api_status(app: &TestApp, credential: &str) -> u16 {
    app.api(Method::GET, "/api/v1/members", Some(credential), None)
        .await
        .0
}

async fn create_api_token(app: &TestApp, browser: &reqwest::Client) -> reqwest::Response {
    browser
        .post(app.url("/rpc/create_api_token"))
        .form(&[("name", "ci")])
        .send()
        .await
        .unwrap()
}

// 1. Joining a tenant without the mailbox.
#[tokio::test]
async fn an_unverified_account_cannot_join_by_email_match() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (status, _) = invite(
        &app,
        &manager,
        json!({"email": "bob@example.com", "roles": ["extractor-manager"], "url": accept_url(&app)}),
    )
    .await;
    assert_eq!(status, 200);

    let attacker = sign_up_unverified(&app, "bob@example.com").await;
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/registration",
            Some(&attacker),
            Some(json!({"url": app.state.config.base_url})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "email_not_verified");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant}"
        ))
        .await,
        1,
        "nobody joined"
    );
    // The real person's mailed link still works.
    let token = app.invite_token("bob@example.com").await;
    let (status, body) = app
        .api(
            Method::GET,
            &format!("/api/v1/invites/preview?token={token}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "pending");
}

// 2. A link that was never mailed marks the address verified.
#[tokio::test]
async fn a_link_handed_to_the_inviter_does_not_prove_the_mailbox() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;

    // Royalti `sendEmail: false`: the inviter gets the link.
    let (status, body) = manager.api(&app, Method::POST, &format!("/auth/invite?workspaceId={tenant}"), Some(json!({"email": "victim@example.com", "sendEmail": false, "role": "extractor-manager"}))).await;
    assert_eq!(status, 201, "{body}");
    let token = token_of(body["inviteUrl"].as_str().unwrap());
    let (browser, res) = accept_as_new_account(&app, &token).await;
    assert_eq!(res.status(), 200, "the link is a valid invitation");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'victim@example.com' AND email_verified_at IS NULL")
            .await,
        1,
        "the address is not verified by an unmailed link"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant} AND status = 'ACTIVE'"
        ))
        .await,
        2,
        "it still joins the tenant"
    );
    // The owner of the address gets the verification mail …
    app.mail_to("victim@example.com", "Confirm your email")
        .await;
    // … and until then the account can neither mint tokens nor invite.
    let res = create_api_token(&app, &browser).await;
    assert_eq!(res.status(), 403);
    let res = browser
        .post(app.url("/rpc/send_invite"))
        .form(&[
            ("tenant_id", tenant.to_string().as_str()),
            ("email", "friend@example.com"),
            ("roles[]", "extractor-viewer"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // "Copy link" replaces a mailed token with one the manager holds.
    let (status, body) = invite(
        &app,
        &manager,
        json!({"email": "carol@example.com", "roles": ["extractor-user"], "url": accept_url(&app)}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let res = manager
        .client
        .post(app.url("/rpc/copy_invite_link"))
        .form(&[
            ("tenant_id", tenant.to_string()),
            ("invite_id", body["id"].to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let link: String = res.json().await.unwrap();
    let (_, res) = accept_as_new_account(&app, &token_of(&link)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'carol@example.com' AND email_verified_at IS NULL")
            .await,
        1
    );
}

// 3. Account pre-hijack: credentials outlive a password reset.
#[tokio::test]
async fn credentials_issued_before_a_password_reset_stop_working() {
    let app = spawn_app().await;
    let bob = app.account("bob@example.com").await;
    let res = create_api_token(&app, &bob.client).await;
    assert_eq!(res.status(), 200);
    let api_token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(api_status(&app, &api_token).await, 401);
    assert_ne!(api_status(&app, &bob.jwt).await, 401);

    let res = app
        .rpc("request_password_reset", &[("email", "bob@example.com")])
        .await;
    assert_eq!(res.status(), 200);
    let mail = app.mail_to("bob@example.com", "Reset your").await;
    let token = token_of(&crate::smtp_sink::link_in(&mail, "/reset-password?token="));
    let res = app
        .rpc(
            "reset_password",
            &[
                ("token", token.as_str()),
                ("password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);

    assert_eq!(api_status(&app, &api_token).await, 401, "API token revoked");
    assert_eq!(api_status(&app, &bob.jwt).await, 401, "JWT void");
    assert_eq!(
        create_api_token(&app, &bob.client).await.status(),
        401,
        "session ended"
    );
}

#[tokio::test]
async fn an_account_prepared_before_its_owner_verified_it_loses_every_credential() {
    let app = spawn_app().await;
    // The attacker registers the victim's address and keeps a way in.
    let attacker_jwt = sign_up_unverified(&app, "victim@example.com").await;
    let attacker = new_client();
    let res = attacker
        .post(app.url("/rpc/sign_in"))
        .form(&[("email", "victim@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = create_api_token(&app, &attacker).await;
    assert_eq!(res.status(), 403, "unverified accounts get no API tokens");
    assert_eq!(
        res.json::<Value>().await.unwrap()["kind"],
        "EmailNotVerified"
    );
    assert_ne!(api_status(&app, &attacker_jwt).await, 401);

    // The owner opens the mailed link in their own browser.
    let owner = new_client();
    app.verify_email_with(&owner, "victim@example.com").await;

    assert_eq!(api_status(&app, &attacker_jwt).await, 401, "JWT void");
    let res = attacker.get(app.url("/account")).send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(!html.contains("victim@example.com"), "session ended");
}

// 4. Open redirect after sign-in and sign-out.
#[tokio::test]
async fn a_next_parameter_cannot_send_anyone_off_site() {
    let app = spawn_app().await;
    app.account("bob@example.com").await;
    let attacks = [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/t/1\nSet-Cookie: x=1",
        "javascript:alert(1)",
    ];
    for next in attacks {
        let browser = new_client();
        let res = browser
            .post(app.url("/rpc/sign_in"))
            .form(&[
                ("email", "bob@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{next:?}");
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location == "/account" || (location.starts_with("/t/1") && !location.contains('\n')),
            "{next:?} -> {location:?}"
        );
        let res = browser
            .post(app.url("/rpc/sign_out"))
            .form(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{next:?}");
        let location = res.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{location:?}"
        );
        assert!(!location.contains("evil"), "{next:?} -> {location:?}");
    }
    let res = new_client()
        .post(app.url("/rpc/sign_in"))
        .form(&[
            ("email", "bob@example.com"),
            ("password", PASSWORD),
            ("next", "/t/7/members?page=2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/t/7/members?page=2",
        "a local next is kept"
    );
}

#[tokio::test]
async fn a_redirect_url_with_control_characters_cannot_break_the_redirect() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let base = app.state.config.base_url.clone();
    let (status, body) = manager.api(&app, Method::POST, &format!("/auth/invite?workspaceId={tenant}"), Some(json!({"email": "bob@example.com", "sendEmail": false, "redirect_url": format!("{base}/welcome\r\nSet-Cookie: x=1")}))).await;
    // Raw control characters are not URL characters: refused up front.
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["redirect_url"].is_string(), "{body}");
    // Percent-encoded, they are stored, and still cannot split the header.
    let (status, body) = manager.api(&app, Method::POST, &format!("/auth/invite?workspaceId={tenant}"), Some(json!({"email": "bob@example.com", "sendEmail": false, "redirect_url": format!("{base}/welcome%0D%0ASet-Cookie:%20x=1")}))).await;
    assert_eq!(status, 201, "{body}");
    let (_, res) =
        accept_as_new_account(&app, &token_of(body["inviteUrl"].as_str().unwrap())).await;
    assert_eq!(res.status(), 200);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("{base}/welcome")),
        "{location:?}"
    );
    assert!(
        res.headers()
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap_or("").starts_with("x="))
    );
}

// 5. An organisation manager rewrites a tenant manager's invitation.
#[tokio::test]
async fn an_organisation_manager_cannot_rewrite_a_tenant_managers_invitation() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let org = app.organisation(tenant, "Sales").await;
    let olga = app
        .member(
            &manager,
            "olga@example.com",
            &["organisation-manager"],
            Some(org),
        )
        .await;
    let (status, body) = invite(
        &app,
        &manager,
        json!({"email": "bob@example.com", "roles": ["extractor-user"], "url": accept_url(&app)}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = app.invite_token("bob@example.com").await;

    let (status, body) = invite(
        &app,
        &olga,
        json!({"email": "bob@example.com", "roles": ["organisation-user"], "organisationId": org, "url": accept_url(&app)}),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("pending invitation"),
        "{body}"
    );
    let (status, body) = app
        .api(
            Method::GET,
            &format!("/api/v1/invites/preview?token={token}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "the tenant manager's link still works: {body}");
    assert_eq!(body["roles"], json!(["extractor-user"]));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invites WHERE organisation_id IS NULL AND roles = '[\"extractor-user\"]'")
            .await,
        1
    );
}

// 6. The last-manager rule under concurrency.
#[tokio::test]
async fn managers_disabling_or_demoting_each_other_at_once_always_leave_one() {
    let app = spawn_app().await;
    const PAIRS: usize = 8;
    let mut pairs = Vec::new();
    for n in 0..PAIRS {
        let (a, tenant) = app
            .manager(&format!("a{n}@example.com"), &format!("T{n}"))
            .await;
        let b = app
            .member(
                &a,
                &format!("b{n}@example.com"),
                &["extractor-manager"],
                None,
            )
            .await;
        let a_id = app.member_id(tenant, &format!("a{n}@example.com")).await;
        let b_id = app.member_id(tenant, &format!("b{n}@example.com")).await;
        pairs.push((tenant, a, a_id, b, b_id));
    }
    // Every pair at the same moment, each manager disabling or demoting
    // the other.
    let mut calls = Vec::new();
    for (n, (tenant, a, a_id, b, b_id)) in pairs.iter().enumerate() {
        let change = if n % 2 == 0 {
            json!({"status": "DISABLED"})
        } else {
            json!({"roles": ["extractor-viewer"]})
        };
        for (jwt, target) in [(&a.jwt, b_id), (&b.jwt, a_id)] {
            let request = app
                .client
                .patch(app.url(&format!("/api/v1/members/{target}?tenantId={tenant}")))
                .bearer_auth(jwt)
                .json(&change);
            calls.push(tokio::spawn(async move {
                request.send().await.unwrap().status().as_u16()
            }));
        }
    }
    for call in calls {
        let status = call.await.unwrap();
        assert!([200, 403, 409].contains(&status), "{status}");
    }
    for (tenant, ..) in &pairs {
        let managers = app
            .count(&format!(
                "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant} AND status = 'ACTIVE' AND roles LIKE '%\"extractor-manager\"%'"
            ))
            .await;
        assert!(managers >= 1, "tenant {tenant} lost its last manager");
    }
}

// 7. Bounded expensive work.
#[tokio::test]
async fn a_page_number_past_any_data_is_an_empty_page_not_an_error() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    // Outside the documented 1..=1,000,000: a 400 naming the page, never an
    // overflow or a 500.
    for page in [
        "9223372036854775807",
        "-9223372036854775808",
        "0",
        "1000001",
    ] {
        let (status, body) = manager
            .get(
                &app,
                &format!("/api/v1/members?tenantId={tenant}&page={page}&perPage=100"),
            )
            .await;
        assert_eq!(status, 400, "page {page}: {body}");
        assert!(body["fields"]["page"].is_string(), "{body}");
    }
    // The last page anyone may ask for, far past the data: empty.
    let (status, body) = manager
        .get(
            &app,
            &format!("/api/v1/audit?tenantId={tenant}&page=1000000"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"], json!([]));
}

#[tokio::test]
async fn a_bulk_paste_is_capped_and_checked_for_permission_before_it_is_read() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let viewer = app
        .member(&manager, "vic@example.com", &["extractor-viewer"], None)
        .await;
    let huge: String = (0..20_000).map(|n| format!("p{n}@example.com\n")).collect();
    let bulk = |who: &Person, emails: String| {
        who.client
            .post(app.url("/rpc/send_bulk_invites"))
            .form(&[
                ("tenant_id", tenant.to_string()),
                ("emails", emails),
                ("roles[]", "extractor-viewer".into()),
            ])
            .send()
    };
    let res = bulk(&viewer, huge.clone()).await.unwrap();
    assert_eq!(res.status(), 403, "refused before any row is read");
    let res = bulk(&manager, huge).await.unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["detail"]["emails"]
            .as_str()
            .unwrap()
            .contains("at most 500"),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invites WHERE status = 'pending'")
            .await,
        0
    );
}

#[tokio::test]
async fn sign_ups_are_limited_per_client_address_and_per_recipient() {
    let app =
        spawn_app_with(&[("PORTICO_RATE_LIMITS", "sign_up_ip=3/1h,sign_up_email=2/1h")]).await;
    let sign_up = |email: String| {
        app.api(
            Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(json!({"email": email, "password": PASSWORD, "firstName": "A", "lastName": "B"})),
        )
    };
    // The same recipient twice (the second is a 409), then refused.
    assert_eq!(sign_up("r@example.com".into()).await.0, 201);
    assert_eq!(sign_up("r@example.com".into()).await.0, 409);
    let (status, body) = sign_up("r@example.com".into()).await;
    assert_eq!(status, 429, "{body}");
    // The client address is at its limit too.
    let res = app
        .client
        .post(app.url("/api/v1/auth/signup"))
        .json(&json!({"email": "s@example.com", "password": PASSWORD, "firstName": "A", "lastName": "B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    // The register form is the same sign-up.
    let res = app.register("t@example.com", "Acme").await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
}

#[tokio::test]
async fn an_endless_email_costs_the_rate_limiter_one_small_row() {
    let app = spawn_app().await;
    let long = format!("{}@example.com", "x".repeat(100_000));
    for _ in 0..3 {
        let res = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"email": long, "password": "nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM rate_limits WHERE LENGTH(key) > 64")
            .await,
        0
    );
}

#[tokio::test]
async fn made_up_http_methods_share_one_metrics_label() {
    let app = spawn_app_with(&[("PORTICO_METRICS_TOKEN", crate::helpers::METRICS_TOKEN)]).await;
    for n in 0..5 {
        let method = Method::from_bytes(format!("FOO{n}").as_bytes()).unwrap();
        app.client
            .request(method, app.url("/healthz"))
            .send()
            .await
            .unwrap();
    }
    let text = app.metrics().await;
    assert!(text.contains("method=\"OTHER\""), "{text}");
    assert!(!text.contains("FOO"), "{text}");
}

// 8. Rate limits that hold for a fleet and behind a proxy.
#[tokio::test]
async fn two_instances_on_one_database_share_one_rate_limit() {
    let limits = [("PORTICO_RATE_LIMITS", "sign_in_ip=3/1m")];
    let first = spawn_app_with(&limits).await;
    let second = spawn_app_on(&first.database_url, &limits).await;
    let attempt = |app: &TestApp| {
        app.client
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"email": "nobody@example.com", "password": "guess"}))
            .send()
    };
    assert_eq!(attempt(&first).await.unwrap().status(), 401);
    assert_eq!(attempt(&second).await.unwrap().status(), 401);
    assert_eq!(attempt(&first).await.unwrap().status(), 401);
    let res = attempt(&second).await.unwrap();
    assert_eq!(res.status(), 429, "the fourth attempt, on either instance");
    assert!(res.headers().contains_key("retry-after"));
    second.stop().await;
    first.stop().await;
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let attempt = |app: &TestApp, forwarded: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/token"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"email": "nobody@example.com", "password": "guess"}))
            .send()
    };
    // Behind a trusted proxy, each client has its own bucket.
    let app = spawn_app_with(&[
        (
            "PORTICO_RATE_LIMITS",
            "sign_in_ip=2/1m,sign_in_email=100/1m",
        ),
        ("PORTICO_TRUSTED_PROXIES", "127.0.0.0/8"),
    ])
    .await;
    for _ in 0..2 {
        assert_eq!(attempt(&app, "198.51.100.1").await.unwrap().status(), 401);
    }
    assert_eq!(attempt(&app, "198.51.100.1").await.unwrap().status(), 429);
    assert_eq!(
        attempt(&app, "198.51.100.2").await.unwrap().status(),
        401,
        "another client behind the same proxy"
    );
    // Without trust, a forged header does not buy a fresh bucket.
    let app = spawn_app_with(&[(
        "PORTICO_RATE_LIMITS",
        "sign_in_ip=2/1m,sign_in_email=100/1m",
    )])
    .await;
    assert_eq!(attempt(&app, "198.51.100.1").await.unwrap().status(), 401);
    assert_eq!(attempt(&app, "198.51.100.2").await.unwrap().status(), 401);
    assert_eq!(attempt(&app, "198.51.100.3").await.unwrap().status(), 429);
}

// 9. Secrets in logs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary from here on, at debug level for
/// HTTP tracing.
fn captured_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn,server=info,tower_http=debug")
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init();
        logs
    })
}

#[tokio::test]
async fn tokens_in_urls_and_mails_stay_out_of_the_logs() {
    let logs = captured_logs();
    let app = spawn_app_with(&[("PORTICO_MAIL", "log")]).await;
    // A link opened with a secret in the query string.
    app.get("/invite?token=leaky-secret-in-url").await;
    // Mail through the log transport: a verification link.
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(json!({"email": "logged@example.com", "password": PASSWORD, "firstName": "A", "lastName": "B"})),
        )
        .await;
    assert_eq!(status, 201);
    app.deliver_mail().await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("to=logged@example.com"),
        "the mail was logged: {text}"
    );
    assert!(
        text.contains("/invite?token=[redacted]"),
        "the request was logged: {text}"
    );
    assert!(!text.contains("leaky-secret-in-url"), "{text}");
    for (n, _) in text.match_indices("token=") {
        let after = &text[n + "token=".len()..];
        assert!(
            after.starts_with("[redacted]") || after.starts_with('"') || after.starts_with('&'),
            "a token in the logs: {}",
            &text[n..(n + 60).min(text.len())]
        );
    }
}

// Issue 20, 1. Pre-hijacked account: the squatter's password does not
// survive the owner's confirmation.
#[tokio::test]
async fn a_squatters_password_stops_working_when_the_owner_confirms_elsewhere() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let squatter_jwt = sign_up_unverified(&app, "victim@example.com").await;
    let squatter = new_client();
    let res = squatter
        .post(app.url("/rpc/sign_in"))
        .form(&[("email", "victim@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The owner opens the genuine mail in their own browser: the page asks
    // for a new password before anything is confirmed.
    let token = app.verification_token("victim@example.com").await;
    let owner = new_client();
    let page = app
        .page_of(&owner, &format!("/verify-email?token={token}"))
        .await;
    assert!(page.contains("new-password-needed"), "{page}");
    let res = owner
        .post(app.url("/rpc/verify_email"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "no confirmation without a new password");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email_verified_at IS NOT NULL")
            .await,
        0
    );
    let res = owner
        .post(app.url("/rpc/verify_email"))
        .form(&[
            ("token", token.as_str()),
            ("password", "the owner's own words"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);

    // The squatter's password, JWT and browser are worthless; the owner's
    // password and browser work.
    assert_eq!(
        app.sign_in_status("victim@example.com", PASSWORD).await,
        401,
        "the squatter's password no longer signs in"
    );
    assert_eq!(api_status(&app, &squatter_jwt).await, 401);
    let html = app.page_of(&squatter, "/account").await;
    assert!(!html.contains("victim@example.com"), "squatter signed out");
    assert_eq!(
        app.sign_in_status("victim@example.com", "the owner's own words")
            .await,
        200
    );
    let html = app.page_of(&owner, "/account").await;
    assert!(
        html.contains("victim@example.com") && html.contains("(confirmed)"),
        "the owner is signed in: {html}"
    );
}

#[tokio::test]
async fn a_squatter_who_signed_up_through_a_join_link_loses_the_password_too() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5}),
        )
        .await;
    let squatter = new_client();
    let res = squatter
        .post(app.url("/rpc/join_new_account"))
        .form(&[
            ("code", code.as_str()),
            ("email", "victim@example.com"),
            ("first_name", "Mal"),
            ("last_name", "Lory"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mail = app
        .mail_to("victim@example.com", "Confirm your email")
        .await;
    let link = crate::smtp_sink::link_in(&mail, "/verify-email?token=");
    let query = link.split('?').nth(1).unwrap().to_owned();
    let owner = new_client();
    let page = app.page_of(&owner, &format!("/verify-email?{query}")).await;
    assert!(page.contains("new-password-needed"), "{page}");
    let token = token_of(&link).split('&').next().unwrap().to_owned();
    let res = owner
        .post(app.url("/rpc/verify_email"))
        .form(&[
            ("token", token.as_str()),
            ("join", code.as_str()),
            ("password", "the owner's own words"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(
        app.sign_in_status("victim@example.com", PASSWORD).await,
        401,
        "the squatter's password no longer signs in"
    );
    let html = app.page_of(&squatter, &format!("/t/{tenant}")).await;
    assert!(
        !html.contains("Acme"),
        "the squatter's browser is signed out: {html}"
    );
}

#[tokio::test]
async fn the_browser_that_chose_the_password_confirms_without_choosing_again() {
    let app = spawn_app().await;
    let browser = new_client();
    let res = browser
        .post(app.url("/rpc/register"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("first_name", "Ada"),
            ("last_name", "Lovelace"),
            ("tenant_name", "Acme"),
            ("project_name", "Launch"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token = app.verification_token("ada@example.com").await;
    let page = app
        .page_of(&browser, &format!("/verify-email?token={token}"))
        .await;
    assert!(!page.contains("new-password-needed"), "{page}");
    let res = browser
        .post(app.url("/rpc/verify_email"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert!(
        !app.jwt("ada@example.com").await.is_empty(),
        "the password chosen in this browser still signs in"
    );
}

// Issue 20, 5. Password hashing bought with made-up tokens.
#[tokio::test]
async fn made_up_tokens_buy_no_password_hashing_and_sign_in_still_works() {
    let app = spawn_app().await;
    app.account("ada@example.com").await;
    let runs_before = app::backend::crypto::argon2_runs();
    let mut attempts = Vec::new();
    for i in 0..40 {
        let made_up = format!("made-up-token-{i:04}-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        let client = app.client.clone();
        let reset = app.url("/rpc/reset_password");
        let verify = app.url("/rpc/verify_email");
        let accept = app.url("/api/v1/invites/accept");
        attempts.push(tokio::spawn(async move {
            let a = client
                .post(reset)
                .form(&[("token", made_up.as_str()), ("password", "a brand new password")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            let b = client
                .post(verify)
                .form(&[("token", made_up.as_str()), ("password", "a brand new password")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            let c = client
                .post(accept)
                .json(&json!({"token": made_up, "firstName": "Mal", "lastName": "Lory", "password": "a brand new password"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            [a, b, c]
        }));
    }
    // A real sign-in while the flood is on.
    assert_eq!(
        app.sign_in_status("ada@example.com", PASSWORD).await,
        200,
        "a real sign-in goes through"
    );
    let mut limited = 0;
    for attempt in attempts {
        let [reset, verify, accept] = attempt.await.unwrap();
        assert!(matches!(reset, 400 | 429), "reset: {reset}");
        assert!(matches!(verify, 400 | 429), "verify: {verify}");
        assert!(matches!(accept, 404 | 429), "accept: {accept}");
        limited += [reset, verify, accept]
            .iter()
            .filter(|s| **s == 429)
            .count();
    }
    assert!(limited > 0, "the flood meets the per-client limit");
    assert_eq!(
        app::backend::crypto::argon2_runs(),
        runs_before + 1,
        "the sign-in's verification is the only argon2 work: none for a made-up token"
    );
}

// Issue 20, 7. Client addresses behind proxies and over IPv6.
#[tokio::test]
async fn forged_forwarded_lines_ports_mapped_proxies_and_ipv6_neighbours_buy_no_fresh_bucket() {
    let app = spawn_app_with(&[
        (
            "PORTICO_RATE_LIMITS",
            "sign_in_ip=2/1m,sign_in_email=1000/1m",
        ),
        ("PORTICO_TRUSTED_PROXIES", "127.0.0.0/8, 10.0.0.0/8"),
    ])
    .await;
    let attempt = |lines: &[&str]| {
        let mut req = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"email": "nobody@example.com", "password": "guess"}));
        for line in lines {
            req = req.header("x-forwarded-for", *line);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    // A proxy that adds its own line (HAProxy): the client's own first
    // line changes every time, the proxy's last line does not.
    assert_eq!(attempt(&["1.1.1.1", "198.51.100.1"]).await, 401);
    assert_eq!(attempt(&["2.2.2.2", "198.51.100.1"]).await, 401);
    assert_eq!(attempt(&["3.3.3.3", "198.51.100.1"]).await, 429);
    // Hops with ports are the address without the port.
    assert_eq!(attempt(&["198.51.100.2:1111"]).await, 401);
    assert_eq!(attempt(&["198.51.100.2:2222"]).await, 401);
    assert_eq!(attempt(&["198.51.100.2:3333"]).await, 429);
    assert_eq!(attempt(&["198.51.100.3:1111"]).await, 401, "another client");
    // A trusted proxy written IPv4-mapped is still trusted.
    assert_eq!(attempt(&["198.51.100.4, ::ffff:10.0.0.1"]).await, 401);
    assert_eq!(attempt(&["198.51.100.4, [::ffff:10.0.0.1]:80"]).await, 401);
    assert_eq!(attempt(&["198.51.100.4"]).await, 429);
    // One subscriber's /64 is one bucket.
    assert_eq!(attempt(&["2001:db8:1:2::1"]).await, 401);
    assert_eq!(attempt(&["2001:db8:1:2::ffff"]).await, 401);
    assert_eq!(attempt(&["2001:db8:1:2:dead:beef::1"]).await, 429);
    assert_eq!(attempt(&["2001:db8:1:3::1"]).await, 401, "another /64");
}

// Issue 20, 8. The shareable link's code in a verification link (`join=`)
// reached the logs.
#[tokio::test]
async fn a_join_code_riding_on_a_verification_link_stays_out_of_the_logs() {
    let logs = captured_logs();
    let app = spawn_app_with(&[("PORTICO_MAIL", "log"), ("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = log_mail_manager(&app, "ada@example.com").await;
    let code = app
        .join_link_code(
            &ada,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5}),
        )
        .await;
    let res = new_client()
        .post(app.url("/rpc/join_new_account"))
        .form(&[
            ("code", code.as_str()),
            ("email", "bea@example.org"),
            ("first_name", "Bea"),
            ("last_name", "Joiner"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.deliver_mail().await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("to=bea@example.org"),
        "the mail was logged: {text}"
    );
    assert!(text.contains("join=[redacted]"), "{text}");
    assert!(!text.contains(&code), "the join code is in the logs");
}

/// A manager whose address is confirmed straight in the database (mail
/// goes to the log here, not to a sink the test reads); returns a JWT.
async fn log_mail_manager(app: &TestApp, email: &str) -> (String, i64) {
    let client = new_client();
    let res = client
        .post(app.url("/rpc/register"))
        .form(&[
            ("email", email),
            ("password", PASSWORD),
            ("first_name", "Ada"),
            ("last_name", "Manager"),
            ("tenant_name", "Acme"),
            ("project_name", "Launch"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let tenant: i64 = res.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/t/")
        .parse()
        .unwrap();
    let mut conn = app.state.db.write().await.unwrap();
    sqlx::query("UPDATE accounts SET email_verified_at = 1 WHERE email = $1")
        .bind(email)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    (app.jwt(email).await, tenant)
}

// Issue 20, 8. A trailing CR/LF on a join code reached the redirect's
// Location header raw and panicked the request.
#[tokio::test]
async fn a_join_code_with_a_trailing_line_break_cannot_break_the_redirect() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5}),
        )
        .await;
    let res = new_client()
        .post(app.url("/rpc/join_new_account"))
        .header("accept", "text/html")
        .header("origin", &app.state.config.base_url)
        .header("referer", app.url("/join"))
        .form(&[
            ("code", format!("{code}\r\n").as_str()),
            ("email", "bea@example.org"),
            ("first_name", "Bea"),
            ("last_name", "Joiner"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/join?code="), "{location}");
    assert!(location.ends_with("%0D%0A&sent=1"), "{location}");
}

// Issue 20, 8. `organizationId: 5916.0` is the integer 5916 to JSON Schema
// (schemathesis, seed 4312); DoiT's endpoint refused it.
#[tokio::test]
async fn a_whole_number_written_with_a_fraction_part_is_that_number_everywhere() {
    let app = spawn_app_with(&[
        ("PORTICO_RATE_LIMITS", "off"),
        (
            "PORTICO_ADMIN_TOKEN",
            "an-operator-token-of-at-least-32-characters",
        ),
    ])
    .await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let org = app.organisation(tenant, "Sales").await;
    let (status, body) = ada
        .api(
            &app,
            Method::POST,
            "/api/v1/users/invite",
            Some(json!({"email": "bob@example.com", "organizationId": org as f64})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["user"]["organizationId"], org.to_string());
    let (status, body) = ada
        .api(
            &app,
            Method::POST,
            "/api/v1/users/invite",
            Some(json!({"email": "cy@example.com", "organizationId": 5916.5})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app
        .api(
            Method::PATCH,
            &format!("/api/v1/admin/tenants/{tenant}"),
            Some("an-operator-token-of-at-least-32-characters"),
            Some(json!({"seatLimit": 10.0})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["seatLimit"], 10);
}

// Issue 20, 8. An API token created while a password reset revoked every
// credential could land after the revocation and survive it.
#[tokio::test]
async fn an_api_token_authorised_before_a_reset_cannot_land_after_it() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    app.account("ada@example.com").await;
    let id = app
        .count("SELECT id FROM accounts WHERE email = 'ada@example.com'")
        .await;
    let authorised_as = app.account_row(id).await;
    // The reset commits between the request's authorisation and its write.
    assert_eq!(app.sign_in_status("ada@example.com", PASSWORD).await, 200);
    let res = app
        .rpc("request_password_reset", &[("email", "ada@example.com")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let mail = app.mail_to("ada@example.com", "Reset").await;
    let link = crate::smtp_sink::link_in(&mail, "/reset-password?token=");
    let res = app
        .rpc(
            "reset_password",
            &[
                ("token", token_of(&link).as_str()),
                ("password", "a fresh password 2"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let created =
        app::backend::access::api_tokens::create(&app.state.db, &authorised_as, "late token").await;
    assert!(created.is_err(), "a token under revoked credentials");
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
}

// Issue 20, 9. What a browser is told: pages could be framed and clicked
// through, sniffed, and leak their token in `Referer`; `/metrics` answered
// anyone.
#[tokio::test]
async fn pages_cannot_be_framed_or_sniffed_and_token_pages_send_no_referrer() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/login",
        "/register",
        "/invite?token=abc",
        "/join?code=abc",
    ] {
        let res = app.get(path).await;
        let headers = res.headers().clone();
        let html = res.text().await.unwrap();
        let csp = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        // Every inline script of the page carries the policy's nonce.
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path}");
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\"")).count()
                + html
                    .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                    .count(),
            scripts,
            "{path}: a script without the nonce"
        );
        assert!(!html.contains(" style=\""), "{path}: an inline style");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        let referrer = headers["referrer-policy"].to_str().unwrap();
        if path.contains('?') {
            assert_eq!(referrer, "no-referrer", "{path}");
        } else {
            assert_eq!(referrer, "strict-origin-when-cross-origin", "{path}");
        }
        assert!(
            headers.get("strict-transport-security").is_none(),
            "plain http"
        );
    }
    // Not a page: a policy without any inline script.
    let res = app.get("/api/openapi.json").await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("nonce"),
        "{csp}"
    );

    let https = spawn_app_with(&[("PORTICO_BASE_URL", "https://portico.example.com")]).await;
    let res = https.get("/login").await;
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age="),
        "HSTS on https"
    );
}

#[tokio::test]
async fn metrics_answer_only_the_operator() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/metrics").await.status(),
        404,
        "off without a token"
    );
    let app = spawn_app_with(&[("PORTICO_METRICS_TOKEN", crate::helpers::METRICS_TOKEN)]).await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let res = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("the-wrong-token-but-long-enough-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(app.metrics().await.contains("http_requests_total"));
}

#[tokio::test]
async fn a_message_past_its_limit_is_refused_by_both_invite_forms_and_nothing_is_sent() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let long = "m".repeat(2_001);
    for (endpoint, address_field, address) in [
        ("send_invite", "email", "bob@example.com"),
        (
            "send_bulk_invites",
            "emails",
            "bob@example.com\ncy@example.com",
        ),
    ] {
        let res = manager
            .client
            .post(app.url(&format!("/rpc/{endpoint}")))
            .form(&[
                ("tenant_id", tenant.to_string()),
                (address_field, address.to_owned()),
                ("roles[]", "extractor-viewer".into()),
                ("message", long.clone()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{endpoint}");
        let body: Value = res.json().await.unwrap();
        assert!(
            body["detail"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("2000 characters")),
            "{endpoint}: {body}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invites").await, 0);
}

// Sign in with Portico (SPEC §10).

#[tokio::test]
async fn an_authorization_request_cannot_send_the_browser_to_an_unregistered_uri() {
    use crate::oidc::{register_client, spawn_provider};
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let bob = app.account("bob@example.com").await;
    for path in [
        rp.authorize_path(&[("redirect_uri", "https://evil.example/callback")]),
        rp.authorize_path(&[("redirect_uri", "")]),
        rp.authorize_path(&[
            ("client_id", "<script>alert(1)</script>"),
            ("redirect_uri", "https://evil.example/"),
        ]),
        // A second redirect_uri must not win over the registered one.
        format!(
            "{}&redirect_uri=https%3A%2F%2Fevil.example%2F",
            rp.authorize_path(&[])
        ),
    ] {
        let res = bob.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 400, "{path}");
        assert!(res.headers().get("location").is_none(), "{path}");
        let page = res.text().await.unwrap();
        assert!(!page.contains("<script>alert"), "escaped: {page}");
        assert!(!page.contains("evil.example"), "{page}");
    }
}

#[tokio::test]
async fn every_authorization_response_names_its_issuer_against_mix_up() {
    use crate::oidc::{location, member_of_a_tenant, param, register_client, spawn_provider};
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;
    let issuer = app.state.config.base_url.clone();
    for extra in [
        vec![],
        vec![("response_type", "token")],
        vec![("scope", "email")],
        vec![("prompt", "none"), ("max_age", "0")],
    ] {
        // (max_age=0 with prompt=none: a fresh sign-in is needed and not allowed.)
        if extra.iter().any(|(k, _)| *k == "max_age") {
            tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        }
        let to = location(&app, &bob.client, &rp.authorize_path(&extra)).await;
        assert!(to.starts_with(crate::oidc::REDIRECT), "{to}");
        assert_eq!(
            param(&to, "iss").as_deref(),
            Some(issuer.as_str()),
            "{extra:?}: {to}"
        );
        assert_eq!(param(&to, "state").as_deref(), Some("st-123"));
        assert!(
            param(&to, "code").is_some() || param(&to, "error").is_some(),
            "{to}"
        );
    }
}

#[tokio::test]
async fn a_public_client_cannot_skip_pkce() {
    use crate::oidc::{
        code_for, location, member_of_a_tenant, param, pkce, register_client, spawn_provider,
    };
    let app = spawn_provider().await;
    let public = register_client(&app, true).await;
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;
    let to = location(&app, &bob.client, &public.authorize_path(&[])).await;
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("invalid_request"),
        "{to}"
    );
    assert!(param(&to, "code").is_none());

    // Nor present itself as a confidential client's code holder without
    // proof: a public client's code needs the verifier.
    let pkce = pkce();
    let code = code_for(
        &app,
        &bob.client,
        &public,
        &[
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    let (status, body) = public.exchange(&app, &code, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // And a made-up secret does not turn it confidential.
    let res = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth(&public.id, Some("guessed"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", crate::oidc::REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn an_access_token_for_tenant_a_is_refused_on_tenant_b() {
    use crate::oidc::{code_for, register_client, spawn_provider};
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    // Ada manages two tenants; the product signed her in to the first.
    let (ada, first) = app.manager("ada@example.com", "Acme").await;
    let (status, created) = ada
        .api(
            &app,
            Method::POST,
            "/api/v1/registration",
            Some(json!({"tenantName": "Second", "projectName": "Two"})),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let second = created["tenantId"].as_i64().unwrap();
    assert_ne!(first, second);
    let code = code_for(&app, &ada.client, &rp, &[("tenant_id", &first.to_string())]).await;
    let (_, tokens) = rp.exchange(&app, &code, None).await;
    let access = tokens["access_token"].as_str().unwrap();

    let (status, _) = app
        .api(
            Method::GET,
            &format!("/api/v1/tenants/{first}"),
            Some(access),
            None,
        )
        .await;
    assert_eq!(status, 200);
    for path in [
        format!("/api/v1/tenants/{second}"),
        format!("/api/v1/members?tenantId={second}"),
        format!("/api/v1/invites?tenantId={second}"),
    ] {
        let (status, body) = app.api(Method::GET, &path, Some(access), None).await;
        assert_eq!(status, 403, "{path}: {body}");
    }
    // Nor can it act for the whole account (new tenants, tokens).
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/registration",
            Some(access),
            Some(json!({"tenantName": "Third", "projectName": "Three"})),
        )
        .await;
    assert_eq!(status, 403);
}

/// SCIM (SPEC §11): only a tenant manager makes or deletes directory
/// tokens; a member of the tenant cannot mint one to provision themselves
/// a manager.
#[tokio::test]
async fn a_member_cannot_make_or_delete_a_directory_token() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@dir.example", "Dir").await;
    let member = app
        .member(&manager, "mo@dir.example", &["extractor-user"], None)
        .await;
    let (status, body) = member
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/scim-tokens?tenantId={tenant}"),
            Some(json!({"name": "mine"})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let token = crate::scim::scim_token(&app, &manager, tenant).await;
    let (_, list) = manager
        .get(&app, &format!("/api/v1/scim-tokens?tenantId={tenant}"))
        .await;
    let id = list[0]["id"].as_i64().unwrap();
    let (status, _) = member
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/scim-tokens/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = crate::scim::scim(&app, &token, Method::GET, tenant, "/Users", None).await;
    assert_eq!(status, 200, "the token still works");
}

/// A directory sends only what SCIM defines: roles or groups written on a
/// User are read-only to it, and it cannot take away the tenant's last
/// manager (the tenant would be locked out of its own settings).
#[tokio::test]
async fn a_directory_cannot_grant_itself_roles_or_lock_out_the_last_manager() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@lock.example", "Lock").await;
    let token = crate::scim::scim_token(&app, &manager, tenant).await;
    let (status, body) = crate::scim::scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(json!({
            "userName": "eve@lock.example",
            "roles": [{"value": "extractor-manager"}],
            "groups": [{"value": "admins"}],
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (_, members) = manager
        .get(&app, &format!("/api/v1/members?tenantId={tenant}"))
        .await;
    let eve = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "eve@lock.example")
        .unwrap()
        .clone();
    assert_eq!(eve["roles"], json!(["extractor-user"]));
    // The manager, linked as a User, then deactivated and deleted.
    let (status, linked) = crate::scim::scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(json!({"userName": "it@lock.example"})),
    )
    .await;
    assert_eq!(status, 201, "{linked}");
    let id = linked["id"].as_str().unwrap();
    let path = format!("/Users/{id}");
    let deactivate = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": false}}]});
    let (status, body) =
        crate::scim::scim(&app, &token, Method::PATCH, tenant, &path, Some(deactivate)).await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("mutability")),
        "{body}"
    );
    let (status, _) = crate::scim::scim(&app, &token, Method::DELETE, tenant, &path, None).await;
    assert_eq!(status, 400);
    let (status, _) = manager
        .get(&app, &format!("/api/v1/members?tenantId={tenant}"))
        .await;
    assert_eq!(status, 200, "the manager is still in");
}

/// Guessing directory tokens: after `scim_failed_ip` wrong tokens from one
/// address, the next answers 429 with Retry-After; a filter that tries to
/// break out of its string is only a string.
#[tokio::test]
async fn guessed_scim_tokens_are_rate_limited_and_filters_cannot_break_out() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "scim_failed_ip=3/1m")]).await;
    let (manager, tenant) = app.manager("it@guess.example", "Guess").await;
    let token = crate::scim::scim_token(&app, &manager, tenant).await;
    let (status, found) = crate::scim::scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?filter=userName%20eq%20%22x%5C%22%20or%20%5C%22a%5C%22%20eq%20%5C%22a%22",
        None,
    )
    .await;
    assert_eq!(
        (status, found["totalResults"].as_i64()),
        (200, Some(0)),
        "{found}"
    );
    let (_, found) = crate::scim::scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?filter=userName%20eq%20%22x%22%20or%20userName%20pr",
        None,
    )
    .await;
    assert_eq!(found["scimType"], "invalidFilter", "{found}");
    let mut statuses = Vec::new();
    for i in 0..5 {
        let (status, _) = crate::scim::scim(
            &app,
            &format!("pscim_guess{i}"),
            Method::GET,
            tenant,
            "/Users",
            None,
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(statuses, vec![401, 401, 401, 429, 429]);
}

// Ownership (SPEC §12).
#[tokio::test]
async fn a_manager_cannot_remove_disable_or_demote_the_owner() {
    let app = spawn_app().await;
    let (owner, tenant) = app.manager("founder@acme.test", "Acme").await;
    let rival = app
        .member(&owner, "rival@acme.test", &["extractor-manager"], None)
        .await;
    let founder = app.member_id(tenant, "founder@acme.test").await;
    let path = format!("/api/v1/members/{founder}");
    for change in [
        json!({"roles": ["extractor-viewer"]}),
        json!({"roles": ["extractor-user"]}),
        json!({"status": "DISABLED"}),
    ] {
        let (status, body) = rival
            .api(&app, Method::PATCH, &path, Some(change.clone()))
            .await;
        assert_eq!(status, 409, "{change}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains("owns this tenant"),
            "{body}"
        );
    }
    let (status, _) = rival.api(&app, Method::DELETE, &path, None).await;
    assert_eq!(status, 409);
    // The same through the members page's forms.
    let res = rival
        .client
        .post(app.url("/rpc/remove_member"))
        .form(&[
            ("tenant_id", tenant.to_string()),
            ("member_id", founder.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(!res.status().is_redirection(), "{}", res.status());
    // Nor can the owner demote themselves out of the role ownership needs.
    let (status, _) = owner
        .api(
            &app,
            Method::PATCH,
            &path,
            Some(json!({"roles": ["extractor-user"]})),
        )
        .await;
    assert_eq!(status, 409);
    let (_, me) = owner.get(&app, "/api/v1/me").await;
    assert_eq!(me["memberships"][0]["roles"], json!(["extractor-manager"]));
    assert_eq!(me["memberships"][0]["status"], "ACTIVE");
}

#[tokio::test]
async fn a_transfer_link_works_once_and_only_for_its_nominee() {
    use crate::ownership::{answer, nominate};
    let app = spawn_app().await;
    let (owner, tenant) = app.manager("founder@acme.test", "Acme").await;
    let bea = app
        .member(&owner, "bea@acme.test", &["extractor-user"], None)
        .await;
    let mallory = app
        .member(&owner, "mallory@acme.test", &["extractor-manager"], None)
        .await;
    let outsider = app.account("outsider@elsewhere.test").await;
    let bea_id = app.member_id(tenant, "bea@acme.test").await;
    let founder = app.member_id(tenant, "founder@acme.test").await;
    let token = nominate(&app, &owner, tenant, bea_id, "bea@acme.test").await;

    // Someone else holding the link (a manager of the tenant, an outsider).
    for thief in [&mallory, &outsider] {
        let (status, body) = answer(&app, thief, "accept", &token).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(answer(&app, thief, "decline", &token).await.0, 403);
    }
    let page = app
        .page_of(&mallory.client, &format!("/ownership?token={token}"))
        .await;
    assert!(page.contains("transfer-not-yours"), "{page}");
    // A forged token, and a token of the right shape that was never issued.
    for forged in [
        "",
        "x",
        &token[..token.len() - 1],
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let (status, _) = answer(&app, &bea, "accept", forged).await;
        assert!(status == 404 || status == 400, "{forged:?}: {status}");
    }
    let (_, t) = owner.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(t["ownerMemberId"], founder, "nothing changed");

    assert_eq!(answer(&app, &bea, "accept", &token).await.0, 200);
    // Replayed: the link is spent.
    assert_eq!(answer(&app, &bea, "accept", &token).await.0, 404);
    assert_eq!(answer(&app, &bea, "decline", &token).await.0, 404);
    let (_, t) = owner.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(t["ownerMemberId"], bea_id);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'tenant.owner_changed'")
            .await,
        1
    );
}

// Join requests (SPEC §12).
#[tokio::test]
async fn a_removed_person_cannot_ask_their_way_back_in() {
    use crate::join_requests::{ask_by_domain, ask_by_link};
    let app = crate::domains::app().await;
    let (ada, tenant, domain) = crate::domains::acme(&app).await;
    crate::domains::set_policy(&app, &ada, domain, json!({"joinPolicy": "request"})).await;
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5, "mode": "request"}),
        )
        .await;
    let bea = app
        .member(&ada, "bea@acme.test", &["extractor-user"], None)
        .await;
    let bea_id = app.member_id(tenant, "bea@acme.test").await;
    let (status, _) = ada
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{bea_id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = ask_by_link(&app, &bea, &code).await;
    assert_eq!(status, 403, "{body}");
    let res = ask_by_domain(&app, &bea, domain, "let me back").await;
    assert!(!res.status().is_redirection());
    // Another address of the same mailbox does not help either.
    let again = app.account("bea+back@acme.test").await;
    assert_eq!(ask_by_link(&app, &again, &code).await.0, 403);
    // An unverified account cannot ask at all.
    let unverified = sign_up_unverified(&app, "new@acme.test").await;
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/invite-links/join",
            Some(&unverified),
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM join_requests").await, 0);
}

#[tokio::test]
async fn a_hundred_requests_from_one_account_file_one_and_are_rate_limited() {
    use crate::join_requests::{ask_by_link, decide};
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "join_requests_account=10/1h")]).await;
    let (ada, tenant) = app.manager("ada@acme.test", "Acme").await;
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5, "mode": "request"}),
        )
        .await;
    let bea = app.account("bea@elsewhere.test").await;
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..100 {
        *statuses
            .entry(ask_by_link(&app, &bea, &code).await.0)
            .or_insert(0) += 1;
    }
    assert_eq!(statuses.get(&202), Some(&1), "{statuses:?}");
    assert_eq!(statuses.get(&409), Some(&9), "{statuses:?}");
    assert_eq!(statuses.get(&429), Some(&90), "{statuses:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM join_requests").await, 1);
    let digests = app
        .mails()
        .await
        .iter()
        .filter(|m| m.contains("ask to join Acme"))
        .count();
    assert_eq!(digests, 1);
    // Deny-and-ask-again cycles stay under the same cap.
    let (_, list) = ada
        .get(&app, &format!("/api/v1/join-requests?tenantId={tenant}"))
        .await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(decide(&app, &ada, id, "deny", None).await.0, 200);
    assert_eq!(ask_by_link(&app, &bea, &code).await.0, 429);
}

#[tokio::test]
async fn two_managers_approving_one_request_at_once_admit_one_member() {
    use crate::join_requests::{ask_by_link, decide};
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@acme.test", "Acme").await;
    let max = app
        .member(&ada, "max@acme.test", &["extractor-manager"], None)
        .await;
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5, "mode": "request"}),
        )
        .await;
    let bea = app.account("bea@elsewhere.test").await;
    let (_, filed) = ask_by_link(&app, &bea, &code).await;
    let id = filed["requestId"].as_i64().unwrap();
    let (a, b) = tokio::join!(
        decide(&app, &ada, id, "approve", None),
        decide(
            &app,
            &max,
            id,
            "approve",
            Some(json!({"roles": ["extractor-viewer"]}))
        ),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'bea@elsewhere.test'").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.joined' AND details LIKE '%\"via\":\"request\"%'").await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'join_request.approved'")
            .await,
        1
    );
    // The approving and denying race ends the same way.
    let cy = app.account("cy@elsewhere.test").await;
    let (_, filed) = ask_by_link(&app, &cy, &code).await;
    let id = filed["requestId"].as_i64().unwrap();
    let (a, b) = tokio::join!(
        decide(&app, &ada, id, "approve", None),
        decide(&app, &max, id, "deny", None),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    // A manager of another tenant cannot see or decide it.
    let (eve, _) = app.manager("eve@evil.test", "Evil").await;
    let dee = app.account("dee@elsewhere.test").await;
    let (_, filed) = ask_by_link(&app, &dee, &code).await;
    let id = filed["requestId"].as_i64().unwrap();
    assert_eq!(decide(&app, &eve, id, "approve", None).await.0, 404);
    assert_eq!(decide(&app, &eve, id, "deny", None).await.0, 404);
    let (status, _) = eve
        .get(&app, &format!("/api/v1/join-requests?tenantId={tenant}"))
        .await;
    assert_eq!(status, 404);
    // A member who is not a manager cannot either.
    let user = app
        .member(&ada, "user@acme.test", &["extractor-user"], None)
        .await;
    assert_eq!(decide(&app, &user, id, "approve", None).await.0, 403);
    assert_eq!(
        user.get(&app, &format!("/api/v1/join-requests?tenantId={tenant}"))
            .await
            .0,
        403
    );
}

/// Languages (SPEC §12): another tenant's manager cannot set this tenant's
/// language; a locale cannot smuggle a mail header or markup; a page's
/// `?lang=` is only ever one of the spoken languages.
#[tokio::test]
async fn languages_cannot_be_set_across_tenants_or_carry_headers_or_markup() {
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let (mallory, _) = app.manager("mallory@example.com", "Evil").await;
    let (status, _) = mallory
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/tenants/{tenant}"),
            Some(json!({"defaultLocale": "de"})),
        )
        .await;
    assert_eq!(status, 404);
    let (_, body) = ada.get(&app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(body["defaultLocale"], Value::Null);

    // A header injection in the locale is refused before anything is stored.
    for locale in ["de\r\nBcc: mallory@example.com", "de<script>", "d"] {
        let (status, body) = ada
            .api(
                &app,
                Method::POST,
                "/api/v1/registration/invite",
                Some(
                    json!({"email": "bob@example.com", "roles": ["extractor-user"],
                    "url": format!("{}/invite", app.state.config.base_url), "locale": locale}),
                ),
            )
            .await;
        assert_eq!(status, 400, "{locale:?}: {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invites").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_mail WHERE subject LIKE '%invited%'")
            .await,
        0
    );

    // `?lang=` with markup: the page is in a spoken language, the markup
    // appears nowhere.
    let res = app
        .client
        .get(app.url("/login?lang=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "en");
    let html = res.text().await.unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)"), "{html}");
}

// Issue 25, 6. The home page's "Accept" takes an invitation id: only the
// signed-in person's own (verified) address can claim one, and the
// instance's figures are the operator's alone.
#[tokio::test]
async fn nobody_accepts_another_persons_invitation_from_the_home_page_or_reads_instance_figures() {
    let token = "an-operator-token-of-at-least-32-characters";
    let app = spawn_app_with(&[
        ("PORTICO_RATE_LIMITS", "off"),
        ("PORTICO_ADMIN_TOKEN", token),
    ])
    .await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let (status, _) = app.invite_as_user(&ada, tenant, "bob@example.com").await;
    assert_eq!(status, 200);
    let invite = app
        .count("SELECT id FROM invites WHERE email = 'bob@example.com'")
        .await;
    let mallory = app.account("mallory@example.com").await;
    for who in [&mallory.client, &new_client()] {
        let res = who
            .post(app.url("/rpc/accept_waiting_invitation"))
            .form(&[("id", invite.to_string())])
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("location").is_none());
        assert!(
            matches!(res.status().as_u16(), 401 | 404),
            "{}",
            res.status()
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invites WHERE status = 'pending'")
            .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant}"
        ))
        .await,
        1
    );

    // The figures: the operator's token only; a manager's JWT is not it.
    for bearer in [None, Some(ada.jwt.as_str()), Some("x".repeat(40).as_str())] {
        let (status, _) = app
            .api(Method::GET, "/api/v1/admin/stats", bearer, None)
            .await;
        assert_eq!(status, 401, "{bearer:?}");
    }
    let (status, body) = app
        .api(Method::GET, "/api/v1/admin/stats", Some(token), None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["tenants"], &body["accounts"], &body["pendingInvites"]),
        (&json!(1), &json!(2), &json!(1))
    );
    // Without PORTICO_ADMIN_TOKEN the operator's endpoints are not there.
    let bare = spawn_app_with(&[]).await;
    let (status, _) = bare
        .api(Method::GET, "/api/v1/admin/stats", Some(token), None)
        .await;
    assert_eq!(status, 404);
}

// Issue 25, 3. The signature of a token already checked is remembered (an
// RSA verification per request was a third of a read's CPU): a token that
// differs in any byte, a forged payload or signature, is checked afresh
// and refused.
#[tokio::test]
async fn a_remembered_token_does_not_vouch_for_a_forged_one() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, _) = app.manager("ada@example.com", "Acme").await;
    let bob = app.account("bob@example.com").await;
    for _ in 0..2 {
        let (status, body) = ada.get(&app, "/api/v1/me").await;
        assert_eq!(status, 200, "{body}");
    }
    let parts: Vec<&str> = ada.jwt.split('.').collect();
    let bob_parts: Vec<&str> = bob.jwt.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    let bob_claims: Value = serde_json::from_slice(&b64.decode(bob_parts[1]).unwrap()).unwrap();
    claims["sub"] = bob_claims["sub"].clone();
    let forged_payload = b64.encode(serde_json::to_vec(&claims).unwrap());
    // The first character: all six of its bits are signature bits.
    let first = if parts[2].starts_with('A') { "B" } else { "A" };
    let flipped = format!("{first}{}", &parts[2][1..]);
    for forged in [
        format!("{}.{}.{}", parts[0], forged_payload, parts[2]),
        format!("{}.{}.{}", parts[0], parts[1], flipped),
        format!("{}.{}.{}", parts[0], bob_parts[1], parts[2]),
    ] {
        let (status, body) = app
            .api(Method::GET, "/api/v1/me", Some(&forged), None)
            .await;
        assert_eq!(status, 401, "{forged}: {body}");
    }
    let (status, _) = ada.get(&app, "/api/v1/me").await;
    assert_eq!(status, 200);
}
