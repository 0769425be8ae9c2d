//! Running a tenant: the permission matrix of SPEC §2 over pages, server
//! functions and REST endpoints; the last-manager rule; immediate loss of
//! access; the audit log.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Person, TestApp, new_client, spawn_app};

/// Who calls, in the matrix.
struct Caller {
    name: &'static str,
    person: Option<Person>,
}

struct Tenant {
    id: i64,
    org: i64,
    manager: Person,
    /// One member per role, in `Role::ALL` order.
    members: Vec<(&'static str, Person, i64)>,
    outsider: Person,
}

const ROLES: [&str; 6] = [
    "extractor-viewer",
    "extractor-user",
    "extractor-manager",
    "organisation-viewer",
    "organisation-user",
    "organisation-manager",
];

/// A tenant with an organisation and one member per role (organisation
/// roles inside the organisation), plus a manager of another tenant.
async fn tenant_with_every_role(app: &TestApp) -> Tenant {
    let (manager, id) = app.manager("owner@example.com", "Acme").await;
    let res = manager
        .client
        .post(app.url("/rpc/create_collection_item"))
        .form(&[
            ("tenant_id", id.to_string().as_str()),
            ("kind", "organisations"),
            ("name", "Sales"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let org: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE tenant_id = $1")
        .bind(id)
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let mut members = Vec::new();
    for role in ROLES {
        let email = format!("{role}@example.com");
        let person = app.account(&email).await;
        let org_field = if role.starts_with("organisation") {
            json!(org)
        } else {
            Value::Null
        };
        let (status, body) = manager.api(app, Method::POST, "/api/v1/registration/invite", Some(json!({"email": email, "roles": [role], "organisationId": org_field, "url": format!("{}/invite", app.state.config.base_url)}))).await;
        assert_eq!(status, 200, "{body}");
        let (status, user) = person
            .api(app, Method::POST, "/api/v1/registration", Some(json!({})))
            .await;
        assert_eq!(status, 200, "{user}");
        members.push((role, person, user["id"].as_i64().unwrap()));
    }
    let (outsider, _) = app.manager("outsider@example.com", "Elsewhere").await;
    Tenant {
        id,
        org,
        manager,
        members,
        outsider,
    }
}

fn callers(t: Tenant) -> (Vec<Caller>, i64, i64, Person, Vec<i64>) {
    let ids = t.members.iter().map(|(_, _, id)| *id).collect();
    let mut callers: Vec<Caller> = t
        .members
        .into_iter()
        .map(|(name, person, _)| Caller {
            name,
            person: Some(person),
        })
        .collect();
    callers.push(Caller {
        name: "other tenant",
        person: Some(t.outsider),
    });
    callers.push(Caller {
        name: "signed out",
        person: None,
    });
    (callers, t.id, t.org, t.manager, ids)
}

/// Expected status per caller, in `callers` order: the six roles, the
/// other tenant's manager, the signed-out visitor.
type Row = [u16; 8];
/// A server function's form fields.
type Form = Vec<(&'static str, String)>;
const READ: Row = [200, 200, 200, 200, 200, 200, 404, 401];
const TENANT_MANAGER_ONLY: Row = [403, 403, 200, 403, 403, 403, 404, 401];
/// Shareable links: the tenant's managers, and an organisation's (its own).
const LINK_MANAGERS: Row = [403, 403, 200, 403, 403, 200, 404, 401];

#[tokio::test]
async fn every_tenant_page_server_function_and_endpoint_checks_tenant_and_role() {
    let app = spawn_app().await;
    let t = tenant_with_every_role(&app).await;
    let (callers, tenant, _org, manager, ids) = callers(t);
    // Harmless targets for the mutating calls: each allowed call changes
    // nothing that a later cell depends on.
    let target = ids[0]; // the extractor-viewer
    let project: i64 = sqlx::query_scalar("SELECT id FROM projects WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let (_, invite) = manager.api(&app, Method::POST, "/api/v1/registration/invite", Some(json!({"email": "pending@example.com", "roles": ["extractor-viewer"], "url": format!("{}/invite", app.state.config.base_url)}))).await;
    let invite = invite["id"].as_i64().unwrap();
    let webhook_body = json!({"url": "https://hooks.example.com/portico"});
    let (_, webhook) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/webhooks?tenantId={tenant}"),
            Some(webhook_body.clone()),
        )
        .await;
    let webhook = webhook["id"].as_i64().unwrap();
    let (_, doomed) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/webhooks?tenantId={tenant}"),
            Some(webhook_body.clone()),
        )
        .await;
    let doomed = doomed["id"].as_i64().unwrap();
    let link_body = json!({"roles": ["extractor-viewer"], "maxUses": 2});
    let (_, link) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invite-links?tenantId={tenant}"),
            Some(link_body.clone()),
        )
        .await;
    let link = link["id"].as_i64().unwrap();
    let (_, link2) = manager
        .api(
            &app,
            Method::POST,
            &format!("/api/v1/invite-links?tenantId={tenant}"),
            Some(link_body.clone()),
        )
        .await;
    let link2 = link2["id"].as_i64().unwrap();
    let mut failures = Vec::new();

    let pages: [(&str, Row); 9] = [
        ("", READ),
        ("/members", READ),
        ("/invites", READ),
        ("/organisations", READ),
        ("/projects", READ),
        ("/audit", TENANT_MANAGER_ONLY),
        ("/webhooks", TENANT_MANAGER_ONLY),
        ("/links", LINK_MANAGERS),
        ("/domains", TENANT_MANAGER_ONLY),
    ];
    for (path, expected) in pages {
        for (caller, want) in callers.iter().zip(expected) {
            let client = caller
                .person
                .as_ref()
                .map(|p| p.client.clone())
                .unwrap_or_else(new_client);
            let got = client
                .get(app.url(&format!("/t/{tenant}{path}")))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if got != want {
                failures.push(format!(
                    "page /t/{{id}}{path} as {}: {got}, expected {want}",
                    caller.name
                ));
            }
        }
    }

    let t = tenant.to_string();
    let rpcs: Vec<(&str, Form, Row)> = vec![
        ("get_overview", vec![("tenant_id", t.clone())], READ),
        ("get_members_page", vec![("tenant_id", t.clone())], READ),
        ("get_invites_page", vec![("tenant_id", t.clone())], READ),
        (
            "get_collection",
            vec![("tenant_id", t.clone()), ("kind", "projects".into())],
            READ,
        ),
        (
            "get_audit_page",
            vec![("tenant_id", t.clone())],
            TENANT_MANAGER_ONLY,
        ),
        (
            "get_webhooks_page",
            vec![("tenant_id", t.clone()), ("endpoint", webhook.to_string())],
            TENANT_MANAGER_ONLY,
        ),
        (
            "get_links_page",
            vec![("tenant_id", t.clone())],
            LINK_MANAGERS,
        ),
        (
            "create_join_link",
            vec![
                ("tenant_id", t.clone()),
                ("roles[]", "extractor-viewer".into()),
                ("max_uses", "2".into()),
                ("expires_in_hours", "24".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
        (
            "set_webhook_enabled",
            vec![
                ("tenant_id", t.clone()),
                ("webhook_id", webhook.to_string()),
                ("enabled", "true".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
        (
            "create_collection_item",
            vec![
                ("tenant_id", t.clone()),
                ("kind", "projects".into()),
                ("name", "P".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
        (
            "rename_collection_item",
            vec![
                ("tenant_id", t.clone()),
                ("kind", "projects".into()),
                ("id", project.to_string()),
                ("name", "Launch".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
        (
            "update_member_roles",
            vec![
                ("tenant_id", t.clone()),
                ("member_id", target.to_string()),
                ("roles[]", "extractor-viewer".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
        (
            "set_member_status",
            vec![
                ("tenant_id", t.clone()),
                ("member_id", target.to_string()),
                ("status", "ACTIVE".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
        (
            "send_invite",
            vec![
                ("tenant_id", t.clone()),
                ("email", "pending@example.com".into()),
                ("roles[]", "extractor-viewer".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
        (
            "copy_invite_link",
            vec![("tenant_id", t.clone()), ("invite_id", invite.to_string())],
            TENANT_MANAGER_ONLY,
        ),
        (
            "resend_invite",
            vec![("tenant_id", t.clone()), ("invite_id", invite.to_string())],
            TENANT_MANAGER_ONLY,
        ),
        (
            "send_bulk_invites",
            vec![
                ("tenant_id", t.clone()),
                ("emails", "pending@example.com".into()),
                ("roles[]", "extractor-viewer".into()),
            ],
            TENANT_MANAGER_ONLY,
        ),
    ];
    for (name, form, expected) in &rpcs {
        for (caller, want) in callers.iter().zip(expected) {
            let client = caller
                .person
                .as_ref()
                .map(|p| p.client.clone())
                .unwrap_or_else(new_client);
            let got = client
                .post(app.url(&format!("/rpc/{name}")))
                .form(form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if got != *want {
                failures.push(format!(
                    "server function {name} as {}: {got}, expected {want}",
                    caller.name
                ));
            }
        }
    }

    let invite_body = json!({"tenantId": tenant, "email": "pending@example.com", "roles": ["extractor-viewer"], "url": format!("{}/invite", app.state.config.base_url)});
    let rest: [(Method, String, Option<Value>, Row); 14] = [
        (
            Method::GET,
            format!("/api/v1/members?tenantId={tenant}"),
            None,
            READ,
        ),
        (
            Method::GET,
            format!("/api/v1/invites?tenantId={tenant}"),
            None,
            READ,
        ),
        (
            Method::GET,
            format!("/api/v1/audit?tenantId={tenant}"),
            None,
            TENANT_MANAGER_ONLY,
        ),
        (
            Method::PATCH,
            format!("/api/v1/members/{target}"),
            Some(json!({"roles": ["extractor-viewer"], "status": "ACTIVE"})),
            TENANT_MANAGER_ONLY,
        ),
        (
            Method::POST,
            "/api/v1/registration/invite".into(),
            Some(invite_body),
            TENANT_MANAGER_ONLY,
        ),
        (
            Method::POST,
            format!("/api/v1/invites/{invite}/resend"),
            None,
            TENANT_MANAGER_ONLY,
        ),
        (
            Method::GET,
            format!("/api/v1/webhooks?tenantId={tenant}"),
            None,
            TENANT_MANAGER_ONLY,
        ),
        (
            Method::PATCH,
            format!("/api/v1/webhooks/{webhook}"),
            Some(json!({"description": "checked"})),
            TENANT_MANAGER_ONLY,
        ),
        (
            Method::GET,
            format!("/api/v1/webhooks/{webhook}/deliveries"),
            None,
            TENANT_MANAGER_ONLY,
        ),
        (
            Method::POST,
            format!("/api/v1/webhooks?tenantId={tenant}"),
            Some(webhook_body.clone()),
            [403, 403, 201, 403, 403, 403, 404, 401],
        ),
        (
            Method::GET,
            format!("/api/v1/domains?tenantId={tenant}"),
            None,
            TENANT_MANAGER_ONLY,
        ),
        // Every member's address is at example.com: only the manager adds it.
        (
            Method::POST,
            format!("/api/v1/domains?tenantId={tenant}"),
            Some(json!({"domain": "example.com"})),
            [403, 403, 201, 403, 403, 403, 404, 401],
        ),
        // Links: managers of the tenant, and of an organisation (its own).
        (
            Method::GET,
            format!("/api/v1/invite-links?tenantId={tenant}"),
            None,
            [403, 403, 200, 403, 403, 200, 404, 401],
        ),
        (
            Method::POST,
            format!("/api/v1/invite-links?tenantId={tenant}"),
            Some(link_body.clone()),
            [403, 403, 201, 403, 403, 403, 404, 401],
        ),
    ];
    for (method, path, body, expected) in &rest {
        for (caller, want) in callers.iter().zip(expected) {
            let (got, _) = app
                .api(
                    method.clone(),
                    path,
                    caller.person.as_ref().map(|p| p.jwt.as_str()),
                    body.clone(),
                )
                .await;
            if got != *want {
                failures.push(format!(
                    "{method} {path} as {}: {got}, expected {want}",
                    caller.name
                ));
            }
        }
    }
    // Destructive calls run last, and the one allowed call (the manager's)
    // comes after everyone who must be refused has tried.
    let mut last_allowed: Vec<(&Caller, u16)> = callers.iter().zip(TENANT_MANAGER_ONLY).collect();
    last_allowed.sort_by_key(|(_, want)| *want == 200);
    let victim_a = ids[1];
    let (_, second) = manager.api(&app, Method::POST, "/api/v1/registration/invite", Some(json!({"email": "second@example.com", "roles": ["extractor-viewer"], "url": format!("{}/invite", app.state.config.base_url)}))).await;
    let second = second["id"].as_i64().unwrap();
    let destructive_rpcs: Vec<(&str, Form)> = vec![
        (
            "revoke_invite",
            vec![("tenant_id", t.clone()), ("invite_id", invite.to_string())],
        ),
        (
            "revoke_join_link",
            vec![("tenant_id", t.clone()), ("link_id", link2.to_string())],
        ),
        (
            "delete_collection_item",
            vec![
                ("tenant_id", t.clone()),
                ("kind", "projects".into()),
                ("id", project.to_string()),
            ],
        ),
        (
            "remove_member",
            vec![
                ("tenant_id", t.clone()),
                ("member_id", victim_a.to_string()),
            ],
        ),
        (
            "delete_webhook",
            vec![
                ("tenant_id", t.clone()),
                ("webhook_id", webhook.to_string()),
            ],
        ),
    ];
    for (name, form) in &destructive_rpcs {
        for &(caller, want) in &last_allowed {
            let client = caller
                .person
                .as_ref()
                .map(|p| p.client.clone())
                .unwrap_or_else(new_client);
            let got = client
                .post(app.url(&format!("/rpc/{name}")))
                .form(form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if got != want {
                failures.push(format!(
                    "server function {name} as {}: {got}, expected {want}",
                    caller.name
                ));
            }
        }
    }
    let destructive_rest = [
        (Method::POST, format!("/api/v1/invites/{second}/revoke")),
        (Method::DELETE, format!("/api/v1/members/{target}")),
        (Method::DELETE, format!("/api/v1/webhooks/{doomed}")),
        (Method::DELETE, format!("/api/v1/invite-links/{link}")),
    ];
    for (method, path) in &destructive_rest {
        for &(caller, want) in &last_allowed {
            let want = if *method == Method::DELETE && want == 200 {
                204
            } else {
                want
            };
            let (got, _) = app
                .api(
                    method.clone(),
                    path,
                    caller.person.as_ref().map(|p| p.jwt.as_str()),
                    None,
                )
                .await;
            if got != want {
                failures.push(format!(
                    "{method} {path} as {}: {got}, expected {want}",
                    caller.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "permission matrix failures:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn managing_members_respects_role_scope_and_level() {
    let app = spawn_app().await;
    let t = tenant_with_every_role(&app).await;
    let (callers, _tenant, _org, manager, ids) = callers(t);
    // ids in ROLES order; the organisation-viewer is ids[3].
    let org_viewer = ids[3];
    let ext_viewer = ids[0];
    let patch = |id: i64, roles: Value| {
        (
            Method::PATCH,
            format!("/api/v1/members/{id}"),
            json!({ "roles": roles }),
        )
    };
    let cases: Vec<(usize, (Method, String, Value), u16)> = vec![
        // organisation-manager: inside its organisation, organisation roles only.
        (5, patch(org_viewer, json!(["organisation-user"])), 200),
        (5, patch(org_viewer, json!(["extractor-manager"])), 403),
        (5, patch(ext_viewer, json!(["extractor-user"])), 403),
        // organisation-user and extractor-user manage no one.
        (4, patch(org_viewer, json!(["organisation-viewer"])), 403),
        (1, patch(ext_viewer, json!(["extractor-user"])), 403),
        // the other tenant's manager does not even see them.
        (6, patch(ext_viewer, json!(["extractor-user"])), 404),
        // the tenant manager may.
        (2, patch(ext_viewer, json!(["extractor-user"])), 200),
    ];
    for (who, (method, path, body), want) in cases {
        let (got, resp) = app
            .api(
                method,
                &path,
                Some(&callers[who].person.as_ref().unwrap().jwt),
                Some(body.clone()),
            )
            .await;
        assert_eq!(got, want, "{} {path} {body}: {resp}", callers[who].name);
    }
    let (status, body) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{ext_viewer}"),
            Some(json!({"roles": ["boss"], "status": "x"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = manager
        .api(&app, Method::PATCH, "/api/v1/members/abc", Some(json!({})))
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .api(
            Method::DELETE,
            &format!("/api/v1/members/{ext_viewer}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_last_manager_cannot_be_removed_disabled_demoted_or_leave() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let me: i64 = sqlx::query_scalar("SELECT id FROM members WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let attempts = [
        (Method::PATCH, Some(json!({"roles": ["extractor-user"]}))),
        (Method::PATCH, Some(json!({"status": "DISABLED"}))),
        (Method::DELETE, None),
    ];
    for (method, body) in attempts {
        let (status, resp) = app
            .api(
                method,
                &format!("/api/v1/members/{me}"),
                Some(&manager.jwt),
                body,
            )
            .await;
        assert_eq!(status, 409, "{resp}");
        // The only manager is the founder: the owner rule (SPEC §12) says so.
        assert!(
            resp["error"].as_str().unwrap().contains("owns this tenant"),
            "{resp}"
        );
    }
    let res = manager
        .client
        .post(app.url("/rpc/leave_tenant"))
        .form(&[("tenant_id", tenant.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let html = manager
        .client
        .get(app.url(&format!("/t/{tenant}/members?manage={me}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("owns this tenant"),
        "the UI explains the rule: {html}"
    );
    // A tenant left without an owner (none had an active manager when
    // owners were introduced) still keeps its last manager.
    sqlx::query("UPDATE tenants SET owner_member_id = NULL")
        .execute(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    for (method, body) in [
        (Method::PATCH, Some(json!({"roles": ["extractor-user"]}))),
        (Method::DELETE, None),
    ] {
        let (status, resp) = app
            .api(
                method,
                &format!("/api/v1/members/{me}"),
                Some(&manager.jwt),
                body,
            )
            .await;
        assert_eq!(status, 409, "{resp}");
        assert!(
            resp["error"]
                .as_str()
                .unwrap()
                .contains("last active extractor-manager"),
            "{resp}"
        );
    }
    let html = app
        .page_of(&manager.client, &format!("/t/{tenant}/members?manage={me}"))
        .await;
    assert!(
        html.contains("is the last active extractor-manager"),
        "{html}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM members WHERE status = 'ACTIVE' AND roles = '[\"extractor-manager\"]'").await, 1);

    // With a second manager, the first may step down.
    let bob = app.account("bob@example.com").await;
    manager.api(&app, Method::POST, "/api/v1/registration/invite", Some(json!({"email": "bob@example.com", "roles": ["extractor-manager"], "url": app.state.config.base_url}))).await;
    let (status, _) = bob
        .api(&app, Method::POST, "/api/v1/registration", Some(json!({})))
        .await;
    assert_eq!(status, 200);
    let (status, resp) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{me}"),
            Some(json!({"roles": ["extractor-user"]})),
        )
        .await;
    assert_eq!(status, 200, "{resp}");
}

#[tokio::test]
async fn a_disabled_members_open_session_is_refused_on_its_next_request() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("ada@example.com", "Acme").await;
    let bob = app.account("bob@example.com").await;
    manager.api(&app, Method::POST, "/api/v1/registration/invite", Some(json!({"email": "bob@example.com", "roles": ["extractor-user"], "url": app.state.config.base_url}))).await;
    let (_, user) = bob
        .api(&app, Method::POST, "/api/v1/registration", Some(json!({})))
        .await;
    let bob_member = user["id"].as_i64().unwrap();
    assert_eq!(
        bob.client
            .get(app.url(&format!("/t/{tenant}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let (status, _) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob_member}"),
            Some(json!({"status": "DISABLED"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        bob.client
            .get(app.url(&format!("/t/{tenant}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        bob.get(&app, &format!("/api/v1/members?tenantId={tenant}"))
            .await
            .0,
        403
    );

    let (status, _) = manager
        .api(
            &app,
            Method::PATCH,
            &format!("/api/v1/members/{bob_member}"),
            Some(json!({"status": "ACTIVE"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        bob.client
            .get(app.url(&format!("/t/{tenant}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let (status, _) = manager
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/members/{bob_member}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        bob.client
            .get(app.url(&format!("/t/{tenant}/members")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    // The audit log names actor and target of each step.
    let (status, log) = manager
        .get(&app, &format!("/api/v1/audit?tenantId={tenant}&actor=ada"))
        .await;
    assert_eq!(status, 200);
    let actions: Vec<(String, String, String)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().into(),
                e["action"].as_str().unwrap().into(),
                e["target"].as_str().unwrap().into(),
            )
        })
        .collect();
    for action in [
        "member.disabled",
        "member.enabled",
        "member.removed",
        "invite.created",
    ] {
        assert!(
            actions.iter().any(|(a, act, target)| a == "ada@example.com"
                && act == action
                && target == "bob@example.com"),
            "{action} missing from {actions:?}"
        );
    }
    let (_, log) = manager
        .get(
            &app,
            &format!("/api/v1/audit?tenantId={tenant}&action=invite.accepted"),
        )
        .await;
    assert_eq!(log["items"][0]["actor"], "bob@example.com");
    let (_, log) = manager
        .get(
            &app,
            &format!("/api/v1/audit?tenantId={tenant}&action=member.signed_in"),
        )
        .await;
    assert!(
        log["total"].as_i64().unwrap() >= 1,
        "sign-ins of members are logged: {log}"
    );
}

#[tokio::test]
async fn an_organisation_with_members_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = tenant_with_every_role(&app).await;
    let res = t
        .manager
        .client
        .post(app.url("/rpc/delete_collection_item"))
        .form(&[
            ("tenant_id", t.id.to_string()),
            ("kind", "organisations".into()),
            ("id", t.org.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("still has 3 members"),
        "{body}"
    );
    let res = t
        .manager
        .client
        .post(app.url("/rpc/create_collection_item"))
        .form(&[
            ("tenant_id", t.id.to_string()),
            ("kind", "organisations".into()),
            ("name", "Empty".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let empty: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = 'Empty'")
        .fetch_one(&mut *app.state.db.read().await.unwrap())
        .await
        .unwrap();
    let res = t
        .manager
        .client
        .post(app.url("/rpc/delete_collection_item"))
        .form(&[
            ("tenant_id", t.id.to_string()),
            ("kind", "organisations".into()),
            ("id", empty.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn members_are_searchable_and_paged() {
    let app = spawn_app().await;
    let t = tenant_with_every_role(&app).await;
    let (status, page) = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/members?tenantId={}&search=organisation&perPage=2",
                t.id
            ),
            Some(&t.manager.jwt),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let (_, page2) = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/members?tenantId={}&search=organisation&perPage=2&page=2",
                t.id
            ),
            Some(&t.manager.jwt),
            None,
        )
        .await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    let (status, _) = app
        .api(
            Method::GET,
            &format!("/api/v1/members?tenantId={}&status=GONE", t.id),
            Some(&t.manager.jwt),
            None,
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let app = spawn_app().await;
    let (first, _) = app.manager("ada@example.com", "Acme").await;
    let second = new_client();
    let res = second
        .post(app.url("/rpc/sign_in"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = first
        .client
        .post(app.url("/rpc/change_password"))
        .form(&[
            ("current_password", "wrong wrong wrong"),
            ("new_password", "a new long passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = first
        .client
        .post(app.url("/rpc/change_password"))
        .form(&[
            ("current_password", crate::helpers::PASSWORD),
            ("new_password", "a new long passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        second
            .post(app.url("/rpc/get_account_overview"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        first
            .client
            .post(app.url("/rpc/get_account_overview"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
