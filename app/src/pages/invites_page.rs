//! `/t/{tenantId}/invites`: invite one person or many at once, and manage
//! the invitations by status (resend, revoke, copy a fresh link).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{Check, FormError, FormField, field_error};
use crate::components::language_select::LanguageSelect;
use crate::components::pager::Pager;
use crate::components::role_choices::RoleChoices;
use crate::components::tenant_nav::TenantNav;
use crate::components::time::RelativeTime;
use crate::domain::{InviteStatus, MAX_BULK_INVITES};
use crate::dto::{InviteInfo, Page, Seats};
use crate::error::AppError;
use crate::format::{invite_status, query_value, role_names};
use crate::i18n::lang;
use crate::t;

/// Everything the invitations page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitesPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub can_invite: bool,
    pub seats: Seats,
    /// Roles the viewer may grant.
    pub grantable_roles: Vec<String>,
    pub organisations: Vec<(i64, String)>,
    pub invites: Page<InviteInfo>,
    /// The link "Copy link" just made, shown once.
    pub fresh_link: Option<String>,
    /// What the last bulk invitation did, row by row, shown once.
    pub bulk_results: Option<Vec<BulkRow>>,
}

/// The outcome of one row of a bulk invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRow {
    pub email: String,
    pub outcome: String,
}

#[server(prefix = "/rpc", endpoint = "get_invites_page")]
pub async fn get_invites_page(
    tenant_id: i64,
    status: Option<String>,
    email: Option<String>,
    page: Option<i64>,
) -> Result<InvitesPageData, AppError> {
    use crate::backend::onboarding::invites;
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let status = status.filter(|s| !s.is_empty());
    let query = invites::InviteQuery {
        status: status.as_deref(),
        email: email.as_deref(),
    };
    let paging = crate::backend::tenant_admin::paging(page, None);
    let list = invites::list_invites(&state, &actor, query, paging).await?;
    let tenant_name = actor.tenant_name.clone();
    let organisations = crate::backend::tenant_admin::organisation_choices(&state, &actor).await?;
    let grantable_roles = actor.grantable_roles();
    use crate::backend::access::session::{kept, take_kept};
    // Answers of "Copy link" and a bulk invitation, kept for this tenant.
    fn of_tenant<T>(kept: Option<(i64, T)>, tenant_id: i64) -> Option<T> {
        kept.filter(|(t, _)| *t == tenant_id).map(|(_, v)| v)
    }
    let fresh_link = of_tenant(take_kept(kept::FRESH_INVITE_LINK).await?, tenant_id);
    let bulk_results = of_tenant(take_kept(kept::BULK_RESULTS).await?, tenant_id);
    let seats = crate::backend::onboarding::seats::of_tenant(&state, tenant_id).await?;
    Ok(InvitesPageData {
        tenant_id,
        tenant_name,
        can_invite: !grantable_roles.is_empty(),
        seats,
        grantable_roles,
        organisations,
        invites: list,
        fresh_link,
        bulk_results,
    })
}

/// Parses the invite form's shared fields: roles and organisation into
/// `form`; the message trimmed (empty: none), checked by whoever uses it.
#[cfg(feature = "ssr")]
fn parse_common(
    form: &mut crate::domain::FormParser,
    roles: &[String],
    organisation_id: &str,
    message: &str,
) -> (
    Option<Vec<crate::domain::Role>>,
    Option<Option<i64>>,
    Option<String>,
) {
    let roles = form.field("roles", crate::domain::Role::parse_choices(roles));
    let org = form.field(
        "organisationId",
        match organisation_id.trim() {
            "" => Ok(None),
            s => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| t!("invites-choose-organisation")),
        },
    );
    let message = message.trim();
    (
        roles,
        org,
        (!message.is_empty()).then(|| message.to_owned()),
    )
}

