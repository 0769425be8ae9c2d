//! The tenants' counters (issue 25): kept by triggers through every way a
//! member or an invitation changes, equal after each step to a recount of
//! the rows; and the repair job finds and corrects a counter that drifted.
//! Runs on SQLite and, with PORTICO_TEST_POSTGRES, on PostgreSQL.

use app::backend::db::tenants::{self, Counters};
use app::backend::tenant_admin::counters;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with};

/// The tenant's stored counters, after checking they equal a recount.
async fn counted(app: &TestApp, tenant: i64, step: &str) -> Counters {
    let mut conn = app.state.db.read().await.unwrap();
    let stored = tenants::counters(&mut conn, tenant).await.unwrap().unwrap();
    let recounted = tenants::recount(&mut conn, tenant).await.unwrap();
    assert_eq!(stored, recounted, "after {step}: stored vs recounted");
    stored
}

fn c(active: i64, listed: i64, all: i64, pending: i64, of_members: i64) -> Counters {
    Counters {
        active_members: active,
        listed_members: listed,
        all_invites: all,
        pending_invites: pending,
        pending_invites_of_members: of_members,
    }
}

#[tokio::test]
async fn counters_follow_every_change_of_members_and_invitations() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    assert_eq!(counted(&app, tenant, "register").await, c(1, 1, 0, 0, 0));

    // Invited, then joined by the invitation (accepted, a new member).
    app.member(&ada, "bob@example.com", &["extractor-user"], None)
        .await;
    assert_eq!(counted(&app, tenant, "bob joins").await, c(2, 2, 1, 0, 0));

    // Two invitations; the same email again refreshes, it adds nothing.
    for email in ["cy@example.com", "dee@example.com", "cy@example.com"] {
        let (status, body) = app.invite_as_user(&ada, tenant, email).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(counted(&app, tenant, "invitations").await, c(2, 2, 3, 2, 0));

    // Bob disabled, invited again (his email has a pending invitation),
    // re-enabled: that invitation now reserves nothing.
    let bob = app.member_id(tenant, "bob@example.com").await;
    let patch = |status: &'static str| {
        let (ada, app) = (&ada, &app);
        async move {
            ada.api(
                app,
                Method::PATCH,
                &format!("/api/v1/members/{bob}"),
                Some(json!({ "status": status })),
            )
            .await
        }
    };
    let (status, body) = patch("DISABLED").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        counted(&app, tenant, "bob disabled").await,
        c(1, 2, 3, 2, 0)
    );
    let (status, body) = app.invite_as_user(&ada, tenant, "bob@example.com").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(counted(&app, tenant, "bob invited").await, c(1, 2, 4, 3, 0));
    let (status, body) = patch("ACTIVE").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        counted(&app, tenant, "bob re-enabled").await,
        c(2, 2, 4, 3, 1)
    );
    let seats = app::backend::onboarding::seats::of_tenant(&app.state, tenant)
        .await
        .unwrap();
    assert_eq!((seats.used, seats.reserved), (2, 2));

    // Removed: no longer listed, no longer active, his invitation reserves again.
    let (status, _) = ada
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{bob}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(counted(&app, tenant, "bob removed").await, c(1, 1, 4, 3, 0));

    // Revoked.
    let dee: i64 = app
        .count("SELECT id FROM invites WHERE email = 'dee@example.com'")
        .await;
    let (status, _) = ada
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invites/{dee}/revoke?tenantId={tenant}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(counted(&app, tenant, "dee revoked").await, c(1, 1, 4, 2, 0));

    // Past its expiry: still counted pending until the sweep, but it
    // reserves nothing from the moment it expires; the sweep marks it.
    sqlx::query("UPDATE invites SET expired_at = 1 WHERE email = 'cy@example.com'")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let seats = app::backend::onboarding::seats::of_tenant(&app.state, tenant)
        .await
        .unwrap();
    assert_eq!((seats.used, seats.reserved), (1, 1));
    app::backend::onboarding::invites::sweep(&app.state.db)
        .await
        .unwrap();
    assert_eq!(counted(&app, tenant, "cy expired").await, c(1, 1, 4, 1, 0));

    // Joined by a link while invited: active, and her invitation overlaps.
    let code = app
        .join_link_code(
            &ada.jwt,
            tenant,
            json!({"roles": ["extractor-user"], "maxUses": 5}),
        )
        .await;
    let (status, body) = app.invite_as_user(&ada, tenant, "fay@example.com").await;
    assert_eq!(status, 200, "{body}");
    let fay = &app.verified_people(&["fay@example.com".to_owned()]).await[0];
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/invite-links/join",
            Some(&fay.jwt),
            Some(json!({ "code": code })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let after = counted(&app, tenant, "fay joins by link").await;
    assert_eq!(after, c(2, 2, 5, 2, 1));

    // Another tenant's changes leave this one's counters alone.
    let (_, other) = app.manager("eve@example.com", "Other").await;
    assert_eq!(
        counted(&app, other, "another tenant").await,
        c(1, 1, 0, 0, 0)
    );
    assert_eq!(counted(&app, tenant, "unchanged").await, after);
}

