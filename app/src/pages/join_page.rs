//! `/join?code=…`: a shareable invitation link (SPEC §9) as the person
//! holding it sees it. Opening the page changes nothing; joining is a form
//! that posts. A signed-in person with a confirmed email (at the link's
//! domain, if it has one) joins at once; a new person creates an account
//! here, and the join completes when they confirm their address from the
//! mailed link (`/verify-email?…&join=…`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{Check, FormError, FormField, field_error};
use crate::components::role_choices::RoleList;
use crate::components::sign_out_button::SignOutButton;
use crate::components::time::RelativeTime;
use crate::domain::{LinkMode, LinkStatus};
use crate::dto::JoinPreview;
use crate::error::AppError;
use crate::t;

/// The link (if the code is known) and who is looking at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinView {
    pub link: Option<JoinPreview>,
    pub viewer: Option<Viewer>,
}

/// The signed-in person looking at the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub email: String,
    pub verified: bool,
    /// Already an active member of the link's tenant.
    pub member: bool,
}

#[server(prefix = "/rpc", endpoint = "get_join_view")]
pub async fn get_join_view(code: String) -> Result<JoinView, AppError> {
    use crate::backend::{access::accounts, access::session, onboarding::invite_links};
    let state = crate::backend::app_state()?;
    let link = invite_links::preview(&state, &code).await?;
    let viewer = match session::current_account(&state).await? {
        Some(account) => {
            let member = match &link {
                Some(l) => accounts::memberships(&state, account.id)
                    .await?
                    .iter()
                    .any(|m| {
                        m.tenant_id == l.tenant_id
                            && m.status == crate::domain::MemberStatus::Active
                    }),
                None => false,
            };
            Some(Viewer {
                verified: account.email_verified_at.is_some(),
                email: account.email,
                member,
            })
        }
        None => None,
    };
    Ok(JoinView { link, viewer })
}

/// Joins with the link, or (a request-mode link) asks to join with the
/// optional `message`.
#[server(prefix = "/rpc", endpoint = "join_with_link")]
pub async fn join_with_link(
    code: String,
    #[server(default)] message: String,
) -> Result<(), AppError> {
    use crate::backend::{access::session, onboarding::invite_links};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    let outcome = invite_links::join(&state, &account, &code, &message).await?;
    leptos_axum::redirect(&after_join(&outcome, &code));
    Ok(())
}

/// Where a person goes once they used a link: their new tenant, or back
/// to the link's page saying the request was sent.
#[cfg(feature = "ssr")]
pub fn after_join(
    outcome: &crate::backend::onboarding::invite_links::JoinOutcome,
    code: &str,
) -> String {
    use crate::backend::onboarding::invite_links::JoinOutcome;
    match outcome {
        JoinOutcome::Joined(j) => format!("/t/{}?joined=1", j.tenant_id),
        JoinOutcome::Requested(_) => {
            format!(
                "/join?code={}&requested=1",
                crate::format::query_value(code)
            )
        }
    }
}

#[server(prefix = "/rpc", endpoint = "join_new_account")]
pub async fn join_new_account(
    code: String,
    email: String,
    first_name: String,
    last_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::backend::access::accounts::{AccountFields, NewAccount};
    use crate::backend::{access::session, onboarding::invite_links};
    let state = crate::backend::app_state()?;
    let mut form = crate::domain::FormParser::default();
    let fields = AccountFields::of_form(&email, &password, &first_name, &last_name);
    // The language the page was in becomes their preference.
    let account = NewAccount::parse(&mut form, fields).map(|a| NewAccount {
        locale: Some(crate::i18n::lang()),
        ..a
    });
    let account = form.finish(|| account)?;
    let ip = session::client_ip(&state).await;
    let account = invite_links::sign_up_to_join(&state, account, &code, ip).await?;
    session::sign_in_new_account(account.id, account.credentials_version).await?;
    leptos_axum::redirect(&format!(
        "/join?code={}&sent=1",
        crate::format::query_value(&code)
    ));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "resend_join_verification")]
