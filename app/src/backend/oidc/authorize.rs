//! The authorization endpoint (SPEC §10): checks a request, then says
//! where the browser goes next — to sign in, to choose a tenant, or back
//! to the client with a code (or an error). An unknown client or redirect
//! URI is never redirected to: Portico shows its own error page.

use url::Url;

use crate::backend::access::accounts::AccountRow;
use crate::backend::crypto;
use crate::backend::db::{self, now_ms, oidc::CodeRow};
use crate::backend::oidc::clients::{self, Client};
use crate::backend::state::AppState;
use crate::domain::MemberStatus;
use crate::error::AppError;

/// Where the endpoint lives (discovery names it).
pub const PATH: &str = "/oauth/authorize";
/// Where a person in several tenants chooses one (a Portico page).
pub const CHOOSER_PATH: &str = "/oauth/choose";
/// A code lives this long, in milliseconds.
pub const CODE_MS: i64 = 60_000;
/// Internal parameter: the sign-in must have happened at or after this
/// time (seconds), set when Portico sends the person to sign in again for
/// `prompt=login` or `max_age`.
const AUTH_AFTER: &str = "auth_after";
const MAX_PARAM_CHARS: usize = 2000;
/// What the tenant chooser's form leaves out of the request it sends back.
const CHOOSER_DROPS: &[&str] = &["tenant_id", "prompt"];

/// `prompt` (OpenID Connect Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub select_account: bool,
}

/// A checked authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub client: Client,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// Space-separated, as asked (it contains `openid`).
    pub scope: String,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    pub tenant_id: Option<i64>,
    auth_after: Option<i64>,
    /// The parameters as received, to send the browser back with.
    params: Vec<(String, String)>,
}

/// Why a request is refused.
#[derive(Debug)]
pub enum Refusal {
    /// Shown on Portico's error page (the client or its redirect URI is
    /// unknown, so there is nowhere safe to send the answer).
    Page(String),
    /// Sent back to the client: the location to redirect to.
    Redirect(String),
    Failed(AppError),
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal::Failed(e)
    }
}

/// The signed-in person, as the session knows them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: AccountRow,
    /// When they signed in, in seconds (0 when the session predates it).
    pub auth_time: i64,
}

/// The request's one value of `name`; a parameter given twice is refused.
fn single<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, String> {
    let mut values = params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(format!("The parameter {name} is given more than once."));
    }
    match first {
        Some(v) if v.len() > MAX_PARAM_CHARS => Err(format!("The parameter {name} is too long.")),
        Some("") => Ok(None),
        other => Ok(other),
    }
}

