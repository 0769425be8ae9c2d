//! The REST API under `/api`, described by an OpenAPI 3 document generated
//! from the handlers (`/api/openapi.json`, viewer at `/api/docs`). Handlers
//! are thin: parse, call the service in `app::backend`, shape the answer.

pub mod auth;
pub mod compat;
pub mod extract;
pub mod invites;
pub mod jwt;
pub mod members;
pub mod registration;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::backend::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Portico API", description = "Tenant onboarding: accounts, tenants, invitations, members."),
    modifiers(&BearerAuth),
    components(schemas(app::ErrorBody)),
    tags(
        (name = "auth", description = "Accounts and access tokens"),
        (name = "registration", description = "Tenants and invitations, Extractor style"),
        (name = "invitations", description = "Invitations: list, resend, revoke, preview, accept"),
        (name = "members", description = "Members of a tenant and its audit log"),
        (name = "compatibility", description = "Drop-in endpoints of other invitation APIs"),
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
                        "An API token from /account or a JWT from POST /api/v1/auth/token",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every REST route with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::sign_up))
        .routes(routes!(auth::issue_token))
        .routes(routes!(registration::register))
        .routes(routes!(invites::create_invite))
        .routes(routes!(invites::list_invites))
        .routes(routes!(invites::resend_invite))
        .routes(routes!(invites::revoke_invite))
        .routes(routes!(invites::preview_invite))
        .routes(routes!(invites::accept_invite))
        .routes(routes!(members::list_members))
        .routes(routes!(members::update_member, members::remove_member))
        .routes(routes!(members::list_audit))
        .routes(routes!(compat::royalti_invite))
        .routes(routes!(compat::doit_invite))
}

/// The OpenAPI document alone (for the snapshot test and tools).
pub fn openapi() -> utoipa::openapi::OpenApi {
    router().split_for_parts().1
}
