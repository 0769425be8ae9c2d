//! Navigation between the pages of one tenant.

use leptos::prelude::*;

use crate::t;

#[component]
pub fn TenantNav(tenant_id: i64, tenant_name: String) -> impl IntoView {
    let links: [(&str, String); 12] = [
        ("", t!("nav-overview")),
        ("/members", t!("nav-members")),
        ("/invites", t!("nav-invitations")),
        ("/links", t!("nav-links")),
        ("/requests", t!("nav-requests")),
        ("/organisations", t!("nav-organisations")),
        ("/projects", t!("nav-projects")),
        ("/audit", t!("nav-audit")),
        ("/webhooks", t!("nav-webhooks")),
        ("/domains", t!("nav-domains")),
        ("/sso", t!("nav-sso")),
        ("/directory", t!("nav-directory")),
    ];
    view! {
        <nav class="tenant-nav" aria-label=t!("nav-tenant")>
            <p class="tenant-name">{tenant_name}</p>
            <ul>
                {links
                    .into_iter()
                    .map(|(path, label)| view! { <li><a href=format!("/t/{tenant_id}{path}")>{label}</a></li> })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The tenant id from the route (`/t/{tenant_id}/…`), 0 when malformed (and
/// then not found by the server).
pub fn use_tenant_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("tenant_id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    }
}
