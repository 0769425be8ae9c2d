//! `/t/{tenantId}/links`: shareable invitation links (SPEC §9). Managers
//! make a link with roles, an optional organisation, a number of uses, a
//! lifetime and an optional email domain; its URL is shown once (only a
//! hash is stored). The list shows each link's uses and state, and revokes.
//! Every form works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::pager::Pager;
use crate::components::role_choices::RoleChoices;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::components::time::RelativeTime;
use crate::domain::LinkStatus;
use crate::dto::{InviteLinkInfo, Page};
use crate::error::AppError;
use crate::format::role_names;
use crate::i18n::lang;
use crate::pages::invites_page::OrganisationSelect;
use crate::t;

/// Everything the links page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinksPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    /// Roles the viewer may put on a link.
    pub grantable_roles: Vec<String>,
    pub organisations: Vec<(i64, String)>,
    pub links: Page<InviteLinkInfo>,
    /// The URL of the link just made: shown this once.
    pub new_url: Option<String>,
}

#[server(prefix = "/rpc", endpoint = "get_links_page")]
pub async fn get_links_page(tenant_id: i64, page: Option<i64>) -> Result<LinksPageData, AppError> {
    use crate::backend::access::session::{kept, take_kept};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let paging = crate::backend::tenant_admin::paging(page, None);
    let links = crate::backend::onboarding::invite_links::list(&state, &actor, paging).await?;
    let organisations = crate::backend::tenant_admin::organisation_choices(&state, &actor).await?;
    let new_url = take_kept::<(i64, String)>(kept::NEW_JOIN_LINK)
        .await?
        .filter(|(t, _)| *t == tenant_id)
        .map(|(_, url)| url);
    Ok(LinksPageData {
        tenant_id,
        tenant_name: actor.tenant_name.clone(),
        grantable_roles: actor.grantable_roles(),
        organisations,
        links,
        new_url,
    })
}

#[server(prefix = "/rpc", endpoint = "create_join_link")]
pub async fn create_join_link(
    tenant_id: i64,
    #[server(default)] roles: Vec<String>,
    #[server(default)] organisation_id: String,
    max_uses: String,
    expires_in_hours: String,
    #[server(default)] allowed_domain: String,
    #[server(default)] mode: String,
) -> Result<(), AppError> {
    use crate::backend::access::session::{keep, kept};
    use crate::backend::onboarding::invite_links::{self, NewLink};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let mut form = crate::domain::FormParser::default();
    let roles = form.field("roles", crate::domain::Role::parse_choices(&roles));
    let organisation_id = form.field(
        "organisationId",
        match organisation_id.trim() {
            "" => Ok(None),
            s => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| t!("invites-choose-organisation")),
        },
    );
    // Anything but a whole number in range gets the range's sentence.
    let whole = |raw: &str| raw.trim().parse::<i64>().unwrap_or(0);
    let max_uses = form.field("maxUses", invite_links::check_max_uses(whole(&max_uses)));
    let hours = form.field(
        "expiresInHours",
        invite_links::check_lifetime_hours(whole(&expires_in_hours)),
    );
    let domain = allowed_domain.trim().to_ascii_lowercase();
    let allowed_domain = form.field(
        "allowedDomain",
        match domain.as_str() {
            "" => Ok(None),
            d => invite_links::parse_domain(d).map(Some),
        },
    );
    let mode = form.field(
        "mode",
        match mode.as_str() {
            "" => Ok(crate::domain::LinkMode::Join),
            m => crate::domain::LinkMode::parse(m).ok_or_else(|| t!("links-mode-invalid")),
        },
    );
    let new = form.finish(|| {
        Some(NewLink {
            mode: mode?,
            roles: roles?,
            organisation_id: organisation_id?,
            max_uses: max_uses?,
            expires_in_hours: hours?,
            allowed_domain: allowed_domain?,
        })
    })?;
    let issued = invite_links::create(&state, &actor, new).await?;
    // The URL is shown on the next render only (kept in the server-side
    // session until that render takes it).
    keep(kept::NEW_JOIN_LINK, &(tenant_id, &issued.url)).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/links"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "revoke_join_link")]
