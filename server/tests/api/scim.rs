//! SCIM 2.0 provisioning (SPEC §11): directory tokens, Users and Groups as
//! Okta and Entra ID send them, group → roles mapping, deprovisioning, and
//! one tenant's token on another tenant. scim2-tester (end2end/contract)
//! checks the RFC conformance; these check what Portico does with it.

use reqwest::Method;
use serde_json::{Value, json};

use app::backend::access::actor::Actor;
use app::backend::directory::groups;
use app::domain::Role;

use crate::helpers::{Person, TestApp, spawn_app};
use crate::oidc::{member_of_a_tenant, register_client, spawn_provider};

/// A directory token of `tenant`, made by its manager over REST.
pub async fn scim_token(app: &TestApp, manager: &Person, tenant: i64) -> String {
    let (status, body) = manager
        .api(
            app,
            Method::POST,
            &format!("/api/v1/scim-tokens?tenantId={tenant}"),
            Some(json!({"name": "Okta"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().unwrap().to_string()
}

/// A SCIM request: status and JSON body.
pub async fn scim(
    app: &TestApp,
    token: &str,
    method: Method,
    tenant: i64,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(method, app.url(&format!("/scim/v2/{tenant}{path}")))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req
            .header("content-type", "application/scim+json")
            .body(body.to_string());
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn user(email: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": email,
        "name": {"givenName": "Ann", "familyName": "Lee"},
        "emails": [{"primary": true, "value": email, "type": "work"}],
        "externalId": format!("00u-{email}"),
        "active": true,
    })
}

fn patch(operations: Value) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations,
    })
}

/// The member row of `email` in `tenant` as a manager's API shows it.
async fn member(app: &TestApp, manager: &Person, tenant: i64, email: &str) -> Value {
    let (status, body) = manager
        .get(
            app,
            &format!("/api/v1/members?tenantId={tenant}&perPage=100"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .cloned()
        .unwrap_or_else(|| panic!("{email} not in {body}"))
}

#[tokio::test]
async fn okta_provisions_finds_deactivates_and_reactivates_a_member() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@corp.example", "Corp").await;
    let token = scim_token(&app, &manager, tenant).await;

    let (status, created) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("ann@corp.example")),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["userName"], "ann@corp.example");
    assert_eq!(
        created["meta"]["location"],
        format!("{}/scim/v2/{tenant}/Users/{id}", app.state.config.base_url)
    );
    let m = member(&app, &manager, tenant, "ann@corp.example").await;
    assert_eq!(m["status"], "ACTIVE");
    assert_eq!(
        m["roles"],
        json!(["extractor-user"]),
        "the directory's default roles"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.joined' AND details LIKE '%\"via\":\"scim\"%'").await,
        1
    );
    // The same userName again: 409 uniqueness, nothing added.
    let (status, body) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("ANN@corp.example")),
    )
    .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (409, Some("uniqueness")),
        "{body}"
    );

    // Okta's lookup before it creates: filter on userName, any case.
    let (status, found) = scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?filter=userName%20eq%20%22Ann%40corp.example%22",
        None,
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["id"], id.as_str());
    let (_, none) = scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?filter=userName%20eq%20%22bob%40corp.example%22",
        None,
    )
    .await;
    assert_eq!(none["totalResults"], 0);

    // Okta deactivates with a replace without a path.
    let (status, body) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Users/{id}"),
        Some(patch(
            json!([{"op": "replace", "value": {"active": false}}]),
        )),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["active"], false);
    assert_eq!(
        member(&app, &manager, tenant, "ann@corp.example").await["status"],
        "DISABLED"
    );
    let (status, body) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Users/{id}"),
        Some(patch(
            json!([{"op": "replace", "path": "active", "value": true}]),
        )),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        member(&app, &manager, tenant, "ann@corp.example").await["status"],
        "ACTIVE"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action IN ('member.disabled', 'member.enabled')").await,
        2
    );
}

