//! `/oauth/choose`: an application asks Portico to sign someone in, and
//! they are an active member of several tenants (or none). The form sends
//! the application's request back to the authorization endpoint with the
//! chosen `tenant_id`; it is a plain GET form, so it works without
//! JavaScript and changes nothing until the endpoint answers.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::sign_out_button::SignOutButton;
use crate::error::AppError;
use crate::t;

/// The choice as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceView {
    pub client_name: String,
    pub email: String,
    pub fields: Vec<(String, String)>,
    /// The request without a tenant: "Use another account" comes back here.
    pub restart_url: String,
    pub tenants: Vec<(i64, String)>,
    pub last: Option<i64>,
}

/// `search`: the page's query string, the application's request.
#[server(prefix = "/rpc", endpoint = "get_tenant_choice")]
pub async fn get_tenant_choice(search: String) -> Result<ChoiceView, AppError> {
    use crate::backend::access::session;
    use crate::backend::oidc::authorize::{self, Refusal};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    let params = url::form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .into_owned()
        .collect();
    let request = match authorize::parse(&state, params).await {
        Ok(request) => request,
        Err(Refusal::Page(why)) => return Err(AppError::ForbiddenBecause(why)),
        Err(Refusal::Redirect(_)) => {
            return Err(AppError::ForbiddenBecause(t!("choose-invalid-request")));
        }
        Err(Refusal::Failed(e)) => return Err(e),
    };
    let choice = authorize::tenant_choice(&state, &request, account.id).await?;
    Ok(ChoiceView {
        client_name: choice.client_name,
        email: account.email,
        fields: choice.fields,
        restart_url: choice.restart_url,
        tenants: choice.tenants,
        last: choice.last,
    })
}

#[component]
pub fn ChooseTenantPage() -> impl IntoView {
    let location = use_location();
    let data = Resource::new(move || location.search.get(), get_tenant_choice);
    view! {
        <Title text={t!("choose-title")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    data.await.map(|choice| view! { <Choice choice /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Choice(choice: ChoiceView) -> impl IntoView {
    // Signing out comes back through the authorization endpoint, which
    // then asks the next person to sign in.
    let again = choice.restart_url;
    let body = if choice.tenants.is_empty() {
        view! {
            <p class="notice" role="alert">
                {t!("choose-no-tenant", client = choice.client_name.clone())}
            </p>
        }
        .into_any()
    } else {
        let last = choice.last.or_else(|| choice.tenants.first().map(|t| t.0));
        view! {
            <p>{t!("choose-which", client = choice.client_name.clone())}</p>
            <form method="get" action="/oauth/authorize" class="stacked">
                {choice
                    .fields
                    .into_iter()
                    .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                    .collect_view()}
                <fieldset>
                    <legend>{t!("invite-tenant")}</legend>
                    {choice
                        .tenants
                        .into_iter()
                        .map(|(id, name)| {
                            view! {
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="tenant_id"
                                        value=id.to_string()
                                        checked=last == Some(id)
                                        required=true
                                    />
                                    {name}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit">{t!("choose-continue")}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="panel">
            <h1>{t!("choose-title")}</h1>
            {body}
            <p>
                {t!("choose-signed-in-as", email = choice.email.clone())} " "
                <SignOutButton next=again label=t!("choose-other-account") />
            </p>
        </section>
    }
}
