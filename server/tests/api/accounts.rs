//! Registration, sign-in, email verification and password reset, through
//! the server functions the pages post to.

use crate::helpers::{PASSWORD, spawn_app};
use crate::smtp_sink::link_in;

#[tokio::test]
async fn registering_creates_account_tenant_project_and_manager_and_signs_in() {
    let app = spawn_app().await;
    let res = app.register("ada@example.com", "Acme").await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert!(
        res.headers()
            .get("location")
            .is_some_and(|l| l.to_str().unwrap().starts_with("/t/"))
    );

    assert_eq!(app.count("SELECT COUNT(*) FROM accounts WHERE email = 'ada@example.com' AND email_verified_at IS NULL").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenants WHERE name = 'Acme'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM projects WHERE name = 'Launch'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM members WHERE status = 'ACTIVE' AND roles = '[\"extractor-manager\"]'").await,
        1
    );
    // Signed in: the account page answers with the person's data.
    let html = app.get("/account").await.text().await.unwrap();
    assert!(html.contains("ada@example.com"), "{html}");
    assert!(html.contains("Acme"));
}

#[tokio::test]
async fn a_duplicate_email_in_any_case_is_a_field_error_and_leaves_no_tenant_behind() {
    let app = spawn_app().await;
    assert_eq!(app.register("ada@example.com", "First").await.status(), 200);

    let res = app.register("  ADA@Example.COM ", "Second").await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "Validation");
    assert!(
        body["detail"]["email"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{body}"
    );

    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenants").await,
        1,
        "a half-made tenant was left behind"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenants WHERE name = 'Second'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
}

#[tokio::test]
async fn every_invalid_field_is_named_at_once() {
    let app = spawn_app().await;
    let res = app
        .rpc(
            "register",
            &[
                ("email", "nope"),
                ("password", "short"),
                ("first_name", ""),
                ("last_name", "L"),
                ("tenant_name", " "),
                ("project_name", "P"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    for field in ["email", "password", "firstName", "tenantName"] {
        assert!(
            body["detail"][field].is_string(),
            "{field} not named in {body}"
        );
    }
    assert!(body["detail"].get("lastName").is_none());
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 0);
}

#[tokio::test]
async fn a_common_password_is_refused() {
    let app = spawn_app().await;
    let res = app
        .rpc(
            "register",
            &[
                ("email", "a@b.io"),
                ("password", "1234567890"),
                ("first_name", "A"),
                ("last_name", "B"),
                ("tenant_name", "T"),
                ("project_name", "P"),
            ],
        )
        .await;
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["detail"]["password"],
        "This password is too common. Choose another."
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_identical_answers() {
    let app = spawn_app().await;
    app.register("ada@example.com", "Acme").await;
    let other = crate::helpers::new_client();

    let wrong = other
        .post(app.url("/rpc/sign_in"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    let unknown = other
        .post(app.url("/rpc/sign_in"))
        .form(&[
            ("email", "nobody@example.com"),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.status(), unknown.status());
    assert!(
        wrong.headers().get("set-cookie").is_none()
            && unknown.headers().get("set-cookie").is_none()
    );
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn without_javascript_a_failed_sign_in_returns_to_the_form_with_the_error() {
    let app = spawn_app().await;
    let res = app
        .post_form(
            "/rpc/sign_in",
            "/login",
            &[("email", "x@example.com"), ("password", "whatever-long")],
        )
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("/login?") && location.contains("__err="),
        "{location}"
    );
    let html = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("The email or password is incorrect."),
        "{html}"
    );
}

#[tokio::test]
async fn the_eleventh_sign_in_attempt_in_a_minute_for_one_email_is_refused() {
    let app = spawn_app().await;
    for attempt in 1..=10 {
        let res = app.sign_in("ada@example.com", "wrong password!").await;
        assert_eq!(res.status(), 401, "attempt {attempt}");
    }
    let res = app.sign_in("ADA@example.com", "wrong password!").await;
    assert_eq!(res.status(), 429);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "RateLimited");
}

#[tokio::test]
async fn the_mailed_link_confirms_the_email_address() {
    let app = spawn_app().await;
    app.register("ada@example.com", "Acme").await;
    let mail = app.mail_to("ada@example.com", "Confirm your email").await;
    assert!(mail.contains("Content-Type: text/plain") && mail.contains("Content-Type: text/html"));
    let link = link_in(
        &mail,
        &format!("{}/verify-email?token=", app.state.config.base_url),
    );
    let token = link.split("token=").nth(1).unwrap();

    // Opening the page changes nothing; the button confirms.
    app.get(&format!("/verify-email?token={token}")).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email_verified_at IS NOT NULL")
            .await,
        0
    );
    let res = app
        .rpc("verify_email", &[("token", token), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email_verified_at IS NOT NULL")
            .await,
        1
    );

    // Single use.
    let again = app
        .rpc("verify_email", &[("token", token), ("password", PASSWORD)])
        .await;
    assert_eq!(again.status(), 400);
    // Only the hash is stored.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM account_tokens WHERE token_hash = '{token}'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn a_password_reset_link_sets_a_new_password_once() {
    let app = spawn_app().await;
    app.register("ada@example.com", "Acme").await;
    let res = app
        .rpc("request_password_reset", &[("email", "Ada@Example.com")])
        .await;
    assert_eq!(res.status(), 200);
    let unknown = app
        .rpc("request_password_reset", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(
        unknown.status(),
        200,
        "the answer must not reveal unknown emails"
    );

    let mail = app
        .mail_to("ada@example.com", "Reset your Portico password")
        .await;
    let link = link_in(
        &mail,
        &format!("{}/reset-password?token=", app.state.config.base_url),
    );
    let token = link.split("token=").nth(1).unwrap();
    let res = app
        .rpc(
            "reset_password",
            &[("token", token), ("password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);

    let fresh = crate::helpers::new_client();
    let old = fresh
        .post(app.url("/rpc/sign_in"))
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401);
    let new = fresh
        .post(app.url("/rpc/sign_in"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", "a brand new passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), 200);
    let reused = app
        .rpc(
            "reset_password",
            &[("token", token), ("password", "another new passphrase")],
        )
        .await;
    assert_eq!(reused.status(), 400);
}