#[tokio::test]
async fn entra_id_patch_forms_are_understood() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@contoso.example", "Contoso").await;
    let token = scim_token(&app, &manager, tenant).await;
    let (_, created) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("li@contoso.example")),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    // What Entra ID sends: capitalised ops, string booleans, value paths
    // onto values not there yet, dotted names without a path.
    let (status, body) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Users/{id}"),
        Some(patch(json!([
            {"op": "Replace", "path": "emails[type eq \"home\"].value", "value": "li@home.example"},
            {"op": "Add", "value": {"name.familyName": "Wei", "displayName": "Li Wei"}},
            {"op": "Replace", "path": "externalId", "value": "8a9e-entra"},
            {"op": "Replace", "path": "active", "value": "False"},
        ]))),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["active"], false, "\"False\" is false: {body}");
    assert_eq!(body["name"]["familyName"], "Wei");
    assert_eq!(body["displayName"], "Li Wei");
    assert_eq!(
        body["emails"],
        json!([
            {"primary": true, "value": "li@contoso.example", "type": "work"},
            {"type": "home", "value": "li@home.example"},
        ])
    );
    assert_eq!(
        member(&app, &manager, tenant, "li@contoso.example").await["status"],
        "DISABLED"
    );
    // Entra ID finds people by externalId too.
    let (_, found) = scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?filter=externalId%20eq%20%228a9e-entra%22",
        None,
    )
    .await;
    assert_eq!(found["totalResults"], 1, "{found}");
    // The account's own address never changes through SCIM.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE email = 'li@contoso.example'")
            .await,
        1
    );
    // Bad operations name what is wrong, in the SCIM error body.
    let (status, body) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Users/{id}"),
        Some(patch(
            json!([{"op": "explode", "path": "active", "value": true}]),
        )),
    )
    .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("invalidSyntax")),
        "{body}"
    );
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    let (status, body) = scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?filter=title%20co%20%22x%22",
        None,
    )
    .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("invalidFilter")),
        "{body}"
    );
}

#[tokio::test]
async fn a_mapped_group_gives_its_roles_and_leaving_it_takes_them_back() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@acme.example", "Acme").await;
    let token = scim_token(&app, &manager, tenant).await;
    let (_, ann) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("ann@acme.example")),
    )
    .await;
    let (_, bob) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("bob@acme.example")),
    )
    .await;
    let (ann, bob) = (ann["id"].as_str().unwrap(), bob["id"].as_str().unwrap());
    let (status, group) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Groups",
        Some(json!({"displayName": "Managers", "members": [{"value": ann}]})),
    )
    .await;
    assert_eq!(status, 201, "{group}");
    let group_id = group["id"].as_str().unwrap().to_string();

    // A manager maps the group to roles: Ann's roles follow at once.
    let account = app
        .account_row(manager_account_id(&app, "it@acme.example").await)
        .await;
    let actor = Actor::for_tenant(&app.state, account, tenant)
        .await
        .unwrap();
    groups::map(
        &app.state,
        &actor,
        &group_id,
        Some(vec![Role::ExtractorManager]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        member(&app, &manager, tenant, "ann@acme.example").await["roles"],
        json!(["extractor-manager"])
    );
    assert_eq!(
        member(&app, &manager, tenant, "bob@acme.example").await["roles"],
        json!(["extractor-user"])
    );

    // Okta adds Bob, then removes Ann by a value filter.
    let (status, body) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Groups/{group_id}"),
        Some(patch(
            json!([{"op": "add", "path": "members", "value": [{"value": bob}]}]),
        )),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        member(&app, &manager, tenant, "bob@acme.example").await["roles"],
        json!(["extractor-manager"])
    );
    let (status, body) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Groups/{group_id}"),
        Some(patch(
            json!([{"op": "remove", "path": format!("members[value eq \"{ann}\"]")}]),
        )),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["members"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(
        member(&app, &manager, tenant, "ann@acme.example").await["roles"],
        json!(["extractor-user"])
    );
    // Entra ID removes with the members listed in the value.
    let (status, _) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Groups/{group_id}"),
        Some(patch(
            json!([{"op": "Remove", "path": "members", "value": [{"value": bob}]}]),
        )),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        member(&app, &manager, tenant, "bob@acme.example").await["roles"],
        json!(["extractor-user"])
    );
    // Each change was an event.
    assert!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.roles_changed' AND details LIKE '%scim%'").await
            >= 4
    );
    // A member of another group's tenant cannot be put in this group.
    let (status, body) = scim(
        &app,
        &token,
        Method::PATCH,
        tenant,
        &format!("/Groups/{group_id}"),
        Some(patch(
            json!([{"op": "add", "path": "members", "value": [{"value": "not-a-user"}]}]),
        )),
    )
    .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("invalidValue")),
        "{body}"
    );
}

