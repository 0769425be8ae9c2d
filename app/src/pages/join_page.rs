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
    let account = NewAccount::parse(&mut form, fields);
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
        <Title text="Join" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
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
                <h1>"Link not found"</h1>
                <p>"This invitation link is not valid. It may be mistyped or cut short. Ask whoever shared it for the whole link."</p>
            </section>
        }
        .into_any();
    };
    let ended = match link.status {
        LinkStatus::Active => None,
        LinkStatus::UsedUp => Some((
            "Link used up",
            "This link has been used as many times as it allows. Ask whoever shared it for a new one.",
        )),
        LinkStatus::Revoked => Some((
            "Link revoked",
            "The tenant's managers revoked this link. Ask them for a new one if you still need access.",
        )),
        LinkStatus::Expired => Some((
            "Link expired",
            "This link has expired. Ask whoever shared it for a new one.",
        )),
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
            <p class="notice" role="status">{format!("You are already a member of {}.", link.tenant_name)}</p>
            <p><a href=format!("/t/{}", link.tenant_id)>{format!("Open {}", link.tenant_name)}</a></p>
        }
        .into_any(),
        Some(v) if !link.admits(&v.email) => view! {
            <div class="notice" role="alert">
                <p>{format!(
                    "This link is for people with an @{} email address; you are signed in as {}.",
                    link.allowed_domain.clone().unwrap_or_default(),
                    v.email,
                )}</p>
                <SignOutButton next=next.clone() label="Sign out and use another account" />
            </div>
        }
        .into_any(),
        Some(v) if !v.verified => {
            view! { <ConfirmFirst email=v.email.clone() code=code.clone() action=actions.resend /> }.into_any()
        }
        Some(_) if requested => view! {
            <p class="success" role="status" data-testid="request-sent">
                {format!("Your request to join {} is sent. A manager decides; we mail you the answer.", link.tenant_name)}
            </p>
        }
        .into_any(),
        Some(_) if link.mode == LinkMode::Request => {
            let value = actions.join.value();
            let label = format!("Ask to join {}", link.tenant_name);
            view! {
                <p>"A manager approves who joins with this link. Tell them who you are, if you like."</p>
                <ActionForm action=actions.join attr:class="stacked">
                    <input type="hidden" name="code" value=code.clone() />
                    <label for="join-message">"Message to the managers (optional)"</label>
                    <textarea id="join-message" name="message" maxlength="1000" rows="3"></textarea>
                    <button type="submit">{label}</button>
                </ActionForm>
                <FormError value />
            }
            .into_any()
        }
        Some(_) => {
            let value = actions.join.value();
            let label = format!("Join {}", link.tenant_name);
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
            <h2>"Already have an account?"</h2>
            <p>
                <a href=format!("/login?next={}", crate::format::query_value(&next))>
                    "Sign in to join"
                </a>
            </p>
            <NewAccountForm code=code.clone() allowed_domain=link.allowed_domain.clone() action=actions.new_account />
        }
        .into_any(),
    };
    view! {
        <section class="panel">
            <h1>{format!("Join {}", link.tenant_name)}</h1>
            <dl class="invite-facts">
                <dt>"Tenant"</dt>
                <dd>{link.tenant_name.clone()}</dd>
                <dt>"Roles"</dt>
                <dd>
                    <RoleList roles=link.roles.clone() organisation_name=link.organisation_name.clone() />
                </dd>
                {link.allowed_domain.clone().map(|d| view! {
                    <dt>"Who can join"</dt>
                    <dd>{format!("People with an @{d} email address")}</dd>
                })}
                <dt>"Expires"</dt>
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
                format!("We sent a confirmation link to {email}. Open it to confirm your address; you join then.")
            } else {
                format!("Confirm your email address ({email}) to join: we can send you a link that confirms it and joins you.")
            }}
        </div>
        <ActionForm action>
            <input type="hidden" name="code" value=code />
            <button type="submit" class="secondary">
                {if sent { "Send the link again" } else { "Send the link" }}
            </button>
        </ActionForm>
        <FormError value />
    }
}

#[component]
fn NewAccountForm(
    code: String,
    allowed_domain: Option<String>,
    action: ServerAction<JoinNewAccount>,
) -> impl IntoView {
    let value = action.value();
    view! {
        <h2>"New here? Create your account"</h2>
        <p>
            {match allowed_domain {
                Some(d) => format!("Use your @{d} email address. We mail you a link to confirm it; you join when you open it."),
                None => "We mail you a link to confirm your email address; you join when you open it.".to_owned(),
            }}
        </p>
        <ActionForm action attr:class="stacked">
            <input type="hidden" name="code" value=code />
            <FormField label="Email" name="email" input_type="email" autocomplete="email"
                server_error=field_error(value, "email") check=Check::Email />
            <FormField label="First name" name="first_name" autocomplete="given-name"
                server_error=field_error(value, "firstName") check=Check::PersonName />
            <FormField label="Last name" name="last_name" autocomplete="family-name"
                server_error=field_error(value, "lastName") check=Check::PersonName />
            <FormField label="Password" name="password" input_type="password" autocomplete="new-password"
                server_error=field_error(value, "password") check=Check::Password />
            <FormError value />
            <button type="submit">"Create account"</button>
        </ActionForm>
    }
}
