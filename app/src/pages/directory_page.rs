//! `/t/{tenantId}/directory`: provisioning from the tenant's directory
//! (SCIM 2.0, SPEC §11). A tenant manager makes the token to enter at the
//! identity provider (shown once), maps each group the directory sent to
//! roles (and optionally an organisation), and sets the roles of people in
//! no mapped group. Every form works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::role_choices::RoleChoices;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::dto::{DirectoryGroup, ScimTokenInfo};
use crate::format::{format_ms, role_names};

use crate::error::AppError;

/// Everything the directory page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    /// The SCIM base URL to enter at the identity provider.
    pub scim_url: String,
    pub tokens: Vec<ScimTokenInfo>,
    /// A token made by the last post, shown this once.
    pub new_token: Option<String>,
    pub groups: Vec<DirectoryGroup>,
    pub groups_total: i64,
    pub default_roles: Vec<String>,
    pub roles: Vec<String>,
    pub organisations: Vec<(i64, String)>,
}

#[server(prefix = "/rpc", endpoint = "get_directory_page")]
pub async fn get_directory_page(tenant_id: i64) -> Result<DirectoryPageData, AppError> {
    use crate::backend::access::session;
    use crate::backend::directory::{groups, tokens};
    let (state, actor) = session::require_actor(tenant_id).await?;
    let token_list = tokens::list(&state, &actor).await?;
    let (group_list, groups_total, default_roles) = groups::for_page(&state, &actor, 1).await?;
    Ok(DirectoryPageData {
        tenant_id,
        tenant_name: actor.tenant_name.clone(),
        scim_url: format!(
            "{}/scim/v2/{tenant_id}",
            state.config.base_url.trim_end_matches('/')
        ),
        tokens: token_list,
        new_token: session::take_kept(session::kept::NEW_SCIM_TOKEN).await?,
        groups: group_list,
        groups_total,
        default_roles,
        roles: crate::domain::Role::ALL
            .into_iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        organisations: crate::backend::tenant_admin::organisation_choices(&state, &actor).await?,
    })
}

