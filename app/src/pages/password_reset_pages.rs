//! `/forgot-password` (asks for a reset link; answers the same whether the
//! email has an account or not) and `/reset-password?token=…`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form_field::{Check, FormError, FormField, field_error};
#[cfg(feature = "ssr")]
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::t;

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
        <Title text=t!("login-forgot") />
        <section class="panel">
            <h1>{t!("login-forgot")}</h1>
            <Show when=sent>
                <p class="notice" role="status">{t!("forgot-sent")}</p>
            </Show>
            <ActionForm action attr:class="stacked">
                <FormField
                    label=t!("field-email")
                    name="email"
                    input_type="email"
                    autocomplete="email"
                    server_error=field_error(value, "email")
                    check=Check::Email
                />
                <FormError value />
                <button type="submit">{t!("forgot-send")}</button>
            </ActionForm>
            <p>
                <a href="/login">{t!("forgot-back")}</a>
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
        <Title text=t!("reset-title") />
        <section class="panel">
            <h1>{t!("reset-title")}</h1>
            <ActionForm action attr:class="stacked">
                <input type="hidden" name="token" value=token />
                <FormField
                    label=t!("field-new-password")
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
                <button type="submit">{t!("reset-submit")}</button>
            </ActionForm>
        </section>
    }
}
