//! SCIM 2.0 over HTTP (RFC 7644, SPEC §11): `/scim/v2/{tenantId}/…` for a
//! tenant's directory. The rules live in `app::backend::directory`; this
//! module reads requests (any JSON content type, the query parameters of
//! a list) and writes SCIM's answers (`application/scim+json`, `ETag`,
//! `Location`, the SCIM error body on every failure).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use app::backend::AppState;
use app::backend::directory::discovery::{self, ERROR_SCHEMA};
use app::backend::directory::document::{Doc, PATCH_SCHEMA, PatchRequest};
use app::backend::directory::{self, Directory, Paging, Projection, ScimError, groups, users};
use app::backend::rate_limit::ip_key;

use crate::rest::extract::ClientIp;

const SCIM_JSON: &str = "application/scim+json";

/// The largest request body (a Group with 10,000 members fits).
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// The handlers below serve Users (`false`) or Groups (`true`).
const USERS: bool = false;
const GROUPS: bool = true;

/// `GET|PUT|PATCH|DELETE` of one resource.
fn one<const G: bool>() -> MethodRouter<AppState> {
    get(get_one::<G>)
        .put(replace::<G>)
        .patch(patch::<G>)
        .delete(delete::<G>)
        .fallback(not_allowed)
}

pub fn router() -> Router<AppState> {
    let read_only = |m: MethodRouter<AppState>| m.fallback(not_allowed);
    Router::new()
        .route(
            "/scim/v2/{tenant}/ServiceProviderConfig",
            read_only(get(service_provider_config)),
        )
        .route(
            "/scim/v2/{tenant}/ResourceTypes",
            read_only(get(resource_types)),
        )
        .route(
            "/scim/v2/{tenant}/ResourceTypes/{id}",
            read_only(get(resource_type)),
        )
        .route("/scim/v2/{tenant}/Schemas", read_only(get(schemas)))
        .route("/scim/v2/{tenant}/Schemas/{id}", read_only(get(schema)))
        .route(
            "/scim/v2/{tenant}/Users",
            get(list::<USERS>)
                .post(create::<USERS>)
                .fallback(not_allowed),
        )
        .route("/scim/v2/{tenant}/Users/.search", post(search::<USERS>))
        .route("/scim/v2/{tenant}/Users/{id}", one::<USERS>())
        .route(
            "/scim/v2/{tenant}/Groups",
            get(list::<GROUPS>)
                .post(create::<GROUPS>)
                .fallback(not_allowed),
        )
        .route("/scim/v2/{tenant}/Groups/.search", post(search::<GROUPS>))
        .route("/scim/v2/{tenant}/Groups/{id}", one::<GROUPS>())
        .route("/scim/v2/{tenant}/.search", post(search_everything))
        .route("/scim/v2/{tenant}/{*rest}", axum::routing::any(unknown))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
}

/// A SCIM answer: the error body for failures.
struct Scim(Response);

impl IntoResponse for Scim {
    fn into_response(self) -> Response {
        self.0
    }
}

