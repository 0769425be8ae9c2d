//! The REST API under `/api`, described by an OpenAPI 3 document generated
//! from the handlers (`/api/openapi.json`, viewer at `/api/docs`). Handlers
//! are thin: parse, call the service in `app::backend`, shape the answer.

pub mod admin;
pub mod auth;
pub mod compat;
pub mod domains;
pub mod extract;
pub mod invite_links;
pub mod invites;
pub mod join_requests;
pub mod me;
pub mod members;
pub mod oidc_clients;
pub mod ownership;
pub mod registration;
pub mod schema;
pub mod scim_tokens;
pub mod sso_connections;
pub mod webhooks;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::backend::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Portico API", description = "Tenant onboarding: accounts, tenants, invitations, members."),
    modifiers(&BearerAuth),
    components(schemas(app::ErrorBody, schema::Role, app::domain::InviteStatus, schema::InviteFilter, app::domain::MemberStatus, schema::EventTypeName, app::domain::DeliveryStatus, app::domain::LinkStatus, app::domain::JoinPolicy, webhooks::WebhookEventDto)),
    tags(
        (name = "auth", description = "Accounts and access tokens"),
        (name = "registration", description = "Tenants and invitations, Extractor style"),
        (name = "invitations", description = "Invitations: list, resend, revoke, preview, accept"),
        (name = "members", description = "Members of a tenant and its audit log"),
        (name = "domains", description = "A tenant's verified email domains and who may join by them"),
        (name = "webhooks", description = "Webhook endpoints, their deliveries, and the events they receive (see `webhooks`)"),
        (name = "sso", description = "A tenant's own identity provider (OpenID Connect) for its DNS-proven domains"),
        (name = "directory", description = "Directory tokens for SCIM provisioning at /scim/v2/{tenantId}/"),
        (name = "compatibility", description = "Drop-in endpoints of other invitation APIs"),
        (name = "admin", description = "The instance operator's endpoints (PORTICO_ADMIN_TOKEN): tenants' seats, instance figures, OpenID clients, signing keys"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from /account, a JWT from POST /api/v1/auth/token, or an access token of the OpenID provider (limited to its tenant). JWTs are RS256, verifiable with /oauth/jwks",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The instance operator's PORTICO_ADMIN_TOKEN"))
                    .build(),
            ),
        );
    }
}

/// An OpenAPI link: where an id in an answer leads. Generated clients and
/// schemathesis' stateful phase follow them.
struct ApiLink {
    path: &'static str,
    method: &'static str,
    status: &'static str,
    name: &'static str,
    operation_id: &'static str,
    /// The target's parameter and the runtime expression that fills it.
    parameter: (&'static str, &'static str),
}

const fn link(
    path: &'static str,
    method: &'static str,
    status: &'static str,
    name: &'static str,
    operation_id: &'static str,
    parameter: (&'static str, &'static str),
) -> ApiLink {
    ApiLink {
        path,
        method,
        status,
        name,
        operation_id,
        parameter,
    }
}

const LINKS: &[ApiLink] = &[
    link(
        "/api/v1/registration/invite",
        "post",
        "200",
        "Resend",
        "resend_invite",
        ("id", "$response.body#/id"),
    ),
    link(
        "/api/v1/registration/invite",
        "post",
        "200",
        "Revoke",
        "revoke_invite",
        ("id", "$response.body#/id"),
    ),
    link(
        "/api/v1/invites",
        "get",
        "200",
        "ResendFirst",
        "resend_invite",
        ("id", "$response.body#/0/id"),
    ),
    link(
        "/api/v1/invites",
        "get",
        "200",
        "RevokeFirst",
        "revoke_invite",
        ("id", "$response.body#/0/id"),
    ),
    link(
        "/auth/invite",
        "post",
        "201",
        "Resend",
        "resend_invite",
        ("id", "$response.body#/inviteId"),
    ),
    link(
        "/auth/invite",
        "post",
        "201",
        "Revoke",
        "revoke_invite",
        ("id", "$response.body#/inviteId"),
    ),
    link(
        "/api/v1/members",
        "get",
        "200",
        "UpdateFirst",
        "update_member",
        ("id", "$response.body#/items/0/id"),
    ),
    link(
        "/api/v1/members",
        "get",
        "200",
        "RemoveFirst",
        "remove_member",
        ("id", "$response.body#/items/0/id"),
    ),
    link(
        "/api/v1/invites/accept",
        "post",
        "200",
        "UpdateMember",
        "update_member",
        ("id", "$response.body#/id"),
    ),
    link(
        "/api/v1/webhooks",
        "post",
        "201",
        "Update",
        "update_webhook",
        ("id", "$response.body#/id"),
    ),
    link(
        "/api/v1/webhooks",
        "post",
        "201",
        "Deliveries",
        "list_deliveries",
        ("id", "$response.body#/id"),
    ),
    link(
        "/api/v1/webhooks",
        "post",
        "201",
        "Delete",
        "delete_webhook",
        ("id", "$response.body#/id"),
    ),
    link(
        "/api/v1/invite-links",
        "post",
        "201",
        "Revoke",
        "revoke_invite_link",
        ("id", "$response.body#/id"),
    ),
    link(
        "/api/v1/me",
        "get",
        "200",
        "FirstTenant",
        "get_tenant",
        ("id", "$response.body#/memberships/0/tenantId"),
    ),
];

