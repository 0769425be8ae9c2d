//! The instance operator's OpenID clients (SPEC §10):
//! `/api/v1/admin/oidc-clients` and the signing-key rotation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::backend::AppState;
use app::backend::oidc::clients::{self, Client, ClientFields};
use app::{AppError, ErrorBody};

use super::extract::{ApiJson, ApiPath, Operator};
use super::schema;

/// A product that signs people in with Portico.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"name": "Acme CRM", "redirectUris": ["https://crm.acme.example/callback"], "postLogoutRedirectUris": ["https://crm.acme.example/"]}))]
pub struct NewOidcClient {
    #[schema(schema_with = schema::client_name, required = true)]
    name: Option<String>,
    /// Exact URIs the authorization endpoint may send codes to: `https`,
    /// or `http` on localhost, without a fragment.
    #[schema(required = true, min_items = 1, max_items = 20)]
    redirect_uris: Option<Vec<String>>,
    /// Where the end-session endpoint may send the browser afterwards.
    #[schema(max_items = 20)]
    post_logout_redirect_uris: Option<Vec<String>>,
    /// A public client (single-page or native app) gets no secret and
    /// must use PKCE.
    #[serde(default)]
    public: bool,
}

/// The fields to change; those left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OidcClientPatch {
    #[schema(schema_with = schema::client_name)]
    name: Option<String>,
    #[schema(min_items = 1, max_items = 20)]
    redirect_uris: Option<Vec<String>>,
    #[schema(max_items = 20)]
    post_logout_redirect_uris: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OidcClientDto {
    client_id: String,
    /// Only in the answer to the registration of a confidential client:
    /// it is stored hashed and never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    name: String,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    public: bool,
    #[schema(format = Int64)]
    created_at: i64,
}

impl OidcClientDto {
    fn of(client: Client, client_secret: Option<String>) -> Self {
        OidcClientDto {
            client_id: client.client_id,
            client_secret,
            name: client.name,
            redirect_uris: client.redirect_uris,
            post_logout_redirect_uris: client.post_logout_redirect_uris,
            public: client.public,
            created_at: client.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RotatedKey {
    /// The new signing key's id; the previous keys stay published until
    /// the tokens they signed have expired.
    kid: String,
}

/// Registers a client.
#[utoipa::path(
    post, path = "/api/v1/admin/oidc-clients", tag = "admin",
    request_body = NewOidcClient,
    security(("operator" = [])),
    responses(
        (status = 201, description = "The client, with its secret (confidential clients, shown once)", body = OidcClientDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn create_oidc_client(
    State(state): State<AppState>,
    _operator: Operator,
    ApiJson(body): ApiJson<NewOidcClient>,
) -> Result<(StatusCode, Json<OidcClientDto>), AppError> {
    let fields = ClientFields {
        name: body.name.as_deref(),
        redirect_uris: body.redirect_uris.as_deref(),
        post_logout_redirect_uris: body.post_logout_redirect_uris.as_deref(),
    };
    let (client, secret) = clients::register(&state, fields, body.public).await?;
    Ok((StatusCode::CREATED, Json(OidcClientDto::of(client, secret))))
}

/// Lists the clients (without secrets).
#[utoipa::path(
    get, path = "/api/v1/admin/oidc-clients", tag = "admin",
    security(("operator" = [])),
    responses(
        (status = 200, description = "Every registered client", body = Vec<OidcClientDto>),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn list_oidc_clients(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Vec<OidcClientDto>>, AppError> {
    let list = clients::list(&state).await?;
    Ok(Json(
        list.into_iter()
            .map(|c| OidcClientDto::of(c, None))
            .collect(),
    ))
}

/// One client.
#[utoipa::path(
    get, path = "/api/v1/admin/oidc-clients/{clientId}", tag = "admin",
    params(("clientId" = String, Path, description = "The client's id")),
    security(("operator" = [])),
    responses(
        (status = 200, description = "The client", body = OidcClientDto),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No such client, or PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn get_oidc_client(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath(client_id): ApiPath<String>,
) -> Result<Json<OidcClientDto>, AppError> {
    let client = clients::get(&state, &client_id).await?;
    Ok(Json(OidcClientDto::of(client, None)))
}

/// Changes a client's name or URIs.
#[utoipa::path(
    patch, path = "/api/v1/admin/oidc-clients/{clientId}", tag = "admin",
    params(("clientId" = String, Path, description = "The client's id")),
    request_body = OidcClientPatch,
    security(("operator" = [])),
    responses(
        (status = 200, description = "The client as changed", body = OidcClientDto),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No such client, or PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn update_oidc_client(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath(client_id): ApiPath<String>,
    ApiJson(patch): ApiJson<OidcClientPatch>,
) -> Result<Json<OidcClientDto>, AppError> {
    let fields = ClientFields {
        name: patch.name.as_deref(),
        redirect_uris: patch.redirect_uris.as_deref(),
        post_logout_redirect_uris: patch.post_logout_redirect_uris.as_deref(),
    };
    let client = clients::update(&state, &client_id, fields).await?;
    Ok(Json(OidcClientDto::of(client, None)))
}

/// Deletes a client: its codes and refresh tokens stop working at once.
#[utoipa::path(
    delete, path = "/api/v1/admin/oidc-clients/{clientId}", tag = "admin",
    params(("clientId" = String, Path, description = "The client's id")),
    security(("operator" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "No such client, or PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn delete_oidc_client(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath(client_id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    clients::delete(&state, &client_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs new tokens with a new key (the old ones keep verifying).
#[utoipa::path(
    post, path = "/api/v1/admin/signing-keys/rotate", tag = "admin",
    security(("operator" = [])),
    responses(
        (status = 200, description = "The new key's id", body = RotatedKey),
        (status = 401, description = "Missing or wrong operator token", body = ErrorBody),
        (status = 404, description = "PORTICO_ADMIN_TOKEN is not set", body = ErrorBody),
    )
)]
pub async fn rotate_signing_key(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<RotatedKey>, AppError> {
    let kid = state.keys.rotate().await?;
    Ok(Json(RotatedKey { kid }))
}
