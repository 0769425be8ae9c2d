//! `/t/{tenantId}/audit`: who did what and when, filterable by actor and
//! action, paginated. Tenant managers only.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::pager::Pager;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::components::time::RelativeTime;
use crate::dto::{AuditEntry, Page};
use crate::error::AppError;
use crate::t;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub events: Page<AuditEntry>,
}

#[server(prefix = "/rpc", endpoint = "get_audit_page")]
pub async fn get_audit_page(
    tenant_id: i64,
    actor: Option<String>,
    action: Option<String>,
    page: Option<i64>,
) -> Result<AuditPageData, AppError> {
    use crate::backend::tenant_admin;
    let (state, me) = crate::backend::access::session::require_actor(tenant_id).await?;
    let events = tenant_admin::list_audit(
        &state,
        &me,
        actor.as_deref(),
        action.as_deref().filter(|a| !a.is_empty()),
        tenant_admin::paging(page, Some(50)),
    )
    .await?;
    let tenant_name = me.tenant_name.clone();
    Ok(AuditPageData {
        tenant_id,
        tenant_name,
        events,
    })
}

/// The actions the log records, for the filter.
const ACTIONS: [&str; 29] = [
    "tenant.created",
    "invite.created",
    "invite.refreshed",
    "invite.resent",
    "invite.link_copied",
    "invite.revoked",
    "invite.accepted",
    "invite.declined",
    "invite.expired",
    "invite_link.created",
    "invite_link.revoked",
    "member.joined",
    "member.roles_changed",
    "member.disabled",
    "member.enabled",
    "member.removed",
    "member.left",
    "member.signed_in",
    "organisation.created",
    "organisation.deleted",
    "project.created",
    "webhook.created",
    "webhook.updated",
    "webhook.enabled",
    "webhook.disabled",
    "webhook.deleted",
    "webhook.retried",
    "tenant.seat_limit_changed",
    "tenant.language_changed",
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                tenant_id(),
                q.get("actor"),
                q.get("action"),
                q.get("page").and_then(|p| p.parse().ok()),
            )
        },
        |(t, a, act, p)| get_audit_page(t, a, act, p),
    );
    view! {
        <Title text={t!("nav-audit")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move { data.await.map(|d| view! { <AuditView d /> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn AuditView(d: AuditPageData) -> impl IntoView {
    let query = use_query_map();
    let actor = query.read_untracked().get("actor").unwrap_or_default();
    let action = query.read_untracked().get("action").unwrap_or_default();
    let tenant_id = d.tenant_id;
    let (page, pages) = (d.events.page, d.events.pages());
    let link = {
        let (actor, action) = (actor.clone(), action.clone());
        move |p: i64| format!("/t/{tenant_id}/audit?actor={actor}&action={action}&page={p}")
    };
    view! {
        <TenantNav tenant_id tenant_name=d.tenant_name.clone() />
        <h1>{t!("nav-audit")}</h1>
        <form method="get" class="search" role="search">
            <label for="audit-actor">{t!("audit-actor")}</label>
            <input id="audit-actor" type="search" name="actor" value=actor />
            <label for="audit-action">{t!("audit-action")}</label>
            <select id="audit-action" name="action">
                <option value="">{t!("audit-any-action")}</option>
                {ACTIONS.into_iter().map(|a| view! { <option value=a selected=a == action>{a}</option> }).collect_view()}
            </select>
            <button type="submit" class="secondary">{t!("audit-filter")}</button>
        </form>
        <div class="table-scroll" tabindex="0">
            <table data-testid="audit-table">
                <caption>{t!("audit-events", count = d.events.total)}</caption>
                <thead>
                    <tr><th scope="col">{t!("audit-when")}</th><th scope="col">{t!("links-who")}</th><th scope="col">{t!("audit-action")}</th><th scope="col">{t!("audit-target")}</th></tr>
                </thead>
                <tbody>
                    {d.events.items.into_iter().map(|e| view! {
                        <tr><td><RelativeTime ms=e.at /></td><td>{e.actor}</td><td><code>{e.action.as_str()}</code></td><td>{e.target}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page pages link=link />
    }
}