async fn manager_account_id(app: &TestApp, email: &str) -> i64 {
    app.count(&format!("SELECT id FROM accounts WHERE email = '{email}'"))
        .await
}

#[tokio::test]
async fn deprovisioning_ends_access_and_refresh_tokens_in_the_tenant() {
    let app = spawn_provider().await;
    let rp = register_client(&app, false).await;
    let (manager, member_person, tenant) = member_of_a_tenant(&app, "dee@corp.example").await;
    let tokens = rp.offline_tokens(&app, &member_person.client).await;
    let token = scim_token(&app, &manager, tenant).await;
    // The directory provisions someone who is a member already: linked,
    // and their roles stay the managers' to set.
    let (status, created) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("dee@corp.example")),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.user_linked'")
            .await,
        1
    );
    let (status, _) = member_person
        .get(&app, &format!("/api/v1/members?tenantId={tenant}"))
        .await;
    assert_eq!(status, 200, "a member reads the tenant");

    let (status, body) = scim(
        &app,
        &token,
        Method::DELETE,
        tenant,
        &format!("/Users/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (status, _) = member_person
        .get(&app, &format!("/api/v1/members?tenantId={tenant}"))
        .await;
    assert_eq!(status, 403, "removed: the tenant is closed to them");
    let (status, body) = rp
        .refresh(&app, tokens["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM oidc_grants WHERE revoked_at IS NULL")
            .await,
        0,
        "the refresh family is revoked, not just refused"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.removed'")
            .await,
        1
    );
    let (status, _) = scim(
        &app,
        &token,
        Method::GET,
        tenant,
        &format!("/Users/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    // The directory may bring them back (a manager's decision, as an
    // invitation is).
    let (status, body) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("dee@corp.example")),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        member(&app, &manager, tenant, "dee@corp.example").await["status"],
        "ACTIVE"
    );
}

#[tokio::test]
async fn a_token_works_only_on_its_own_tenant() {
    let app = spawn_app().await;
    let (manager_a, tenant_a) = app.manager("it@a.example", "A").await;
    let (manager_b, tenant_b) = app.manager("it@b.example", "B").await;
    let token_a = scim_token(&app, &manager_a, tenant_a).await;
    let token_b = scim_token(&app, &manager_b, tenant_b).await;
    let (_, user_b) = scim(
        &app,
        &token_b,
        Method::POST,
        tenant_b,
        "/Users",
        Some(user("bea@b.example")),
    )
    .await;
    let user_b = user_b["id"].as_str().unwrap();

    for (method, path) in [
        (Method::GET, "/Users".to_string()),
        (Method::GET, format!("/Users/{user_b}")),
        (Method::DELETE, format!("/Users/{user_b}")),
        (Method::GET, "/ServiceProviderConfig".to_string()),
    ] {
        let (status, body) = scim(&app, &token_a, method.clone(), tenant_b, &path, None).await;
        assert_eq!(status, 401, "{method} {path}: {body}");
        assert_eq!(body["status"], "401");
    }
    // A's token sees none of B's users on its own tenant either.
    let (status, body) = scim(
        &app,
        &token_a,
        Method::GET,
        tenant_a,
        &format!("/Users/{user_b}"),
        None,
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (_, list) = scim(&app, &token_a, Method::GET, tenant_a, "/Users", None).await;
    assert_eq!(list["totalResults"], 0);
    // An API token (not a directory token) is no directory token.
    let (status, _) = scim(&app, &manager_a.jwt, Method::GET, tenant_a, "/Users", None).await;
    assert_eq!(status, 401);
    // A deleted token stops working.
    let (_, listed) = manager_a
        .get(&app, &format!("/api/v1/scim-tokens?tenantId={tenant_a}"))
        .await;
    let token_id = listed[0]["id"].as_i64().unwrap();
    assert!(
        listed[0].get("token").is_none(),
        "the list never shows the token"
    );
    let (status, _) = manager_a
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/scim-tokens/{token_id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = scim(&app, &token_a, Method::GET, tenant_a, "/Users", None).await;
    assert_eq!(status, 401);
    // B's manager cannot delete A's tokens.
    let (status, _) = manager_b
        .api(
            &app,
            Method::DELETE,
            &format!("/api/v1/scim-tokens/{token_id}"),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn lists_page_and_etags_guard_concurrent_changes() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@page.example", "Page").await;
    let token = scim_token(&app, &manager, tenant).await;
    for i in 0..5 {
        let (status, _) = scim(
            &app,
            &token,
            Method::POST,
            tenant,
            "/Users",
            Some(user(&format!("p{i}@page.example"))),
        )
        .await;
        assert_eq!(status, 201);
    }
    let (_, page) = scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?startIndex=2&count=2",
        None,
    )
    .await;
    assert_eq!(page["totalResults"], 5);
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["itemsPerPage"], 2);
    assert_eq!(page["Resources"][0]["userName"], "p1@page.example");
    let (_, capped) = scim(
        &app,
        &token,
        Method::GET,
        tenant,
        "/Users?count=100000",
        None,
    )
    .await;
    assert_eq!(capped["itemsPerPage"], 5, "count is capped, never an error");
    let id = page["Resources"][0]["id"].as_str().unwrap();
    let version = page["Resources"][0]["meta"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .client
        .patch(app.url(&format!("/scim/v2/{tenant}/Users/{id}")))
        .bearer_auth(&token)
        .header("if-match", "W/\"999\"")
        .json(&patch(
            json!([{"op": "replace", "path": "displayName", "value": "x"}]),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 412);
    let res = app
        .client
        .patch(app.url(&format!("/scim/v2/{tenant}/Users/{id}")))
        .bearer_auth(&token)
        .header("if-match", &version)
        .json(&patch(
            json!([{"op": "replace", "path": "displayName", "value": "x"}]),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), version);
}

#[tokio::test]
async fn the_directory_page_makes_a_token_shown_once_and_maps_groups() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@page2.example", "Page Two").await;
    let post = |name: &'static str, form: Vec<(&'static str, String)>| {
        let client = manager.client.clone();
        let url = app.url(&format!("/rpc/{name}"));
        let origin = app.state.config.base_url.clone();
        async move {
            client
                .post(url)
                .header("origin", origin)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let status = post(
        "create_scim_token",
        vec![
            ("tenant_id", tenant.to_string()),
            ("name", "Entra <ID>".into()),
        ],
    )
    .await;
    assert!(status < 400, "{status}");
    let page = app
        .page_of(&manager.client, &format!("/t/{tenant}/directory"))
        .await;
    assert!(
        page.contains(&format!("/scim/v2/{tenant}")),
        "the SCIM URL is shown"
    );
    assert!(page.contains("Entra &lt;ID&gt;"), "names are escaped");
    let token = page
        .split("data-testid=\"new-scim-token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new token is shown")
        .to_string();
    assert!(token.starts_with("pscim_"), "{token}");
    let again = app
        .page_of(&manager.client, &format!("/t/{tenant}/directory"))
        .await;
    assert!(!again.contains(&token), "shown only once");

    // The token works; a group it sends appears on the page to be mapped.
    let (_, ann) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Users",
        Some(user("ann@page2.example")),
    )
    .await;
    let (_, group) = scim(
        &app,
        &token,
        Method::POST,
        tenant,
        "/Groups",
        Some(json!({"displayName": "Support <team>", "members": [{"value": ann["id"]}]})),
    )
    .await;
    let page = app
        .page_of(&manager.client, &format!("/t/{tenant}/directory"))
        .await;
    assert!(page.contains("Support &lt;team&gt;"), "{page}");
    let status = post(
        "map_directory_group",
        vec![
            ("tenant_id", tenant.to_string()),
            ("group_id", group["id"].as_str().unwrap().into()),
            ("roles[]", "extractor-viewer".into()),
        ],
    )
    .await;
    assert!(status < 400, "{status}");
    assert_eq!(
        member(&app, &manager, tenant, "ann@page2.example").await["roles"],
        json!(["extractor-viewer"])
    );
    let status = post(
        "set_directory_roles",
        vec![
            ("tenant_id", tenant.to_string()),
            ("roles[]", "extractor-viewer".into()),
        ],
    )
    .await;
    assert!(status < 400, "{status}");

    // A member who is not a manager is refused the page's data and forms.
    let member_person = app
        .member(&manager, "mo@page2.example", &["extractor-user"], None)
        .await;
    let res = member_person
        .client
        .post(app.url("/rpc/get_directory_page"))
        .header("origin", &app.state.config.base_url)
        .form(&[("tenant_id", tenant.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

// Issue 25: an identity provider pushes changes side by side. Changes of
// the same User made at the same moment are all kept (compare and set on
// its version, made again when another came first); a change that leaves
// the member's status alone waits for no lock on the tenant.
#[tokio::test]
async fn changes_made_at_once_are_all_kept_and_wait_for_no_tenant_lock() {
    let app = spawn_app().await;
    let (manager, tenant) = app.manager("it@once.example", "Once").await;
    let token = scim_token(&app, &manager, tenant).await;
    let mut ids = Vec::new();
    for email in ["ann@once.example", "bob@once.example"] {
        let (status, body) = scim(
            &app,
            &token,
            Method::POST,
            tenant,
            "/Users",
            Some(user(email)),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    let ann = format!("/Users/{}", ids[0]);
    let read_ann = || scim(&app, &token, Method::GET, tenant, &ann, None);
    let (_, before) = read_ann().await;

    // Eight changes of Ann at once, each adding its own address.
    let changes = (0..8).map(|i| {
        let (app, token, ann) = (&app, &token, &ann);
        async move {
            let body = patch(json!([{"op": "add", "path": "emails",
                "value": [{"value": format!("ann{i}@else.example"), "type": "other"}]}]));
            scim(app, token, Method::PATCH, tenant, ann, Some(body)).await
        }
    });
    for (status, body) in futures::future::join_all(changes).await {
        assert_eq!(status, 200, "{body}");
    }
    let (_, after) = read_ann().await;
    let emails: Vec<&str> = after["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap())
        .collect();
    for i in 0..8 {
        let address = format!("ann{i}@else.example");
        assert!(
            emails.contains(&address.as_str()),
            "{address} lost: {after}"
        );
    }
    let version = |doc: &Value| {
        doc["meta"]["version"]
            .as_str()
            .unwrap()
            .trim_matches(|c| !char::is_numeric(c))
            .parse::<i64>()
            .unwrap()
    };
    assert_eq!(version(&after), version(&before) + 8, "{before}\n{after}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.user_changed'")
            .await,
        8
    );

    // PostgreSQL: with the tenant's row locked by another transaction (a
    // manager's change in flight), renaming Bob still goes through. On
    // SQLite every write transaction excludes the others anyway.
    if app.state.db.kind == app::backend::DbKind::Postgres {
        let mut held = app.state.db.begin().await.unwrap();
        sqlx::query("UPDATE tenants SET updated_at = updated_at WHERE id = $1")
            .bind(tenant)
            .execute(&mut *held)
            .await
            .unwrap();
        let rename = patch(json!([{"op": "replace", "path": "displayName", "value": "Robert"}]));
        let (status, body) = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            scim(
                &app,
                &token,
                Method::PATCH,
                tenant,
                &format!("/Users/{}", ids[1]),
                Some(rename),
            ),
        )
        .await
        .expect("a change that keeps the member's status waited for the tenant's lock");
        assert_eq!(
            (status, &body["displayName"]),
            (200, &json!("Robert")),
            "{body}"
        );
        drop(held);
    }
}