fn add_links(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::link::LinkBuilder;
    for l in LINKS {
        let Some(item) = doc.paths.paths.get_mut(l.path) else {
            continue;
        };
        let operation = match l.method {
            "get" => item.get.as_mut(),
            "post" => item.post.as_mut(),
            _ => None,
        };
        let Some(RefOr::T(response)) =
            operation.and_then(|o| o.responses.responses.get_mut(l.status))
        else {
            continue;
        };
        let built = LinkBuilder::new()
            .operation_id(l.operation_id)
            .parameter(l.parameter.0, l.parameter.1)
            .build();
        response.links.insert(l.name.to_owned(), RefOr::T(built));
    }
}

/// Every REST route with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::sign_up))
        .routes(routes!(auth::issue_token))
        .routes(routes!(me::get_me))
        .routes(routes!(me::get_tenant, me::set_tenant_language))
        .routes(routes!(admin::update_tenant))
        .routes(routes!(admin::instance_stats))
        .routes(routes!(
            oidc_clients::create_oidc_client,
            oidc_clients::list_oidc_clients
        ))
        .routes(routes!(
            oidc_clients::get_oidc_client,
            oidc_clients::update_oidc_client,
            oidc_clients::delete_oidc_client
        ))
        .routes(routes!(oidc_clients::rotate_signing_key))
        .routes(routes!(registration::register))
        .routes(routes!(invites::create_invite))
        .routes(routes!(invites::list_invites))
        .routes(routes!(invites::resend_invite))
        .routes(routes!(invites::revoke_invite))
        .routes(routes!(invites::preview_invite))
        .routes(routes!(invites::accept_invite))
        .routes(routes!(
            invite_links::create_invite_link,
            invite_links::list_invite_links
        ))
        .routes(routes!(invite_links::revoke_invite_link))
        .routes(routes!(invite_links::join_invite_link))
        .routes(routes!(domains::add_domain, domains::list_domains))
        .routes(routes!(domains::update_domain, domains::remove_domain))
        .routes(routes!(domains::verify_domain))
        .routes(routes!(members::list_members))
        .routes(routes!(members::update_member, members::remove_member))
        .routes(routes!(members::list_audit))
        .routes(routes!(
            ownership::nominate_owner,
            ownership::cancel_transfer
        ))
        .routes(routes!(join_requests::list_join_requests))
        .routes(routes!(join_requests::approve_join_request))
        .routes(routes!(join_requests::deny_join_request))
        .routes(routes!(ownership::accept_transfer))
        .routes(routes!(ownership::decline_transfer))
        .routes(routes!(webhooks::create_webhook, webhooks::list_webhooks))
        .routes(routes!(webhooks::update_webhook, webhooks::delete_webhook))
        .routes(routes!(webhooks::list_deliveries))
        .routes(routes!(webhooks::retry_delivery))
        .routes(routes!(
            scim_tokens::create_scim_token,
            scim_tokens::list_scim_tokens
        ))
        .routes(routes!(scim_tokens::delete_scim_token))
        .routes(routes!(
            sso_connections::create_sso_connection,
            sso_connections::list_sso_connections
        ))
        .routes(routes!(
            sso_connections::get_sso_connection,
            sso_connections::update_sso_connection,
            sso_connections::delete_sso_connection
        ))
        .routes(routes!(compat::royalti_invite))
        .routes(routes!(compat::doit_invite))
}

/// The document as this instance serves it: the URL fields' pattern names
/// the origins it accepts (`PORTICO_BASE_URL`'s and
/// `PORTICO_ALLOWED_ORIGINS`), so a client or fuzzer knows the origin rule.
pub fn served_openapi(
    doc: utoipa::openapi::OpenApi,
    config: &app::backend::config::Config,
) -> utoipa::openapi::OpenApi {
    let mut origins = vec![config.base_url.clone()];
    origins.extend(config.allowed_origins.iter().cloned());
    let placeholder = format!("\"{}\"", schema::ANY_HTTP_URL);
    let webhook_placeholder = format!("\"{}\"", schema::ANY_WEBHOOK_URL);
    let webhook_origins = app::backend::url_policy::http_origins(config);
    let patched = serde_json::to_string(&schema::origin_pattern(&origins)).and_then(|pattern| {
        let webhook_pattern =
            serde_json::to_string(&schema::webhook_url_pattern(&webhook_origins))?;
        let text = serde_json::to_string(&doc)?
            .replace(&placeholder, &pattern)
            .replace(&webhook_placeholder, &webhook_pattern)
            .replace(schema::EXAMPLE_URL, &format!("{}/invite", config.base_url));
        serde_json::from_str(&text)
    });
    // Both steps are infallible for a document utoipa built; keep the
    // generic pattern if that ever changes.
    patched.unwrap_or(doc)
}

/// The REST routes and their finished document (links added).
pub fn router_and_document() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = router().split_for_parts();
    add_links(&mut doc);
    webhooks::document_events(&mut doc);
    (router, doc)
}

/// The OpenAPI document alone (for the snapshot test and tools).
pub fn openapi() -> utoipa::openapi::OpenApi {
    router_and_document().1
}
