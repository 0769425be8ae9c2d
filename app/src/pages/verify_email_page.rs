//! `/verify-email?token=…`: confirms an email address. Opening the link
//! changes nothing (mail scanners prefetch links); the button does.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form_field::{Check, FormField, field_error};
use crate::error::AppError;
use crate::t;

/// Whether the page must ask for a new password (SPEC §2: the mailbox
/// proves the address, not the password chosen before it was confirmed).
#[server(prefix = "/rpc", endpoint = "verify_email_needs")]
pub async fn verify_email_needs(token: String) -> Result<bool, AppError> {
    let state = crate::backend::app_state()?;
    let chose = crate::backend::access::session::chose_password_of().await?;
    crate::backend::access::accounts::confirmation_asks_new_password(&state, &token, chose).await
}

/// Confirms the address; with `join` (the code of the shareable link the
/// account was made with) the person then joins that tenant. A join that
/// fails (the link used up or revoked meanwhile, no seat left) leaves the
/// address confirmed and sends the person to the link's page, which says
/// why. Confirmed outside the browser session that chose the account's
/// password, the first confirmation takes a new `password` and signs this
/// browser in with it.
#[server(prefix = "/rpc", endpoint = "verify_email")]
pub async fn verify_email(
    token: String,
    #[server(default)] join: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    use crate::backend::access::session;
    use crate::domain::Password;
    let state = crate::backend::app_state()?;
    let chose = session::chose_password_of().await?;
    let new_password = match password.as_str() {
        "" => None,
        p => Some(Password::parse(p).map_err(|e| AppError::field("password", e))?),
    };
    let ip = session::client_ip(&state).await;
    let account = crate::backend::access::accounts::verify_email(
        &state,
        &token,
        chose,
        new_password.as_ref(),
        ip,
    )
    .await?;
    // The first confirmation revokes every session of the account; the
    // browser that holds the mailed link goes on under a new one when it
    // chose the password, at sign-up or here.
    let signed_in = chose == Some(account.id)
        && session::signed_in_account_id().await? == Some(account.id)
        || chose != Some(account.id) && new_password.is_some();
    if signed_in {
        session::sign_in(account.id, account.credentials_version).await?;
    }
    let target = if join.is_empty() {
        "/verify-email?done=1".to_owned()
    } else {
        use crate::backend::onboarding::invite_links::{self, JoinOutcome};
        match invite_links::join(&state, &account, &join, "").await {
            Ok(outcome @ JoinOutcome::Requested(_)) => {
                crate::pages::join_page::after_join(&outcome, &join)
            }
            Ok(joined) if signed_in => format!("/t/{}?joined=1", joined.tenant_id()),
            Ok(joined) => format!("/verify-email?done=1&joined={}", joined.tenant_id()),
            Err(e) => {
                tracing::info!(error = %e, "confirmed, but the join with the link failed");
                format!("/join?code={}", crate::format::query_value(&join))
            }
        }
    };
    leptos_axum::redirect(&target);
    Ok(())
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let value = action.value();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let join = move || query.read().get("join").unwrap_or_default();
    let done = move || query.read().get("done").is_some();
    let joined = move || {
        query
            .read()
            .get("joined")
            .and_then(|t| t.parse::<i64>().ok())
    };
    let needs_password = Resource::new(token, |token| async move {
        if token.is_empty() {
            return false;
        }
        verify_email_needs(token).await.unwrap_or(false)
    });
    view! {
        <Title text={t!("verify-title")} />
        <section class="panel">
            <h1>{t!("verify-title")}</h1>
            <Show
                when=done
                fallback=move || {
                    view! {
                        <ActionForm action attr:class="stacked">
                            <input type="hidden" name="token" value=token />
                            <input type="hidden" name="join" value=join />
                            <p>{t!("verify-confirm-yours")}</p>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    needs_password.await.then(|| view! {
                                        <p data-testid="new-password-needed">
                                            {t!("verify-other-browser")}
                                        </p>
                                        <FormField
                                            label={t!("field-new-password")}
                                            name="password"
                                            input_type="password"
                                            autocomplete="new-password"
                                            server_error=field_error(value, "password")
                                            check=Check::Password
                                        />
                                    })
                                })}
                            </Suspense>
                            <p class="form-error" role="alert">
                                {move || value.with(|v| match v {
                                    Some(Err(e)) if e.field_error("password").is_none() => {
                                        Some(e.field_error("token").unwrap_or_else(|| e.to_string()))
                                    }
                                    _ => None,
                                })}
                            </p>
                            <button type="submit">{t!("verify-submit")}</button>
                        </ActionForm>
                    }
                }
            >
                <p class="success" role="status">{t!("verify-done")}</p>
                {move || match joined() {
                    Some(tenant_id) => view! {
                        <p role="status">{t!("verify-joined")}</p>
                        <p><a href=format!("/t/{tenant_id}")>{t!("open-tenant")}</a></p>
                    }.into_any(),
                    None => view! { <p><a href="/account">{t!("go-to-account")}</a></p> }.into_any(),
                }}
            </Show>
        </section>
    }
}
