//! `/account`: profile, API tokens and the tenants of the signed-in person.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::language_select::LanguageSelect;
#[cfg(feature = "ssr")]
use crate::components::language_select::parse_choice;
use crate::components::time::RelativeTime;
use crate::dto::{AccountInfo, ApiTokenInfo, JoinableTenant, NewApiToken, TenantSummary};
use crate::error::AppError;
use crate::format::role_names;
use crate::i18n::lang;
use crate::t;

/// Everything the account page shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountOverview {
    pub account: AccountInfo,
    pub tenants: Vec<TenantSummary>,
    /// Tenants with the account's verified email domain on auto-join.
    pub joinable: Vec<JoinableTenant>,
    pub tokens: Vec<ApiTokenInfo>,
    /// The token just created, shown once.
    pub new_token: Option<NewApiToken>,
}

#[server(prefix = "/rpc", endpoint = "get_account_overview")]
pub async fn get_account_overview() -> Result<AccountOverview, AppError> {
    use crate::backend::{
        access::accounts, access::api_tokens, access::session, onboarding::domains,
    };
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    Ok(AccountOverview {
        tenants: accounts::tenants_of(&state, account.id).await?,
        joinable: domains::joinable(&state, &account).await?,
        tokens: api_tokens::list(&state.db, account.id).await?,
        new_token: session::take_kept(session::kept::NEW_API_TOKEN).await?,
        account: account.info(),
    })
}

#[server(prefix = "/rpc", endpoint = "create_api_token")]
pub async fn create_api_token(name: String) -> Result<NewApiToken, AppError> {
    let state = crate::backend::app_state()?;
    let account = crate::backend::access::session::require_account(&state).await?;
    let token = crate::backend::access::api_tokens::create(&state.db, &account, &name).await?;
    // For the page's next render (the form posts without JavaScript): kept in
    // the server-side session only until that render takes it.
    crate::backend::access::session::keep(
        crate::backend::access::session::kept::NEW_API_TOKEN,
        &token,
    )
    .await?;
    Ok(token)
}

#[server(prefix = "/rpc", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let state = crate::backend::app_state()?;
    let account = crate::backend::access::session::require_account(&state).await?;
    crate::backend::access::api_tokens::revoke(&state.db, account.id, id).await
}

#[server(prefix = "/rpc", endpoint = "update_profile")]
pub async fn update_profile(first_name: String, last_name: String) -> Result<(), AppError> {
    use crate::domain::{FormParser, PersonName};
    let state = crate::backend::app_state()?;
    let account = crate::backend::access::session::require_account(&state).await?;
    let mut form = FormParser::default();
    let first = form.field("firstName", PersonName::parse(&first_name));
    let last = form.field("lastName", PersonName::parse(&last_name));
    let (first, last) = form.finish(|| Some((first?, last?)))?;
    crate::backend::access::accounts::update_profile(&state, account.id, &first, &last).await?;
    leptos_axum::redirect("/account?saved=profile");
    Ok(())
}

/// The account's language (SPEC §12): `en`, `de`, `es`, or empty for
/// "the browser's".
#[server(prefix = "/rpc", endpoint = "set_language")]
pub async fn set_language(locale: String) -> Result<(), AppError> {
    let state = crate::backend::app_state()?;
    let account = crate::backend::access::session::require_account(&state).await?;
    let lang = parse_choice(&locale).map_err(|e| AppError::field("locale", e))?;
    crate::backend::access::accounts::set_language(&state, account.id, lang).await?;
    leptos_axum::redirect("/account?saved=language");
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::backend::access::session;
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    let new = crate::domain::Password::parse(&new_password)
        .map_err(|e| AppError::field("newPassword", e))?;
    let ip = session::client_ip(&state).await;
    let version = crate::backend::access::accounts::change_password(
        &state,
        &account,
        &current_password,
        &new,
        ip,
    )
    .await?;
    // Every session was revoked; this browser continues under a new one.
    session::sign_in(account.id, version).await?;
    leptos_axum::redirect("/account?saved=password");
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "leave_tenant")]
pub async fn leave_tenant(tenant_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::leave_tenant(&state, &actor).await?;
    leptos_axum::redirect("/account?saved=left");
    Ok(())
}

/// Joins a tenant by the account's verified email domain (its auto-join
/// policy), from "Tenants you can join".
#[server(prefix = "/rpc", endpoint = "join_by_domain")]
pub async fn join_by_domain(domain_id: i64) -> Result<(), AppError> {
    use crate::backend::{access::session, onboarding::domains};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    let (tenant_id, _) = domains::join(&state, &account, domain_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}?joined=1"));
    Ok(())
}