/// Checks an authorization request's parameters (query or form).
pub async fn parse(
    state: &AppState,
    params: Vec<(String, String)>,
) -> Result<AuthorizationRequest, Refusal> {
    let client_id = single(&params, "client_id")
        .map_err(Refusal::Page)?
        .ok_or_else(|| Refusal::Page("The request names no client (client_id).".into()))?;
    let client = clients::find(state, client_id)
        .await?
        .ok_or_else(|| Refusal::Page("No application is registered with this client_id.".into()))?;
    let redirect_uri = single(&params, "redirect_uri")
        .map_err(Refusal::Page)?
        .ok_or_else(|| Refusal::Page("The request names no redirect_uri.".into()))?;
    if !client.allows_redirect(redirect_uri) {
        return Err(Refusal::Page(
            "This redirect_uri is not registered for the application.".into(),
        ));
    }
    let redirect_uri = redirect_uri.to_owned();
    let state_param = single(&params, "state").ok().flatten().map(str::to_owned);
    let refuse = |error: &str, description: String| {
        Refusal::Redirect(error_location(
            state,
            &redirect_uri,
            error,
            &description,
            state_param.as_deref(),
        ))
    };
    let get = |name: &str| single(&params, name).map_err(|d| refuse("invalid_request", d));
    if get("request")?.is_some() || get("request_uri")?.is_some() {
        return Err(refuse(
            "request_not_supported",
            "Request objects are not supported.".into(),
        ));
    }
    match get("response_type")? {
        Some("code") => {}
        None => {
            return Err(refuse(
                "invalid_request",
                "response_type is missing.".into(),
            ));
        }
        Some(_) => {
            return Err(refuse(
                "unsupported_response_type",
                "Only response_type=code is supported.".into(),
            ));
        }
    }
    if get("response_mode")?.is_some_and(|m| m != "query") {
        return Err(refuse(
            "invalid_request",
            "Only response_mode=query is supported.".into(),
        ));
    }
    let scope = get("scope")?.unwrap_or_default();
    if !scope.split(' ').any(|s| s == "openid") {
        return Err(refuse(
            "invalid_scope",
            "The scope must include openid.".into(),
        ));
    }
    let code_challenge = match (get("code_challenge")?, get("code_challenge_method")?) {
        (None, None) if client.public => {
            return Err(refuse(
                "invalid_request",
                "A public client must use PKCE (code_challenge with S256).".into(),
            ));
        }
        (None, None) => None,
        (Some(c), Some("S256")) if is_challenge(c) => Some(c.to_owned()),
        (Some(_), Some("S256")) => {
            return Err(refuse(
                "invalid_request",
                "code_challenge must be 43 base64url characters (S256).".into(),
            ));
        }
        (Some(_), None | Some("plain")) | (None, Some(_)) => {
            return Err(refuse(
                "invalid_request",
                "Use code_challenge with code_challenge_method=S256.".into(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(refuse(
                "invalid_request",
                "Only code_challenge_method=S256 is supported.".into(),
            ));
        }
    };
    let mut prompt = Prompt::default();
    for word in get("prompt")?
        .unwrap_or_default()
        .split(' ')
        .filter(|w| !w.is_empty())
    {
        match word {
            "none" => prompt.none = true,
            "login" => prompt.login = true,
            "select_account" => prompt.select_account = true,
            "consent" => {}
            other => {
                return Err(refuse(
                    "invalid_request",
                    format!("prompt={other} is not supported."),
                ));
            }
        }
    }
    if prompt.none && (prompt.login || prompt.select_account) {
        return Err(refuse(
            "invalid_request",
            "prompt=none cannot be combined with other values.".into(),
        ));
    }
    let number = |name: &str| -> Result<Option<i64>, Refusal> {
        get(name)?
            .map(|v| {
                v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                    refuse("invalid_request", format!("{name} must be a whole number."))
                })
            })
            .transpose()
    };
    let max_age = number("max_age")?;
    let auth_after = number(AUTH_AFTER)?;
    let tenant_id = number("tenant_id")?;
    let nonce = get("nonce")?.map(str::to_owned);
    let login_hint = get("login_hint")?.map(str::to_owned);
    let scope = scope.to_owned();
    Ok(AuthorizationRequest {
        client,
        redirect_uri,
        state: state_param,
        nonce,
        scope,
        code_challenge,
        prompt,
        max_age,
        login_hint,
        tenant_id,
        auth_after,
        params,
    })
}

/// 43 to 128 characters of base64url: an S256 challenge is 43.
fn is_challenge(c: &str) -> bool {
    (43..=128).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// The client's redirect URI with `pairs` added to its query, and `iss`
/// (RFC 9207: the client can tell which provider answered).
fn client_location(
    state: &AppState,
    redirect_uri: &str,
    pairs: &[(&str, &str)],
    client_state: Option<&str>,
) -> String {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return "/".into();
    };
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(s) = client_state {
            query.append_pair("state", s);
        }
        query.append_pair("iss", &state.config.base_url);
    }
    url.to_string()
}

fn error_location(
    state: &AppState,
    redirect_uri: &str,
    error: &str,
    description: &str,
    client_state: Option<&str>,
) -> String {
    client_location(
        state,
        redirect_uri,
        &[("error", error), ("error_description", description)],
        client_state,
    )
}

