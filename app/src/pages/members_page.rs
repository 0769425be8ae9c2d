//! `/t/{tenantId}/members`: search and page through members; managers
//! change roles, disable, re-enable and remove (each with a confirmation
//! step, working with or without JavaScript).

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
use crate::domain::MemberStatus;
use crate::dto::{InviteLinkInfo, MemberInfo, Page, PendingTransfer};
use crate::error::AppError;
use crate::format::{format_date, member_status, role_names};
use crate::i18n::lang;
use crate::t;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub members: Page<MemberInfo>,
    /// Roles the viewer may grant; empty for people who manage no one.
    pub grantable_roles: Vec<String>,
    /// The only ACTIVE extractor-manager, whom the last-manager rule protects.
    pub last_manager: Option<i64>,
    /// Just removed (`?removed=`): that member and the shareable links
    /// they made that still work, for the viewer to revoke.
    pub removed_links: Option<(MemberInfo, Vec<InviteLinkInfo>)>,
    /// The tenant's owner (SPEC §12).
    pub owner: Option<i64>,
    /// The viewer's own member id.
    pub viewer: i64,
    /// The owner's nomination waiting for its answer.
    pub pending_transfer: Option<PendingTransfer>,
}

#[server(prefix = "/rpc", endpoint = "get_members_page")]
pub async fn get_members_page(
    tenant_id: i64,
    q: Option<String>,
    status: Option<String>,
    page: Option<i64>,
    #[server(default)] removed: Option<i64>,
) -> Result<MembersPageData, AppError> {
    use crate::backend::tenant_admin;
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let status = status.filter(|s| !s.is_empty());
    let members = tenant_admin::list_members(
        &state,
        &actor,
        q.as_deref(),
        status.as_deref(),
        tenant_admin::paging(page, Some(20)),
    )
    .await?;
    let tenant_name = actor.tenant_name.clone();
    let (owner, pending_transfer) = tenant_admin::ownership::of_tenant(&state, tenant_id).await?;
    let managers = crate::backend::tenant_admin::active_manager_ids(&state, tenant_id).await?;
    let grantable_roles = actor.grantable_roles();
    let removed_links = match removed {
        Some(member_id) if actor.ensure_can_invite().is_ok() => {
            let (member, links) = crate::backend::onboarding::invite_links::usable_made_by_member(
                &state, &actor, member_id,
            )
            .await?;
            (!links.is_empty()).then_some((member, links))
        }
        _ => None,
    };
    Ok(MembersPageData {
        tenant_id,
        tenant_name,
        members,
        grantable_roles,
        last_manager: (managers.len() == 1).then(|| managers[0]),
        removed_links,
        owner,
        viewer: actor.member_id,
        pending_transfer,
    })
}

/// The owner nominates the member with `email` as the new owner.
#[server(prefix = "/rpc", endpoint = "nominate_owner")]
pub async fn nominate_owner(tenant_id: i64, email: String) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::ownership::nominate_by_email(&state, &actor, &email).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/members?transfer=1&done=nominated"));
    Ok(())
}

/// The owner withdraws the pending nomination.
#[server(prefix = "/rpc", endpoint = "cancel_ownership_transfer")]
pub async fn cancel_ownership_transfer(tenant_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::ownership::cancel(&state, &actor).await?;
    leptos_axum::redirect(&format!(
        "/t/{tenant_id}/members?transfer=1&done=transfer_cancelled"
    ));
    Ok(())
}

