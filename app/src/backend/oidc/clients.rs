//! The products that sign people in with Portico (SPEC §10), registered
//! by the instance operator. A confidential client has a secret, shown
//! once and stored as its SHA-256; a public client (a single-page or
//! native app) has none and must use PKCE. Redirect URIs match exactly.

use url::Url;

use crate::backend::crypto;
use crate::backend::db::{self, now_ms, oidc::ClientRow};
use crate::backend::state::AppState;
use crate::domain::FormParser;
use crate::error::AppError;

const MAX_URIS: usize = 20;
const MAX_URI_CHARS: usize = 2000;
const MAX_NAME_CHARS: usize = 100;

/// A client as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub client_id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub public: bool,
    pub created_at: i64,
    pub(crate) secret_hash: Option<String>,
}

impl Client {
    fn of(row: ClientRow) -> Client {
        Client {
            redirect_uris: serde_json::from_str(&row.redirect_uris).unwrap_or_default(),
            post_logout_redirect_uris: serde_json::from_str(&row.post_logout_redirect_uris)
                .unwrap_or_default(),
            public: row.secret_hash.is_none(),
            secret_hash: row.secret_hash,
            client_id: row.client_id,
            name: row.name,
            created_at: row.created_at,
        }
    }

    /// Whether `uri` is one of the registered redirect URIs, exactly.
    pub fn allows_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|u| u == uri)
    }

    pub fn allows_post_logout_redirect(&self, uri: &str) -> bool {
        self.post_logout_redirect_uris.iter().any(|u| u == uri)
    }

    /// Whether `secret` is this confidential client's secret (constant
    /// time); a public client has none.
    pub fn secret_matches(&self, secret: &str) -> bool {
        self.secret_hash
            .as_deref()
            .is_some_and(|h| crypto::hashes_equal(&crypto::hash_token(secret), h))
    }
}

/// What the operator sends to register or change a client; `None` leaves
/// a field as it is (on a change).
#[derive(Debug, Default)]
pub struct ClientFields<'a> {
    pub name: Option<&'a str>,
    pub redirect_uris: Option<&'a [String]>,
    pub post_logout_redirect_uris: Option<&'a [String]>,
}

fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        Err("Give the client a name.".into())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(format!("Use at most {MAX_NAME_CHARS} characters."))
    } else if name.chars().any(char::is_control) {
        Err("Use no control characters.".into())
    } else {
        Ok(name.to_owned())
    }
}

/// A redirect URI a client may register: absolute, `https` (or `http` on
/// a loopback host, for development), no fragment, no credentials.
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    if uri.len() > MAX_URI_CHARS {
        return Err(format!("Use at most {MAX_URI_CHARS} characters per URI."));
    }
    let parsed = Url::parse(uri).map_err(|_| format!("{uri:?} is not an absolute URL."))?;
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(format!("{uri:?}: use https (http only on localhost).")),
    }
    if parsed.fragment().is_some() {
        return Err(format!("{uri:?}: a redirect URI has no #fragment."));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "{uri:?}: a redirect URI carries no user name or password."
        ));
    }
    Ok(())
}

fn check_uris(uris: &[String], at_least_one: bool) -> Result<Vec<String>, String> {
    if at_least_one && uris.is_empty() {
        return Err("Give at least one redirect URI.".into());
    }
    if uris.len() > MAX_URIS {
        return Err(format!("Give at most {MAX_URIS} URIs."));
    }
    for uri in uris {
        check_redirect_uri(uri)?;
    }
    let mut unique = uris.to_vec();
    unique.dedup();
    Ok(unique)
}

