//! `/login` and `/logout`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::sign_out_button::SignOutButton;
use crate::error::AppError;
use crate::t;

#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{access::accounts, access::session};
    let state = crate::backend::app_state()?;
    // Home-realm discovery (SPEC §11): an address at a domain with an SSO
    // connection goes to its identity provider when no password is given,
    // and always when the connection is required.
    if crate::backend::sso::sign_in::discover(&state, &email)
        .await?
        .is_some()
        && (password.is_empty() || accounts::password_refused(&state, &email).await?)
    {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("email", email.trim());
        if let Some(n) = &next {
            query.append_pair("next", n);
        }
        leptos_axum::redirect(&format!("/sso/start?{}", query.finish()));
        return Ok(());
    }
    if password.is_empty() {
        return Err(AppError::field("password", t!("login-enter-password")));
    }
    let ip = session::client_ip(&state).await;
    let account =
        accounts::sign_in(&state, &email, &password, ip, accounts::SignInVia::Browser).await?;
    session::sign_in(account.id, account.credentials_version).await?;
    leptos_axum::redirect(&crate::backend::url_policy::local_target(
        &state.config,
        next.as_deref(),
        "/account",
    ));
    Ok(())
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let value = action.value();
    let query = use_query_map();
    let next = move || query.read().get("next");
    let signed_out = move || query.read().get("signed_out").is_some();
    let reset = move || query.read().get("reset").is_some();
    // An application's sign-in request may name the person (login_hint).
    let email = query.read_untracked().get("email");
    let register_href = move || match next() {
        Some(n) => format!("/register?next={}", crate::format::query_value(&n)),
        None => "/register".to_owned(),
    };
    view! {
        <Title text=t!("sign-in") />
        <section class="panel">
            <h1>{t!("sign-in")}</h1>
            <Show when=signed_out>
                <p class="notice" role="status">{t!("login-signed-out")}</p>
            </Show>
            <Show when=reset>
                <p class="notice" role="status">{t!("login-password-changed")}</p>
            </Show>
            <ActionForm action attr:class="stacked">
                <FormField
                    label=t!("field-email")
                    name="email"
                    input_type="email"
                    autocomplete="email"
                    value=email.unwrap_or_default()
                    server_error=field_error(value, "email")
                />
                <FormField
                    label=t!("field-password")
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    required=false
                    server_error=field_error(value, "password")
                />
                <p class="hint">{t!("login-sso-hint")}</p>
                <input type="hidden" name="next" value=next />
                <FormError value />
                <button type="submit" disabled=move || action.pending().get()>
                    {t!("sign-in")}
                </button>
            </ActionForm>
            <p>
                <a href="/forgot-password">{t!("login-forgot")}</a>
                " · "
                <a href=register_href>{t!("login-create-account")}</a>
            </p>
        </section>
    }
}

#[component]
pub fn LogoutPage() -> impl IntoView {
    view! {
        <Title text=t!("sign-out") />
        <section class="panel">
            <h1>{t!("sign-out")}</h1>
            <p>{t!("logout-question")}</p>
            <SignOutButton />
        </section>
    }
}