#[server(prefix = "/rpc", endpoint = "create_scim_token")]
pub async fn create_scim_token(tenant_id: i64, name: String) -> Result<(), AppError> {
    use crate::backend::access::session;
    use crate::backend::directory::tokens;
    let (state, actor) = session::require_actor(tenant_id).await?;
    let name = tokens::parse_name(&name).map_err(|why| AppError::field("name", why))?;
    let (_, token) = tokens::create(&state, &actor, &name).await?;
    session::keep(session::kept::NEW_SCIM_TOKEN, &token).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/directory"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "delete_scim_token")]
pub async fn delete_scim_token(tenant_id: i64, token_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::directory::tokens::delete(&state, &actor, token_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/directory"));
    Ok(())
}

/// Maps a group to roles and an organisation; no role ticked unmaps it.
#[server(prefix = "/rpc", endpoint = "map_directory_group")]
pub async fn map_directory_group(
    tenant_id: i64,
    group_id: String,
    #[server(default)] roles: Vec<String>,
    #[server(default)] organisation_id: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let roles = if roles.iter().all(|r| r.trim().is_empty()) {
        None
    } else {
        Some(Role::parse_choices(&roles).map_err(|why| AppError::field("roles", why))?)
    };
    let organisation_id = match organisation_id.trim() {
        "" => None,
        n => Some(
            n.parse::<i64>()
                .map_err(|_| AppError::field("organisationId", "Choose an organisation."))?,
        ),
    };
    crate::backend::directory::groups::map(&state, &actor, &group_id, roles, organisation_id)
        .await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/directory?saved=1"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "set_directory_roles")]
pub async fn set_directory_roles(
    tenant_id: i64,
    #[server(default)] roles: Vec<String>,
) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let roles =
        crate::domain::Role::parse_choices(&roles).map_err(|why| AppError::field("roles", why))?;
    crate::backend::directory::groups::set_default_roles(&state, &actor, roles).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/directory?saved=1"));
    Ok(())
}

/// The page's forms, made outside the Suspense so a failed post without
/// JavaScript (the error comes back in the URL) reaches them.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateScimToken>,
    delete: ServerAction<DeleteScimToken>,
    map: ServerAction<MapDirectoryGroup>,
    defaults: ServerAction<SetDirectoryRoles>,
}

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let actions = Actions {
        create: ServerAction::new(),
        delete: ServerAction::new(),
        map: ServerAction::new(),
        defaults: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                tenant_id(),
                actions.create.version().get(),
                actions.delete.version().get(),
                actions.map.version().get(),
                actions.defaults.version().get(),
            )
        },
        |(t, ..)| get_directory_page(t),
    );
    view! {
        <Title text="Directory" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move { data.await.map(|d| view! { <DirectoryView data=d actions /> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn DirectoryView(data: DirectoryPageData, actions: Actions) -> impl IntoView {
    let tenant_id = data.tenant_id;
    let created = actions.create.value();
    let roles = data.roles.clone();
    let group_roles = data.roles.clone();
    let tokens = data.tokens.clone();
    let has_tokens = !tokens.is_empty();
    let organisations = data.organisations.clone();
    let org_name = {
        let organisations = organisations.clone();
        move |id: Option<i64>| {
            id.and_then(|id| organisations.iter().find(|(o, _)| *o == id))
                .map(|(_, n)| format!(" in {n}"))
                .unwrap_or_default()
        }
    };
    view! {
        <TenantNav tenant_id tenant_name=data.tenant_name.clone() />
        <h1>"Directory"</h1>
        <p>
            "Your identity provider (Okta, Entra ID, …) can add, change and remove this tenant's members from your company directory with SCIM 2.0. "
            "Enter the SCIM URL below and a token made here in its provisioning settings."
        </p>
        <section class="panel" aria-labelledby="scim-url-heading">
            <h2 id="scim-url-heading">"SCIM URL"</h2>
            <p><code data-testid="scim-url">{data.scim_url.clone()}</code></p>
        </section>
        <section class="panel" aria-labelledby="scim-tokens-heading">
            <h2 id="scim-tokens-heading">"Directory tokens"</h2>
            {data.new_token.clone().map(|t| view! {
                <div class="notice" role="status">
                    <p>"Copy the token now; it is shown only once:"</p>
                    <p><code data-testid="new-scim-token">{t}</code></p>
                </div>
            })}
            <FormError value=actions.delete.value() />
            {if !has_tokens {
                view! { <p>"No token yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Made"</th>
                                    <th scope="col">"Last used"</th>
                                    <th scope="col">"Action"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {tokens.into_iter().map(|t| {
                                    let label = format!("Delete token {}", t.name);
                                    view! {
                                        <tr>
                                            <td>{t.name}</td>
                                            <td>{format_ms(t.created_at)}</td>
                                            <td>{t.last_used_at.map(format_ms).unwrap_or_else(|| "Never".into())}</td>
                                            <td>
                                                <ActionForm action=actions.delete attr:class="inline-form">
                                                    <input type="hidden" name="tenant_id" value=tenant_id />
                                                    <input type="hidden" name="token_id" value=t.id />
                                                    <button type="submit" class="danger" aria-label=label>"Delete"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <ActionForm action=actions.create attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <FormField label="Token name" name="name" server_error=field_error(created, "name") />
                <FormError value=created />
                <button type="submit">"Create directory token"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="default-roles-heading">
            <h2 id="default-roles-heading">"Roles of people in no mapped group"</h2>
            <p data-testid="default-roles">{format!("Now: {}.", role_names(&data.default_roles))}</p>
            <FormError value=actions.defaults.value() />
            <ActionForm action=actions.defaults attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <fieldset class="field">
                    <legend>"Roles"</legend>
                    <RoleChoices form="defaults" roles=roles checked=data.default_roles.clone() />
                </fieldset>
                <button type="submit">"Save default roles"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="groups-heading">
            <h2 id="groups-heading">"Groups"</h2>
            <p>
                {format!("{} group(s) from the directory. ", data.groups_total)}
                "A provisioned member holds the roles of every mapped group they are in; tick no role to unmap a group. "
                "Members who were here before the directory keep the roles managers gave them."
            </p>
            <FormError value=actions.map.value() />
            {data.groups.into_iter().map(|g| {
                let form = format!("group-{}", g.id);
                let select_id = format!("group-org-{}", g.id);
                let select_for = select_id.clone();
                let now = match &g.roles {
                    Some(r) => format!("Mapped to {}{}.", role_names(r), org_name(g.organisation_id)),
                    None => "Not mapped.".to_owned(),
                };
                let orgs = organisations.clone();
                let choices = group_roles.clone();
                let checked = g.roles.clone().unwrap_or_default();
                let chosen = g.organisation_id;
                view! {
                    <ActionForm action=actions.map attr:class="stacked panel">
                        <h3>{g.display_name.clone()}</h3>
                        <p data-testid="group-mapping">{now}</p>
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="group_id" value=g.id.clone() />
                        <fieldset class="field">
                            <legend>"Roles"</legend>
                            <RoleChoices form=form roles=choices checked=checked />
                        </fieldset>
                        <div class="field">
                            <label for=select_for>"Organisation"</label>
                            <select id=select_id name="organisation_id">
                                <option value="" selected=chosen.is_none()>"None (whole tenant)"</option>
                                {orgs.into_iter().map(|(oid, name)| view! {
                                    <option value=oid.to_string() selected=chosen == Some(oid)>{name}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit">"Save mapping"</button>
                    </ActionForm>
                }
            }).collect_view()}
        </section>
    }
}
