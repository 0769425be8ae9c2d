//! SSO with a tenant's identity provider (SPEC §11). The provider is a
//! second Portico, a real OpenID provider (its conformance is checked with
//! openid-client in end2end/): the relying party's discovery, PKCE,
//! `state`, `nonce`, code exchange and ID-token verification all run for
//! real. Two cookie jars stand for the two sites' cookies in one browser
//! (cookies do not tell ports apart).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Person, TestApp, new_client, spawn_app_at_own_url, spawn_app_with};
use crate::oidc::{ADMIN_TOKEN, location, member_of_a_tenant, param};

/// An identity provider with `email` as a person who can sign in there,
/// and a relying-party Portico whose tenant connected it for `domain`.
struct Setup {
    idp: TestApp,
    rp: TestApp,
    /// The person's browser at the provider (signed in there).
    at_idp: reqwest::Client,
    manager: Person,
    tenant: i64,
    connection: Value,
}

async fn setup(email: &str, domain: &str, required: bool) -> Setup {
    setup_with(email, domain, required, false).await
}

/// With `had_password`, the person made a password account at the relying
/// party before the connection existed.
async fn setup_with(email: &str, domain: &str, required: bool, had_password: bool) -> Setup {
    let idp = spawn_app_at_own_url(&[("PORTICO_ADMIN_TOKEN", ADMIN_TOKEN)]).await;
    let (_, person, _) = member_of_a_tenant(&idp, email).await;
    let idp_origin = idp.state.config.base_url.clone();
    let rp = spawn_app_at_own_url(&[
        ("PORTICO_ALLOWED_ORIGINS", idp_origin.as_str()),
        ("PORTICO_WEBHOOK_ALLOW_PRIVATE", "true"),
    ])
    .await;
    let (status, client) = idp
        .api(
            Method::POST,
            "/api/v1/admin/oidc-clients",
            Some(ADMIN_TOKEN),
            Some(json!({
                "name": "Portico SSO",
                "redirectUris": [format!("{}/sso/callback", rp.state.config.base_url)],
            })),
        )
        .await;
    assert_eq!(status, 201, "{client}");
    let (manager, tenant) = rp.manager(&format!("it@{domain}"), "Corp").await;
    prove_domain(&rp, tenant, domain).await;
    if had_password {
        rp.account(email).await;
    }
    let (status, connection) = manager
        .api(
            &rp,
            Method::POST,
            &format!("/api/v1/sso-connections?tenantId={tenant}"),
            Some(json!({
                "issuer": idp_origin,
                "clientId": client["clientId"],
                "clientSecret": client["clientSecret"],
                "domains": [domain],
                "joinRoles": ["extractor-viewer"],
                "required": required,
            })),
        )
        .await;
    assert_eq!(status, 201, "{connection}");
    Setup {
        idp,
        rp,
        at_idp: person.client,
        manager,
        tenant,
        connection,
    }
}

