//! The home page, `/`: a landing that routes people. Signed out: sign in,
//! create an account, or what to do with an invitation. Signed in: their
//! tenants and the invitations waiting for their address, each accepted
//! with one button (a plain form: works without JavaScript). It shows no
//! figures of the instance (the operator reads those from
//! `GET /api/v1/admin/stats`); its one island is the status check.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::FormError;
use crate::dto::TenantSummary;
use crate::error::AppError;
use crate::format::{format_date, role_names};
use crate::i18n::lang;
use crate::t;

/// An invitation waiting for the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingInvitation {
    pub id: i64,
    pub tenant_name: String,
    pub roles: Vec<String>,
    pub expires_at: i64,
}

/// What the home page shows the visitor: `None` when signed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub first_name: String,
    pub verified: bool,
    pub tenants: Vec<TenantSummary>,
    pub invitations: Vec<WaitingInvitation>,
}

/// The answer of the status check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub database_ready: bool,
    pub version: String,
}

#[server(prefix = "/rpc", endpoint = "get_home")]
pub async fn get_home() -> Result<Option<Home>, AppError> {
    use crate::backend::{access::accounts, access::session, onboarding::invites};
    let state = crate::backend::app_state()?;
    let Some(account) = session::current_account(&state).await? else {
        return Ok(None);
    };
    let invitations = invites::waiting_for(&state, &account.email)
        .await?
        .into_iter()
        .map(|w| WaitingInvitation {
            id: w.id,
            tenant_name: w.tenant_name,
            roles: w.roles.0,
            expires_at: w.expired_at,
        })
        .collect();
    Ok(Some(Home {
        tenants: accounts::tenants_of(&state, account.id).await?,
        first_name: account.first_name,
        verified: account.email_verified_at.is_some(),
        invitations,
    }))
}

/// Accepts one of the invitations waiting for the signed-in person's
/// (verified) address, then opens the tenant.
#[server(prefix = "/rpc", endpoint = "accept_waiting_invitation")]
pub async fn accept_waiting_invitation(id: i64) -> Result<(), AppError> {
    use crate::backend::{access::session, onboarding::invites};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    let accepted = invites::accept_by_email(&state, account, Some(id)).await?;
    leptos_axum::redirect(&format!("/t/{}", accepted.tenant_id));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "check_server_status")]
pub async fn check_server_status() -> Result<ServerStatus, AppError> {
    let state = crate::backend::app_state()?;
    Ok(ServerStatus {
        database_ready: state.db.is_ready().await,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    let accept = ServerAction::<AcceptWaitingInvitation>::new();
    view! {
        <Title text="" />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    home.await.map(|home| match home {
                        None => view! { <SignedOut /> }.into_any(),
                        Some(home) => view! { <SignedIn home accept /> }.into_any(),
                    })
                })}
            </ErrorBoundary>
        </Suspense>
        <StatusCheck words=StatusWords {
            heading: t!("status-heading"),
            button: t!("status-button"),
            checking: t!("status-checking"),
            not_checked: t!("status-not-checked"),
            up: t!("status-up", version = "{version}", database = "{database}", checks = "{checks}"),
            reachable: t!("status-reachable"),
            unreachable: t!("status-unreachable"),
            no_server: t!("status-no-server"),
            answered: t!("status-answered", status = "{status}"),
        } />
    }
}

/// Where a visitor goes next.
#[component]
fn SignedOut() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>{t!("home-title")}</h1>
            <p class="lede">{t!("home-lede")}</p>
        </section>
        <div class="cards" data-testid="home-routes">
            <section class="panel" aria-labelledby="home-sign-in">
                <h2 id="home-sign-in">{t!("home-have-account")}</h2>
                <p><a class="button" href="/login">{t!("sign-in")}</a></p>
            </section>
            <section class="panel" aria-labelledby="home-register">
                <h2 id="home-register">{t!("home-new-here")}</h2>
                <p>{t!("home-new-here-text")}</p>
                <p><a class="button" href="/register">{t!("create-account")}</a></p>
            </section>
            <section class="panel" aria-labelledby="home-invited">
                <h2 id="home-invited">{t!("home-invited")}</h2>
                <p>{t!("home-invited-text")}</p>
            </section>
        </div>
    }
}