/// Registers a client; returns it with its secret (confidential clients:
/// the only time the secret is shown).
pub async fn register(
    state: &AppState,
    fields: ClientFields<'_>,
    public: bool,
) -> Result<(Client, Option<String>), AppError> {
    let mut form = FormParser::default();
    let name = form.field(
        "name",
        fields
            .name
            .ok_or_else(|| "This field is required.".to_owned())
            .and_then(check_name),
    );
    let redirect_uris = form.field(
        "redirectUris",
        fields
            .redirect_uris
            .ok_or_else(|| "This field is required.".to_owned())
            .and_then(|u| check_uris(u, true)),
    );
    let post_logout = form.field(
        "postLogoutRedirectUris",
        check_uris(fields.post_logout_redirect_uris.unwrap_or_default(), false),
    );
    let (name, redirect_uris, post_logout) =
        form.finish(|| Some((name?, redirect_uris?, post_logout?)))?;
    let client_id = format!("portico_{}", &crypto::new_token().0[..22]);
    let (secret, secret_hash) = if public {
        (None, None)
    } else {
        let (secret, hash) = crypto::new_token();
        (Some(secret), Some(hash))
    };
    let now = now_ms();
    let row = ClientRow {
        client_id,
        secret_hash,
        name,
        redirect_uris: serde_json::to_string(&redirect_uris).unwrap_or_default(),
        post_logout_redirect_uris: serde_json::to_string(&post_logout).unwrap_or_default(),
        created_at: now,
        updated_at: now,
    };
    let mut conn = state.db.write().await?;
    db::oidc::insert_client(&mut conn, &row).await?;
    Ok((Client::of(row), secret))
}

/// The client, if registered.
pub async fn find(state: &AppState, client_id: &str) -> Result<Option<Client>, AppError> {
    let mut conn = state.db.read().await?;
    Ok(db::oidc::find_client(&mut conn, client_id)
        .await?
        .map(Client::of))
}

pub async fn get(state: &AppState, client_id: &str) -> Result<Client, AppError> {
    find(state, client_id).await?.ok_or(AppError::NotFound)
}

pub async fn list(state: &AppState) -> Result<Vec<Client>, AppError> {
    let mut conn = state.db.read().await?;
    Ok(db::oidc::list_clients(&mut conn)
        .await?
        .into_iter()
        .map(Client::of)
        .collect())
}

/// Changes the fields given.
pub async fn update(
    state: &AppState,
    client_id: &str,
    fields: ClientFields<'_>,
) -> Result<Client, AppError> {
    let mut form = FormParser::default();
    let name = fields.name.map(|n| form.field("name", check_name(n)));
    let redirect_uris = fields
        .redirect_uris
        .map(|u| form.field("redirectUris", check_uris(u, true)));
    let post_logout = fields
        .post_logout_redirect_uris
        .map(|u| form.field("postLogoutRedirectUris", check_uris(u, false)));
    form.finish(|| Some(()))?;
    let mut conn = state.db.write().await?;
    let mut row = db::oidc::find_client(&mut conn, client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(Some(name)) = name {
        row.name = name;
    }
    if let Some(Some(uris)) = redirect_uris {
        row.redirect_uris = serde_json::to_string(&uris).unwrap_or_default();
    }
    if let Some(Some(uris)) = post_logout {
        row.post_logout_redirect_uris = serde_json::to_string(&uris).unwrap_or_default();
    }
    row.updated_at = now_ms();
    db::oidc::update_client(&mut conn, &row).await?;
    Ok(Client::of(row))
}

/// Deletes a client: its codes and refresh tokens stop working at once.
pub async fn delete(state: &AppState, client_id: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if !db::oidc::delete_client(&mut tx, client_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_https_or_loopback_http_without_fragment() {
        for good in [
            "https://app.example.com/callback",
            "http://localhost:4000/cb",
            "http://127.0.0.1:8080/cb?x=1",
        ] {
            assert_eq!(check_redirect_uri(good), Ok(()), "{good}");
        }
        for bad in [
            "http://app.example.com/callback",
            "https://app.example.com/cb#x",
            "/callback",
            "javascript:alert(1)",
            "https://user:pw@app.example.com/cb",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad}");
        }
    }
}
