//! Invitations through REST, the compatibility endpoints and the
//! acceptance page.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Person, TestApp, spawn_app};

async fn invite(app: &TestApp, by: &Person, body: Value) -> (u16, Value) {
    by.api(app, Method::POST, "/api/v1/registration/invite", Some(body))
        .await
}

fn base(app: &TestApp) -> String {
    app.state.config.base_url.clone()
}

/// The acceptance page links point at.
fn accept_url(app: &TestApp) -> String {
    format!("{}/invite", app.state.config.base_url)
}

/// Manager of a tenant, and one invitation it sent to bob.
async fn manager_and_invite(app: &TestApp) -> (Person, i64, i64) {
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = invite(
        app,
        &manager,
        json!({"email": "Bob@Example.com", "roles": ["extractor-user"], "url": accept_url(app)}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (manager, tenant, body["id"].as_i64().unwrap())
}

#[tokio::test]
async fn inviting_answers_the_invite_dto_and_mails_the_link() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme & Co").await;
    let (status, body) =
        invite(&app, &manager, json!({"email": "Bob@Example.com", "roles": ["extractor-user", "extractor-viewer"], "url": accept_url(&app)})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "bob@example.com");
    assert_eq!(body["tenantId"], tenant);
    assert_eq!(body["roles"], json!(["extractor-user", "extractor-viewer"]));
    assert_eq!(body["organisationId"], Value::Null);
    for f in ["id", "createdAt", "updatedAt", "expiredAt"] {
        assert!(body[f].is_i64(), "{f} in {body}");
    }
    let week = 7 * 24 * 3600 * 1000;
    let expires_in = body["expiredAt"].as_i64().unwrap() - body["createdAt"].as_i64().unwrap();
    assert!(
        (week - 5000..=week + 5000).contains(&expires_in),
        "{expires_in}"
    );

    let mail = app
        .mail_to("bob@example.com", "Ada Manager invited you to Acme & Co")
        .await;
    assert!(mail.contains("Content-Type: text/plain") && mail.contains("Content-Type: text/html"));
    assert!(
        mail.contains("Acme &amp; Co"),
        "HTML part escapes the tenant name"
    );
    assert!(mail.contains(&format!("{}/invite?token=", base(&app))));
    assert!(
        mail.contains("expires in 7 days ("),
        "expiry relative, exact time beside it"
    );
    assert!(
        mail.contains("Viewer — can see the tenant"),
        "roles by name with what they allow"
    );
    let token = app.invite_token("bob@example.com").await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invites WHERE token_hash = '{token}'"
        ))
        .await,
        0,
        "token stored in clear"
    );
}