/// A signed-in person's tenants and the invitations waiting for them.
#[component]
fn SignedIn(home: Home, accept: ServerAction<AcceptWaitingInvitation>) -> impl IntoView {
    let value = accept.value();
    let no_tenants = home.tenants.is_empty();
    view! {
        <h1>{t!("home-welcome", name = home.first_name.clone())}</h1>
        {(!home.invitations.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="waiting-heading" data-testid="home-invitations">
                <h2 id="waiting-heading">{t!("home-waiting")}</h2>
                {(!home.verified).then(|| view! { <p>{t!("home-confirm-first")}</p> })}
                <ul>
                    {home.invitations.into_iter().map(|i| {
                        let label = t!("invite-join", tenant = i.tenant_name.clone());
                        view! {
                            <li>
                                <strong>{i.tenant_name.clone()}</strong>
                                " — " {role_names(lang(), &i.roles)} " — "
                                {t!("home-expires", date = format_date(lang(), i.expires_at))} " "
                                {home.verified.then(|| view! {
                                    <ActionForm action=accept attr:class="inline-form">
                                        <input type="hidden" name="id" value=i.id />
                                        <button type="submit">{label}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <FormError value />
            </section>
        })}
        <section class="panel" aria-labelledby="tenants-heading" data-testid="home-tenants">
            <h2 id="tenants-heading">{t!("account-my-tenants")}</h2>
            {if no_tenants {
                view! { <p>{t!("home-no-tenants")}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {home.tenants.into_iter().map(|t| view! {
                            <li>
                                <a href=format!("/t/{}", t.id)>{t.name.clone()}</a>
                                " — " {role_names(lang(), &t.roles)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The status check's words, in the page's language: the island gets
/// them as props (the browser has no message files). `up` and
/// `answered` hold `{version}`, `{database}`, `{checks}`, `{status}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusWords {
    heading: String,
    button: String,
    checking: String,
    not_checked: String,
    up: String,
    reachable: String,
    unreachable: String,
    no_server: String,
    answered: String,
}

/// The status check: an island, the one part of this page that runs in the
/// browser. It posts to the `check_server_status` server function with a
/// plain `fetch` (the server-function client would add its encoders to
/// every page's WASM for this one button).
#[island]
fn StatusCheck(words: StatusWords) -> impl IntoView {
    let checks_run = RwSignal::new(0u32);
    let answer = RwSignal::new(None::<Result<ServerStatus, StatusError>>);
    let pending = RwSignal::new(false);
    let on_click = move |_| {
        checks_run.update(|n| *n += 1);
        pending.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            answer.set(Some(fetch_status().await));
            pending.set(false);
        });
    };
    view! {
        <section class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">{words.heading.clone()}</h2>
            <button type="button" class="button" on:click=on_click>
                {words.button.clone()}
            </button>
            <p role="status" aria-live="polite">
                {move || match answer.get() {
                    None if pending.get() => words.checking.clone(),
                    None => words.not_checked.clone(),
                    Some(Ok(s)) => words
                        .up
                        .replace("{version}", &s.version)
                        .replace(
                            "{database}",
                            if s.database_ready { &words.reachable } else { &words.unreachable },
                        )
                        .replace("{checks}", &checks_run.get().to_string()),
                    Some(Err(StatusError::Unreachable)) => words.no_server.clone(),
                    Some(Err(StatusError::Answered(status))) => {
                        words.answered.replace("{status}", &status.to_string())
                    }
                }}
            </p>
        </section>
    }
}

/// Why the status check has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum StatusError {
    Unreachable,
    Answered(u16),
}

/// Calls `check_server_status` and reads its JSON answer.
#[cfg(feature = "hydrate")]
async fn fetch_status() -> Result<ServerStatus, StatusError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let unreachable = |_| StatusError::Unreachable;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let response: web_sys::Response =
        JsFuture::from(window().fetch_with_str_and_init("/rpc/check_server_status", &init))
            .await
            .map_err(unreachable)?
            .unchecked_into();
    if !response.ok() {
        return Err(StatusError::Answered(response.status()));
    }
    let body = JsFuture::from(response.json().map_err(unreachable)?)
        .await
        .map_err(unreachable)?;
    let field = |name: &str| js_sys::Reflect::get(&body, &name.into()).ok();
    Ok(ServerStatus {
        database_ready: field("database_ready").and_then(|v| v.as_bool()) == Some(true),
        version: field("version")
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
    })
}