impl AuthorizationRequest {
    /// This request's URL at `path`, without the parameters in `drop`
    /// and with `extra` added.
    fn url_at(&self, path: &str, drop: &[&str], extra: &[(&str, String)]) -> String {
        let mut out = form_urlencoded_pairs(
            self.params
                .iter()
                .filter(|(k, _)| !drop.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain(extra.iter().map(|(k, v)| (*k, v.as_str()))),
        );
        out.insert(0, '?');
        out.insert_str(0, path);
        out
    }

    /// The parameters to carry through the tenant chooser's form: all
    /// but the tenant and `prompt` (the choice is the answer to it).
    pub fn chooser_fields(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .filter(|(k, _)| !CHOOSER_DROPS.contains(&k.as_str()))
            .cloned()
            .collect()
    }

    /// This request again, as the chooser would send it without a tenant
    /// (where "Use another account" comes back to after signing out).
    pub fn restart_url(&self) -> String {
        self.url_at(PATH, CHOOSER_DROPS, &[])
    }

    fn error_at(&self, state: &AppState, error: &str, description: &str) -> String {
        error_location(
            state,
            &self.redirect_uri,
            error,
            description,
            self.state.as_deref(),
        )
    }
}

/// Encodes pairs as `application/x-www-form-urlencoded`.
fn form_urlencoded_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// What the endpoint answers: always a redirect, to this location.
pub async fn decide(
    state: &AppState,
    request: &AuthorizationRequest,
    signed_in: Option<SignedIn>,
) -> Result<String, AppError> {
    let now = now_ms() / 1000;
    let fresh_enough = |s: &SignedIn| {
        request.auth_after.is_none_or(|t| s.auth_time >= t)
            && request.max_age.is_none_or(|age| now - s.auth_time <= age)
    };
    let needs_sign_in = match &signed_in {
        None => true,
        Some(s) => (request.prompt.login && request.auth_after.is_none()) || !fresh_enough(s),
    };
    if needs_sign_in {
        if request.prompt.none {
            return Ok(request.error_at(state, "login_required", "The person is not signed in."));
        }
        // Back here after signing in, with a sign-in at least this recent.
        let back = request.url_at(
            PATH,
            &["prompt", AUTH_AFTER],
            &[(AUTH_AFTER, now.to_string())],
        );
        let mut login = format!("/login?next={}", crate::format::query_value(&back));
        if let Some(hint) = &request.login_hint {
            login.push_str("&email=");
            login.push_str(&crate::format::query_value(hint));
        }
        return Ok(login);
    }
    let Some(SignedIn { account, auth_time }) = signed_in else {
        return Err(AppError::broken("sign-in checked above"));
    };
    let mut conn = state.db.read().await?;
    let tenant_id = match request.tenant_id {
        Some(id) if !request.prompt.select_account => id,
        _ => {
            let tenants = db::members::tenants_of(&mut conn, account.id).await?;
            match tenants.as_slice() {
                [only] if !request.prompt.select_account => only.id,
                _ if request.prompt.none => {
                    return Ok(request.error_at(
                        state,
                        "account_selection_required",
                        "The person must choose a tenant.",
                    ));
                }
                // None (the chooser says so), several, or asked to choose.
                _ => return Ok(request.url_at(CHOOSER_PATH, &[], &[])),
            }
        }
    };
    let active = db::members::membership(&mut conn, tenant_id, account.id)
        .await?
        .is_some_and(|m| m.status == MemberStatus::Active);
    drop(conn);
    if !active {
        return Ok(request.error_at(
            state,
            "access_denied",
            "The person is not an active member of this tenant.",
        ));
    }
    let (code, code_hash) = crypto::new_token();
    let now_ms = now_ms();
    let row = CodeRow {
        code_hash,
        client_id: request.client.client_id.clone(),
        account_id: account.id,
        tenant_id,
        credentials_version: account.credentials_version,
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: request.nonce.clone(),
        scope: request.scope.clone(),
        auth_time,
        expires_at: now_ms + CODE_MS,
        used_at: None,
    };
    let mut conn = state.db.write().await?;
    db::oidc::insert_code(&mut conn, &row).await?;
    db::oidc::remember_tenant(&mut conn, account.id, tenant_id).await?;
    Ok(client_location(
        state,
        &request.redirect_uri,
        &[("code", &code)],
        request.state.as_deref(),
    ))
}

/// What the tenant chooser shows a signed-in person.
#[derive(Debug, Clone)]
pub struct TenantChoice {
    pub client_name: String,
    /// The request's parameters, for the chooser's form to send back.
    pub fields: Vec<(String, String)>,
    /// The request without a tenant, to come back to after signing out.
    pub restart_url: String,
    /// Active memberships: tenant id and name.
    pub tenants: Vec<(i64, String)>,
    /// The tenant chosen last time, preselected.
    pub last: Option<i64>,
}

/// The tenants `account_id` may sign in to `request`'s client with.
pub async fn tenant_choice(
    state: &AppState,
    request: &AuthorizationRequest,
    account_id: i64,
) -> Result<TenantChoice, AppError> {
    let mut conn = state.db.read().await?;
    let tenants = db::members::tenants_of(&mut conn, account_id).await?;
    let last = db::oidc::last_tenant(&mut conn, account_id).await?;
    Ok(TenantChoice {
        client_name: request.client.name.clone(),
        fields: request.chooser_fields(),
        restart_url: request.restart_url(),
        last: last.filter(|id| tenants.iter().any(|t| t.id == *id)),
        tenants: tenants.into_iter().map(|t| (t.id, t.name)).collect(),
    })
}