pub async fn resend_join_verification(code: String) -> Result<(), AppError> {
    use crate::backend::{access::session, onboarding::invite_links};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    invite_links::resend_verification_to_join(&state, &account, &code).await?;
    leptos_axum::redirect(&format!(
        "/join?code={}&sent=1",
        crate::format::query_value(&code)
    ));
    Ok(())
}

/// The page's forms, made outside the Suspense so a failed post without
/// JavaScript (the error comes back in the URL) reaches them.
#[derive(Clone, Copy)]
struct Actions {
    join: ServerAction<JoinWithLink>,
    new_account: ServerAction<JoinNewAccount>,
    resend: ServerAction<ResendJoinVerification>,
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || query.read().get("code").unwrap_or_default();
    let actions = Actions {
        join: ServerAction::new(),
        new_account: ServerAction::new(),
        resend: ServerAction::new(),
    };
    // Keyed on the whole query: signing out or up comes back with a
    // marker, and the page must be fetched again for who is looking now.
    let data = Resource::new(
        move || {
            (
                code(),
                query.read().get("signed_out"),
                query.read().get("sent"),
            )
        },
        |(c, ..)| get_join_view(c),
    );
    view! {
        <Title text={t!("join-title")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    let code = code();
                    data.await.map(|v| view! { <JoinDetails view=v code actions /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn JoinDetails(view: JoinView, code: String, actions: Actions) -> impl IntoView {
    let Some(link) = view.link else {
        return view! {
            <section class="panel" role="alert">
                <h1>{t!("join-not-found")}</h1>
                <p>{t!("join-not-found-text")}</p>
            </section>
        }
        .into_any();
    };
    let ended = match link.status {
        LinkStatus::Active => None,
        LinkStatus::UsedUp => Some((t!("join-used-up"), t!("join-used-up-text"))),
        LinkStatus::Revoked => Some((t!("join-revoked"), t!("join-revoked-text"))),
        LinkStatus::Expired => Some((t!("join-expired"), t!("join-expired-text"))),
    };
    if let Some((title, text)) = ended {
        return view! {
            <section class="panel" role="alert">
                <h1>{title}</h1>
                <p>{format!("{text} ({})", link.tenant_name)}</p>
            </section>
        }
        .into_any();
    }
    let next = format!("/join?code={code}");
    let requested = use_query_map().read_untracked().get("requested").is_some();
    let action = match &view.viewer {
        Some(v) if v.member => view! {
            <p class="notice" role="status">{t!("join-already-member", tenant = link.tenant_name.clone())}</p>
            <p><a href=format!("/t/{}", link.tenant_id)>{t!("mail-approved-action", tenant = link.tenant_name.clone())}</a></p>
        }
        .into_any(),
        Some(v) if !link.admits(&v.email) => view! {
            <div class="notice" role="alert">
                <p>{t!(
                    "join-wrong-domain",
                    domain = link.allowed_domain.clone().unwrap_or_default(),
                    email = v.email.clone(),
                )}</p>
                <SignOutButton next=next.clone() label=t!("join-sign-out-other") />
            </div>
        }
        .into_any(),
        Some(v) if !v.verified => {
            view! { <ConfirmFirst email=v.email.clone() code=code.clone() action=actions.resend /> }.into_any()
        }
        Some(_) if requested => view! {
            <p class="success" role="status" data-testid="request-sent">
                {t!("join-request-sent", tenant = link.tenant_name.clone())}
            </p>
        }
        .into_any(),
        Some(_) if link.mode == LinkMode::Request => {
            let value = actions.join.value();
            let label = t!("account-ask-label", tenant = link.tenant_name.clone());
            view! {
                <p>{t!("join-request-how")}</p>
                <ActionForm action=actions.join attr:class="stacked">
                    <input type="hidden" name="code" value=code.clone() />
                    <label for="join-message">{t!("join-message")}</label>
                    <textarea id="join-message" name="message" maxlength="1000" rows="3"></textarea>
                    <button type="submit">{label}</button>
                </ActionForm>
                <FormError value />
            }
            .into_any()
        }
        Some(_) => {
            let value = actions.join.value();
            let label = t!("invite-join", tenant = link.tenant_name.clone());
            view! {
                <ActionForm action=actions.join>
                    <input type="hidden" name="code" value=code.clone() />
                    <button type="submit">{label}</button>
                </ActionForm>
                <FormError value />
            }
            .into_any()
        }
        None => view! {
            <h2>{t!("join-have-account")}</h2>
            <p>
                <a href=format!("/login?next={}", crate::format::query_value(&next))>
                    {t!("join-sign-in")}
                </a>
            </p>
            <NewAccountForm
                code=code.clone()
                allowed_domain=link.allowed_domain.clone()
                request=link.mode == LinkMode::Request
                action=actions.new_account
            />
        }
        .into_any(),
    };
    view! {
        <section class="panel">
            <h1>{t!("invite-join", tenant = link.tenant_name.clone())}</h1>
            <dl class="invite-facts">
                <dt>{t!("invite-tenant")}</dt>
                <dd>{link.tenant_name.clone()}</dd>
                <dt>{t!("invite-roles")}</dt>
                <dd>
                    <RoleList roles=link.roles.clone() organisation_name=link.organisation_name.clone() />
                </dd>
                {link.allowed_domain.clone().map(|d| view! {
                    <dt>{t!("join-who")}</dt>
                    <dd>{t!("join-people-at", domain = d)}</dd>
                })}
                <dt>{t!("invite-expires")}</dt>
                <dd><RelativeTime ms=link.expires_at /></dd>
            </dl>
            {action}
        </section>
    }
    .into_any()
}

/// A signed-in person whose email is not confirmed yet: the join completes
/// when they confirm it.
#[component]
fn ConfirmFirst(
    email: String,
    code: String,
    action: ServerAction<ResendJoinVerification>,
) -> impl IntoView {
    let query = use_query_map();
    let sent = query.read_untracked().get("sent").is_some();
    let value = action.value();
    view! {
        <div class="notice" role="status" data-testid="join-confirm">
            {if sent {
                t!("join-confirm-sent", email = email.clone())
            } else {
                t!("join-confirm-first", email = email.clone())
            }}
        </div>
        <ActionForm action>
            <input type="hidden" name="code" value=code />
            <button type="submit" class="secondary">
                {if sent { t!("join-send-again") } else { t!("join-send") }}
            </button>
        </ActionForm>
        <FormError value />
    }
}

#[component]
fn NewAccountForm(
    code: String,
    allowed_domain: Option<String>,
    /// A request-mode link: confirming files the request, it does not join.
    request: bool,
    action: ServerAction<JoinNewAccount>,
) -> impl IntoView {
    let value = action.value();
    view! {
        <h2>{t!("join-new-here")}</h2>
        <p>
            {match (allowed_domain, request) {
                (Some(d), false) => t!("join-new-domain", domain = d),
                (None, false) => t!("join-new"),
                (Some(d), true) => t!("join-new-domain-request", domain = d),
                (None, true) => t!("join-new-request"),
            }}
        </p>
        <ActionForm action attr:class="stacked">
            <input type="hidden" name="code" value=code />
            <FormField label={t!("field-email")} name="email" input_type="email" autocomplete="email"
                server_error=field_error(value, "email") check=Check::Email />
            <FormField label={t!("field-first-name")} name="first_name" autocomplete="given-name"
                server_error=field_error(value, "firstName") check=Check::PersonName />
            <FormField label={t!("field-last-name")} name="last_name" autocomplete="family-name"
                server_error=field_error(value, "lastName") check=Check::PersonName />
            <FormField label={t!("field-password")} name="password" input_type="password" autocomplete="new-password"
                server_error=field_error(value, "password") check=Check::Password />
            <FormError value />
            <button type="submit">{t!("create-account")}</button>
        </ActionForm>
    }
}