fn error_response(e: ScimError) -> Response {
    let mut body = json!({
        "schemas": [ERROR_SCHEMA],
        "status": e.status.to_string(),
        "detail": e.detail,
    });
    if let Some(t) = e.scim_type {
        body["scimType"] = json!(t);
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    if let Some(secs) = e.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if e.status == 401 {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

impl From<ScimError> for Scim {
    fn from(e: ScimError) -> Self {
        Scim(error_response(e))
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    response
}

/// One resource, with its `ETag` (and `Location` when created).
fn resource_response(status: StatusCode, mut doc: Doc, projection: &Projection) -> Response {
    let meta = doc.get("meta").cloned().unwrap_or(Value::Null);
    projection.apply(&mut doc);
    let mut response = json_response(status, &Value::Object(doc));
    let headers = response.headers_mut();
    if let Some(v) = meta["version"]
        .as_str()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        headers.insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED
        && let Some(l) = meta["location"]
            .as_str()
            .and_then(|l| HeaderValue::from_str(l).ok())
    {
        headers.insert(header::LOCATION, l);
    }
    response
}

async fn not_allowed() -> Scim {
    ScimError::new(405, None, "This endpoint does not support that method.").into()
}

async fn unknown() -> Scim {
    ScimError::new(404, None, "No such SCIM endpoint.").into()
}

async fn search_everything() -> Scim {
    ScimError::new(
        501,
        None,
        "Search Users/.search or Groups/.search; searching every resource type at once is not supported.",
    )
    .into()
}

/// The tenant's directory that the request's bearer token belongs to.
async fn directory(
    state: &AppState,
    tenant: &str,
    headers: &HeaderMap,
    client: &ClientIp,
) -> Result<Directory, ScimError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    // A tenant id that is not a number is no tenant: no token is its.
    let tenant_id = tenant.parse::<i64>().unwrap_or(0);
    Ok(directory::tokens::authenticate(state, tenant_id, bearer, &ip_key(client.0)).await?)
}

/// The query parameters of a request.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<String>) -> Self {
        Query(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Result<Option<i64>, ScimError> {
        self.get(name)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    ScimError::invalid_value(format!("{name} must be a whole number."))
                })
            })
            .transpose()
    }

    fn projection(&self) -> Projection {
        Projection::parse(self.get("attributes"), self.get("excludedAttributes"))
    }
}

fn body_json(body: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(body)
        .map_err(|e| ScimError::invalid_syntax(format!("The body is not JSON: {e}.")))
}

fn patch_body(body: &Bytes) -> Result<PatchRequest, ScimError> {
    let request: PatchRequest = serde_json::from_value(body_json(body)?).map_err(|e| {
        ScimError::invalid_syntax(format!("The body is not a PatchOp request: {e}."))
    })?;
    if !request.schemas.is_empty()
        && !request
            .schemas
            .iter()
            .any(|s| s.eq_ignore_ascii_case(PATCH_SCHEMA))
    {
        return Err(ScimError::invalid_syntax(format!(
            "A PATCH names the schema {PATCH_SCHEMA}."
        )));
    }
    Ok(request)
}

fn if_match(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok())
}

fn list_response(docs: Vec<Doc>, total: i64, paging: Paging, projection: &Projection) -> Response {
    let resources = docs
        .into_iter()
        .map(|mut d| {
            projection.apply(&mut d);
            Value::Object(d)
        })
        .collect();
    json_response(
        StatusCode::OK,
        &discovery::list(resources, total, paging.start_index),
    )
}

macro_rules! scim_try {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Scim::from(ScimError::from(e)),
        }
    };
}

async fn service_provider_config(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    client: ClientIp,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    Scim(json_response(
        StatusCode::OK,
        &discovery::service_provider_config(&d.base),
    ))
}

async fn resource_types(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    client: ClientIp,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let all = discovery::resource_types(&d.base);
    let n = all.len() as i64;
    Scim(json_response(StatusCode::OK, &discovery::list(all, n, 1)))
}

async fn resource_type(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    client: ClientIp,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    match discovery::resource_types(&d.base)
        .into_iter()
        .find(|r| r["id"] == id.as_str())
    {
        Some(found) => Scim(json_response(StatusCode::OK, &found)),
        None => ScimError::not_found("resource type", &id).into(),
    }
}

async fn schemas(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    client: ClientIp,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let all = discovery::schemas(&d.base);
    let n = all.len() as i64;
    Scim(json_response(StatusCode::OK, &discovery::list(all, n, 1)))
}

async fn schema(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    client: ClientIp,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    match discovery::schemas(&d.base)
        .into_iter()
        .find(|s| s["id"] == id.as_str())
    {
        Some(found) => Scim(json_response(StatusCode::OK, &found)),
        None => ScimError::not_found("schema", &id).into(),
    }
}

/// What a list or a `.search` asks for.
struct ListRequest {
    filter: Option<String>,
    paging: Paging,
    projection: Projection,
}

impl ListRequest {
    fn from_query(q: &Query) -> Result<Self, ScimError> {
        Ok(ListRequest {
            filter: q.get("filter").map(str::to_string),
            paging: Paging::new(q.number("startIndex")?, q.number("count")?),
            projection: q.projection(),
        })
    }

