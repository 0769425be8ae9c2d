//! Shareable invitation links (SPEC §9), through the service: uses counted
//! exactly under concurrency, and every refusal leaving the link as it was.
//! (The REST endpoints and the `/join` page come next: issue 13.)

use app::AppError;
use app::backend::access::actor::Actor;
use app::backend::onboarding::invite_links::{self, NewLink};
use app::domain::Role;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app_with};

async fn app() -> TestApp {
    spawn_app_with(&[
        (
            "PORTICO_ADMIN_TOKEN",
            "operator-token-of-at-least-32-characters",
        ),
        ("PORTICO_RATE_LIMITS", "off"),
    ])
    .await
}

/// The manager of a new tenant, as an actor of it.
async fn manager(app: &TestApp) -> Actor {
    let (_, tenant) = app.manager("ada@example.com", "Acme").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'ada@example.com'")
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let account = app.account_row(id).await;
    let mut conn = app.state.db.read().await.unwrap();
    Actor::load(&mut conn, account, tenant).await.unwrap()
}

fn link(max_uses: i64, allowed_domain: Option<&str>) -> NewLink {
    NewLink {
        roles: vec![Role::ExtractorUser],
        organisation_id: None,
        max_uses,
        expires_in_hours: 24,
        allowed_domain: allowed_domain.map(str::to_owned),
        mode: app::domain::LinkMode::Join,
    }
}

fn code_of(url: &str) -> String {
    url.split("code=").nth(1).unwrap().to_owned()
}

async fn uses(app: &TestApp) -> i64 {
    app.count("SELECT uses FROM invite_links").await
}

// Several threads, so the joins really run at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_link_with_five_uses_admits_exactly_five_of_thirty_simultaneous_joiners() {
    let app = app().await;
    let ada = manager(&app).await;
    let issued = invite_links::create(&app.state, &ada, link(5, None))
        .await
        .unwrap();
    assert!(
        issued
            .url
            .starts_with(&format!("{}/join?code=", app.state.config.base_url))
    );
    let code = code_of(&issued.url);
    let mut joiners = Vec::new();
    for n in 0..30 {
        joiners.push(app.verified_account(&format!("p{n}@example.com")).await);
    }
    let calls: Vec<_> = joiners
        .into_iter()
        .map(|account| {
            let (state, code) = (app.state.clone(), code.clone());
            tokio::spawn(async move { invite_links::join(&state, &account, &code, "").await })
        })
        .collect();
    let mut joined = 0;
    let mut refusals = Vec::new();
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => joined += 1,
            Err(e) => refusals.push(e),
        }
    }
    assert_eq!(joined, 5, "{refusals:?}");
    assert!(
        refusals
            .iter()
            .all(|e| matches!(e, AppError::Conflict(m) if m.contains("used 5 times"))),
        "{refusals:?}"
    );
    let tenant = ada.tenant_id;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM members WHERE tenant_id = {tenant} AND status = 'ACTIVE'"
        ))
        .await,
        6
    );
    assert_eq!(uses(&app).await, 5);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.joined'")
            .await,
        5
    );
    let listed = invite_links::list(&app.state, &ada, (1, 25))
        .await
        .unwrap()
        .items;
    assert_eq!((listed[0].uses, listed[0].status.as_str()), (5, "used_up"));
}

