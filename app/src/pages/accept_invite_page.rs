//! `/invite?token=…`: the invitation as the invited person sees it. Opening
//! the page changes nothing (mail scanners prefetch links); each way of
//! accepting is a form that posts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{Check, FormError, FormField, field_error};
use crate::components::role_choices::RoleList;
use crate::components::sign_out_button::SignOutButton;
use crate::components::time::RelativeTime;
use crate::domain::InviteStatus;
use crate::dto::InvitePreview;
use crate::error::AppError;
use crate::i18n::{Lang, lang};
use crate::t;

/// The invitation (if the token is known) and who is looking at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub invite: Option<InvitePreview>,
    pub viewer_email: Option<String>,
    /// The token is a link that a newer invitation email replaced.
    pub replaced: bool,
}

#[server(prefix = "/rpc", endpoint = "get_invite_view")]
pub async fn get_invite_view(token: String) -> Result<InviteView, AppError> {
    let state = crate::backend::app_state()?;
    let viewer_email = crate::backend::access::session::current_account(&state)
        .await?
        .map(|a| a.email);
    let invite = match crate::backend::onboarding::invites::preview(&state, &token).await {
        Ok(p) => Some(p),
        Err(AppError::NotFound) => None,
        Err(e) => return Err(e),
    };
    let replaced = invite.is_none()
        && crate::backend::onboarding::invites::link_replaced(&state, &token).await?;
    Ok(InviteView {
        invite,
        viewer_email,
        replaced,
    })
}

/// Where to go after accepting: the invitation's redirect URL if its origin
/// is still allowed, else the tenant's home.
#[cfg(feature = "ssr")]
fn after_accepting(
    state: &crate::backend::AppState,
    accepted: &crate::backend::onboarding::invites::Accepted,
) {
    let target = accepted
        .redirect_url
        .as_deref()
        .and_then(|u| crate::backend::url_policy::allowed_absolute(&state.config, u))
        .unwrap_or_else(|| format!("/t/{}", accepted.tenant_id));
    leptos_axum::redirect(&target);
}

#[server(prefix = "/rpc", endpoint = "accept_invite")]
pub async fn accept_invite(token: String) -> Result<(), AppError> {
    use crate::backend::{access::session, onboarding::invites};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    let accepted = invites::accept(&state, &token, invites::Acceptor::Account(account)).await?;
    after_accepting(&state, &accepted);
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "decline_invite")]
pub async fn decline_invite(token: String) -> Result<(), AppError> {
    use crate::backend::{access::session, onboarding::invites};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    invites::decline(&state, &token, &account).await?;
    leptos_axum::redirect(&format!(
        "/invite?token={}",
        crate::format::query_value(&token)
    ));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "accept_invite_new_account")]
pub async fn accept_invite_new_account(
    token: String,
    first_name: String,
    last_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::backend::access::accounts::{AccountFields, NewPerson};
    use crate::backend::{access::session, onboarding::invites};
    let state = crate::backend::app_state()?;
    let mut form = crate::domain::FormParser::default();
    let fields = AccountFields {
        password: Some(&password),
        first_name: Some(&first_name),
        last_name: Some(&last_name),
        email: None,
    };
    let person = NewPerson::parse(&mut form, fields);
    let client_ip = session::client_ip(&state).await;
    let acceptor = form.finish(|| {
        Some(invites::Acceptor::NewAccount {
            person: person?,
            client_ip,
        })
    })?;
    let accepted = invites::accept(&state, &token, acceptor).await?;
    session::sign_in(accepted.account_id, accepted.credentials_version).await?;
    after_accepting(&state, &accepted);
    Ok(())
}

