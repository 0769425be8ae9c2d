//! The banner signed-in people see until their email is confirmed, with
//! the server function that mails the link again.

use leptos::prelude::*;

use crate::error::AppError;
use crate::t;

#[server(prefix = "/rpc", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let state = crate::backend::app_state()?;
    let account = crate::backend::access::session::require_account(&state).await?;
    crate::backend::access::accounts::resend_verification(&state, account.id, None).await?;
    leptos_axum::redirect("/account?verification_sent=1");
    Ok(())
}

/// Shown to signed-in people whose email is not confirmed yet.
#[component]
pub fn UnverifiedBanner() -> impl IntoView {
    let action = ServerAction::<ResendVerification>::new();
    let value = action.value();
    view! {
        <div class="notice" role="region" aria-label=t!("unverified-label")>
            <p>{t!("unverified-text")}</p>
            <ActionForm action attr:class="inline-form">
                <button type="submit" class="secondary">{t!("unverified-resend")}</button>
            </ActionForm>
            <p role="status">
                {move || value.with(|v| match v {
                    Some(Ok(())) => Some(t!("unverified-sent")),
                    Some(Err(e)) => Some(e.to_string()),
                    None => None,
                })}
            </p>
        </div>
    }
}
