//! `/account`: profile, API tokens and the tenants of the signed-in person.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::dto::{AccountInfo, ApiTokenInfo, NewApiToken, TenantSummary};
use crate::error::AppError;
use crate::format::format_ms;

/// Everything the account page shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountOverview {
    pub account: AccountInfo,
    pub tenants: Vec<TenantSummary>,
    pub tokens: Vec<ApiTokenInfo>,
}

#[server(prefix = "/rpc", endpoint = "get_account_overview")]
pub async fn get_account_overview() -> Result<AccountOverview, AppError> {
    use crate::backend::{accounts, api_tokens, session};
    let state = crate::backend::app_state()?;
    let account = session::require_account(&state).await?;
    Ok(AccountOverview {
        tenants: accounts::tenants_of(&state, account.id).await?,
        tokens: api_tokens::list(&state.db, account.id).await?,
        account: account.info(),
    })
}

#[server(prefix = "/rpc", endpoint = "create_api_token")]
pub async fn create_api_token(name: String) -> Result<NewApiToken, AppError> {
    let state = crate::backend::app_state()?;
    let account = crate::backend::session::require_account(&state).await?;
    crate::backend::api_tokens::create(&state.db, account.id, &name).await
}

#[server(prefix = "/rpc", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let state = crate::backend::app_state()?;
    let account = crate::backend::session::require_account(&state).await?;
    crate::backend::api_tokens::revoke(&state.db, account.id, id).await
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let overview = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| get_account_overview(),
    );
    let created = create.value();
    let query = use_query_map();
    let verification_sent = move || query.read().get("verification_sent").is_some();
    view! {
        <Title text="Your account" />
        <Show when=verification_sent>
            <p class="notice" role="status">"We sent a new confirmation link. Check your inbox."</p>
        </Show>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    overview
                        .await
                        .map(|o| {
                            view! {
                                <section class="panel">
                                    <h1>"Your account"</h1>
                                    <dl>
                                        <dt>"Name"</dt>
                                        <dd>{format!("{} {}", o.account.first_name, o.account.last_name)}</dd>
                                        <dt>"Email"</dt>
                                        <dd>
                                            {o.account.email.clone()}
                                            {if o.account.email_verified { " (confirmed)" } else { " (not confirmed yet)" }}
                                        </dd>
                                    </dl>
                                </section>
                                <section class="panel" aria-labelledby="tenants-heading">
                                    <h2 id="tenants-heading">"My tenants"</h2>
                                    <ul>
                                        {o
                                            .tenants
                                            .into_iter()
                                            .map(|t| {
                                                view! {
                                                    <li>
                                                        <a href=format!("/t/{}", t.id)>{t.name}</a>
                                                        " — "
                                                        {t.roles.join(", ")}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                                <section class="panel" aria-labelledby="tokens-heading">
                                    <h2 id="tokens-heading">"API tokens"</h2>
                                    <p>"Use a token as " <code>"Authorization: Bearer <token>"</code> " with the REST API."</p>
                                    <div class="table-scroll">
                                        <table>
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Name"</th>
                                                    <th scope="col">"Prefix"</th>
                                                    <th scope="col">"Last used"</th>
                                                    <th scope="col">"Action"</th>
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
                                                                <td>{t.last_used_at.map(format_ms).unwrap_or_else(|| "never".into())}</td>
                                                                <td>
                                                                    <ActionForm action=revoke>
                                                                        <input type="hidden" name="id" value=t.id />
                                                                        <button type="submit" class="danger" aria-label=format!("Revoke {}", t.name)>
                                                                            "Revoke"
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
            <h2 id="new-token-heading">"Create an API token"</h2>
            <ActionForm action=create attr:class="stacked">
                <FormField label="Token name" name="name" server_error=field_error(created, "name") />
                <FormError value=created />
                <button type="submit">"Create token"</button>
            </ActionForm>
            {move || {
                created
                    .get()
                    .and_then(Result::ok)
                    .map(|t| {
                        view! {
                            <div class="notice" role="status">
                                <p>"Copy your new token now; it is shown only once:"</p>
                                <p>
                                    <code data-testid="new-token">{t.token}</code>
                                </p>
                            </div>
                        }
                    })
            }}
        </section>
    }
}
