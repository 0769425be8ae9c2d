//! The home page: what Portico is, live numbers fetched through a server
//! function, and a status check that runs another server function on click.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::error::AppError;
use crate::t;

/// How much this Portico instance hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeStats {
    pub tenants: i64,
    pub accounts: i64,
    pub pending_invites: i64,
}

/// The answer of the status check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub database_ready: bool,
    pub version: String,
}

#[server(prefix = "/rpc", endpoint = "get_home_stats")]
pub async fn get_home_stats() -> Result<HomeStats, AppError> {
    let state = crate::backend::app_state()?;
    let (tenants, accounts, pending_invites) =
        crate::backend::tenant_admin::instance_counts(&state).await?;
    Ok(HomeStats {
        tenants,
        accounts,
        pending_invites,
    })
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
    let stats = Resource::new(|| (), |_| get_home_stats());

    view! {
        <Title text="" />
        <section class="hero">
            <h1>{t!("home-title")}</h1>
            <p class="lede">{t!("home-lede")}</p>
        </section>
        <section class="panel" aria-labelledby="stats-heading">
            <h2 id="stats-heading">{t!("home-instance")}</h2>
            <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                    {move || Suspend::new(async move {
                        stats
                            .await
                            .map(|s| {
                                view! {
                                    <dl class="stats" data-testid="home-stats">
                                        <div>
                                            <dt>{t!("home-tenants")}</dt>
                                            <dd>{s.tenants}</dd>
                                        </div>
                                        <div>
                                            <dt>{t!("home-people")}</dt>
                                            <dd>{s.accounts}</dd>
                                        </div>
                                        <div>
                                            <dt>{t!("home-pending")}</dt>
                                            <dd>{s.pending_invites}</dd>
                                        </div>
                                    </dl>
                                }
                            })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
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
