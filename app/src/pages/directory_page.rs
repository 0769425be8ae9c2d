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
use crate::i18n::lang;

use crate::error::AppError;
use crate::t;

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
    let organisation_id =
        match organisation_id.trim() {
            "" => None,
            n => Some(n.parse::<i64>().map_err(|_| {
                AppError::field("organisationId", t!("invites-choose-organisation"))
            })?),
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
        <Title text={t!("nav-directory")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
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
                .map(|(_, n)| t!("directory-in-organisation", organisation = n.clone()))
                .unwrap_or_default()
        }
    };
    view! {
        <TenantNav tenant_id tenant_name=data.tenant_name.clone() />
        <h1>{t!("nav-directory")}</h1>
        <p>
            {t!("directory-intro")}
        </p>
        <section class="panel" aria-labelledby="scim-url-heading">
            <h2 id="scim-url-heading">{t!("directory-scim-url")}</h2>
            <p><code data-testid="scim-url">{data.scim_url.clone()}</code></p>
        </section>
        <section class="panel" aria-labelledby="scim-tokens-heading">
            <h2 id="scim-tokens-heading">{t!("directory-tokens")}</h2>
            {data.new_token.clone().map(|t| view! {
                <div class="notice" role="status">
                    <p>{t!("directory-token-once")}</p>
                    <p><code data-testid="new-scim-token">{t}</code></p>
                </div>
            })}
            <FormError value=actions.delete.value() />
            {if !has_tokens {
                view! { <p>{t!("directory-no-token")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{t!("field-name")}</th>
                                    <th scope="col">{t!("directory-made")}</th>
                                    <th scope="col">{t!("account-last-used")}</th>
                                    <th scope="col">{t!("audit-action")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {tokens.into_iter().map(|t| {
                                    let label = t!("directory-delete-label", name = t.name.clone());
                                    view! {
                                        <tr>
                                            <td>{t.name}</td>
                                            <td>{format_ms(lang(), t.created_at)}</td>
                                            <td>{t.last_used_at.map(|ms| format_ms(lang(), ms)).unwrap_or_else(|| t!("directory-never"))}</td>
                                            <td>
                                                <ActionForm action=actions.delete attr:class="inline-form">
                                                    <input type="hidden" name="tenant_id" value=tenant_id />
                                                    <input type="hidden" name="token_id" value=t.id />
                                                    <button type="submit" class="danger" aria-label=label>{t!("collection-delete")}</button>
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
                <FormField label={t!("account-token-name")} name="name" server_error=field_error(created, "name") />
                <FormError value=created />
                <button type="submit">{t!("directory-create-token")}</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="default-roles-heading">
            <h2 id="default-roles-heading">{t!("directory-default-roles")}</h2>
            <p data-testid="default-roles">{t!("directory-now", roles = role_names(lang(), &data.default_roles))}</p>
            <FormError value=actions.defaults.value() />
            <ActionForm action=actions.defaults attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <fieldset class="field">
                    <legend>{t!("invite-roles")}</legend>
                    <RoleChoices form="defaults" roles=roles checked=data.default_roles.clone() />
                </fieldset>
                <button type="submit">{t!("directory-save-default")}</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="groups-heading">
            <h2 id="groups-heading">{t!("directory-groups")}</h2>
            <p>
                {t!("directory-groups-count", count = data.groups_total)} " " {t!("directory-groups-how")}
            </p>
            <FormError value=actions.map.value() />
            {data.groups.into_iter().map(|g| {
                let form = format!("group-{}", g.id);
                let select_id = format!("group-org-{}", g.id);
                let select_for = select_id.clone();
                let now = match &g.roles {
                    Some(r) => t!("directory-mapped", roles = role_names(lang(), r), organisation = org_name(g.organisation_id)),
                    None => t!("directory-not-mapped"),
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
                            <legend>{t!("invite-roles")}</legend>
                            <RoleChoices form=form roles=choices checked=checked />
                        </fieldset>
                        <div class="field">
                            <label for=select_for>{t!("col-organisation")}</label>
                            <select id=select_id name="organisation_id">
                                <option value="" selected=chosen.is_none()>{t!("invites-no-organisation")}</option>
                                {orgs.into_iter().map(|(oid, name)| view! {
                                    <option value=oid.to_string() selected=chosen == Some(oid)>{name}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit">{t!("directory-save-mapping")}</button>
                    </ActionForm>
                }
            }).collect_view()}
        </section>
    }
}