/// The domain as proven by DNS (the proof itself is `domains.rs`'s).
async fn prove_domain(app: &TestApp, tenant: i64, domain: &str) {
    sqlx::query(
        "INSERT INTO tenant_domains (tenant_id, domain, join_policy, join_roles, added_by, \
         verification_token, verified_at, created_at, updated_at) \
         VALUES ($1, $2, 'off', '[]', NULL, 'token', 1, 1, 1)",
    )
    .bind(tenant)
    .bind(domain)
    .execute(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
}

/// Runs the flow: `/login`'s discovery sends `at_rp` to the provider, the
/// provider (where `at_idp` is signed in) answers to the callback; returns
/// the callback's answer.
async fn sign_in_through_provider(
    s: &Setup,
    at_rp: &reqwest::Client,
    email: &str,
) -> reqwest::Response {
    let to_provider = location(&s.rp, at_rp, &format!("/sso/start?email={email}")).await;
    assert!(
        to_provider.starts_with(&s.idp.state.config.base_url),
        "to the provider: {to_provider}"
    );
    assert_eq!(
        param(&to_provider, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(param(&to_provider, "nonce").is_some());
    let back = s.at_idp.get(&to_provider).send().await.unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    assert!(callback.contains("/sso/callback?"), "{callback}");
    at_rp.get(&callback).send().await.unwrap()
}

async fn member_row(s: &Setup, email: &str) -> Option<Value> {
    let (_, body) = s
        .manager
        .get(
            &s.rp,
            &format!("/api/v1/members?tenantId={}&perPage=100", s.tenant),
        )
        .await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .cloned()
}

#[tokio::test]
async fn a_first_sso_sign_in_creates_the_account_and_joins_with_the_connections_roles() {
    let s = setup("ann@corp.test", "corp.test", false).await;
    assert!(
        s.connection.get("clientSecret").is_none(),
        "the secret never comes back"
    );
    let sealed: String = sqlx::query_scalar("SELECT client_secret_enc FROM sso_connections")
        .fetch_one(&mut *s.rp.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert!(!sealed.is_empty());

    // /login with the address and no password: home-realm discovery.
    let at_rp = new_client();
    let res = at_rp
        .post(s.rp.url("/rpc/sign_in"))
        .header("origin", &s.rp.state.config.base_url)
        .form(&[("email", "ann@corp.test"), ("password", "")])
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sso/start?email=ann%40corp.test"),
        "{:?}",
        res.headers()
    );

    let done = sign_in_through_provider(&s, &at_rp, "ann%40corp.test").await;
    assert_eq!(done.status(), 303, "{}", done.text().await.unwrap());
    assert_eq!(
        done.headers()["location"],
        format!("/t/{}", s.tenant).as_str()
    );
    let m = member_row(&s, "ann@corp.test").await.expect("joined");
    assert_eq!(m["roles"], json!(["extractor-viewer"]));
    assert_eq!(m["status"], "ACTIVE");
    assert_eq!(
        s.rp.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.joined' AND details LIKE '%\"via\":\"sso\"%'").await,
        1
    );
    assert_eq!(
        s.rp.count("SELECT COUNT(*) FROM accounts WHERE email = 'ann@corp.test' AND email_verified_at IS NOT NULL").await,
        1
    );
    // Signed in at the relying party: the tenant's pages open.
    let page = s.rp.page_of(&at_rp, &format!("/t/{}", s.tenant)).await;
    assert!(page.contains("Corp"), "{page}");

    // The same browser's callback again (a replayed ID token or code):
    // nothing pending, refused.
    let again = at_rp
        .get(s.rp.url("/sso/callback?code=x&state=y"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 403);
}

#[tokio::test]
async fn a_required_connection_refuses_passwords_and_a_removed_person_stays_out() {
    // Bo had a password account at the relying party before.
    let s = setup_with("bo@big.test", "big.test", true, true).await;
    let res =
        s.rp.client
            .post(s.rp.url("/rpc/sign_in"))
            .header("origin", &s.rp.state.config.base_url)
            .form(&[
                ("email", "bo@big.test"),
                ("password", crate::helpers::PASSWORD),
            ])
            .send()
            .await
            .unwrap();
    let to = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    assert!(
        to.as_deref().is_some_and(|l| l.starts_with("/sso/start")),
        "a password is not enough: {to:?}"
    );
    let (status, body) =
        s.rp.api(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "bo@big.test", "password": crate::helpers::PASSWORD})),
        )
        .await;
    assert_eq!(status, 403, "{body}");

    // Bo joins by SSO, is removed by a manager, and signs in again: signed
    // in, but not a member again.
    let at_rp = new_client();
    let done = sign_in_through_provider(&s, &at_rp, "bo%40big.test").await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()["location"],
        format!("/t/{}", s.tenant).as_str()
    );
    let member_id = member_row(&s, "bo@big.test").await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, _) = s
        .manager
        .api(
            &s.rp,
            Method::DELETE,
            &format!("/api/v1/members/{member_id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let at_rp = new_client();
    let done = sign_in_through_provider(&s, &at_rp, "bo%40big.test").await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/");
    assert_eq!(
        s.rp.count(
            "SELECT COUNT(*) FROM members m JOIN accounts a ON a.id = m.account_id \
             WHERE a.email = 'bo@big.test' AND m.status = 'DELETED'"
        )
        .await,
        1,
        "still removed"
    );
}

#[tokio::test]
async fn a_callback_from_another_browser_or_another_issuer_is_refused() {
    let s = setup("cy@corp2.test", "corp2.test", false).await;
    // The attacker starts a sign-in in their browser and sends the victim
    // the callback (login fixation / CSRF): the victim's browser has no
    // pending sign-in with that state.
    let attacker = new_client();
    let to_provider = location(&s.rp, &attacker, "/sso/start?email=cy%40corp2.test").await;
    let back = s.at_idp.get(&to_provider).send().await.unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    let victim = new_client();
    let res = victim.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(member_row(&s, "cy@corp2.test").await.is_none());
    // Mix-up: the right state, but `iss` names another issuer.
    let at_rp = new_client();
    let to_provider = location(&s.rp, &at_rp, "/sso/start?email=cy%40corp2.test").await;
    let back = s.at_idp.get(&to_provider).send().await.unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    let forged = callback.replace(
        &format!(
            "iss={}",
            url::form_urlencoded::byte_serialize(s.idp.state.config.base_url.as_bytes())
                .collect::<String>()
        ),
        "iss=https%3A%2F%2Fevil.example",
    );
    assert_ne!(forged, callback, "the callback carries iss");
    let res = at_rp.get(&forged).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(member_row(&s, "cy@corp2.test").await.is_none());
}

#[tokio::test]
async fn connections_take_only_the_tenants_proven_domains_and_https_issuers() {
    let rp = spawn_app_with(&[]).await;
    let (manager, tenant) = rp.manager("it@own.test", "Own").await;
    prove_domain(&rp, tenant, "own.test").await;
    let body = |issuer: &str, domain: &str| json!({"issuer": issuer, "clientId": "c", "clientSecret": "s", "domains": [domain], "joinRoles": ["extractor-user"]});
    let path = format!("/api/v1/sso-connections?tenantId={tenant}");
    let (status, err) = manager
        .api(
            &rp,
            Method::POST,
            &path,
            Some(body("https://login.own.test", "other.test")),
        )
        .await;
    assert_eq!(status, 409, "a domain the tenant has not proven: {err}");
    let (status, err) = manager
        .api(
            &rp,
            Method::POST,
            &path,
            Some(body("http://127.0.0.1:9", "own.test")),
        )
        .await;
    assert_eq!(status, 400, "{err}");
    let (status, made) = manager
        .api(
            &rp,
            Method::POST,
            &path,
            Some(body("https://login.own.test", "own.test")),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let member = rp
        .member(&manager, "mo@own.test", &["extractor-user"], None)
        .await;
    let (status, _) = member.get(&rp, &path).await;
    assert_eq!(status, 403, "members do not read connections");
}

#[tokio::test]
async fn test_connection_shows_the_claims_and_admits_nobody() {
    let s = setup("di@corp3.test", "corp3.test", false).await;
    let id = s.connection["id"].as_i64().unwrap();
    let page =
        s.rp.page_of(&s.manager.client, &format!("/t/{}/sso", s.tenant))
            .await;
    assert!(
        page.contains(&format!("{}/sso/callback", s.rp.state.config.base_url)),
        "the redirect URI to register is shown"
    );
    // The manager runs the flow; at the provider, whoever signs in there
    // (here di, signed in in that browser) answers.
    let to_provider = location(&s.rp, &s.manager.client, &format!("/sso/test/{id}")).await;
    let back = s.at_idp.get(&to_provider).send().await.unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    let done = s.manager.client.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(
        done.headers()["location"],
        format!("/t/{}/sso?tested={id}", s.tenant).as_str()
    );
    let page =
        s.rp.page_of(&s.manager.client, &format!("/t/{}/sso", s.tenant))
            .await;
    assert!(page.contains("sso-test-result"), "{page}");
    assert!(page.contains("di@corp3.test"));
    assert!(
        member_row(&s, "di@corp3.test").await.is_none(),
        "a test admits nobody"
    );
    assert_eq!(
        s.rp.count("SELECT COUNT(*) FROM accounts WHERE email = 'di@corp3.test'")
            .await,
        0
    );
    // A member who is not a manager cannot run a test.
    let member =
        s.rp.member(&s.manager, "mo@corp3.test", &["extractor-user"], None)
            .await;
    let res = member
        .client
        .get(s.rp.url(&format!("/sso/test/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