#[tokio::test]
async fn the_repair_job_finds_and_corrects_drifted_counters() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let (_, other) = app.manager("bea@example.com", "Other").await;
    let (status, _) = app.invite_as_user(&ada, tenant, "cy@example.com").await;
    assert_eq!(status, 200);
    let truth = counted(&app, tenant, "setup").await;

    // Nothing drifted: nothing corrected.
    let (next, drifts) = counters::repair_batch(&app.state.db, 0, 100).await.unwrap();
    assert_eq!((next, drifts.len()), (0, 0));

    // A hand edit (a stray stripe) leaves the counters wrong; the repair
    // puts them back.
    sqlx::query(
        "INSERT INTO tenant_counters (tenant_id, stripe, active_members, all_invites, pending_invites) \
         VALUES ($1, 99, 6, 98, -1)",
    )
    .bind(tenant)
    .execute(&mut *app.state.db.write().await.unwrap())
    .await
    .unwrap();
    let (_, drifts) = counters::repair_batch(&app.state.db, 0, 100).await.unwrap();
    assert_eq!(drifts.len(), 1, "{drifts:?}");
    assert_eq!(drifts[0].tenant_id, tenant);
    assert_eq!(drifts[0].stored, c(7, 1, 99, 0, 0));
    assert_eq!(drifts[0].recounted, truth);
    assert_eq!(counted(&app, tenant, "repaired").await, truth);

    // The walk goes a batch at a time and starts again after the last.
    let (next, _) = counters::repair_batch(&app.state.db, 0, 1).await.unwrap();
    assert_eq!(next, tenant.min(other));
    let (next, _) = counters::repair_batch(&app.state.db, next, 1)
        .await
        .unwrap();
    assert_eq!(next, tenant.max(other));
    let (next, _) = counters::repair_batch(&app.state.db, next, 1)
        .await
        .unwrap();
    assert_eq!(next, 0);
}

#[tokio::test]
async fn the_member_lists_total_is_its_counter_on_every_page() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    for email in ["bob@example.com", "cy@example.com", "dee@example.com"] {
        app.member(&ada, email, &["extractor-user"], None).await;
    }
    // Bob disabled (listed, not active), Cy removed (neither).
    let bob = app.member_id(tenant, "bob@example.com").await;
    let cy = app.member_id(tenant, "cy@example.com").await;
    let (status, body) = ada
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob}"),
            Some(json!({ "status": "DISABLED" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = ada
        .api(&app, Method::DELETE, &format!("/api/v1/members/{cy}"), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(counted(&app, tenant, "setup").await, c(2, 3, 3, 0, 0));

    let total = |query: String| {
        let (ada, app) = (&ada, &app);
        async move {
            let (status, body) = ada
                .api(
                    app,
                    Method::GET,
                    &format!("/api/v1/members?tenantId={tenant}&perPage=2{query}"),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{body}");
            (
                body["total"].clone(),
                body["items"].as_array().unwrap().len(),
            )
        }
    };
    // The counter read with a page that has rows, and without rows (past
    // the end): the same total; a search is counted, and agrees.
    assert_eq!(total(String::new()).await, (json!(3), 2));
    assert_eq!(total("&page=2".into()).await, (json!(3), 1));
    assert_eq!(total("&page=9".into()).await, (json!(3), 0));
    assert_eq!(total("&status=ACTIVE".into()).await, (json!(2), 2));
    assert_eq!(total("&status=ACTIVE&page=5".into()).await, (json!(2), 0));
    assert_eq!(total("&status=DISABLED".into()).await, (json!(1), 1));
    assert_eq!(total("&search=example.com".into()).await, (json!(3), 2));
    assert_eq!(
        total("&search=example.com&page=9".into()).await,
        (json!(3), 0)
    );

    // The total is the tenant's counter, not a recount: a drifted counter
    // shows on the page with rows as on the page without (the repair job
    // is what mends it, tested above).
    let mut conn = app.state.db.write().await.unwrap();
    sqlx::query("DELETE FROM tenant_counters WHERE tenant_id = $1")
        .bind(tenant)
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO tenant_counters (tenant_id, stripe, listed_members, active_members) VALUES ($1, 0, 40, 30)",
    )
    .bind(tenant)
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    assert_eq!(total(String::new()).await, (json!(40), 2));
    assert_eq!(total("&page=9".into()).await, (json!(40), 0));
    assert_eq!(total("&status=ACTIVE".into()).await, (json!(30), 2));
    assert_eq!(total("&search=example.com".into()).await, (json!(3), 2));
}

/// Invitations made at the same time in one tenant all count, each in its
/// connection's stripe of `tenant_counters`, and none waits on another's
/// foreign-key lock: on PostgreSQL the triggers once took FOR UPDATE on the
/// tenant's row, which conflicts with the KEY SHARE each insert's foreign
/// key takes first, and every second simultaneous invitation died in a
/// deadlock.
#[tokio::test]
async fn simultaneous_invitations_in_one_tenant_all_succeed_and_count() {
    let app = spawn_app_with(&[("PORTICO_RATE_LIMITS", "off")]).await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    for round in 0..3 {
        let results = futures::future::join_all((0..12).map(|n| {
            let (app, ada) = (&app, &ada);
            async move {
                app.invite_as_user(ada, tenant, &format!("p{round}-{n}@example.com"))
                    .await
            }
        }))
        .await;
        for (status, body) in results {
            assert_eq!(status, 200, "round {round}: {body}");
        }
    }
    assert_eq!(
        counted(&app, tenant, "36 simultaneous invitations").await,
        c(1, 1, 36, 36, 0)
    );
}