/// Asks to join a tenant whose domain takes join requests (SPEC §12).
#[server(prefix = "/rpc", endpoint = "ask_to_join_by_domain")]
pub async fn ask_to_join_by_domain(
    domain_id: i64,
    #[server(default)] message: String,
) -> Result<(), AppError> {
    use crate::backend::{access::session, onboarding::domains};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    domains::ask_to_join(&state, &account, domain_id, &message).await?;
    leptos_axum::redirect("/account?saved=requested");
    Ok(())
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let join = ServerAction::<JoinByDomain>::new();
    let ask = ServerAction::<AskToJoinByDomain>::new();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let profile = ServerAction::<UpdateProfile>::new();
    let password = ServerAction::<ChangePassword>::new();
    let leave = ServerAction::<LeaveTenant>::new();
    let language = ServerAction::<SetLanguage>::new();
    let query = use_query_map();
    let overview = Resource::new(
        move || {
            (
                create.version().get(),
                revoke.version().get(),
                ask.version().get(),
                query.read().get("saved"),
            )
        },
        |_| get_account_overview(),
    );
    let saved = move || query.read().get("saved");
    let profile_value = profile.value();
    let password_value = password.value();
    let leave_value = leave.value();
    let created = create.value();
    let verification_sent = move || query.read().get("verification_sent").is_some();
    view! {
        <Title text={t!("account-title")} />
        <Show when=verification_sent>
            <p class="notice" role="status">{t!("account-new-link")}</p>
        </Show>
        {move || saved().map(|what| view! {
            <p class="notice" role="status">{match what.as_str() {
                "profile" => t!("account-saved-profile"),
                "password" => t!("account-saved-password"),
                "requested" => t!("account-saved-requested"),
                "language" => t!("account-saved-language"),
                _ => t!("account-saved-left"),
            }}</p>
        })}
        <FormError value=leave_value />
        <FormError value=ask.value() />
        <FormError value=join.value() />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    overview
                        .await
                        .map(|o| {
                            view! {
                                <section class="panel">
                                    <h1>{t!("account-title")}</h1>
                                    <dl>
                                        <dt>{t!("field-name")}</dt>
                                        <dd>{format!("{} {}", o.account.first_name, o.account.last_name)}</dd>
                                        <dt>{t!("field-email")}</dt>
                                        <dd>
                                            {o.account.email.clone()}
                                            " "
                                            {if o.account.email_verified { t!("account-confirmed") } else { t!("account-not-confirmed") }}
                                        </dd>
                                    </dl>
                                </section>
                                <section class="panel" aria-labelledby="profile-heading">
                                    <h2 id="profile-heading">{t!("account-profile")}</h2>
                                    <ActionForm action=profile attr:class="stacked">
                                        <FormField label={t!("field-first-name")} name="first_name" value=o.account.first_name.clone()
                                            server_error=field_error(profile_value, "firstName") />
                                        <FormField label={t!("field-last-name")} name="last_name" value=o.account.last_name.clone()
                                            server_error=field_error(profile_value, "lastName") />
                                        <button type="submit">{t!("account-save-profile")}</button>
                                    </ActionForm>
                                </section>
                                <section class="panel" aria-labelledby="language-heading">
                                    <h2 id="language-heading">{t!("account-language")}</h2>
                                    <ActionForm action=language attr:class="stacked">
                                        <label for="locale">{t!("account-language-label")}</label>
                                        <LanguageSelect
                                            id="locale"
                                            none_label=t!("account-language-browser")
                                            current=o.account.locale.clone()
                                        />
                                        <p class="hint">{t!("account-language-hint")}</p>
                                        <FormError value=language.value() />
                                        <button type="submit">{t!("account-language-save")}</button>
                                    </ActionForm>
                                </section>
                                <section class="panel" aria-labelledby="password-heading">
                                    <h2 id="password-heading">{t!("account-change-password")}</h2>
                                    <ActionForm action=password attr:class="stacked">
                                        <FormField label={t!("field-current-password")} name="current_password" input_type="password"
                                            autocomplete="current-password" server_error=field_error(password_value, "currentPassword") />
                                        <FormField label={t!("field-new-password")} name="new_password" input_type="password"
                                            autocomplete="new-password" server_error=field_error(password_value, "newPassword") />
                                        <FormError value=password_value />
                                        <button type="submit">{t!("account-change-password")}</button>
                                    </ActionForm>
                                </section>
                                <section class="panel" aria-labelledby="tenants-heading">
                                    <h2 id="tenants-heading">{t!("account-my-tenants")}</h2>
                                    <ul>
                                        {o
                                            .tenants
                                            .into_iter()
                                            .map(|t| {
                                                let leave_label = t!("account-leave-label", tenant = t.name.clone());
                                                view! {
                                                    <li>
                                                        <a href=format!("/t/{}", t.id)>{t.name.clone()}</a>
                                                        " — "
                                                        {role_names(lang(), &t.roles)}
                                                        " "
                                                        <ActionForm action=leave attr:class="inline-form">
                                                            <input type="hidden" name="tenant_id" value=t.id />
                                                            <button type="submit" class="secondary" aria-label=leave_label>{t!("account-leave")}</button>
                                                        </ActionForm>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                                {(!o.joinable.is_empty()).then(|| view! {
                                    <section class="panel" aria-labelledby="joinable-heading">
                                        <h2 id="joinable-heading">{t!("account-joinable")}</h2>
                                        <p>{t!("account-joinable-text")}</p>
                                        <ul>
                                            {o.joinable.into_iter().map(|j| {
                                                let label = t!("account-join-label", tenant = j.tenant_name.clone());
                                                let ask_label = t!("account-ask-label", tenant = j.tenant_name.clone());
                                                let message_id = format!("ask-message-{}", j.domain_id);
                                                let choice = match (j.join_policy, j.requested) {
                                                    (crate::domain::JoinPolicy::Auto, _) => view! {
                                                        <ActionForm action=join attr:class="inline-form">
                                                            <input type="hidden" name="domain_id" value=j.domain_id />
                                                            <button type="submit" aria-label=label>{t!("account-join")}</button>
                                                        </ActionForm>
                                                    }.into_any(),
                                                    (_, true) => view! {
                                                        <span class="badge" data-testid="request-pending">{t!("account-request-sent")}</span>
                                                    }.into_any(),
                                                    (_, false) => view! {
                                                        <ActionForm action=ask attr:class="inline-form">
                                                            <input type="hidden" name="domain_id" value=j.domain_id />
                                                            <label for=message_id.clone()>{t!("field-message-optional")}</label>
                                                            <input id=message_id type="text" name="message" maxlength="1000" />
                                                            <button type="submit" aria-label=ask_label>{t!("account-ask")}</button>
                                                        </ActionForm>
                                                    }.into_any(),
                                                };
                                                view! {
                                                    <li>
                                                        {j.tenant_name.clone()} " — " {role_names(lang(), &j.roles)} " "
                                                        {choice}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                <section class="panel" aria-labelledby="tokens-heading">
                                    <h2 id="tokens-heading">{t!("account-api-tokens")}</h2>
                                    <p>{t!("account-token-use-before")} " " <code>"Authorization: Bearer <token>"</code> " " {t!("account-token-use-after")}</p>
                                    {o.new_token.clone().map(|t| view! {
                                        <div class="notice" role="status">
                                            <p>{t!("account-token-once")}</p>
                                            <p><code data-testid="new-token">{t.token}</code></p>
                                        </div>
                                    })}
                                    <div class="table-scroll" tabindex="0">
                                        <table>
                                            <thead>
                                                <tr>
                                                    <th scope="col">{t!("field-name")}</th>
                                                    <th scope="col">{t!("account-prefix")}</th>
                                                    <th scope="col">{t!("account-last-used")}</th>
                                                    <th scope="col">{t!("col-action")}</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {o
                                                    .tokens
                                                    .into_iter()
                                                    .map(|t| {
                                                        view! {
                                                            <tr>
                                                                <td>{t.name.clone()}</td>
                                                                <td>
                                                                    <code>{t.prefix.clone()}</code>
                                                                </td>
                                                                <td>{match t.last_used_at { Some(ms) => view! { <RelativeTime ms /> }.into_any(), None => t!("account-never").into_any() }}</td>
                                                                <td>
                                                                    <ActionForm action=revoke>
                                                                        <input type="hidden" name="id" value=t.id />
                                                                        <button type="submit" class="danger" aria-label=t!("account-revoke-label", name = t.name.clone())>
                                                                            {t!("account-revoke")}
                                                                        </button>
                                                                    </ActionForm>
                                                                </td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </section>
                            }
                        })
                })}
            </ErrorBoundary>
        </Suspense>
        <section class="panel" aria-labelledby="new-token-heading">
            <h2 id="new-token-heading">{t!("account-create-token")}</h2>
            <ActionForm action=create attr:class="stacked">
                <FormField label={t!("account-token-name")} name="name" server_error=field_error(created, "name") />
                <FormError value=created />
                <button type="submit">{t!("account-create-token-button")}</button>
            </ActionForm>
        </section>
    }
}