/// Signs in as the invited email and accepts in one step.
#[server(prefix = "/rpc", endpoint = "sign_in_and_accept")]
pub async fn sign_in_and_accept(token: String, password: String) -> Result<(), AppError> {
    use crate::backend::{access::accounts, access::session, onboarding::invites};
    let state = crate::backend::app_state()?;
    let preview = invites::preview(&state, &token).await?;
    let account = accounts::sign_in(
        &state,
        &preview.email,
        &password,
        session::client_ip(&state).await,
        accounts::SignInVia::Browser,
    )
    .await?;
    session::sign_in(account.id, account.credentials_version).await?;
    let accepted = invites::accept(&state, &token, invites::Acceptor::Account(account)).await?;
    after_accepting(&state, &accepted);
    Ok(())
}

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    // Keyed on the whole query: signing out comes back with a marker, and
    // the page must be fetched again for the signed-out visitor.
    let view_data = Resource::new(
        move || (token(), query.read().get("signed_out")),
        |(t, _)| get_invite_view(t),
    );
    view! {
        <Title text={t!("invite-title")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    let token = token();
                    view_data.await.map(|v| view! { <InviteDetails view=v token /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn InviteDetails(view: InviteView, token: String) -> impl IntoView {
    let Some(invite) = view.invite else {
        if view.replaced {
            return view! {
                <section class="panel" role="alert">
                    <h1>{t!("invite-replaced")}</h1>
                    <p>{t!("invite-replaced-text")}</p>
                </section>
            }
            .into_any();
        }
        return view! {
            <section class="panel" role="alert">
                <h1>{t!("invite-not-found")}</h1>
                <p>{t!("invite-not-found-text")}</p>
            </section>
        }
        .into_any();
    };
    let ended = match invite.status {
        InviteStatus::Pending => None,
        InviteStatus::Accepted => Some((t!("invite-used"), t!("invite-used-text"))),
        InviteStatus::Declined => Some((t!("invite-declined"), t!("invite-declined-text"))),
        InviteStatus::Revoked => Some((t!("invite-revoked"), t!("invite-revoked-text"))),
        InviteStatus::Expired => Some((t!("invite-expired"), t!("invite-expired-text"))),
    };
    if let Some((title, text)) = ended {
        return view! {
            <section class="panel" role="alert">
                <h1>{title}</h1>
                <p>{text}</p>
                <p><a href="/login">{t!("sign-in")}</a></p>
            </section>
        }
        .into_any();
    }
    let action = match (&view.viewer_email, invite.account_exists) {
        (Some(me), _) if *me == invite.email => {
            view! { <AcceptOrDecline token=token.clone() /> }.into_any()
        }
        (Some(me), _) => {
            let next = format!("/invite?token={token}");
            view! {
                <div class="notice" role="alert">
                    <p>{t!("invite-wrong-person", email = invite.email.clone(), me = me.clone())}</p>
                    <p>{t!("invite-sign-out-to-continue", email = invite.email.clone())}</p>
                    <SignOutButton next label=t!("invite-sign-out-continue") />
                </div>
            }
            .into_any()
        }
        (None, true) => {
            view! { <SignInToAccept token=token.clone() email=invite.email.clone() /> }.into_any()
        }
        (None, false) => view! {
            <NewAccountForm
                token=token.clone()
                first_name=invite.first_name.clone().unwrap_or_default()
                last_name=invite.last_name.clone().unwrap_or_default()
            />
        }
        .into_any(),
    };
    view! {
        <section class="panel">
            <LanguageSwitch token=token.clone() />
            <h1>{t!("invite-join", tenant = invite.tenant_name.clone())}</h1>
            <dl class="invite-facts">
                <dt>{t!("invite-tenant")}</dt>
                <dd>{invite.tenant_name.clone()}</dd>
                <dt>{t!("invite-by")}</dt>
                <dd>{invite.inviter.clone()}</dd>
                <dt>{t!("invite-for")}</dt>
                <dd>{invite.email.clone()}</dd>
                <dt>{t!("invite-roles")}</dt>
                <dd>
                    <RoleList roles=invite.roles.clone() organisation_name=invite.organisation_name.clone() />
                </dd>
                <dt>{t!("invite-expires")}</dt>
                <dd><RelativeTime ms=invite.expired_at /></dd>
            </dl>
            {invite.message.clone().map(|m| view! {
                <figure class="invite-message">
                    <figcaption>{t!("invite-their-message")}</figcaption>
                    <blockquote data-testid="invite-message">{m}</blockquote>
                </figure>
            })}
            {action}
        </section>
    }
    .into_any()
}

/// The invitation's page in another language: links to the same page with
/// `?lang=` (the server renders it in that language).
#[component]
fn LanguageSwitch(token: String) -> impl IntoView {
    let current = lang();
    let token = crate::format::query_value(&token);
    view! {
        <nav class="language-switch" aria-label=t!("invite-language")>
            <ul>
                {Lang::CHOSEN.into_iter().filter(|l| *l != current).map(|l| view! {
                    <li>
                        <a href=format!("/invite?token={token}&lang={}", l.code()) hreflang=l.code() lang=l.code()>
                            {l.name()}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn AcceptOrDecline(token: String) -> impl IntoView {
    let accept = ServerAction::<AcceptInvite>::new();
    let decline = ServerAction::<DeclineInvite>::new();
    let accept_value = accept.value();
    let decline_value = decline.value();
    let decline_token = token.clone();
    view! {
        <div class="button-row">
            <ActionForm action=accept>
                <input type="hidden" name="token" value=token />
                <button type="submit">{t!("invite-accept")}</button>
            </ActionForm>
            <ActionForm action=decline>
                <input type="hidden" name="token" value=decline_token />
                <button type="submit" class="secondary">{t!("invite-decline")}</button>
            </ActionForm>
        </div>
        <FormError value=accept_value />
        <FormError value=decline_value />
    }
}

#[component]
fn SignInToAccept(token: String, email: String) -> impl IntoView {
    let action = ServerAction::<SignInAndAccept>::new();
    let value = action.value();
    view! {
        <h2>{t!("invite-sign-in-to-accept")}</h2>
        <p>{t!("invite-have-account", email = email.clone())}</p>
        <ActionForm action attr:class="stacked">
            <input type="hidden" name="token" value=token />
            <div class="field">
                <label for="accept-email">{t!("field-email")}</label>
                <input id="accept-email" type="email" value=email readonly autocomplete="username" />
            </div>
            <FormField label={t!("field-password")} name="password" input_type="password" autocomplete="current-password"
                server_error=field_error(value, "password") />
            <FormError value />
            <button type="submit">{t!("invite-sign-in-and-accept")}</button>
        </ActionForm>
        <p><a href="/forgot-password">{t!("login-forgot")}</a></p>
    }
}

#[component]
fn NewAccountForm(token: String, first_name: String, last_name: String) -> impl IntoView {
    let action = ServerAction::<AcceptInviteNewAccount>::new();
    let value = action.value();
    view! {
        <h2>{t!("register-title")}</h2>
        <ActionForm action attr:class="stacked">
            <input type="hidden" name="token" value=token />
            <FormField label={t!("field-first-name")} name="first_name" autocomplete="given-name" value=first_name
                server_error=field_error(value, "firstName") check=Check::PersonName />
            <FormField label={t!("field-last-name")} name="last_name" autocomplete="family-name" value=last_name
                server_error=field_error(value, "lastName") check=Check::PersonName />
            <FormField label={t!("field-password")} name="password" input_type="password" autocomplete="new-password"
                server_error=field_error(value, "password") check=Check::Password />
            <FormError value />
            <button type="submit">{t!("invite-accept")}</button>
        </ActionForm>
    }
}
