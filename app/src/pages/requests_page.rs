//! `/t/{tenantId}/requests`: join requests (SPEC §12). Tenant managers see
//! who asks to join (by the tenant's domain or a request-mode link), with
//! their message, and approve (with the roles they choose; seats are
//! checked then) or deny. Every form works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::FormError;
use crate::components::pager::Pager;
use crate::components::role_choices::RoleChoices;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::components::time::RelativeTime;
use crate::dto::{JoinRequestInfo, Page};
use crate::error::AppError;
use crate::format::role_names;
use crate::i18n::lang;
use crate::t;

/// Everything the requests page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub grantable_roles: Vec<String>,
    pub requests: Page<JoinRequestInfo>,
}

#[server(prefix = "/rpc", endpoint = "get_requests_page")]
pub async fn get_requests_page(
    tenant_id: i64,
    page: Option<i64>,
) -> Result<RequestsPageData, AppError> {
    use crate::backend::{onboarding::join_requests, tenant_admin};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let requests =
        join_requests::list(&state, &actor, tenant_admin::paging(page, Some(20))).await?;
    Ok(RequestsPageData {
        tenant_id,
        tenant_name: actor.tenant_name.clone(),
        grantable_roles: actor.grantable_roles(),
        requests,
    })
}

#[server(prefix = "/rpc", endpoint = "approve_request")]
pub async fn approve_request(
    tenant_id: i64,
    request_id: i64,
    #[server(default)] roles: Vec<String>,
) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let roles =
        crate::domain::Role::parse_choices(&roles).map_err(|e| AppError::field("roles", e))?;
    crate::backend::onboarding::join_requests::approve(&state, &actor, request_id, Some(roles))
        .await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/requests?done=approved"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "deny_request")]
pub async fn deny_request(tenant_id: i64, request_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::onboarding::join_requests::deny(&state, &actor, request_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/requests?done=denied"));
    Ok(())
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let query = use_query_map();
    let approve = ServerAction::<ApproveRequest>::new();
    let deny = ServerAction::<DenyRequest>::new();
    let data = Resource::new(
        move || {
            (
                tenant_id(),
                query.read().get("page").and_then(|p| p.parse().ok()),
                query.read().get("done"),
                approve.version().get() + deny.version().get(),
            )
        },
        |(t, p, ..)| get_requests_page(t, p),
    );
    view! {
        <Title text={t!("nav-requests")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    data.await.map(|d| view! { <RequestsView d approve deny /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn RequestsView(
    d: RequestsPageData,
    approve: ServerAction<ApproveRequest>,
    deny: ServerAction<DenyRequest>,
) -> impl IntoView {
    let tenant_id = d.tenant_id;
    let done = use_query_map().read_untracked().get("done");
    let (page, pages) = (d.requests.page, d.requests.pages());
    let empty = d.requests.items.is_empty();
    let grantable = d.grantable_roles.clone();
    view! {
        <TenantNav tenant_id tenant_name=d.tenant_name.clone() />
        <h1>{t!("nav-requests")}</h1>
        <p>{t!("requests-intro")}</p>
        {done.map(|what| view! { <p class="notice" role="status">{match what.as_str() {
            "approved" => t!("requests-done-approved"),
            _ => t!("requests-done-denied"),
        }}</p> })}
        <FormError value=approve.value() />
        <FormError value=deny.value() />
        {empty.then(|| view! { <p data-testid="no-requests">{t!("requests-nobody")}</p> })}
        {d.requests.items.into_iter().map(|r| {
            let heading_id = format!("request-{}", r.id);
            let labelled_by = heading_id.clone();
            let name = format!("{} {}", r.first_name, r.last_name);
            let (approve_label, deny_label) =
                (t!("requests-approve", name = name.clone()), t!("requests-deny", name = name.clone()));
            let grantable = grantable.clone();
            let asks = match r.via.as_str() {
                "domain" => t!("requests-asks-domain", roles = role_names(lang(), &r.roles)),
                _ => t!("requests-asks-link", roles = role_names(lang(), &r.roles)),
            };
            view! {
                <section class="panel" aria-labelledby=labelled_by data-testid="join-request">
                    <h2 id=heading_id>{format!("{name} ({})", r.email)}</h2>
                    <p>{asks} " " {t!("requests-asked")} " " <RelativeTime ms=r.created_at />"."</p>
                    {(!r.message.is_empty()).then(|| view! { <blockquote data-testid="request-message">{r.message.clone()}</blockquote> })}
                    <ActionForm action=approve attr:class="stacked">
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="request_id" value=r.id />
                        <fieldset class="field">
                            <legend>{t!("invite-roles")}</legend>
                            <RoleChoices form=format!("request-{}", r.id) roles=grantable checked=r.roles.clone() />
                        </fieldset>
                        <div class="button-row">
                            <button type="submit">{approve_label}</button>
                        </div>
                    </ActionForm>
                    <ActionForm action=deny attr:class="inline-form">
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="request_id" value=r.id />
                        <button type="submit" class="danger">{deny_label}</button>
                    </ActionForm>
                </section>
            }
        }).collect_view()}
        <Pager page pages link=move |p| format!("/t/{tenant_id}/requests?page={p}") />
    }
}