/// Revokes every link a removed member made that still works.
#[server(prefix = "/rpc", endpoint = "revoke_links_of_member")]
pub async fn revoke_links_of_member(tenant_id: i64, member_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::onboarding::invite_links::revoke_made_by_member(&state, &actor, member_id)
        .await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/members?done=links_revoked"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "update_member_roles")]
pub async fn update_member_roles(
    tenant_id: i64,
    member_id: i64,
    #[server(default)] roles: Vec<String>,
) -> Result<(), AppError> {
    use crate::backend::tenant_admin::{self, MemberChange};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let roles =
        crate::domain::Role::parse_choices(&roles).map_err(|e| AppError::field("roles", e))?;
    tenant_admin::update_member(
        &state,
        &actor,
        member_id,
        MemberChange {
            roles: Some(roles),
            status: None,
        },
    )
    .await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/members?done=roles"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "set_member_status")]
pub async fn set_member_status(
    tenant_id: i64,
    member_id: i64,
    status: String,
) -> Result<(), AppError> {
    use crate::backend::tenant_admin::{self, MemberChange};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    tenant_admin::update_member(
        &state,
        &actor,
        member_id,
        MemberChange {
            roles: None,
            status: Some(status.clone()),
        },
    )
    .await?;
    let done = if MemberStatus::parse(&status) == Some(MemberStatus::Disabled) {
        "disabled"
    } else {
        "enabled"
    };
    leptos_axum::redirect(&format!("/t/{tenant_id}/members?done={done}"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "remove_member")]
pub async fn remove_member(tenant_id: i64, member_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::remove_member(&state, &actor, member_id).await?;
    leptos_axum::redirect(&format!(
        "/t/{tenant_id}/members?done=removed&removed={member_id}"
    ));
    Ok(())
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let query = use_query_map();
    let roles = ServerAction::<UpdateMemberRoles>::new();
    let status = ServerAction::<SetMemberStatus>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let revoke_links = ServerAction::<RevokeLinksOfMember>::new();
    let transfer = Transfer {
        nominate: ServerAction::new(),
        cancel: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                tenant_id(),
                q.get("q"),
                q.get("status"),
                q.get("page").and_then(|p| p.parse().ok()),
                q.get("done"),
                q.get("manage"),
                q.get("confirm"),
                q.get("removed").and_then(|r| r.parse::<i64>().ok()),
                // Any finished action refetches.
                roles.version().get()
                    + status.version().get()
                    + remove.version().get()
                    + revoke_links.version().get()
                    + transfer.nominate.version().get()
                    + transfer.cancel.version().get(),
            )
        },
        |(t, q, s, p, _, _, _, removed, ..)| get_members_page(t, q, s, p, removed),
    );
    view! {
        <Title text={t!("members-title")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    data.await.map(|d| view! { <MembersView d roles status remove revoke_links transfer /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn MembersView(
    d: MembersPageData,
    roles: ServerAction<UpdateMemberRoles>,
    status: ServerAction<SetMemberStatus>,
    remove: ServerAction<RemoveMember>,
    revoke_links: ServerAction<RevokeLinksOfMember>,
    transfer: Transfer,
) -> impl IntoView {
    let query = use_query_map();
    let show_transfer =
        query.read_untracked().get("transfer").is_some() && d.owner == Some(d.viewer);
    let tenant_id = d.tenant_id;
    let q = query.read_untracked().get("q").unwrap_or_default();
    let status_filter = query.read_untracked().get("status").unwrap_or_default();
    let manage: Option<i64> = query
        .read_untracked()
        .get("manage")
        .and_then(|m| m.parse().ok());
    let confirm = query.read_untracked().get("confirm");
    let done = query.read_untracked().get("done");
    let managed = manage.and_then(|id| d.members.items.iter().find(|m| m.id == id).cloned());
    let can_manage = !d.grantable_roles.is_empty();
    let (page, pages) = (d.members.page, d.members.pages());
    let page_link = move |p: i64| {
        format!(
            "/t/{tenant_id}/members?q={}&status={}&page={p}",
            urlencode(&q),
            urlencode(&status_filter)
        )
    };
    view! {
        <TenantNav tenant_id tenant_name=d.tenant_name.clone() />
        <h1>{t!("members-title")}</h1>
        {done.map(|what| view! { <p class="notice" role="status">{match what.as_str() {
            "roles" => t!("members-done-roles"), "disabled" => t!("members-done-disabled"),
            "enabled" => t!("members-done-enabled"),
            "links_revoked" => t!("members-done-links"),
            "nominated" => t!("members-done-nominated"),
            "transfer_cancelled" => t!("members-done-transfer-cancelled"), _ => t!("members-done-removed"),
        }}</p> })}
        {d.removed_links.clone().map(|(m, links)| view! {
            <section class="panel" aria-labelledby="removed-links-heading" data-testid="removed-links">
                <h2 id="removed-links-heading">
                    {t!("members-links-still-work", name = format!("{} {}", m.first_name, m.last_name))}
                </h2>
                <p>{t!("members-links-text")}</p>
                <ul>
                    {links.iter().map(|l| view! {
                        <li>{t!(
                            "members-link-line",
                            id = l.id,
                            roles = role_names(lang(), &l.roles),
                            uses = l.uses,
                            max = l.max_uses,
                            until = format_date(lang(), l.expires_at)
                        )}</li>
                    }).collect_view()}
                </ul>
                <ActionForm action=revoke_links>
                    <input type="hidden" name="tenant_id" value=tenant_id />
                    <input type="hidden" name="member_id" value=m.id />
                    <button type="submit" class="danger">{t!("members-revoke-them")}</button>
                </ActionForm>
            </section>
        })}
        {show_transfer.then(|| view! { <TransferPanel d=d.clone() transfer /> })}
        <FormError value=revoke_links.value() />
        <FormError value=roles.value() />
        <FormError value=status.value() />
        <FormError value=remove.value() />
        <form method="get" class="search" role="search">
            <label for="member-search">{t!("members-search")}</label>
            <input id="member-search" type="search" name="q" value=query.read_untracked().get("q").unwrap_or_default() />
            <label for="member-status">{t!("col-status")}</label>
            <select id="member-status" name="status">
                {std::iter::once(None).chain(MemberStatus::ALL.iter().map(|s| Some(*s))).map(|s| {
                    let value = s.map_or("", |s| s.as_str());
                    let selected = query.read_untracked().get("status").unwrap_or_default() == value;
                    let label = match s {
                        None => t!("members-active-and-disabled"),
                        Some(s) => member_status(lang(), s),
                    };
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="secondary">{t!("members-search-button")}</button>
        </form>
        {managed.map(|m| view! { <ManagePanel m d=d.clone() confirm=confirm.clone() roles status remove /> })}
        <div class="table-scroll" tabindex="0">
            <table>
                <caption>{t!("members-count", count = d.members.total)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!("field-name")}</th><th scope="col">{t!("field-email")}</th><th scope="col">{t!("invite-roles")}</th>
                        <th scope="col">{t!("col-organisation")}</th><th scope="col">{t!("col-status")}</th><th scope="col">{t!("col-joined")}</th>
                        {can_manage.then(|| view! { <th scope="col">{t!("col-actions")}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {d.members.items.iter().map(|m| {
                        let manage_link = format!("/t/{tenant_id}/members?manage={}", m.id);
                        let label = t!("members-manage-label", name = format!("{} {}", m.first_name, m.last_name));
                        let is_owner = d.owner == Some(m.id);
                        let viewer_owns = is_owner && m.id == d.viewer;
                        view! {
                            <tr>
                                <td>{format!("{} {}", m.first_name, m.last_name)}</td>
                                <td>{m.email.clone()}</td>
                                <td>{role_names(lang(), &m.roles)}</td>
                                <td>{m.organisation_name.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>
                                    {member_status(lang(), m.status)}
                                    {is_owner.then(|| view! { " " <span class="badge" data-testid="owner-badge">{t!("members-owner")}</span> })}
                                </td>
                                <td>{format_date(lang(), m.created_at)}</td>
                                {can_manage.then(|| view! {
                                    <td class="button-row">
                                        <a href=manage_link aria-label=label>{t!("members-manage")}</a>
                                        {viewer_owns.then(|| view! {
                                            <a href=format!("/t/{tenant_id}/members?transfer=1")>{t!("members-transfer")}</a>
                                        })}
                                    </td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page pages link=page_link />
    }
}

/// Changing one member: roles, disable/enable, remove, with confirmation
/// for the last two and the last-manager rule spelled out.
#[component]
fn ManagePanel(
    m: MemberInfo,
    d: MembersPageData,
    confirm: Option<String>,
    roles: ServerAction<UpdateMemberRoles>,
    status: ServerAction<SetMemberStatus>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let tenant_id = d.tenant_id;
    let name = format!("{} {}", m.first_name, m.last_name);
    let is_last_manager = d.last_manager == Some(m.id);
    let is_owner = d.owner == Some(m.id);
    let base = format!("/t/{tenant_id}/members?manage={}", m.id);
    let disabled = m.status == MemberStatus::Disabled;
    let next_status = if disabled {
        MemberStatus::Active
    } else {
        MemberStatus::Disabled
    }
    .as_str();
    let (status_label, status_question, status_yes) = if disabled {
        (
            t!("members-re-enable"),
            t!("members-re-enable-question", name = name.clone()),
            t!("members-re-enable-yes"),
        )
    } else {
        (
            t!("members-disable"),
            t!("members-disable-question", name = name.clone()),
            t!("members-disable-yes"),
        )
    };
    let member_roles = m.roles.clone();
    let confirm_view = match confirm.as_deref() {
        Some("remove") => Some(
            view! {
                <div class="notice" role="alertdialog" aria-label={t!("members-confirm-removal")}>
                    <p>{t!("members-remove-question", name = name.clone())}</p>
                    <ActionForm action=remove>
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="member_id" value=m.id />
                        <button type="submit" class="danger">{t!("members-yes-remove")}</button>
                    </ActionForm>
                    <a href=base.clone()>{t!("cancel")}</a>
                </div>
            }
            .into_any(),
        ),
        Some("status") => Some(
            view! {
                <div class="notice" role="alertdialog" aria-label={t!("members-confirm-status")}>
                    <p>{status_question}</p>
                    <ActionForm action=status>
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="member_id" value=m.id />
                        <input type="hidden" name="status" value=next_status />
                        <button type="submit" class="danger">{status_yes}</button>
                    </ActionForm>
                    <a href=base.clone()>{t!("cancel")}</a>
                </div>
            }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="manage-heading">
            <h2 id="manage-heading">{t!("members-manage-label", name = name.clone())}</h2>
            {is_owner.then(|| view! {
                <p class="notice" data-testid="owner-note">
                    {t!("members-owner-note", name = name.clone())}
                </p>
            })}
            {(is_last_manager && !is_owner).then(|| view! {
                <p class="notice" data-testid="last-manager-note">
                    {t!("members-last-manager-note", name = name.clone())}
                </p>
            })}
            <ActionForm action=roles attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <input type="hidden" name="member_id" value=m.id />
                <fieldset class="field">
                    <legend>{t!("invite-roles")}</legend>
                    <RoleChoices form="member" roles=d.grantable_roles.clone() checked=member_roles />
                </fieldset>
                <button type="submit">{t!("members-save-roles")}</button>
            </ActionForm>
            <p class="button-row">
                <a class="button secondary" href=format!("{base}&confirm=status")>{status_label}</a>
                <a class="button danger" href=format!("{base}&confirm=remove")>{t!("members-remove")}</a>
                <a href=format!("/t/{tenant_id}/members")>{t!("close")}</a>
            </p>
            {confirm_view}
        </section>
    }
}

/// The forms of the transfer panel, made outside the Suspense.
#[derive(Clone, Copy)]
struct Transfer {
    nominate: ServerAction<NominateOwner>,
    cancel: ServerAction<CancelOwnershipTransfer>,
}

/// The owner's panel: the pending nomination (with cancel), or the form
/// that nominates an active member by email.
#[component]
fn TransferPanel(d: MembersPageData, transfer: Transfer) -> impl IntoView {
    let tenant_id = d.tenant_id;
    view! {
        <section class="panel" aria-labelledby="transfer-heading" data-testid="transfer-panel">
            <h2 id="transfer-heading">{t!("members-transfer")}</h2>
            <p>{t!("members-transfer-text")}</p>
            <FormError value=transfer.nominate.value() />
            <FormError value=transfer.cancel.value() />
            {d.pending_transfer.clone().map(|t| view! {
                <p role="status" data-testid="pending-transfer">
                    {t!("members-transfer-waiting", name = format!("{} {}", t.nominee.first_name, t.nominee.last_name), email = t.nominee.email.clone())} " "
                    <RelativeTime ms=t.expires_at />"."
                </p>
                <ActionForm action=transfer.cancel>
                    <input type="hidden" name="tenant_id" value=tenant_id />
                    <button type="submit" class="secondary">{t!("members-cancel-transfer")}</button>
                </ActionForm>
            })}
            <ActionForm action=transfer.nominate attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <label for="new-owner">{t!("members-new-owner")}</label>
                <input id="new-owner" type="email" name="email" required autocomplete="off" />
                <button type="submit">{t!("members-send-transfer")}</button>
            </ActionForm>
            <p><a href=format!("/t/{tenant_id}/members")>{t!("close")}</a></p>
        </section>
    }
}

/// Percent-encodes a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
