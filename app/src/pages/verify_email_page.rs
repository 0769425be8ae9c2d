//! `/verify-email?token=…`: confirms an email address. Opening the link
//! changes nothing (mail scanners prefetch links); the button does.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

#[server(prefix = "/rpc", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    use crate::backend::session;
    let state = crate::backend::app_state()?;
    let signed_in_as = session::signed_in_account_id().await?;
    let account = crate::backend::accounts::verify_email(&state, &token).await?;
    // The first confirmation revokes every session of the account; the
    // browser that holds the mailed link keeps going under a new one.
    if signed_in_as == Some(account.id) {
        session::sign_in(account.id, account.credentials_version).await?;
    }
    leptos_axum::redirect("/verify-email?done=1");
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let state = crate::backend::app_state()?;
    let account = crate::backend::session::require_account(&state).await?;
    crate::backend::accounts::resend_verification(&state, account.id).await?;
    leptos_axum::redirect("/account?verification_sent=1");
    Ok(())
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let value = action.value();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let done = move || query.read().get("done").is_some();
    view! {
        <Title text="Confirm your email address" />
        <section class="panel">
            <h1>"Confirm your email address"</h1>
            <Show
                when=done
                fallback=move || {
                    view! {
                        <ActionForm action attr:class="stacked">
                            <input type="hidden" name="token" value=token />
                            <p>"Confirm that this email address is yours."</p>
                            <p class="form-error" role="alert">
                                {move || value.with(|v| match v {
                                    Some(Err(e)) => Some(e.field_error("token").unwrap_or_else(|| e.to_string())),
                                    _ => None,
                                })}
                            </p>
                            <button type="submit">"Confirm email address"</button>
                        </ActionForm>
                    }
                }
            >
                <p class="success" role="status">"Your email address is confirmed. Thank you!"</p>
                <p>
                    <a href="/account">"Go to your account"</a>
                </p>
            </Show>
        </section>
    }
}

/// Shown to signed-in people whose email is not confirmed yet.
#[component]
pub fn UnverifiedBanner() -> impl IntoView {
    let action = ServerAction::<ResendVerification>::new();
    let value = action.value();
    view! {
        <div class="notice" role="region" aria-label="Email confirmation">
            <p>
                "Confirm your email address to send invitations. We sent you a link when you registered."
            </p>
            <ActionForm action attr:class="inline-form">
                <button type="submit" class="secondary">
                    "Resend verification email"
                </button>
            </ActionForm>
            <p role="status">
                {move || value.with(|v| match v {
                    Some(Ok(())) => Some("Sent. Check your inbox.".to_owned()),
                    Some(Err(e)) => Some(e.to_string()),
                    None => None,
                })}
            </p>
        </div>
    }
}
