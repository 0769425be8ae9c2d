//! `/forgot-password` (asks for a reset link; answers the same whether the
//! email has an account or not) and `/reset-password?token=…`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form_field::{Check, FormError, FormField, field_error};
#[cfg(feature = "ssr")]
use crate::domain::{Email, Password};
use crate::error::AppError;

#[server(prefix = "/rpc", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::backend::{access::accounts, access::session};
    let state = crate::backend::app_state()?;
    let email = Email::parse(&email).map_err(|e| AppError::field("email", e))?;
    accounts::request_password_reset(&state, &email, session::client_ip(&state).await).await?;
    leptos_axum::redirect("/forgot-password?sent=1");
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::backend::access::accounts;
    let state = crate::backend::app_state()?;
    let password = Password::parse(&password).map_err(|e| AppError::field("password", e))?;
    let ip = crate::backend::access::session::client_ip(&state).await;
    accounts::reset_password(&state, &token, &password, ip).await?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text="Forgot your password?" />
        <section class="panel">
            <h1>"Forgot your password?"</h1>
            <Show when=sent>
                <p class="notice" role="status">
                    "If an account exists for that email, we have sent it a link to choose a new password. Check your inbox."
                </p>
            </Show>
            <ActionForm action attr:class="stacked">
                <FormField
                    label="Email"
                    name="email"
                    input_type="email"
                    autocomplete="email"
                    server_error=field_error(value, "email")
                    check=Check::Email
                />
                <FormError value />
                <button type="submit">"Send reset link"</button>
            </ActionForm>
            <p>
                <a href="/login">"Back to sign in"</a>
            </p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let value = action.value();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password" />
        <section class="panel">
            <h1>"Choose a new password"</h1>
            <ActionForm action attr:class="stacked">
                <input type="hidden" name="token" value=token />
                <FormField
                    label="New password"
                    name="password"
                    input_type="password"
                    autocomplete="new-password"
                    server_error=field_error(value, "password")
                    check=Check::Password
                />
                <p class="form-error" role="alert">
                    {field_error(value, "token")}
                </p>
                <FormError value />
                <button type="submit">"Set new password"</button>
            </ActionForm>
        </section>
    }
}