pub async fn revoke_join_link(tenant_id: i64, link_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::onboarding::invite_links::revoke(&state, &actor, link_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/links"));
    Ok(())
}

#[component]
pub fn InviteLinksPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    // Made outside the Suspense, so a failed post without JavaScript (the
    // error comes back in the URL) reaches the forms.
    let create = ServerAction::<CreateJoinLink>::new();
    let revoke = ServerAction::<RevokeJoinLink>::new();
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse::<i64>().ok());
    let data = Resource::new(
        move || {
            (
                tenant_id(),
                page(),
                create.version().get(),
                revoke.version().get(),
            )
        },
        |(t, p, ..)| get_links_page(t, p),
    );
    view! {
        <Title text={t!("links-title")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    data.await.map(|d| view! { <LinksView data=d create revoke /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn LinksView(
    data: LinksPageData,
    create: ServerAction<CreateJoinLink>,
    revoke: ServerAction<RevokeJoinLink>,
) -> impl IntoView {
    let tenant_id = data.tenant_id;
    let created = create.value();
    let (page, pages) = (data.links.page, data.links.pages());
    let page_link = move |p: i64| format!("/t/{tenant_id}/links?page={p}");
    let org_name = {
        let organisations = data.organisations.clone();
        move |id: Option<i64>| match id {
            Some(id) => organisations
                .iter()
                .find(|(o, _)| *o == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| t!("links-organisation-n", id = id)),
            None => t!("links-whole-tenant"),
        }
    };
    view! {
        <TenantNav tenant_id tenant_name=data.tenant_name.clone() />
        <h1>{t!("links-title")}</h1>
        <p>
            {t!("links-intro")}
        </p>
        {data.new_url.map(|url| view! {
            <div class="notice" role="status">
                <p>{t!("links-created")}</p>
                <p><code data-testid="new-join-link">{url}</code></p>
            </div>
        })}
        <section class="panel" aria-labelledby="links-heading">
            <h2 id="links-heading">{t!("links-links")}</h2>
            <FormError value=revoke.value() />
            {if data.links.items.is_empty() && page == 1 {
                view! { <p>{t!("links-none")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{t!("invite-roles")}</th>
                                    <th scope="col">{t!("links-where")}</th>
                                    <th scope="col">{t!("links-who")}</th>
                                    <th scope="col">{t!("links-col-uses")}</th>
                                    <th scope="col">{t!("links-joining")}</th>
                                    <th scope="col">{t!("links-state")}</th>
                                    <th scope="col">{t!("invite-expires")}</th>
                                    <th scope="col">{t!("col-actions")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {data.links.items.into_iter().map(|l| {
                                    let revoke_label = t!("links-revoke-label", id = l.id);
                                    view! {
                                        <tr>
                                            <td>{role_names(lang(), &l.roles)}</td>
                                            <td>{org_name(l.organisation_id)}</td>
                                            <td>{l.allowed_domain.as_ref().map_or_else(|| t!("links-anyone"), |d| format!("@{d}"))}</td>
                                            <td>{t!("links-uses", uses = l.uses, max = l.max_uses)}</td>
                                            <td>{match l.mode {
                                                crate::domain::LinkMode::Join => t!("links-at-once"),
                                                crate::domain::LinkMode::Request => t!("links-manager-approves"),
                                            }}</td>
                                            <td>{state_label(l.status)}</td>
                                            <td><RelativeTime ms=l.expires_at /></td>
                                            <td class="actions">
                                                {(l.status == LinkStatus::Active).then(|| view! {
                                                    <ActionForm action=revoke attr:class="inline-form">
                                                        <input type="hidden" name="tenant_id" value=tenant_id />
                                                        <input type="hidden" name="link_id" value=l.id />
                                                        <button type="submit" class="danger" aria-label=revoke_label>{t!("account-revoke")}</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager page pages link=page_link />
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="create-heading">
            <h2 id="create-heading">{t!("links-create-title")}</h2>
            <ActionForm action=create attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <fieldset class="field">
                    <legend>{t!("invite-roles")}</legend>
                    <RoleChoices form="link" roles=data.grantable_roles checked=vec!["extractor-user".to_owned()] />
                    <p class="field-error">{field_error(created, "roles")}</p>
                </fieldset>
                <OrganisationSelect id="link-organisation" organisations=data.organisations />
                <FormField label={t!("links-max-uses")} name="max_uses" input_type="number"
                    value="10" server_error=field_error(created, "maxUses") />
                <FormField label={t!("links-valid-for")} name="expires_in_hours" input_type="number"
                    value="168" server_error=field_error(created, "expiresInHours") />
                <FormField label={t!("links-domain")} name="allowed_domain" required=false
                    server_error=field_error(created, "allowedDomain") />
                <p class="hint">{t!("links-domain-hint")}</p>
                <fieldset class="field">
                    <legend>{t!("links-people")}</legend>
                    <label><input type="radio" name="mode" value="join" checked /> {t!("links-mode-join")}</label>
                    <label><input type="radio" name="mode" value="request" /> {t!("links-mode-request")}</label>
                </fieldset>
                <FormError value=created />
                <button type="submit">{t!("links-create")}</button>
            </ActionForm>
        </section>
    }
}

fn state_label(status: LinkStatus) -> String {
    match status {
        LinkStatus::Active => t!("status-active"),
        LinkStatus::UsedUp => t!("links-used-up"),
        LinkStatus::Expired => t!("invite-status-expired"),
        LinkStatus::Revoked => t!("invite-status-revoked"),
    }
}
