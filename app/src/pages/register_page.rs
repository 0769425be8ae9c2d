//! `/register`: create an account, a tenant and its first project, then
//! land signed in on the tenant's home.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form_field::{Check, FormError, FormField, field_error};
#[cfg(feature = "ssr")]
use crate::domain::{ProjectName, TenantName};
use crate::error::AppError;
use crate::t;

#[server(prefix = "/rpc", endpoint = "register")]
pub async fn register(
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    tenant_name: String,
    project_name: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::access::accounts::{self, AccountFields, NewAccount, NewRegistration};
    use crate::domain::FormParser;
    let state = crate::backend::app_state()?;
    let mut form = FormParser::default();
    let fields = AccountFields::of_form(&email, &password, &first_name, &last_name);
    // The language the page was in becomes their preference.
    let account = NewAccount::parse(&mut form, fields).map(|a| NewAccount {
        locale: Some(crate::i18n::lang()),
        ..a
    });
    let tenant_name = form.field("tenantName", TenantName::parse(&tenant_name));
    let project_name = form.field("projectName", ProjectName::parse(&project_name));
    let registration = form.finish(|| {
        Some(NewRegistration {
            account: account?,
            tenant_name: tenant_name?,
            project_name: project_name?,
        })
    })?;
    let ip = crate::backend::access::session::client_ip(&state).await;
    let registered = accounts::register(&state, registration, ip).await?;
    // A new account starts at credentials version 0.
    crate::backend::access::session::sign_in_new_account(registered.account_id, 0).await?;
    // Back where the person came from (an application's sign-in), or
    // their new tenant's home.
    leptos_axum::redirect(&crate::backend::url_policy::local_target(
        &state.config,
        next.as_deref(),
        &format!("/t/{}", registered.tenant_id),
    ));
    Ok(())
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let value = action.value();
    let query = use_query_map();
    let next = move || query.read().get("next");
    let sign_in_href = move || match next() {
        Some(n) => format!("/login?next={}", crate::format::query_value(&n)),
        None => "/login".to_owned(),
    };
    view! {
        <Title text=t!("register-title") />
        <section class="panel">
            <h1>{t!("register-title")}</h1>
            <p>{t!("register-lede")}</p>
            <ActionForm action attr:class="stacked">
                <FormField
                    label=t!("field-email")
                    name="email"
                    input_type="email"
                    autocomplete="email"
                    server_error=field_error(value, "email")
                    check=Check::Email
                />
                <FormField
                    label=t!("field-password")
                    name="password"
                    input_type="password"
                    autocomplete="new-password"
                    server_error=field_error(value, "password")
                    check=Check::Password
                />
                <FormField
                    label=t!("field-first-name")
                    name="first_name"
                    autocomplete="given-name"
                    server_error=field_error(value, "firstName")
                    check=Check::PersonName
                />
                <FormField
                    label=t!("field-last-name")
                    name="last_name"
                    autocomplete="family-name"
                    server_error=field_error(value, "lastName")
                    check=Check::PersonName
                />
                <FormField
                    label=t!("field-tenant-name")
                    name="tenant_name"
                    autocomplete="organization"
                    server_error=field_error(value, "tenantName")
                    check=Check::TenantName
                />
                <FormField
                    label=t!("field-project-name")
                    name="project_name"
                    server_error=field_error(value, "projectName")
                    check=Check::ProjectName
                />
                <input type="hidden" name="next" value=next />
                <FormError value />
                <button type="submit" disabled=move || action.pending().get()>
                    {t!("create-account")}
                </button>
            </ActionForm>
            <p>{t!("register-have-account")} " " <a href=sign_in_href>{t!("sign-in")}</a></p>
        </section>
    }
}