#[server(prefix = "/rpc", endpoint = "send_invite")]
pub async fn send_invite(
    tenant_id: i64,
    email: String,
    #[server(default)] roles: Vec<String>,
    #[server(default)] organisation_id: String,
    #[server(default)] message: String,
    #[server(default)] locale: String,
) -> Result<(), AppError> {
    use crate::backend::onboarding::invites::{self, InviteFields, NewInvite};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let mut form = crate::domain::FormParser::default();
    let (roles, org, message) = parse_common(&mut form, &roles, &organisation_id, &message);
    let fields = InviteFields {
        email: Some(&email),
        roles,
        organisation_id: org.flatten(),
        message: message.as_deref(),
        send_email: true,
        locale: Some(locale.trim()).filter(|l| !l.is_empty()),
        ..InviteFields::default()
    };
    let new = NewInvite::parse(&mut form, &state.config, fields);
    let (_, new) = form.finish(|| Some((org?, new?)))?;
    let email = new.email.clone();
    invites::create_invite(&state, &actor, new).await?;
    leptos_axum::redirect(&format!(
        "/t/{tenant_id}/invites?sent={}",
        crate::format::query_value(email.as_str())
    ));
    Ok(())
}

/// Many emails at once, one per line (or separated by commas): every row
/// is checked first, and nothing is sent unless all rows are valid.
#[server(prefix = "/rpc", endpoint = "send_bulk_invites")]
pub async fn send_bulk_invites(
    tenant_id: i64,
    emails: String,
    #[server(default)] roles: Vec<String>,
    #[server(default)] organisation_id: String,
    #[server(default)] message: String,
) -> Result<Vec<BulkRow>, AppError> {
    use crate::backend::onboarding::invites::{self, NewInvite, bulk};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    // Permission before parsing: someone who may not invite costs nothing.
    actor.ensure_can_invite()?;
    let mut form = crate::domain::FormParser::default();
    let (roles, org, message) = parse_common(&mut form, &roles, &organisation_id, &message);
    if let Some(message) = &message {
        form.field("message", invites::check_message(message));
    }
    let emails = bulk::parse_rows(&mut form, &emails)?;
    let (roles, org) = form.finish(|| Some((roles?, org?)))?;
    let outcomes = bulk::invite_each(&state, &actor, emails, |email| NewInvite {
        organisation_id: org,
        message: message.clone(),
        ..NewInvite::new(email, roles.clone())
    })
    .await?;
    let results: Vec<BulkRow> = outcomes
        .into_iter()
        .map(|(email, outcome)| BulkRow {
            email: email.to_string(),
            outcome,
        })
        .collect();
    crate::backend::access::session::keep(
        crate::backend::access::session::kept::BULK_RESULTS,
        &(tenant_id, &results),
    )
    .await?;
    Ok(results)
}

#[server(prefix = "/rpc", endpoint = "resend_invite")]
pub async fn resend_invite(tenant_id: i64, invite_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::onboarding::invites::reissue_invite(&state, &actor, invite_id, true).await?;
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "revoke_invite")]
pub async fn revoke_invite(tenant_id: i64, invite_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::onboarding::invites::revoke_invite(&state, &actor, invite_id).await?;
    Ok(())
}

/// "Invite again": a fresh invitation for an expired one, mailed at once.
#[server(prefix = "/rpc", endpoint = "invite_again")]
pub async fn invite_again(tenant_id: i64, invite_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let issued =
        crate::backend::onboarding::invites::invite_again(&state, &actor, invite_id).await?;
    leptos_axum::redirect(&format!(
        "/t/{tenant_id}/invites?sent={}",
        issued.invite.email
    ));
    Ok(())
}