    /// A SearchRequest body (RFC 7644 §3.4.3).
    fn from_body(body: &Bytes) -> Result<Self, ScimError> {
        let v = body_json(body)?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let list = |k: &str| {
            v.get(k).and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
        };
        let number = |k: &str| -> Result<Option<i64>, ScimError> {
            match v.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(n) => n.as_i64().map(Some).ok_or_else(|| {
                    ScimError::invalid_value(format!("{k} must be a whole number."))
                }),
            }
        };
        Ok(ListRequest {
            filter: text("filter"),
            paging: Paging::new(number("startIndex")?, number("count")?),
            projection: Projection::parse(
                list("attributes").as_deref(),
                list("excludedAttributes").as_deref(),
            ),
        })
    }
}

async fn list<const GROUPS: bool>(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    client: ClientIp,
    RawQuery(raw): RawQuery,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let request = scim_try!(ListRequest::from_query(&Query::parse(raw)));
    page::<GROUPS>(&state, &d, request).await
}

async fn search<const GROUPS: bool>(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    client: ClientIp,
    body: Bytes,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let request = scim_try!(ListRequest::from_body(&body));
    page::<GROUPS>(&state, &d, request).await
}

/// A page of Users, or of Groups (with their members only when the
/// projection keeps them).
async fn page<const GROUPS: bool>(state: &AppState, d: &Directory, r: ListRequest) -> Scim {
    let filter = r.filter.as_deref();
    let (docs, total) = if GROUPS {
        let with_members = !r.projection.leaves_out("members");
        scim_try!(groups::list(state, d, filter, r.paging, with_members).await)
    } else {
        scim_try!(users::list(state, d, filter, r.paging).await)
    };
    Scim(list_response(docs, total, r.paging, &r.projection))
}

async fn create<const GROUPS: bool>(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    client: ClientIp,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let value = scim_try!(body_json(&body));
    let doc = if GROUPS {
        scim_try!(groups::create(&state, &d, value).await)
    } else {
        scim_try!(users::create(&state, &d, value).await)
    };
    Scim(resource_response(
        StatusCode::CREATED,
        doc,
        &Query::parse(raw).projection(),
    ))
}

async fn get_one<const GROUPS: bool>(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    client: ClientIp,
    RawQuery(raw): RawQuery,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let projection = Query::parse(raw).projection();
    let doc = if GROUPS {
        scim_try!(groups::get(&state, &d, &id, !projection.leaves_out("members")).await)
    } else {
        scim_try!(users::get(&state, &d, &id).await)
    };
    Scim(resource_response(StatusCode::OK, doc, &projection))
}

async fn replace<const GROUPS: bool>(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    client: ClientIp,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let value = scim_try!(body_json(&body));
    let if_match = if_match(&headers);
    let doc = if GROUPS {
        scim_try!(groups::replace(&state, &d, &id, value, if_match).await)
    } else {
        scim_try!(users::replace(&state, &d, &id, value, if_match).await)
    };
    Scim(resource_response(
        StatusCode::OK,
        doc,
        &Query::parse(raw).projection(),
    ))
}

async fn patch<const GROUPS: bool>(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    client: ClientIp,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    let operations = scim_try!(patch_body(&body)).operations;
    let if_match = if_match(&headers);
    let doc = if GROUPS {
        scim_try!(groups::patch(&state, &d, &id, operations, if_match).await)
    } else {
        scim_try!(users::patch(&state, &d, &id, operations, if_match).await)
    };
    Scim(resource_response(
        StatusCode::OK,
        doc,
        &Query::parse(raw).projection(),
    ))
}

async fn delete<const GROUPS: bool>(
    State(state): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    client: ClientIp,
) -> Scim {
    let d = scim_try!(directory(&state, &tenant, &headers, &client).await);
    if GROUPS {
        scim_try!(groups::delete(&state, &d, &id, if_match(&headers)).await);
    } else {
        scim_try!(users::delete(&state, &d, &id, if_match(&headers)).await);
    }
    Scim(StatusCode::NO_CONTENT.into_response())
}
