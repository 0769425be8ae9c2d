//! Navigation between the pages of one tenant.

use leptos::prelude::*;

#[component]
pub fn TenantNav(tenant_id: i64, tenant_name: String) -> impl IntoView {
    let link = move |path: &str| format!("/t/{tenant_id}{path}");
    view! {
        <nav class="tenant-nav" aria-label="Tenant">
            <p class="tenant-name">{tenant_name}</p>
            <ul>
                <li>
                    <a href=link("")>"Overview"</a>
                </li>
                <li>
                    <a href=link("/invites")>"Invitations"</a>
                </li>
            </ul>
        </nav>
    }
}
