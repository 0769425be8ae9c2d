//! The sign-out button (header, `/logout`, the invitation and join pages
//! when the wrong person is signed in) and the server function behind it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::t;

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out(next: Option<String>) -> Result<(), AppError> {
    let state = crate::backend::app_state()?;
    crate::backend::access::session::sign_out().await?;
    // The marker makes the target a new URL, so the hydrated app fetches
    // the page again as the signed-out visitor.
    let target = crate::backend::url_policy::local_target(&state.config, next.as_deref(), "/login");
    let sep = if target.contains('?') { '&' } else { '?' };
    leptos_axum::redirect(&format!("{target}{sep}signed_out=1"));
    Ok(())
}

/// A button that signs out; used in the header and on `/logout`. `next`:
/// where to go afterwards (default: the sign-in page).
#[component]
pub fn SignOutButton(
    #[prop(optional, into)] next: Option<String>,
    #[prop(optional, into)] label: Option<String>,
) -> impl IntoView {
    let label = label.unwrap_or_else(|| t!("sign-out"));
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="next" value=next />
            <button type="submit" class="secondary">
                {label}
            </button>
        </ActionForm>
    }
}
