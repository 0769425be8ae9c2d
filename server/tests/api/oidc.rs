//! Sign in with Portico (SPEC §10): discovery and keys, the authorization
//! code flow with PKCE, codes, refresh-token families, exact redirect
//! URIs, the tenant chooser, members who lose access, key rotation,
//! sign-out. The attacks are in `adversarial.rs`; the helpers here are
//! shared with it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{PASSWORD, Person, TestApp, new_client, spawn_app_with};

pub const ADMIN_TOKEN: &str = "the-operator-admin-token-0123456789abcdef";
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";
pub const LOGOUT_REDIRECT: &str = "http://127.0.0.1:9/signed-out";

/// Portico with an operator token, to register clients.
pub async fn spawn_provider() -> TestApp {
    spawn_app_with(&[("PORTICO_ADMIN_TOKEN", ADMIN_TOKEN)]).await
}

/// A registered client (relying party).
pub struct Rp {
    pub id: String,
    pub secret: Option<String>,
}

pub async fn register_client(app: &TestApp, public: bool) -> Rp {
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/admin/oidc-clients",
            Some(ADMIN_TOKEN),
            Some(json!({
                "name": "Acme CRM",
                "redirectUris": [REDIRECT],
                "postLogoutRedirectUris": [LOGOUT_REDIRECT],
                "public": public,
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["public"], public);
    Rp {
        id: body["clientId"].as_str().unwrap().to_owned(),
        secret: body["clientSecret"].as_str().map(str::to_owned),
    }
}

/// A PKCE verifier and its S256 challenge.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

pub fn pkce() -> Pkce {
    let verifier = format!(
        "{:032x}{:032x}",
        rand::random::<u128>(),
        rand::random::<u128>()
    );
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

impl Rp {
    /// The authorization request's path: a code flow to `REDIRECT` with
    /// state and nonce; `extra` adds or replaces parameters (an empty
    /// value removes one).
    pub fn authorize_path(&self, extra: &[(&str, &str)]) -> String {
        let mut params: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", &self.id),
            ("redirect_uri", REDIRECT),
            ("scope", "openid email profile"),
            ("state", "st-123"),
            ("nonce", "n-456"),
        ];
        for (k, v) in extra {
            params.retain(|(pk, _)| pk != k);
            if !v.is_empty() {
                params.push((k, v));
            }
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        format!("/oauth/authorize?{query}")
    }

    /// A token-endpoint call: the secret by HTTP Basic, or `client_id`
    /// in the form for a public client.
    pub async fn token(&self, app: &TestApp, form: &[(&str, &str)]) -> (u16, Value) {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        let mut req = app.client.post(app.url("/oauth/token"));
        match &self.secret {
            Some(secret) => req = req.basic_auth(&self.id, Some(secret)),
            None => form.push(("client_id", &self.id)),
        }
        let res = req.form(&form).send().await.unwrap();
        let status = res.status().as_u16();
        if status == 200 {
            assert_eq!(res.headers()["cache-control"], "no-store");
        }
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn exchange(
        &self,
        app: &TestApp,
        code: &str,
        verifier: Option<&str>,
    ) -> (u16, Value) {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v));
        }
        self.token(app, &form).await
    }

    /// The tokens `browser`'s person gets with `offline_access`: a code
    /// exchanged at once, with a refresh token.
    pub async fn offline_tokens(&self, app: &TestApp, browser: &reqwest::Client) -> Value {
        let code = code_for(app, browser, self, &[("scope", "openid offline_access")]).await;
        let (status, tokens) = self.exchange(app, &code, None).await;
        assert_eq!(status, 200, "{tokens}");
        assert!(tokens["refresh_token"].is_string(), "{tokens}");
        tokens
    }

    pub async fn refresh(&self, app: &TestApp, refresh_token: &str) -> (u16, Value) {
        self.token(
            app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }
}

/// Where `browser` is sent for `path`: the redirect's `Location`.
pub async fn location(app: &TestApp, browser: &reqwest::Client, path: &str) -> String {
    let res = browser.get(app.url(path)).send().await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let body = res.text().await.unwrap();
    location.unwrap_or_else(|| panic!("{path}: {status} without a redirect:\n{body}"))
}

/// The query parameter `name` of a location (absolute or on Portico).
pub fn param(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse("http://portico.invalid")
        .unwrap()
        .join(location)
        .unwrap();
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The code `browser` gets for an authorization request with `extra`.
pub async fn code_for(
    app: &TestApp,
    browser: &reqwest::Client,
    rp: &Rp,
    extra: &[(&str, &str)],
) -> String {
    let to = location(app, browser, &rp.authorize_path(extra)).await;
    assert!(to.starts_with(REDIRECT), "not back to the client: {to}");
    assert_eq!(param(&to, "state").as_deref(), Some("st-123"));
    assert_eq!(
        param(&to, "iss").as_deref(),
        Some(app.state.config.base_url.as_str())
    );
    param(&to, "code").unwrap_or_else(|| panic!("no code in {to}"))
}

/// A JWT's claims, checked against Portico's JWKS as a client would:
/// RS256, the key named by `kid`, issuer, and audience `aud`.
pub async fn verified_claims(app: &TestApp, jwt: &str, aud: &str) -> Value {
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    let kid = header.kid.expect("a kid");
    let jwks: Value = app
        .client
        .get(app.url("/oauth/jwks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap_or_else(|| panic!("kid {kid} not in {jwks}"));
    let key = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap(),
        key["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[aud]);
    validation.set_issuer(&[&app.state.config.base_url]);
    jsonwebtoken::decode::<Value>(jwt, &key, &validation)
        .expect("a token the JWKS verifies")
        .claims
}

/// A manager's tenant with a member `email` (roles `extractor-user`).
pub async fn member_of_a_tenant(app: &TestApp, email: &str) -> (Person, Person, i64) {
    let (manager, tenant) = app.manager(&format!("manager-of-{email}"), "Acme").await;
    let member = app.member(&manager, email, &["extractor-user"], None).await;
    (manager, member, tenant)
}

async fn member_id(app: &TestApp, manager: &Person, tenant: i64, email: &str) -> i64 {
    let (status, body) = manager
        .get(app, &format!("/api/v1/members?tenantId={tenant}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} not in {body}"))["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn discovery_names_every_endpoint_and_the_jwks_publishes_the_signing_key() {
    let app = spawn_provider().await;
    let base = app.state.config.base_url.clone();
    let (status, doc) = app
        .api(Method::GET, "/.well-known/openid-configuration", None, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(doc["issuer"], base);
    for (field, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        ("userinfo_endpoint", "/oauth/userinfo"),
        ("jwks_uri", "/oauth/jwks"),
        ("revocation_endpoint", "/oauth/revoke"),
        ("end_session_endpoint", "/oauth/end-session"),
    ] {
        assert_eq!(doc[field], format!("{base}{path}"), "{field}");
    }
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    for method in ["client_secret_basic", "client_secret_post"] {
        assert!(
            doc["token_endpoint_auth_methods_supported"]
                .as_array()
                .unwrap()
                .contains(&json!(method))
        );
    }

    let (status, jwks) = app.api(Method::GET, "/oauth/jwks", None, None).await;
    assert_eq!(status, 200);
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{jwks}");
    assert_eq!(keys[0]["kty"], "RSA");
    assert_eq!(keys[0]["alg"], "RS256");
    assert_eq!(keys[0]["use"], "sig");
    assert!(keys[0]["kid"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(keys[0].get("d").is_none(), "no private part: {jwks}");

    // The REST API's JWTs are signed with the same key.
    let (_manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let jwt = app.jwt("ada@example.com").await;
    let claims = verified_claims(&app, &jwt, &format!("{base}/api")).await;
    assert!(claims["sub"].is_string());
    assert!(tenant > 0);
}

#[tokio::test]
async fn a_member_signs_in_to_a_product_whose_tokens_carry_the_tenant_and_roles() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    assert!(rp.secret.is_some(), "a confidential client gets a secret");
    let (_manager, bob, tenant) = member_of_a_tenant(&app, "bob@example.com").await;

    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let (status, tokens) = rp.exchange(&app, &code, None).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(
        tokens.get("refresh_token").is_none(),
        "no offline_access asked"
    );
    let id = verified_claims(&app, tokens["id_token"].as_str().unwrap(), &rp.id).await;
    assert_eq!(id["nonce"], "n-456");
    assert_eq!(id["email"], "bob@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["given_name"], "Bob");
    assert_eq!(id["tenant_id"], tenant);
    assert_eq!(id["tenant_name"], "Acme");
    assert_eq!(id["roles"], json!(["extractor-user"]));
    assert!(id["auth_time"].as_i64().is_some());
    let account_id = id["sub"].as_str().unwrap().to_owned();

    // The access token: RFC 9068, for the REST API, this tenant only.
    let access = tokens["access_token"].as_str().unwrap();
    let base = &app.state.config.base_url;
    let header = jsonwebtoken::decode_header(access).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let at = verified_claims(&app, access, &format!("{base}/api")).await;
    assert_eq!(at["client_id"], rp.id.as_str());
    assert_eq!(at["sub"], account_id.as_str());
    let (status, body) = app
        .api(
            Method::GET,
            &format!("/api/v1/tenants/{tenant}"),
            Some(access),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let res = app
        .client
        .get(app.url("/oauth/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let info: Value = res.json().await.unwrap();
    assert_eq!(info["sub"], account_id.as_str());
    assert_eq!(info["tenant_id"], tenant);
    assert_eq!(info["roles"], json!(["extractor-user"]));

    let res = app
        .client
        .get(app.url("/oauth/userinfo"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(
        res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
}

#[tokio::test]
async fn the_token_endpoint_authenticates_clients_by_basic_or_post_and_refuses_wrong_secrets() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;
    let secret = rp.secret.clone().unwrap();

    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let res = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth(&rp.id, Some("wrong"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().contains_key("www-authenticate"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    // client_secret_post; the code was not spent by the refused call.
    let res = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("client_id", rp.id.as_str()),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let (status, body) = rp.token(&app, &[("grant_type", "password")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, body) = rp
        .token(
            &app,
            &[
                ("grant_type", "refresh_token"),
                ("grant_type", "refresh_token"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
}

#[tokio::test]
async fn pkce_is_checked_missing_wrong_and_right() {
    let app = spawn_provider().await;
    let rp = register_client(&app, true).await;
    assert!(rp.secret.is_none(), "a public client has no secret");
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;
    let right = pkce();
    let wrong = pkce();
    let pkce = right;
    let with_challenge = [
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];

    // Missing verifier.
    let code = code_for(&app, &bob.client, &rp, &with_challenge).await;
    let (status, body) = rp.exchange(&app, &code, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // Wrong verifier.
    let code = code_for(&app, &bob.client, &rp, &with_challenge).await;
    let (status, body) = rp.exchange(&app, &code, Some(&wrong.verifier)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    // Right verifier.
    let code = code_for(&app, &bob.client, &rp, &with_challenge).await;
    let (status, body) = rp.exchange(&app, &code, Some(&pkce.verifier)).await;
    assert_eq!(status, 200, "{body}");

    // `plain` is not offered.
    let to = location(
        &app,
        &bob.client,
        &rp.authorize_path(&[
            ("code_challenge", &pkce.verifier),
            ("code_challenge_method", "plain"),
        ]),
    )
    .await;
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("invalid_request"),
        "{to}"
    );
    assert!(param(&to, "code").is_none());
}

#[tokio::test]
async fn a_code_works_once_within_a_minute_and_a_replay_revokes_what_it_issued() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;

    let code = code_for(
        &app,
        &bob.client,
        &rp,
        &[("scope", "openid offline_access")],
    )
    .await;
    let (status, first) = rp.exchange(&app, &code, None).await;
    assert_eq!(status, 200, "{first}");
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, body) = rp.exchange(&app, &code, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = rp.refresh(&app, &refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "replay revoked the family: {body}"
    );

    // A code past its 60 seconds.
    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let hash = app::backend::crypto::hash_token(&code);
    sqlx::query("UPDATE oidc_codes SET expires_at = expires_at - 61000 WHERE code_hash = $1")
        .bind(&hash)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let (status, body) = rp.exchange(&app, &code, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );

    // Bound to its client.
    let other = register_client(&app, false).await;
    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let (status, body) = other.exchange(&app, &code, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_its_family() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, tenant) = member_of_a_tenant(&app, "bob@example.com").await;
    let first = rp.offline_tokens(&app, &bob.client).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();

    let (status, second) = rp.refresh(&app, &r1).await;
    assert_eq!(status, 200, "{second}");
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2, "rotated");
    let id = verified_claims(&app, second["id_token"].as_str().unwrap(), &rp.id).await;
    assert_eq!(id["tenant_id"], tenant);

    // Another client cannot use it.
    let other = register_client(&app, false).await;
    let (status, _) = other.refresh(&app, &r2).await;
    assert_eq!(status, 400);

    // r1 again: a thief or the client has an old copy; the family ends.
    let (status, body) = rp.refresh(&app, &r1).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, body) = rp.refresh(&app, &r2).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );

    // Revocation (RFC 7009) ends a family too; unknown tokens are fine.
    let fresh = rp.offline_tokens(&app, &bob.client).await;
    let r3 = fresh["refresh_token"].as_str().unwrap();
    for token in ["no-such-token", r3] {
        let res = app
            .client
            .post(app.url("/oauth/revoke"))
            .basic_auth(&rp.id, rp.secret.as_deref())
            .form(&[("token", token)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let (status, _) = rp.refresh(&app, r3).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn redirect_uris_match_exactly() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;
    for near in [
        "http://127.0.0.1:9/callback/",
        "http://127.0.0.1:9/callback?x=1",
        "http://127.0.0.1:9/Callback",
        "http://127.0.0.1:10/callback",
        "http://localhost:9/callback",
    ] {
        let res = bob
            .client
            .get(app.url(&rp.authorize_path(&[("redirect_uri", near)])))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{near}");
        assert!(res.headers().get("location").is_none(), "{near}");
        assert!(res.text().await.unwrap().contains("not registered"));
    }
    // The token request must name the same URI as the authorization.
    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let (status, body) = rp
        .token(
            &app,
            &[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", "http://127.0.0.1:9/callback/"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

/// The tenant id the chooser page preselects.
fn preselected(page: &str) -> String {
    let input = page
        .split("<input")
        .find(|i| i.contains("tenant_id") && i.contains("checked"))
        .unwrap_or_else(|| panic!("nothing preselected: {page}"));
    input
        .split(r#"value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_person_in_several_tenants_chooses_one_and_the_choice_is_remembered() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_m1, bob, first) = member_of_a_tenant(&app, "bob@example.com").await;
    let (m2, second) = app.manager("zed@example.com", "Zenith").await;
    let (status, body) = app.invite_as_user(&m2, second, "bob@example.com").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = bob
        .api(
            &app,
            Method::POST,
            "/api/v1/registration",
            Some(json!({"url": app.state.config.base_url})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let to = location(&app, &bob.client, &rp.authorize_path(&[])).await;
    assert!(to.starts_with("/oauth/choose?"), "{to}");
    let page = app.page_of(&bob.client, &to).await;
    assert!(page.contains("Acme") && page.contains("Zenith"), "{page}");
    assert_eq!(
        preselected(&page),
        second.to_string(),
        "the tenant just joined"
    );
    assert!(page.contains(r#"name="tenant_id""#));
    assert!(page.contains(&rp.id), "the request travels in the form");

    // prompt=none cannot ask.
    let to = location(&app, &bob.client, &rp.authorize_path(&[("prompt", "none")])).await;
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("account_selection_required")
    );

    // The chooser's form sends tenant_id.
    let chosen = first.to_string();
    let code = code_for(&app, &bob.client, &rp, &[("tenant_id", &chosen)]).await;
    let (_, tokens) = rp.exchange(&app, &code, None).await;
    let id = verified_claims(&app, tokens["id_token"].as_str().unwrap(), &rp.id).await;
    assert_eq!(id["tenant_id"], first);
    assert_eq!(id["tenant_name"], "Acme");

    // Next time the last choice is preselected.
    let to = location(&app, &bob.client, &rp.authorize_path(&[])).await;
    let page = app.page_of(&bob.client, &to).await;
    assert_eq!(preselected(&page), first.to_string());

    // A tenant the person is not in gets no code.
    let (_m3, third) = app.manager("yan@example.com", "Other").await;
    let to = location(
        &app,
        &bob.client,
        &rp.authorize_path(&[("tenant_id", &third.to_string())]),
    )
    .await;
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("access_denied"),
        "{to}"
    );
}

#[tokio::test]
async fn a_person_in_no_tenant_is_told_so() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let nobody = app.account("nobody@example.com").await;
    let to = location(&app, &nobody.client, &rp.authorize_path(&[])).await;
    assert!(to.starts_with("/oauth/choose?"), "{to}");
    let page = app.page_of(&nobody.client, &to).await;
    assert!(
        page.contains("not an active member of any tenant"),
        "{page}"
    );
    assert!(!page.contains(r#"name="tenant_id""#));
}

#[tokio::test]
async fn a_disabled_or_removed_member_gets_no_token_and_loses_the_refresh_family() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (manager, bob, tenant) = member_of_a_tenant(&app, "bob@example.com").await;
    let bob_id = member_id(&app, &manager, tenant, "bob@example.com").await;
    let tokens = rp.offline_tokens(&app, &bob.client).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let unused_code = code_for(&app, &bob.client, &rp, &[]).await;

    let (status, body) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob_id}?tenantId={tenant}"),
            Some(json!({"status": "DISABLED"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let tenant_param = tenant.to_string();
    let to = location(
        &app,
        &bob.client,
        &rp.authorize_path(&[("tenant_id", &tenant_param)]),
    )
    .await;
    assert!(to.starts_with(REDIRECT), "{to}");
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("access_denied"),
        "{to}"
    );
    // Without naming it: no tenant to offer.
    let to = location(&app, &bob.client, &rp.authorize_path(&[])).await;
    let page = app.page_of(&bob.client, &to).await;
    assert!(
        page.contains("not an active member of any tenant"),
        "{page}"
    );
    let (status, _) = rp.refresh(&app, &refresh).await;
    assert_eq!(status, 400, "disabled: no refresh");
    let (status, _) = rp.exchange(&app, &unused_code, None).await;
    assert_eq!(status, 400, "disabled: a code issued before does not work");
    let (status, _) = app
        .api(
            Method::GET,
            &format!("/api/v1/tenants/{tenant}"),
            tokens["access_token"].as_str(),
            None,
        )
        .await;
    assert_eq!(status, 403, "the access token no longer serves the tenant");

    // Enabled again, then removed: the family issued meanwhile ends.
    let (status, _) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob_id}?tenantId={tenant}"),
            Some(json!({"status": "ACTIVE"})),
        )
        .await;
    assert_eq!(status, 200);
    let tokens = rp.offline_tokens(&app, &bob.client).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, _) = manager
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{bob_id}?tenantId={tenant}"),
            None,
        )
        .await;
    assert!(status == 200 || status == 204, "{status}");
    let (status, _) = rp.refresh(&app, &refresh).await;
    assert_eq!(status, 400, "removed: no refresh");
}

#[tokio::test]
async fn a_password_reset_ends_the_refresh_family() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;
    let tokens = rp.offline_tokens(&app, &bob.client).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();

    let res = app
        .rpc("request_password_reset", &[("email", "bob@example.com")])
        .await;
    assert_eq!(res.status(), 200);
    let mail = app.mail_to("bob@example.com", "Reset your").await;
    let link = crate::smtp_sink::link_in(&mail, "/reset-password?token=");
    let token = param(&link, "token").unwrap();
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
    let (status, body) = rp.refresh(&app, &refresh).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
}

#[tokio::test]
async fn a_token_signed_with_the_previous_key_verifies_until_it_expires() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, tenant) = member_of_a_tenant(&app, "bob@example.com").await;
    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let (_, before) = rp.exchange(&app, &code, None).await;
    let old_access = before["access_token"].as_str().unwrap().to_owned();
    let old_kid = jsonwebtoken::decode_header(&old_access)
        .unwrap()
        .kid
        .unwrap();

    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/admin/signing-keys/rotate",
            Some(ADMIN_TOKEN),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let new_kid = body["kid"].as_str().unwrap().to_owned();
    assert_ne!(new_kid, old_kid);
    let (_, jwks) = app.api(Method::GET, "/oauth/jwks", None, None).await;
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert!(
        kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()),
        "{kids:?}"
    );

    // The old token still verifies, offline and at the API.
    verified_claims(&app, before["id_token"].as_str().unwrap(), &rp.id).await;
    let (status, _) = app
        .api(
            Method::GET,
            &format!("/api/v1/tenants/{tenant}"),
            Some(&old_access),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // New tokens use the new key.
    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let (_, after) = rp.exchange(&app, &code, None).await;
    let kid = jsonwebtoken::decode_header(after["id_token"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap();
    assert_eq!(kid, new_kid);

    // An hour (and the caches' minute) after the rotation every token the
    // old key signed has expired, and it is no longer published.
    sqlx::query("UPDATE signing_keys SET retired_at = retired_at - 3700000 WHERE kid = $1")
        .bind(&old_kid)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let fresh = app::backend::signing_keys::SigningKeys::new(app.state.db.clone());
    let kids: Vec<String> = fresh
        .jwks()
        .await
        .unwrap()
        .keys
        .into_iter()
        .map(|k| k.kid)
        .collect();
    assert_eq!(kids, vec![new_kid]);
}

#[tokio::test]
async fn signed_out_people_sign_in_first_and_prompt_and_max_age_are_honoured() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, _bob, tenant) = member_of_a_tenant(&app, "bob@example.com").await;
    let browser = new_client();

    let to = location(&app, &browser, &rp.authorize_path(&[("prompt", "none")])).await;
    assert!(to.starts_with(REDIRECT));
    assert_eq!(param(&to, "error").as_deref(), Some("login_required"));

    let to = location(
        &app,
        &browser,
        &rp.authorize_path(&[("login_hint", "bob@example.com")]),
    )
    .await;
    assert!(to.starts_with("/login?"), "{to}");
    assert_eq!(param(&to, "email").as_deref(), Some("bob@example.com"));
    let page = app.page_of(&browser, &to).await;
    assert!(
        page.contains(r#"value="bob@example.com""#),
        "the hint fills the form"
    );
    let next = param(&to, "next").unwrap();
    assert!(next.starts_with("/oauth/authorize?"), "{next}");
    let res = browser
        .post(app.url("/rpc/sign_in"))
        .form(&[
            ("email", "bob@example.com"),
            ("password", PASSWORD),
            ("next", next.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, next, "signing in goes back into the flow");
    let to = location(&app, &browser, &back).await;
    assert!(param(&to, "code").is_some(), "{to}");

    // Signed in now: prompt=login and max_age=0 still send to sign in.
    for extra in [("prompt", "login"), ("max_age", "0")] {
        // max_age counts whole seconds: let one pass.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let to = location(&app, &browser, &rp.authorize_path(&[extra])).await;
        assert!(to.starts_with("/login?"), "{extra:?}: {to}");
    }
    let code = code_for(&app, &browser, &rp, &[("max_age", "3600")]).await;
    let (_, tokens) = rp.exchange(&app, &code, None).await;
    let id = verified_claims(&app, tokens["id_token"].as_str().unwrap(), &rp.id).await;
    assert_eq!(id["tenant_id"], tenant);
    let now = app::backend::now_ms() / 1000;
    assert!(id["auth_time"].as_i64().unwrap() > now - 60, "{id}");
}

#[tokio::test]
async fn end_session_signs_out_and_returns_to_the_registered_uri() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (_manager, bob, _) = member_of_a_tenant(&app, "bob@example.com").await;
    let code = code_for(&app, &bob.client, &rp, &[]).await;
    let (_, tokens) = rp.exchange(&app, &code, None).await;
    let id_token = tokens["id_token"].as_str().unwrap();

    // Not registered: Portico's page, still signed in.
    let res = bob
        .client
        .get(app.url("/oauth/end-session"))
        .query(&[
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.headers().get("location").is_none());
    // Without a hint Portico asks.
    let to = location(&app, &bob.client, "/oauth/end-session").await;
    assert_eq!(to, "/logout");
    let to = location(&app, &bob.client, &rp.authorize_path(&[])).await;
    assert!(param(&to, "code").is_some(), "still signed in");

    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", LOGOUT_REDIRECT),
            ("state", "bye"),
        ])
        .finish();
    let to = location(&app, &bob.client, &format!("/oauth/end-session?{query}")).await;
    assert!(to.starts_with(LOGOUT_REDIRECT), "{to}");
    assert_eq!(param(&to, "state").as_deref(), Some("bye"));
    let to = location(&app, &bob.client, &rp.authorize_path(&[])).await;
    assert!(to.starts_with("/login?"), "signed out: {to}");
}

#[tokio::test]
async fn the_operator_manages_clients_and_a_secret_is_shown_once() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let path = format!("/api/v1/admin/oidc-clients/{}", rp.id);

    let (status, listed) = app
        .api(
            Method::GET,
            "/api/v1/admin/oidc-clients",
            Some(ADMIN_TOKEN),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0].get("clientSecret").is_none(), "{listed}");
    let stored: String = sqlx::query_scalar("SELECT secret_hash FROM oidc_clients")
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_ne!(Some(stored), rp.secret, "stored hashed");

    let (status, body) = app
        .api(
            Method::PATCH,
            &path,
            Some(ADMIN_TOKEN),
            Some(json!({"redirectUris": ["ftp://x.example/cb", "https://ok.example/#frag"]})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("redirectUris"), "{body}");
    let (status, body) = app
        .api(
            Method::PATCH,
            &path,
            Some(ADMIN_TOKEN),
            Some(json!({"name": "Acme CRM 2", "redirectUris": ["https://crm.example/cb"]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["redirectUris"], json!(["https://crm.example/cb"]));
    let (status, body) = app.api(Method::GET, &path, Some(ADMIN_TOKEN), None).await;
    assert_eq!((status, body["name"].as_str()), (200, Some("Acme CRM 2")));

    // Only the operator.
    let (jwt_holder, _) = app.manager("ada@example.com", "Acme").await;
    let (status, _) = app
        .api(Method::GET, &path, Some(&jwt_holder.jwt), None)
        .await;
    assert_eq!(status, 401);
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/admin/signing-keys/rotate",
            Some(&jwt_holder.jwt),
            None,
        )
        .await;
    assert_eq!(status, 401);

    let (status, _) = app
        .api(Method::DELETE, &path, Some(ADMIN_TOKEN), None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app.api(Method::GET, &path, Some(ADMIN_TOKEN), None).await;
    assert_eq!(status, 404);
    let res = app
        .client
        .get(app.url(&rp.authorize_path(&[])))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "a deleted client is unknown");
}
