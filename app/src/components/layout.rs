//! The frame of every page: header with navigation (and the signed-in
//! person's menu), the unverified-email banner, main area, footer.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::sign_out_button::SignOutButton;
use crate::components::unverified_banner::UnverifiedBanner;
use crate::dto::Viewer;
use crate::error::AppError;
use crate::t;

#[server(prefix = "/rpc", endpoint = "get_viewer")]
pub async fn get_viewer() -> Result<Viewer, AppError> {
    use crate::backend::{access::accounts, access::session};
    let state = crate::backend::app_state()?;
    let Some(account) = session::current_account(&state).await? else {
        return Ok(Viewer::default());
    };
    Ok(Viewer {
        tenants: accounts::tenants_of(&state, account.id).await?,
        account: Some(account.info()),
    })
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    // Fetched again on every navigation, so that signing in or out shows.
    let viewer = Resource::new(
        move || (location.pathname.get(), location.search.get()),
        |_| get_viewer(),
    );
    view! {
        <a class="skip-link" href="#main">{t!("skip-to-content")}</a>
        <header class="site-header">
            <a class="brand" href="/">
                "Portico"
            </a>
            <nav aria-label=t!("nav-main")>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let viewer = viewer.await.unwrap_or_default();
                        view! { <MainNav viewer /> }
                    })}
                </Suspense>
            </nav>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let unverified = viewer
                    .await
                    .ok()
                    .and_then(|v| v.account)
                    .is_some_and(|a| !a.email_verified);
                unverified.then(|| view! { <UnverifiedBanner /> })
            })}
        </Suspense>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <p>{t!("footer-tagline")} " · " <a href="/api/docs" rel="external">{t!("footer-api")}</a></p>
        </footer>
    }
}

#[component]
fn MainNav(viewer: Viewer) -> impl IntoView {
    match viewer.account {
        None => view! {
            <ul>
                <li>
                    <a href="/login">{t!("sign-in")}</a>
                </li>
                <li>
                    <a href="/register">{t!("create-account")}</a>
                </li>
            </ul>
        }
        .into_any(),
        Some(account) => view! {
            <ul>
                {viewer
                    .tenants
                    .into_iter()
                    .map(|t| {
                        view! {
                            <li>
                                <a href=format!("/t/{}", t.id)>{t.name}</a>
                            </li>
                        }
                    })
                    .collect_view()}
                <li>
                    <a href="/account" aria-label=t!("nav-account-of", email = account.email.clone())>
                        {t!("nav-account")}
                    </a>
                </li>
                <li>
                    <SignOutButton />
                </li>
            </ul>
        }
        .into_any(),
    }
}
