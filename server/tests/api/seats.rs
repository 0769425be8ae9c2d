//! Seats (SPEC §9): the operator's limit, what counts as used and
//! reserved, every way in checked, and the last seat won exactly once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Person, TestApp, spawn_app_with};

const ADMIN_TOKEN: &str = "operator-token-of-at-least-32-characters";

async fn app() -> TestApp {
    spawn_app_with(&[
        ("PORTICO_ADMIN_TOKEN", ADMIN_TOKEN),
        ("PORTICO_RATE_LIMITS", "off"),
    ])
    .await
}

/// The operator sets `tenant`'s limit; returns the answer.
async fn set_limit(app: &TestApp, tenant: i64, limit: Value) -> (u16, Value) {
    app.api(
        Method::PATCH,
        &format!("/api/v1/admin/tenants/{tenant}"),
        Some(ADMIN_TOKEN),
        Some(json!({ "seatLimit": limit })),
    )
    .await
}

async fn seats(app: &TestApp, by: &Person, tenant: i64) -> (Value, i64, i64) {
    let (status, body) = by.get(app, &format!("/api/v1/tenants/{tenant}")).await;
    assert_eq!(status, 200, "{body}");
    (
        body["seatLimit"].clone(),
        body["seatsUsed"].as_i64().unwrap(),
        body["seatsReserved"].as_i64().unwrap(),
    )
}

/// `POST /api/v1/registration` as `person`: joins by their pending invitation.
async fn join(app: &TestApp, person: &Person) -> (u16, Value) {
    person
        .api(app, Method::POST, "/api/v1/registration", Some(json!({})))
        .await
}

#[tokio::test]
async fn members_and_pending_invitations_fill_the_seats_and_an_invitation_past_them_is_refused() {
    let app = app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    app.member(&ada, "bob@example.com", &["extractor-user"], None)
        .await;
    let (status, _) = app.invite_as_user(&ada, tenant, "cy@example.com").await;
    assert_eq!(status, 200);
    assert_eq!(seats(&app, &ada, tenant).await, (Value::Null, 2, 1));

    let (status, body) = set_limit(&app, tenant, json!(3)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            &body["seatLimit"],
            &body["seatsUsed"],
            &body["seatsReserved"]
        ),
        (&json!(3), &json!(2), &json!(1))
    );

    // 2 members + 1 pending = 3 of 3: the next invitation is refused, saying why.
    let (status, body) = app.invite_as_user(&ada, tenant, "dee@example.com").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "seat_limit_reached");
    assert!(
        body["error"].as_str().unwrap().contains("No seat left"),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM invites WHERE email = 'dee@example.com'")
            .await,
        0
    );

    // The same email invited again is the same seat.
    let (status, body) = app.invite_as_user(&ada, tenant, "cy@example.com").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(seats(&app, &ada, tenant).await, (json!(3), 2, 1));

    // Revoking releases the seat.
    let cy_invite = body["id"].as_i64().unwrap();
    let (status, _) = ada
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{cy_invite}/revoke?tenantId={tenant}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(seats(&app, &ada, tenant).await, (json!(3), 2, 0));
    let (status, body) = app.invite_as_user(&ada, tenant, "dee@example.com").await;
    assert_eq!(status, 200, "{body}");

    // An expired invitation holds no seat, even before the sweep records it.
    sqlx::query("UPDATE invites SET expired_at = 1 WHERE email = 'dee@example.com'")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(seats(&app, &ada, tenant).await, (json!(3), 2, 0));
    let (status, body) = app.invite_as_user(&ada, tenant, "eve@example.com").await;
    assert_eq!(status, 200, "{body}");

    // Lifting the limit: anything goes again.
    let (status, body) = set_limit(&app, tenant, Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["seatLimit"], Value::Null);
    let (status, _) = app.invite_as_user(&ada, tenant, "fay@example.com").await;
    assert_eq!(status, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'tenant.seat_limit_changed'")
            .await,
        2
    );
}