/// A fresh link for an invitation, without mail. Only hashes are stored, so
/// the old link cannot be shown again: this one replaces it. The page shows
/// it after the post (kept in the session for that one render).
#[server(prefix = "/rpc", endpoint = "copy_invite_link")]
pub async fn copy_invite_link(tenant_id: i64, invite_id: i64) -> Result<String, AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let link =
        crate::backend::onboarding::invites::reissue_invite(&state, &actor, invite_id, false)
            .await?
            .link;
    crate::backend::access::session::keep(
        crate::backend::access::session::kept::FRESH_INVITE_LINK,
        &(tenant_id, &link),
    )
    .await?;
    Ok(link)
}

#[component]
pub fn InvitesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let tenant_id = move || {
        params
            .read()
            .get("tenant_id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let status = move || query.read().get("status");
    let email = move || query.read().get("email");
    let page = move || query.read().get("page").and_then(|p| p.parse::<i64>().ok());
    let send = ServerAction::<SendInvite>::new();
    let bulk = ServerAction::<SendBulkInvites>::new();
    let resend = ServerAction::<ResendInvite>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let copy = ServerAction::<CopyInviteLink>::new();
    let data = Resource::new(
        move || {
            (
                tenant_id(),
                status(),
                email(),
                page(),
                send.version().get(),
                bulk.version().get(),
                resend.version().get(),
                revoke.version().get(),
                copy.version().get(),
            )
        },
        |(t, s, e, p, ..)| get_invites_page(t, s, e, p),
    );
    view! {
        <Title text={t!("invites-title")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    data.await.map(|d| view! { <InvitesView data=d send bulk resend revoke copy /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn InvitesView(
    data: InvitesPageData,
    send: ServerAction<SendInvite>,
    bulk: ServerAction<SendBulkInvites>,
    resend: ServerAction<ResendInvite>,
    revoke: ServerAction<RevokeInvite>,
    copy: ServerAction<CopyInviteLink>,
) -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.read().get("sent");
    let tenant_id = data.tenant_id;
    let sent_value = send.value();
    let bulk_value = bulk.value();
    let statuses = [
        "", "pending", "expiring", "accepted", "declined", "revoked", "expired",
    ];
    let again = ServerAction::<InviteAgain>::new();
    let (page, pages) = (data.invites.page, data.invites.pages());
    let (status_filter, email_filter) = (
        query.read_untracked().get("status").unwrap_or_default(),
        query.read_untracked().get("email").unwrap_or_default(),
    );
    let page_link = move |p: i64| {
        format!(
            "/t/{tenant_id}/invites?status={}&email={}&page={p}",
            query_value(&status_filter),
            query_value(&email_filter)
        )
    };
    let (roles_single, roles_bulk) = (data.grantable_roles.clone(), data.grantable_roles.clone());
    let (orgs_single, orgs_bulk) = (data.organisations.clone(), data.organisations.clone());
    view! {
        <TenantNav tenant_id tenant_name=data.tenant_name.clone() />
        <h1>{t!("invites-title")}</h1>
        <Show when=move || sent().is_some()>
            <p class="notice" role="status">{move || t!("invites-sent-to", email = sent().unwrap_or_default())}</p>
        </Show>
        <p data-testid="seats">{data.seats.summary(lang())} "."</p>
        {(data.can_invite && data.seats.is_full()).then(|| view! {
            <p class="notice warning" role="status" data-testid="seats-full">
                {t!("invites-no-seat", limit = data.seats.limit.unwrap_or_default())}
            </p>
        })}
        {if data.can_invite {
            let full = data.seats.is_full();
            view! {
            <section class="panel" aria-labelledby="invite-heading">
                <h2 id="invite-heading">{t!("invites-invite-someone")}</h2>
                <ActionForm action=send attr:class="stacked">
                    <input type="hidden" name="tenant_id" value=tenant_id />
                    <FormField label={t!("field-email")} name="email" input_type="email" server_error=field_error(sent_value, "email")
                        check=Check::Email />
                    <fieldset class="field">
                        <legend>{t!("invite-roles")}</legend>
                        <RoleChoices form="invite" roles=roles_single checked=vec!["extractor-user".to_owned()] />
                        <p class="field-error">{field_error(sent_value, "roles")}</p>
                    </fieldset>
                    <OrganisationSelect id="invite-organisation" organisations=orgs_single />
                    <div class="field">
                        <label for="invite-locale">{t!("invites-language")}</label>
                        <LanguageSelect id="invite-locale" none_label=t!("invites-language-auto") current=None />
                        <p class="field-error">{field_error(sent_value, "locale")}</p>
                    </div>
                    <div class="field">
                        <label for="invite-message">{t!("field-message")}</label>
                        <textarea id="invite-message" name="message" rows="3" maxlength="2000"></textarea>
                        <p class="field-error">{field_error(sent_value, "message")}</p>
                    </div>
                    <FormError value=sent_value />
                    <button type="submit" disabled=full>{t!("invites-send")}</button>
                </ActionForm>
            </section>
            <section class="panel" aria-labelledby="bulk-heading">
                <h2 id="bulk-heading">{t!("invites-many")}</h2>
                <p>
                    {t!("invites-bulk-how", max = MAX_BULK_INVITES)}
                </p>
                <ActionForm action=bulk attr:class="stacked">
                    <input type="hidden" name="tenant_id" value=tenant_id />
                    <div class="field">
                        <label for="bulk-emails">{t!("invites-addresses")}</label>
                        <textarea id="bulk-emails" name="emails" rows="6"></textarea>
                        <p class="field-error pre-line" id="bulk-emails-error">
                            {field_error(bulk_value, "emails")}
                        </p>
                    </div>
                    <fieldset class="field">
                        <legend>{t!("invites-roles-everyone")}</legend>
                        <RoleChoices form="bulk" roles=roles_bulk checked=vec!["extractor-user".to_owned()] />
                        <p class="field-error">{field_error(bulk_value, "roles")}</p>
                    </fieldset>
                    <OrganisationSelect id="bulk-organisation" organisations=orgs_bulk />
                    <input type="hidden" name="message" value="" />
                    <FormError value=bulk_value />
                    <button type="submit" disabled=full>{t!("invites-send-many")}</button>
                </ActionForm>
                {data.bulk_results.map(|rows| view! {
                    <ul class="bulk-results" aria-label={t!("invites-bulk-results")}>
                        {rows.into_iter().map(|r| view! { <li>{r.email} ": " {r.outcome}</li> }).collect_view()}
                    </ul>
                })}
            </section>
            }.into_any()
        } else {
            view! { <p>{t!("invites-only-managers")}</p> }.into_any()
        }}
        <section class="panel" aria-labelledby="list-heading">
            <h2 id="list-heading">{t!("invites-all")}</h2>
            <form method="get" class="search" role="search">
                <label for="invite-email">{t!("invites-search")}</label>
                <input id="invite-email" type="search" name="email" maxlength="254"
                    value=query.read_untracked().get("email").unwrap_or_default() />
                {query.read_untracked().get("status").map(|s| view! { <input type="hidden" name="status" value=s /> })}
                <button type="submit" class="secondary">{t!("members-search-button")}</button>
            </form>
            <nav aria-label={t!("invites-filter")} class="filters">
                {statuses.into_iter().map(|s| {
                    let label = match s {
                        "" => t!("invites-filter-all"),
                        "expiring" => t!("invites-filter-expiring"),
                        s => InviteStatus::try_from(s.to_owned())
                            .map_or_else(|_| s.to_owned(), |s| invite_status(lang(), s)),
                    };
                    let href = if s.is_empty() { format!("/t/{tenant_id}/invites") } else { format!("/t/{tenant_id}/invites?status={s}") };
                    view! { <a href=href>{label}</a> }
                }).collect_view()}
            </nav>
            <FormError value=copy.value() />
            <FormError value=again.value() />
            {data.fresh_link.map(|link| view! {
                <div class="notice" role="status">
                    <p>{t!("invites-new-link")}</p>
                    <p><code data-testid="invite-link">{link.clone()}</code></p>
                    <CopyButton text=link copy=t!("invites-copy") copied=t!("invites-copied") />
                </div>
            })}
            <div class="table-scroll" tabindex="0">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!("field-email")}</th>
                            <th scope="col">{t!("invite-roles")}</th>
                            <th scope="col">{t!("col-status")}</th>
                            <th scope="col">{t!("invite-expires")}</th>
                            <th scope="col">{t!("col-actions")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {data.invites.items.into_iter().map(|i| {
                            let pending = i.status == InviteStatus::Pending;
                            let resend_label = t!("invites-resend-label", email = i.email.clone());
                            let copy_label = t!("invites-copy-label", email = i.email.clone());
                            let again_label = t!("invites-again-label", email = i.email.clone());
                            let revoke_label = t!("invites-revoke-label", email = i.email.clone());
                            view! {
                                <tr>
                                    <td>{i.email.clone()}</td>
                                    <td>{role_names(lang(), &i.roles)}</td>
                                    <td>{invite_status(lang(), i.status)}</td>
                                    <td><RelativeTime ms=i.expired_at /></td>
                                    <td class="actions"><div class="action-row">
                                        {(pending && data.can_invite).then(|| view! {
                                            <ActionForm action=resend>
                                                <input type="hidden" name="tenant_id" value=tenant_id />
                                                <input type="hidden" name="invite_id" value=i.id />
                                                <button type="submit" class="secondary" aria-label=resend_label>{t!("invites-resend")}</button>
                                            </ActionForm>
                                            <ActionForm action=copy>
                                                <input type="hidden" name="tenant_id" value=tenant_id />
                                                <input type="hidden" name="invite_id" value=i.id />
                                                <button type="submit" class="secondary" aria-label=copy_label>{t!("invites-copy-link")}</button>
                                            </ActionForm>
                                            <ActionForm action=revoke>
                                                <input type="hidden" name="tenant_id" value=tenant_id />
                                                <input type="hidden" name="invite_id" value=i.id />
                                                <button type="submit" class="danger" aria-label=revoke_label>{t!("account-revoke")}</button>
                                            </ActionForm>
                                        })}
                                        {(i.status == InviteStatus::Expired && data.can_invite).then(|| view! {
                                            <ActionForm action=again>
                                                <input type="hidden" name="tenant_id" value=tenant_id />
                                                <input type="hidden" name="invite_id" value=i.id />
                                                <button type="submit" class="secondary" aria-label=again_label>{t!("invites-again")}</button>
                                            </ActionForm>
                                        })}
                                    </div></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Pager page pages link=page_link />
        </section>
    }
}

/// An organisation to scope roles to; empty for the whole tenant.
#[component]
pub fn OrganisationSelect(id: &'static str, organisations: Vec<(i64, String)>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{t!("col-organisation")}</label>
            <select id=id name="organisation_id">
                <option value="">{t!("invites-no-organisation")}</option>
                {organisations
                    .into_iter()
                    .map(|(oid, name)| view! { <option value=oid.to_string()>{name}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}

/// Copies `text` to the clipboard: an island, the one part of this page
/// that runs in the browser. Without JavaScript it stays hidden (the link is
/// on the page to copy by hand).
#[island]
fn CopyButton(text: String, copy: String, copied: String) -> impl IntoView {
    let live = RwSignal::new(false);
    let done = RwSignal::new(false);
    // Effects run in the browser only: the button shows once it works.
    Effect::new(move |_| live.set(true));
    view! {
        <button
            type="button"
            class="secondary"
            hidden=move || !live.get()
            on:click=move |_| {
                #[cfg(feature = "hydrate")]
                {
                    let clipboard = window().navigator().clipboard();
                    let _ = clipboard.write_text(&text);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = &text;
                done.set(true);
            }
        >
            {move || if done.get() { copied.clone() } else { copy.clone() }}
        </button>
    }
}