#[tokio::test]
async fn a_refused_join_changes_nothing_and_says_why() {
    let app = app().await;
    let ada = manager(&app).await;
    let refused = invite_links::create(&app.state, &ada, link(3, Some("@Acme.test"))).await;
    assert!(
        refused
            .unwrap_err()
            .field_error("allowedDomain")
            .unwrap()
            .contains("lower-case domain")
    );
    let issued = invite_links::create(&app.state, &ada, link(3, Some("acme.test")))
        .await
        .unwrap();
    assert_eq!(issued.link.allowed_domain.as_deref(), Some("acme.test"));
    let code = code_of(&issued.url);

    // Another domain: 403, naming the one the link is for.
    let outsider = app.verified_account("eve@evil.test").await;
    match invite_links::join(&app.state, &outsider, &code, "").await {
        Err(AppError::ForbiddenBecause(m)) => assert!(m.contains("@acme.test"), "{m}"),
        other => panic!("{other:?}"),
    }
    // An unverified email: 403 email_not_verified.
    let mut unverified = app.verified_account("new@acme.test").await;
    unverified.email_verified_at = None;
    let refused = invite_links::join(&app.state, &unverified, &code, "").await;
    assert!(
        matches!(refused, Err(AppError::EmailNotVerified(_))),
        "{refused:?}"
    );
    // A made-up code: 404.
    let bob = app.verified_account("bob@acme.test").await;
    let refused = invite_links::join(&app.state, &bob, "made-up", "").await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    assert_eq!(uses(&app).await, 0);

    // No seat: 409 seat_limit_reached, and the use is given back.
    let tenant = ada.tenant_id;
    sqlx::query("UPDATE tenants SET seat_limit = 1 WHERE id = $1")
        .bind(tenant)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let refused = invite_links::join(&app.state, &bob, &code, "").await;
    assert!(
        matches!(refused, Err(AppError::SeatLimitReached(_))),
        "{refused:?}"
    );
    assert_eq!(uses(&app).await, 0);
    sqlx::query("UPDATE tenants SET seat_limit = NULL WHERE id = $1")
        .bind(tenant)
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();

    // Bob joins; again: already a member, the use given back.
    invite_links::join(&app.state, &bob, &code, "")
        .await
        .unwrap();
    let refused = invite_links::join(&app.state, &bob, &code, "").await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    assert_eq!(uses(&app).await, 1);
    let event: String =
        sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'member.joined'")
            .fetch_one(&mut *app.state.db.read().await.unwrap())
            .await
            .unwrap();
    assert!(event.contains("\"via\":\"link\""), "{event}");

    // Expired, then revoked: 404 like an unknown code.
    let cy = app.verified_account("cy@acme.test").await;
    sqlx::query("UPDATE invite_links SET expires_at = 1")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let refused = invite_links::join(&app.state, &cy, &code, "").await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    sqlx::query("UPDATE invite_links SET expires_at = 99999999999999")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    invite_links::revoke(&app.state, &ada, issued.link.id)
        .await
        .unwrap();
    let refused = invite_links::join(&app.state, &cy, &code, "").await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    let listed = invite_links::list(&app.state, &ada, (1, 25))
        .await
        .unwrap()
        .items;
    assert_eq!((listed[0].uses, listed[0].status.as_str()), (1, "revoked"));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_events WHERE action IN ('invite_link.created', 'invite_link.revoked')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn only_managers_make_links_and_only_within_their_rights() {
    let app = app().await;
    let ada = manager(&app).await;
    let org = app.organisation(ada.tenant_id, "Sales").await;
    // Organisation roles need an organisation.
    let mut bad = link(3, None);
    bad.roles = vec![Role::OrganisationUser];
    let refused = invite_links::create(&app.state, &ada, bad).await;
    assert!(
        matches!(&refused, Err(AppError::Conflict(m)) if m.contains("need an organisation")),
        "{refused:?}"
    );
    // Another tenant's organisation is unknown.
    let mut elsewhere = link(3, None);
    elsewhere.organisation_id = Some(org + 1000);
    assert!(matches!(
        invite_links::create(&app.state, &ada, elsewhere).await,
        Err(AppError::NotFound)
    ));
    // A viewer cannot make or list links.
    let vic = app.verified_account("vic@example.com").await;
    sqlx::query(
        "INSERT INTO members (tenant_id, account_id, status, roles, meta, external_id, created_at, updated_at) \
         VALUES ($1, $2, 'ACTIVE', $3, '{}', 'x', 1, 1)",
    )
    .bind(ada.tenant_id)
    .bind(vic.id)
    .bind(json!(["extractor-viewer"]).to_string())
    .execute(&mut *app.state.db.read().await.unwrap())
    .await
    .unwrap();
    let mut conn = app.state.db.read().await.unwrap();
    let viewer = Actor::load(&mut conn, vic, ada.tenant_id).await.unwrap();
    drop(conn);
    assert!(matches!(
        invite_links::create(&app.state, &viewer, link(3, None)).await,
        Err(AppError::ForbiddenBecause(_))
    ));
    assert!(matches!(
        invite_links::list(&app.state, &viewer, (1, 25)).await,
        Err(AppError::ForbiddenBecause(_))
    ));
    assert_eq!(app.count("SELECT COUNT(*) FROM invite_links").await, 0);
    // Bounds of the numbers and the domain are named.
    assert!(invite_links::check_max_uses(0).is_err());
    assert!(invite_links::check_max_uses(10_001).is_err());
    assert!(invite_links::check_lifetime_hours(24 * 91).is_err());
    for bad in [
        "not a domain",
        "a@b.test",
        " acme.test",
        "Acme.test",
        "acme",
        "-acme.test",
        "acme-.test",
        "acme.t3st",
        "acme..test",
    ] {
        assert!(invite_links::parse_domain(bad).is_err(), "{bad}");
    }
    for good in ["acme.test", "mail.acme-corp.co.uk", "x1.io"] {
        assert_eq!(invite_links::parse_domain(good).unwrap(), good);
    }
}

#[tokio::test]
async fn over_rest_a_manager_makes_lists_and_revokes_links_and_people_join_with_them() {
    use reqwest::Method;
    let app = app().await;
    let (ada, tenant) = app.manager("ada@example.com", "Acme").await;
    let path = format!("/api/v1/invite-links?tenantId={tenant}");
    let (status, body) = ada
        .api(
            &app,
            Method::POST,
            &path,
            Some(json!({"roles": ["extractor-user"], "maxUses": 2, "allowedDomain": "acme.test"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        (&body["uses"], &body["status"], &body["allowedDomain"]),
        (&json!(0), &json!("active"), &json!("acme.test"))
    );
    let url = body["url"].as_str().unwrap();
    let code = code_of(url);
    let id = body["id"].as_i64().unwrap();

    // Invalid requests name the field; nothing is stored.
    for (bad, field) in [
        (json!({"roles": ["extractor-user"]}), "maxUses"),
        (
            json!({"roles": ["extractor-user"], "maxUses": 0}),
            "maxUses",
        ),
        (json!({"roles": [], "maxUses": 2}), "roles"),
        (
            json!({"roles": ["extractor-user"], "maxUses": 2, "expiresInHours": 9999}),
            "expiresInHours",
        ),
        (
            json!({"roles": ["extractor-user"], "maxUses": 2, "allowedDomain": "@acme.test"}),
            "allowedDomain",
        ),
    ] {
        let (status, body) = ada.api(&app, Method::POST, &path, Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["fields"][field].is_string(), "{bad}: {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invite_links").await, 1);

    // Joining: the right domain joins; the wrong one is 403; twice is 409.
    let people = app
        .verified_people(&["bob@acme.test".to_owned(), "eve@evil.test".to_owned()])
        .await;
    let join = |jwt: String, code: String| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                "/api/v1/invite-links/join",
                Some(&jwt),
                Some(json!({ "code": code })),
            )
            .await
        }
    };
    let (status, body) = join(people[0].jwt.clone(), code.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "bob@acme.test");
    let (status, body) = join(people[1].jwt.clone(), code.clone()).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = join(people[0].jwt.clone(), code.clone()).await;
    assert_eq!(status, 409);
    let (status, _) = join(people[0].jwt.clone(), "no-such-code".into()).await;
    assert_eq!(status, 404);
    // No code, null (the document says a string) or empty: 400.
    for bad in [json!({}), json!({"code": null}), json!({"code": ""})] {
        let (status, body) = app
            .api(
                Method::POST,
                "/api/v1/invite-links/join",
                Some(&people[0].jwt),
                Some(bad),
            )
            .await;
        assert_eq!(status, 400, "{body}");
    }

    // Listed with its uses; revoked: 204, then joining is 404.
    let (status, body) = ada.get(&app, &path).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&body["items"][0]["id"], &body["items"][0]["uses"]),
        (&json!(id), &json!(1))
    );
    assert_eq!((&body["total"], &body["page"]), (&json!(1), &json!(1)));
    assert!(
        body["items"][0].get("url").is_none(),
        "the URL is shown once: {body}"
    );
    let (status, _) = ada
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/invite-links/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let cy = &app.verified_people(&["cy@acme.test".to_owned()]).await[0];
    let (status, _) = join(cy.jwt.clone(), code).await;
    assert_eq!(status, 404);
}