#[tokio::test]
async fn re_inviting_a_pending_email_refreshes_the_one_invitation() {
    let app = spawn_app().await;
    let (manager, _, first_id) = manager_and_invite(&app).await;
    let old_token = app.invite_token("bob@example.com").await;
    let (status, body) = invite(&app, &manager, json!({"email": " BOB@example.COM", "roles": ["extractor-viewer"], "url": accept_url(&app)})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], first_id, "a second invitation was created");
    assert_eq!(body["roles"], json!(["extractor-viewer"]));
    assert_eq!(app.count("SELECT COUNT(*) FROM invites").await, 1);
    assert_eq!(
        app.mails().await.len(),
        3,
        "ada's verification and two invitations"
    );
    let new_token = app.invite_token("bob@example.com").await;
    assert_ne!(old_token, new_token);
    let (status, _) = app
        .api(
            Method::GET,
            &format!("/api/v1/invites/preview?token={old_token}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 404, "the refreshed invitation's old link must die");
}

#[tokio::test]
async fn inviting_an_active_member_is_a_conflict() {
    let app = spawn_app().await;
    let (manager, _) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = invite(
        &app,
        &manager,
        json!({"email": "ADA@example.com", "roles": ["extractor-user"], "url": accept_url(&app)}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "conflict");
}

#[tokio::test]
async fn invite_requests_name_every_bad_field() {
    let app = spawn_app().await;
    let (manager, _) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = invite(
        &app,
        &manager,
        json!({"email": "nope", "roles": [], "url": "ftp://x"}),
    )
    .await;
    assert_eq!(status, 400);
    for f in ["email", "roles", "url"] {
        assert!(body["fields"][f].is_string(), "{f} in {body}");
    }
    let (status, body) = invite(&app, &manager, json!({"email": "b@x.io", "roles": ["extractor-user", "extractor-user", "boss"], "url": accept_url(&app)})).await;
    assert_eq!(status, 400);
    assert!(body["fields"]["roles"].is_string());
    let (status, body) = invite(&app, &manager, json!({"email": "b@x.io", "roles": ["extractor-user"], "url": "https://evil.example/accept"})).await;
    assert_eq!(status, 400);
    assert!(
        body["fields"]["url"]
            .as_str()
            .unwrap()
            .contains("not allowed")
    );
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/registration/invite",
            None,
            Some(json!({"email": "b@x.io"})),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_unverified_inviter_is_refused() {
    let app = spawn_app().await;
    app.register("ada@example.com", "Acme").await;
    let jwt = app.jwt("ada@example.com").await;
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/registration/invite",
            Some(&jwt),
            Some(json!({"email": "b@x.io", "roles": ["extractor-user"], "url": base(&app)})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Confirm your email")
    );
}

#[tokio::test]
async fn opening_the_link_changes_nothing_however_often() {
    let app = spawn_app().await;
    manager_and_invite(&app).await;
    let token = app.invite_token("bob@example.com").await;
    let visitor = crate::helpers::new_client();
    for _ in 0..3 {
        let html = visitor
            .get(app.url(&format!("/invite?token={token}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Join Acme"), "{html}");
        assert!(html.contains("Accept invitation"));
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
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invites WHERE status = 'pending'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM members").await, 1);
}

#[tokio::test]
async fn a_new_person_accepts_with_a_verified_account_and_lands_in_the_tenant() {
    let app = spawn_app().await;
    let (_, tenant, _) = manager_and_invite(&app).await;
    let token = app.invite_token("bob@example.com").await;
    let bob = crate::helpers::new_client();
    let res = bob
        .post(app.url("/rpc/accept_invite_new_account"))
        .form(&[
            ("token", token.as_str()),
            ("first_name", "Bob"),
            ("last_name", "Builder"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(res.headers()["location"], format!("/t/{tenant}").as_str());
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts WHERE email = 'bob@example.com' AND email_verified_at IS NOT NULL").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM members WHERE roles = '[\"extractor-user\"]' AND status = 'ACTIVE'").await, 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM invites WHERE status = 'accepted' AND accepted_by IS NOT NULL"
        )
        .await,
        1
    );
    let html = bob
        .get(app.url(&format!("/t/{tenant}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The overview names the role for people: extractor-user is "Member".
    let roles_line = html
        .split("Your roles: ")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_else(|| panic!("no roles line in {html}"));
    // (`<!>` are the renderer's text markers.)
    assert_eq!(roles_line.replace("<!>", ""), "Member", "{roles_line}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'invite.accepted'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_existing_account_signs_in_on_the_page_and_accepts() {
    let app = spawn_app().await;
    app.account("bob@example.com").await;
    let (_, tenant, _) = manager_and_invite(&app).await;
    let token = app.invite_token("bob@example.com").await;
    let visitor = crate::helpers::new_client();
    let html = visitor
        .get(app.url(&format!("/invite?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in and accept"), "{html}");
    let wrong = visitor
        .post(app.url("/rpc/sign_in_and_accept"))
        .form(&[("token", token.as_str()), ("password", "wrong password!!")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invites WHERE status = 'pending'")
            .await,
        1
    );
    let res = visitor
        .post(app.url("/rpc/sign_in_and_accept"))
        .form(&[("token", token.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(res.headers()["location"], format!("/t/{tenant}").as_str());
    assert_eq!(app.count("SELECT COUNT(*) FROM members").await, 2);
}

#[tokio::test]
async fn a_wrong_account_sees_the_mismatch_and_the_invitation_stays_pending() {
    let app = spawn_app().await;
    let carol = app.account("carol@example.com").await;
    manager_and_invite(&app).await;
    let token = app.invite_token("bob@example.com").await;
    let html = carol
        .client
        .get(app.url(&format!("/invite?token={token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(
            "This invitation is for bob@example.com, but you are signed in as carol@example.com."
        ),
        "{html}"
    );
    assert!(html.contains("Sign out"));
    let res = carol
        .client
        .post(app.url("/rpc/accept_invite"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let (status, _) = carol
        .api(
            &app,
            Method::POST,
            "/api/v1/invites/accept",
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invites WHERE status = 'pending'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM members").await, 1);
}

#[tokio::test]
async fn expired_revoked_replaced_and_unknown_links_each_say_why_and_cannot_be_accepted() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let mut tokens = Vec::new();
    for who in ["expired", "revoked", "resent", "used"] {
        let email = format!("{who}@example.com");
        let (status, body) = invite(
            &app,
            &manager,
            json!({"email": email, "roles": ["extractor-user"], "url": accept_url(&app)}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        tokens.push((
            who,
            body["id"].as_i64().unwrap(),
            app.invite_token(&email).await,
        ));
    }
    sqlx::query("UPDATE invites SET expired_at = 1 WHERE email = 'expired@example.com'")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let (status, _) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{}/revoke", tokens[1].1),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{}/resend", tokens[2].1),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let used = app.account("used@example.com").await;
    let (status, _) = used
        .api(
            &app,
            Method::POST,
            "/api/v1/invites/accept",
            Some(json!({"token": tokens[3].2})),
        )
        .await;
    assert_eq!(status, 200);

    let cases = [
        (tokens[0].2.clone(), "Invitation expired"),
        (tokens[1].2.clone(), "Invitation revoked"),
        (tokens[2].2.clone(), "Invitation link replaced"),
        (tokens[3].2.clone(), "Invitation already used"),
        ("unknown-token".to_owned(), "Invitation not found"),
    ];
    for (token, heading) in cases {
        let html = app
            .get(&format!("/invite?token={token}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(heading), "{heading}: {html}");
        assert!(
            !html.contains("Accept invitation"),
            "{heading} still offers acceptance"
        );
        let (status, body) = app
            .api(Method::POST, "/api/v1/invites/accept", None, Some(json!({"token": token, "firstName": "X", "lastName": "Y", "password": PASSWORD})))
            .await;
        assert!(status == 404 || status == 409, "{heading}: {status} {body}");
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant}"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn fifty_concurrent_accepts_of_one_invitation_let_exactly_one_win() {
    let app = spawn_app().await;
    let bob = app.account("bob@example.com").await;
    manager_and_invite(&app).await;
    let token = app.invite_token("bob@example.com").await;
    let calls = (0..50).map(|_| {
        let client = app.client.clone();
        let url = app.url("/api/v1/invites/accept");
        let jwt = bob.jwt.clone();
        let token = token.clone();
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(jwt)
                .json(&json!({"token": token}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        statuses.push(call.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM members WHERE account_id = (SELECT id FROM accounts WHERE email = 'bob@example.com')").await, 1);
}

#[tokio::test]
async fn an_organisation_manager_stays_inside_its_organisation_and_level() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let org: i64 = sqlx::query_scalar("INSERT INTO organisations (tenant_id, name, created_at, updated_at) VALUES ($1, 'Sales', 1, 1) RETURNING id")
        .bind(tenant)
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let other_org: i64 = sqlx::query_scalar("INSERT INTO organisations (tenant_id, name, created_at, updated_at) VALUES ($1, 'Ops', 1, 1) RETURNING id")
        .bind(tenant)
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let olga = app.account("olga@example.com").await;
    let (status, _) = invite(&app, &manager, json!({"email": "olga@example.com", "roles": ["organisation-manager"], "organisationId": org, "url": accept_url(&app)})).await;
    assert_eq!(status, 200);
    let (status, _) = olga
        .api(
            &app,
            Method::POST,
            "/api/v1/registration",
            Some(json!({"url": base(&app)})),
        )
        .await;
    assert_eq!(status, 200, "olga joins through the invite flow");

    let (status, body) = invite(&app, &olga, json!({"email": "x@example.com", "roles": ["extractor-manager"], "organisationId": org, "url": accept_url(&app)})).await;
    assert_eq!(status, 403, "granting a tenant role: {body}");
    let (status, _) = invite(&app, &olga, json!({"email": "x@example.com", "roles": ["organisation-user"], "organisationId": other_org, "url": accept_url(&app)})).await;
    assert_eq!(status, 403, "inviting into another organisation");
    let (status, _) = invite(
        &app,
        &olga,
        json!({"email": "x@example.com", "roles": ["organisation-user"], "url": accept_url(&app)}),
    )
    .await;
    assert_eq!(status, 403, "inviting tenant-wide");
    let (status, body) = invite(&app, &olga, json!({"email": "x@example.com", "roles": ["organisation-user"], "organisationId": org, "url": accept_url(&app)})).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn another_tenants_invitation_is_not_found() {
    let app = spawn_app().await;
    let (_, _, invite_id) = manager_and_invite(&app).await;
    let (eve, _) = app.manager("eve@example.com", "Evil Corp").await;
    for action in ["resend", "revoke"] {
        let (status, body) = eve
            .api(
                &app,
                Method::POST,
                &format!("/api/v1/invites/{invite_id}/{action}"),
                None,
            )
            .await;
        assert_eq!(status, 404, "{action}: {body}");
    }
    let (status, body) = eve.get(&app, "/api/v1/invites").await;
    assert_eq!(status, 200);
    assert_eq!((&body["items"], &body["total"]), (&json!([]), &json!(0)));
    let res = eve
        .client
        .get(app.url("/t/1/invites"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn listing_filters_by_status_and_refuses_unknown_ones() {
    let app = spawn_app().await;
    let (manager, _, id) = manager_and_invite(&app).await;
    let (status, body) = manager.get(&app, "/api/v1/invites?status=pending").await;
    assert_eq!(status, 200);
    assert_eq!(body["items"][0]["id"], id);
    let (_, body) = manager.get(&app, "/api/v1/invites?status=revoked").await;
    assert_eq!(body["items"], json!([]));
    let (status, body) = manager.get(&app, "/api/v1/invites?status=bogus").await;
    assert_eq!(status, 400);
    assert!(body["fields"]["status"].is_string());
    let (status, _) = app.api(Method::GET, "/api/v1/invites", None, None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn preview_is_public_and_resend_kills_the_old_link() {
    let app = spawn_app().await;
    let (manager, tenant, id) = manager_and_invite(&app).await;
    let old = app.invite_token("bob@example.com").await;
    let (status, body) = app
        .api(
            Method::GET,
            &format!("/api/v1/invites/preview?token={old}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["tenantId"], tenant);
    assert_eq!(body["tenantName"], "Acme");
    assert_eq!(body["inviter"], "Ada Manager");
    assert_eq!(body["status"], "pending");
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{id}/resend"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.mails().await.len(), 3);
    let new = app.invite_token("bob@example.com").await;
    assert_ne!(old, new);
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/invites/preview?token={old}"),
            None,
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/invites/preview?token={new}"),
            None,
            None
        )
        .await
        .0,
        200
    );
    let (status, _) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{id}/revoke"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{id}/revoke"),
            None,
        )
        .await;
    assert_eq!(status, 409, "revoking twice");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action IN ('invite.created', 'invite.resent', 'invite.revoked')").await, 3);
}

#[tokio::test]
async fn accept_without_a_bearer_names_the_missing_account_fields() {
    let app = spawn_app().await;
    manager_and_invite(&app).await;
    let token = app.invite_token("bob@example.com").await;
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/invites/accept",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(status, 400);
    for f in ["firstName", "lastName", "password"] {
        assert!(body["fields"][f].is_string(), "{f}: {body}");
    }
    let (status, _) = app
        .api(
            Method::POST,
            "/api/v1/invites/accept",
            Some("bad-token"),
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/invites/accept",
            None,
            Some(
                json!({"token": token, "firstName": "Bob", "lastName": "B", "password": PASSWORD}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "bob@example.com");
    assert_eq!(body["status"], "ACTIVE");
    assert_eq!(body["roles"], json!(["extractor-user"]));
}

#[tokio::test]
async fn the_registration_invite_flow_accepts_the_callers_pending_invitation() {
    let app = spawn_app().await;
    let bob = app.account("bob@example.com").await;
    let (status, _) = bob
        .api(
            &app,
            Method::POST,
            "/api/v1/registration",
            Some(json!({"url": base(&app)})),
        )
        .await;
    assert_eq!(status, 404, "no pending invitation yet");
    let (_, tenant, _) = manager_and_invite(&app).await;
    let (status, body) = bob
        .api(
            &app,
            Method::POST,
            "/api/v1/registration",
            Some(json!({"url": base(&app)})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tenantId"], tenant);
    assert_eq!(body["roles"], json!(["extractor-user"]));
    let (status, _) = bob
        .api(
            &app,
            Method::POST,
            "/api/v1/registration",
            Some(json!({"url": base(&app)})),
        )
        .await;
    assert_eq!(status, 404, "the invitation is used");
}

#[tokio::test]
async fn a_personal_message_is_inert_in_the_page_and_both_mail_parts() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let (status, body) = manager
        .api(
            &app,
            Method::POST,
            &format!("/auth/invite?workspaceId={tenant}"),
            Some(json!({"email": "bob@example.com", "message": "<script>alert(1)</script>"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mail = app.mail_to("bob@example.com", "invited you").await;
    let html_part = &mail[mail.find("Content-Type: text/html").unwrap()..];
    let text_part = &mail[mail.find("Content-Type: text/plain").unwrap()
        ..mail.find("Content-Type: text/html").unwrap()];
    assert!(
        text_part.contains("<script>alert(1)</script>"),
        "plain text keeps the words: {text_part}"
    );
    assert!(!html_part.contains("<script>"), "{html_part}");
    assert!(html_part.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let token = app.invite_token("bob@example.com").await;
    let html = app
        .get(&format!("/invite?token={token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(1)</script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn invitation_endpoints_answer_bad_paths_queries_and_missing_tokens_with_the_error_body() {
    let app = spawn_app().await;
    let (manager, _, id) = manager_and_invite(&app).await;
    let (other, other_tenant) = app.manager("eve@example.com", "Evil").await;
    for action in ["resend", "revoke"] {
        let (status, body) = manager
            .api(
                &app,
                Method::POST,
                &format!("/api/v1/invites/abc/{action}"),
                None,
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["code"], "validation_failed");
        let (status, body) = app
            .api(
                Method::POST,
                &format!("/api/v1/invites/{id}/{action}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, 401, "{body}");
    }
    let (status, body) = manager.get(&app, "/api/v1/invites?tenantId=abc").await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["query"].is_string());
    let (status, _) = manager
        .get(&app, &format!("/api/v1/invites?tenantId={other_tenant}"))
        .await;
    assert_eq!(status, 404, "another tenant's list");
    let (status, body) = app
        .api(Method::GET, "/api/v1/invites/preview", None, None)
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = invite(&app, &manager, json!({"tenantId": other_tenant, "email": "x@example.com", "roles": ["extractor-user"], "url": accept_url(&app)})).await;
    assert_eq!(status, 404, "inviting into another tenant: {body}");
    let (status, _) = other
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{id}/revoke?tenantId={other_tenant}"),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_expired_invitation_is_offered_again_in_one_click_and_expiring_ones_are_listed() {
    let app = spawn_app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let (_, bob) = invite(
        &app,
        &ada,
        json!({"email": "bob@example.com", "roles": ["extractor-viewer"], "url": accept_url(&app)}),
    )
    .await;
    let (_, carol) = invite(
        &app,
        &ada,
        json!({"email": "carol@example.com", "roles": ["extractor-user"], "url": accept_url(&app)}),
    )
    .await;
    // Time passes: bob's invitation expired, carol's expires within the hour.
    let now = app::backend::db::now_ms();
    for (email, at) in [
        ("bob@example.com", now - 1_000),
        ("carol@example.com", now + 3_600_000),
    ] {
        sqlx::query("UPDATE invites SET expired_at = $1 WHERE email = $2")
            .bind(at)
            .bind(email)
            .execute(&mut *app.state.db.read().await.unwrap())
            .await
            .unwrap();
    }
    let emails = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |status: &'static str| {
        let path = format!("/api/v1/invites?status={status}&tenantId={tenant}");
        let (app, jwt) = (&app, ada.jwt.clone());
        async move { app.api(Method::GET, &path, Some(&jwt), None).await }
    };
    let (status, expiring) = list("expiring").await;
    assert_eq!(status, 200, "{expiring}");
    assert_eq!(emails(&expiring), ["carol@example.com"]);
    assert_eq!(emails(&list("expired").await.1), ["bob@example.com"]);

    let again = |id: &Value| {
        ada.client
            .post(app.url("/rpc/invite_again"))
            .form(&[
                ("tenant_id", tenant.to_string()),
                ("invite_id", id.to_string()),
            ])
            .send()
    };
    let res = again(&bob["id"]).await.unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    // A fresh pending invitation with the same roles, mailed.
    let (_, pending) = list("pending").await;
    let fresh = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "bob@example.com")
        .expect("bob invited again");
    assert_ne!(fresh["id"], bob["id"]);
    assert_eq!(fresh["roles"], json!(["extractor-viewer"]));
    assert_eq!(
        app.mails()
            .await
            .into_iter()
            .filter(|m| m.contains("To: bob@example.com"))
            .count(),
        2,
        "the first mail and the new one"
    );
    // Only an expired invitation is offered again; another tenant's is not found.
    let res = again(&carol["id"]).await.unwrap();
    assert_eq!(res.status(), 409);
    let (eve, _) = app.manager("eve@example.com", "Globex").await;
    let res = eve
        .client
        .post(app.url("/rpc/invite_again"))
        .form(&[
            ("tenant_id", tenant.to_string()),
            ("invite_id", bob["id"].to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

// Issue 25, 5: every invitation can be reached, a page at a time, found by
// its address or the beginning of it, filtered by status; the total is
// the tenant's whole count.
#[tokio::test]
async fn the_list_pages_through_every_invitation_and_finds_them_by_address() {
    let app = crate::helpers::spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    // 1,050 invitations: more than the old list's 1,000, written directly
    // (the API would mail each), then one made through the API.
    let mut tx = app.state.db.begin().await.unwrap();
    for n in 0..1_050 {
        sqlx::query(
            "INSERT INTO invites (tenant_id, email, roles, status, token_hash, expired_at, created_at, updated_at, send_email) \
             VALUES ($1, $2, '[\"extractor-user\"]', $3, $4, $5, $6, $6, 0)",
        )
        .bind(tenant)
        .bind(format!("p{n:04}@example.com"))
        .bind(if n % 10 == 0 { "revoked" } else { "pending" })
        .bind(format!("hash-{n}"))
        .bind(i64::MAX / 2)
        .bind(1_000 + n as i64)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let (status, _) = app.invite_as_user(&ada, tenant, "Zed@Example.com").await;
    assert_eq!(status, 200);

    let list = |query: String| {
        let (app, ada) = (&app, &ada);
        async move { ada.get(app, &format!("/api/v1/invites?{query}")).await }
    };
    let (status, first) = list("perPage=100".into()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (&first["page"], &first["perPage"], &first["total"]),
        (&json!(1), &json!(100), &json!(1_051))
    );
    assert_eq!(
        first["items"][0]["email"], "zed@example.com",
        "newest first"
    );
    // The last page holds the oldest, which the capped list never showed.
    let (_, last) = list("perPage=100&page=11".into()).await;
    let items = last["items"].as_array().unwrap();
    assert_eq!(items.len(), 51);
    assert_eq!(items.last().unwrap()["email"], "p0000@example.com");
    let (_, past) = list("perPage=100&page=12".into()).await;
    assert_eq!(past["items"], json!([]));

    // By address: the whole of it (any case) or its beginning.
    let (_, one) = list("email=P0007@EXAMPLE.COM".into()).await;
    assert_eq!(
        (one["total"].clone(), one["items"][0]["email"].clone()),
        (json!(1), json!("p0007@example.com"))
    );
    let (_, some) = list("email=p001&perPage=5".into()).await;
    assert_eq!(some["total"], 10);
    assert_eq!(some["items"].as_array().unwrap().len(), 5);
    assert_eq!(some["items"][0]["email"], "p0019@example.com");
    let (_, none) = list("email=nobody".into()).await;
    assert_eq!((&none["total"], &none["items"]), (&json!(0), &json!([])));

    // By status, with the address.
    let (_, revoked) = list("status=revoked&perPage=100".into()).await;
    assert_eq!(revoked["total"], 105);
    let (_, revoked) = list("status=revoked&email=p001".into()).await;
    assert_eq!(revoked["total"], 1);
    assert_eq!(revoked["items"][0]["email"], "p0010@example.com");

    // Bad paging and searches are named, never a 500.
    for (query, field) in [
        ("page=0", "page"),
        ("perPage=101", "perPage"),
        ("perPage=0", "perPage"),
        ("page=abc", "page"),
    ] {
        let (status, body) = list(query.into()).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["fields"].to_string().contains(field),
            "{query}: {body}"
        );
    }
    let long = "a".repeat(201);
    let (status, body) = list(format!("email={long}")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["email"].is_string(), "{body}");
    // Wildcards are letters here.
    let (_, body) = list("email=%25".into()).await;
    assert_eq!(body["total"], 0);
    let (_, body) = list("email=p_".into()).await;
    assert_eq!(body["total"], 0);
}
