//! `/t/{tenantId}`: a tenant's home for its ACTIVE members. Anyone else,
//! including members of other tenants, gets "not found".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::error_template::ErrorTemplate;
use crate::components::tenant_nav::TenantNav;
use crate::dto::TenantSummary;
use crate::error::AppError;

#[server(prefix = "/rpc", endpoint = "get_tenant_home")]
pub async fn get_tenant_home(tenant_id: i64) -> Result<TenantSummary, AppError> {
    use crate::backend::{accounts, session};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    accounts::tenants_of(&state, account.id)
        .await?
        .into_iter()
        .find(|t| t.id == tenant_id)
        .ok_or(AppError::NotFound)
}

#[component]
pub fn TenantHomePage() -> impl IntoView {
    let params = use_params_map();
    let tenant_id = move || {
        params
            .read()
            .get("tenant_id")
            .and_then(|s| s.parse::<i64>().ok())
    };
    let tenant = Resource::new(tenant_id, |id| async move {
        match id {
            Some(id) => get_tenant_home(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    tenant
                        .await
                        .map(|t| {
                            view! {
                                <Title text=t.name.clone() />
                                <TenantNav tenant_id=t.id tenant_name=t.name.clone() />
                                <section class="panel">
                                    <h1>{t.name.clone()}</h1>
                                    <p>"Your roles: " {t.roles.join(", ")}</p>
                                </section>
                            }
                        })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