// Several threads, so the joins really run at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_twenty_simultaneous_joins_for_the_last_seat_exactly_one_wins() {
    let app = app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let emails: Vec<String> = (0..20).map(|n| format!("p{n}@example.com")).collect();
    for email in &emails {
        let (status, body) = app.invite_as_user(&ada, tenant, email).await;
        assert_eq!(status, 200, "{body}");
    }
    let people = app.verified_people(&emails).await;
    // Invited before the limit: 20 reservations, one seat left for them.
    let (status, _) = set_limit(&app, tenant, json!(2)).await;
    assert_eq!(status, 200);
    let calls: Vec<_> = people
        .iter()
        .map(|p| {
            let (client, url, jwt) = (
                app.client.clone(),
                app.url("/api/v1/registration"),
                p.jwt.clone(),
            );
            tokio::spawn(async move {
                let res = client
                    .post(url)
                    .bearer_auth(jwt)
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap();
                (status, body["code"].as_str().unwrap_or("").to_owned())
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for call in calls {
        outcomes.push(call.await.unwrap());
    }
    let won = outcomes.iter().filter(|(s, _)| *s == 200).count();
    let refused = outcomes
        .iter()
        .filter(|(s, code)| *s == 409 && code == "seat_limit_reached")
        .count();
    assert_eq!((won, refused), (1, 19), "{outcomes:?}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant} AND status = 'ACTIVE'"
        ))
        .await,
        2
    );
    // Those refused keep their invitations, for when a seat frees up.
    assert_eq!(seats(&app, &ada, tenant).await, (json!(2), 2, 19));
}

#[tokio::test]
async fn a_lower_limit_removes_nobody_but_refuses_re_enabling_and_accepting() {
    let app = app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    app.member(&ada, "bob@example.com", &["extractor-user"], None)
        .await;
    let (status, _) = app.invite_as_user(&ada, tenant, "cy@example.com").await;
    assert_eq!(status, 200);
    let cy = &app.verified_people(&["cy@example.com".to_owned()]).await[0];
    let bob_member: i64 = sqlx::query_scalar(
        "SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'bob@example.com'",
    )
    .fetch_one(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    let (status, _) = ada
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob_member}"),
            Some(json!({"status": "DISABLED"})),
        )
        .await;
    assert_eq!(status, 200);

    // 1 used, 1 reserved; the limit falls to 1: nobody is removed.
    let (status, body) = set_limit(&app, tenant, json!(1)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(seats(&app, &ada, tenant).await, (json!(1), 1, 1));

    let (status, body) = ada
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob_member}"),
            Some(json!({"status": "ACTIVE"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "seat_limit_reached");
    let (status, body) = join(&app, cy).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "seat_limit_reached");

    // One more seat: the invited person takes it (their reservation).
    set_limit(&app, tenant, json!(2)).await;
    let (status, body) = join(&app, cy).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(seats(&app, &ada, tenant).await, (json!(2), 2, 0));
}

#[tokio::test]
async fn only_the_operator_sets_seats_and_bad_limits_are_named() {
    let app = app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let path = format!("/api/v1/admin/tenants/{tenant}");
    let limit = Some(json!({"seatLimit": 5}));
    // A manager's own token, a wrong token, none: 401, nothing stored.
    for bearer in [
        Some(ada.jwt.as_str()),
        Some("operator-token-of-at-least-32-characterz"),
        None,
    ] {
        let (status, body) = app.api(Method::PATCH, &path, bearer, limit.clone()).await;
        assert_eq!(status, 401, "{body}");
    }
    for (bad, field_says) in [
        (json!({"seatLimit": 0}), "from 1"),
        (json!({"seatLimit": -3}), "from 1"),
        (json!({"seatLimit": "ten"}), "whole number"),
        (json!({"seatLimit": 2.5}), "whole number"),
        (json!({}), "required"),
    ] {
        let (status, body) = app
            .api(Method::PATCH, &path, Some(ADMIN_TOKEN), Some(bad.clone()))
            .await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["fields"]["seatLimit"]
                .as_str()
                .unwrap()
                .contains(field_says),
            "{bad}: {body}"
        );
    }
    let (status, _) = app
        .api(
            Method::PATCH,
            "/api/v1/admin/tenants/999999",
            Some(ADMIN_TOKEN),
            limit.clone(),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(seats(&app, &ada, tenant).await, (Value::Null, 1, 0));

    // Without PORTICO_ADMIN_TOKEN the endpoint does not exist.
    let plain = spawn_app_with(&[]).await;
    let (status, _) = plain
        .api(
            Method::PATCH,
            "/api/v1/admin/tenants/1",
            Some(ADMIN_TOKEN),
            limit,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_pending_invitation_of_someone_who_is_a_member_again_reserves_nothing() {
    let app = app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    app.member(&ada, "bob@example.com", &["extractor-user"], None)
        .await;
    let bob_member: i64 = sqlx::query_scalar(
        "SELECT m.id FROM members m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'bob@example.com'",
    )
    .fetch_one(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    let bob_path = format!("/api/v1/members/{bob_member}");
    let status_of_bob = |status: &'static str| {
        app.api(
            Method::PATCH,
            &bob_path,
            Some(&ada.jwt),
            Some(json!({ "status": status })),
        )
    };
    assert_eq!(status_of_bob("DISABLED").await.0, 200);
    // Invited while disabled, then re-enabled: the invitation stays pending
    // but Bob holds a seat as a member, not two.
    let (status, _) = app.invite_as_user(&ada, tenant, "bob@example.com").await;
    assert_eq!(status, 200);
    assert_eq!(status_of_bob("ACTIVE").await.0, 200);
    assert_eq!(seats(&app, &ada, tenant).await, (Value::Null, 2, 0));
    // 2 used of 3: one more invitation fits, though 3 invitations are pending-or-used.
    set_limit(&app, tenant, json!(3)).await;
    let (status, body) = app.invite_as_user(&ada, tenant, "cy@example.com").await;
    assert_eq!(status, 200, "{body}");
    // Now as many pending invitations as members: the overlap is counted
    // from the members' side instead of the invitations', to the same end.
    assert_eq!(seats(&app, &ada, tenant).await, (json!(3), 2, 1));
    let (status, body) = app.invite_as_user(&ada, tenant, "dee@example.com").await;
    assert_eq!(status, 409, "{body}");
}
