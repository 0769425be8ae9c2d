//! `/t/{tenantId}/webhooks`: where the tenant's events go (SPEC §8). Tenant
//! managers add an endpoint (URL, events, description; the signing secret
//! is shown once), disable or enable it, delete it (with a confirmation
//! step), and read its delivery log, retrying a delivery. Every form works
//! without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::pager::Pager;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::components::time::RelativeTime;
use crate::domain::{DeliveryStatus, EventType};
use crate::dto::{DeliveryInfo, NewWebhook, Page, WebhookInfo};
use crate::error::AppError;
use crate::i18n::lang;
use crate::t;

/// Everything the webhooks page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub endpoints: Vec<WebhookInfo>,
    /// The endpoint just added, with its secret: shown this once.
    pub new_webhook: Option<NewWebhook>,
    /// The endpoint whose delivery log is open, and a page of it.
    pub log: Option<(WebhookInfo, Page<DeliveryInfo>)>,
}

#[server(prefix = "/rpc", endpoint = "get_webhooks_page")]
pub async fn get_webhooks_page(
    tenant_id: i64,
    endpoint: Option<i64>,
    page: Option<i64>,
) -> Result<WebhooksPageData, AppError> {
    use crate::backend::access::session::{kept, take_kept};
    use crate::backend::{tenant_admin, tenant_admin::webhooks};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let endpoints = webhooks::list(&state, &actor).await?;
    let log = match endpoint {
        Some(id) => {
            let deliveries =
                webhooks::deliveries(&state, &actor, id, tenant_admin::paging(page, Some(25)))
                    .await?;
            Some((webhooks::get(&state, &actor, id).await?, deliveries))
        }
        None => None,
    };
    let new_webhook = take_kept::<(i64, NewWebhook)>(kept::NEW_WEBHOOK_SECRET)
        .await?
        .filter(|(t, _)| *t == tenant_id)
        .map(|(_, w)| w);
    Ok(WebhooksPageData {
        tenant_id,
        tenant_name: actor.tenant_name.clone(),
        endpoints,
        new_webhook,
        log,
    })
}

#[server(prefix = "/rpc", endpoint = "add_webhook")]
pub async fn add_webhook(
    tenant_id: i64,
    url: String,
    #[server(default)] events: Vec<String>,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    use crate::backend::access::session::{keep, kept};
    use crate::backend::tenant_admin::webhooks::{self, EndpointRequest};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let request = EndpointRequest {
        url: Some(url),
        events: Some(events),
        description: Some(description),
        enabled: None,
    };
    let created = webhooks::create(&state, &actor, &request).await?;
    // The secret is shown on the next render only (kept in the server-side
    // session until that render takes it).
    keep(kept::NEW_WEBHOOK_SECRET, &(tenant_id, &created)).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/webhooks"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "set_webhook_enabled")]
pub async fn set_webhook_enabled(
    tenant_id: i64,
    webhook_id: i64,
    enabled: bool,
) -> Result<(), AppError> {
    use crate::backend::tenant_admin::webhooks::{self, EndpointRequest};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let request = EndpointRequest {
        enabled: Some(enabled),
        ..Default::default()
    };
    webhooks::update(&state, &actor, webhook_id, &request).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/webhooks"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "delete_webhook")]
pub async fn delete_webhook(tenant_id: i64, webhook_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::webhooks::delete(&state, &actor, webhook_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/webhooks?deleted=1"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "retry_webhook_delivery")]
pub async fn retry_webhook_delivery(
    tenant_id: i64,
    webhook_id: i64,
    delivery_id: i64,
) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::webhooks::retry(&state, &actor, webhook_id, delivery_id).await?;
    leptos_axum::redirect(&format!(
        "/t/{tenant_id}/webhooks?endpoint={webhook_id}&retried={delivery_id}"
    ));
    Ok(())
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let query = use_query_map();
    let endpoint = move || query.read().get("endpoint").and_then(|s| s.parse().ok());
    let page = move || query.read().get("page").and_then(|s| s.parse().ok());
    // Created outside the Suspense, so a failed post without JavaScript
    // (the error comes back in the URL) reaches the forms.
    let actions = Actions {
        add: ServerAction::new(),
        toggle: ServerAction::new(),
        delete: ServerAction::new(),
        retry: ServerAction::new(),
    };
    let data = Resource::new(
        move || (tenant_id(), endpoint(), page()),
        |(t, e, p)| get_webhooks_page(t, e, p),
    );
    view! {
        <Title text={t!("nav-webhooks")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move { data.await.map(|d| view! { <WebhooksView data=d actions /> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The page's forms.
#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddWebhook>,
    toggle: ServerAction<SetWebhookEnabled>,
    delete: ServerAction<DeleteWebhook>,
    retry: ServerAction<RetryWebhookDelivery>,
}

#[component]
fn WebhooksView(data: WebhooksPageData, actions: Actions) -> impl IntoView {
    let query = use_query_map();
    let confirm_delete: Option<i64> = query
        .read_untracked()
        .get("delete")
        .and_then(|s| s.parse().ok());
    let deleted = query.read_untracked().get("deleted").is_some();
    let retried = query.read_untracked().get("retried").is_some();
    let Actions {
        add,
        toggle,
        delete,
        retry,
    } = actions;
    let added = add.value();
    let tenant_id = data.tenant_id;
    let base = format!("/t/{tenant_id}/webhooks");
    let to_delete =
        confirm_delete.and_then(|id| data.endpoints.iter().find(|e| e.id == id).cloned());
    view! {
        <TenantNav tenant_id tenant_name=data.tenant_name.clone() />
        <h1>{t!("nav-webhooks")}</h1>
        <p>
            {t!("webhooks-intro-signed")} " "
            <a href="https://www.standardwebhooks.com/">"Standard Webhooks"</a>
            " (" <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code> ", "
            <code>"webhook-signature"</code> "). " {t!("webhooks-intro-retries")}
        </p>
        {deleted.then(|| view! { <p class="notice" role="status">{t!("webhooks-deleted")}</p> })}
        {retried.then(|| view! { <p class="notice" role="status">{t!("webhooks-retried")}</p> })}
        {data.new_webhook.map(|w| view! {
            <div class="notice" role="status">
                <p>{t!("webhooks-added", url = w.endpoint.url.clone())}</p>
                <p><code data-testid="new-webhook-secret">{w.secret}</code></p>
            </div>
        })}
        {to_delete.map(|e| view! {
            <section class="panel confirm" aria-labelledby="delete-heading">
                <h2 id="delete-heading">{t!("webhooks-delete-question")}</h2>
                <p>{t!("webhooks-delete-what", url = e.url.clone())}</p>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="tenant_id" value=tenant_id />
                    <input type="hidden" name="webhook_id" value=e.id />
                    <button type="submit" class="danger">{t!("webhooks-delete-endpoint")}</button>
                </ActionForm>
                " "
                <a class="button secondary" href=base.clone()>{t!("webhooks-keep")}</a>
                <FormError value=delete.value() />
            </section>
        })}
        <section class="panel" aria-labelledby="endpoints-heading">
            <h2 id="endpoints-heading">{t!("webhooks-endpoints")}</h2>
            <FormError value=toggle.value() />
            {if data.endpoints.is_empty() {
                view! { <p>{t!("webhooks-none")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{t!("webhooks-url")}</th>
                                    <th scope="col">{t!("webhooks-events")}</th>
                                    <th scope="col">{t!("links-state")}</th>
                                    <th scope="col">{t!("col-actions")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {data.endpoints.iter().cloned().map(|e| view! {
                                    <EndpointRow e tenant_id toggle base=base.clone() />
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        {data.log.map(|(e, deliveries)| view! { <DeliveryLog e deliveries tenant_id retry /> })}
        <section class="panel" aria-labelledby="add-heading">
            <h2 id="add-heading">{t!("webhooks-add")}</h2>
            <ActionForm action=add attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <FormField label={t!("webhooks-endpoint-url")} name="url" input_type="url" server_error=field_error(added, "url") />
                <p class="hint">{t!("webhooks-url-hint")}</p>
                <FormField label={t!("webhooks-description")} name="description" required=false server_error=field_error(added, "description") />
                <fieldset class="field">
                    <legend>{t!("webhooks-events")}</legend>
                    <p class="hint">{t!("webhooks-tick-none")}</p>
                    {EventType::ALL.into_iter().map(|t| {
                        let id = format!("event-{}", t.as_str().replace('.', "-"));
                        let hint_id = format!("{id}-hint");
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id.clone() name="events[]" value=t.as_str() aria-describedby=hint_id.clone() />
                                <label for=id><code>{t.as_str()}</code></label>
                                <p class="hint" id=hint_id>{t!("webhooks-event-when", what = t.describe(lang()))}</p>
                            </div>
                        }
                    }).collect_view()}
                    <p class="field-error">{field_error(added, "events")}</p>
                </fieldset>
                <FormError value=added />
                <button type="submit">{t!("webhooks-add-button")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn EndpointRow(
    e: WebhookInfo,
    tenant_id: i64,
    toggle: ServerAction<SetWebhookEnabled>,
    base: String,
) -> impl IntoView {
    let events = if e.events.is_empty() {
        t!("webhooks-all-events")
    } else {
        e.events.join(", ")
    };
    let state = match (e.enabled, e.disabled_reason.as_deref(), e.failing_since) {
        (true, _, None) => t!("webhooks-enabled").into_any(),
        (true, _, Some(ms)) => {
            view! { {t!("webhooks-failing-since")} " " <RelativeTime ms /> }.into_any()
        }
        (false, Some("failing"), _) => t!("webhooks-disabled-failing").into_any(),
        (false, _, _) => t!("webhooks-disabled").into_any(),
    };
    let toggle_aria = if e.enabled {
        t!("webhooks-disable-label", url = e.url.clone())
    } else {
        t!("webhooks-enable-label", url = e.url.clone())
    };
    let delete_aria = t!("collection-delete-label", name = e.url.clone());
    let log_aria = t!("webhooks-log-of", url = e.url.clone());
    let (toggle_label, enable) = if e.enabled {
        (t!("members-disable"), false)
    } else {
        (t!("webhooks-enable"), true)
    };
    view! {
        <tr>
            <td>
                <code>{e.url.clone()}</code>
                {(!e.description.is_empty()).then(|| view! { <br /> <span class="hint">{e.description.clone()}</span> })}
            </td>
            <td>{events}</td>
            <td>{state}</td>
            <td class="actions">
                <a href=format!("{base}?endpoint={}", e.id) aria-label=log_aria>{t!("webhooks-delivery-log")}</a>
                " "
                <ActionForm action=toggle attr:class="inline-form">
                    <input type="hidden" name="tenant_id" value=tenant_id />
                    <input type="hidden" name="webhook_id" value=e.id />
                    <input type="hidden" name="enabled" value=enable.to_string() />
                    <button type="submit" class="secondary" aria-label=toggle_aria>{toggle_label}</button>
                </ActionForm>
                " "
                <a class="button danger" href=format!("{base}?delete={}", e.id) aria-label=delete_aria>{t!("collection-delete")}</a>
            </td>
        </tr>
    }
}

#[component]
fn DeliveryLog(
    e: WebhookInfo,
    deliveries: Page<DeliveryInfo>,
    tenant_id: i64,
    retry: ServerAction<RetryWebhookDelivery>,
) -> impl IntoView {
    let pages = deliveries.pages();
    let current = deliveries.page;
    let endpoint_id = e.id;
    view! {
        <section class="panel" aria-labelledby="log-heading">
            <h2 id="log-heading">{t!("webhooks-log-of", url = e.url.clone())}</h2>
            <FormError value=retry.value() />
            {if deliveries.items.is_empty() {
                view! { <p>{t!("webhooks-nothing")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table>
                            <thead>
                                <tr>
                                    <th scope="col">{t!("webhooks-event")}</th>
                                    <th scope="col">{t!("col-status")}</th>
                                    <th scope="col">{t!("webhooks-attempts")}</th>
                                    <th scope="col">{t!("webhooks-response")}</th>
                                    <th scope="col">{t!("webhooks-last-error")}</th>
                                    <th scope="col">{t!("webhooks-created")}</th>
                                    <th scope="col">{t!("audit-action")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {deliveries.items.into_iter().map(|d| {
                                    let status = match (d.status.as_str(), d.next_attempt_at) {
                                        ("delivered", _) => t!("webhooks-delivered").into_any(),
                                        ("pending", Some(ms)) if d.attempts > 0 => view! { {t!("webhooks-retrying")} " " <RelativeTime ms /> }.into_any(),
                                        ("pending", _) => t!("webhooks-sending").into_any(),
                                        _ => t!("webhooks-failed").into_any(),
                                    };
                                    let can_retry = !(d.status == DeliveryStatus::Pending && d.attempts == 0);
                                    view! {
                                        <tr data-testid="delivery">
                                            <td><code>{d.event_type.clone()}</code></td>
                                            <td>{status}</td>
                                            <td>{d.attempts}</td>
                                            <td>{d.response_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into())}</td>
                                            <td>{d.last_error.clone().unwrap_or_default()}</td>
                                            <td><RelativeTime ms=d.created_at /></td>
                                            <td>
                                                {can_retry.then(|| view! {
                                                    <ActionForm action=retry attr:class="inline-form">
                                                        <input type="hidden" name="tenant_id" value=tenant_id />
                                                        <input type="hidden" name="webhook_id" value=endpoint_id />
                                                        <input type="hidden" name="delivery_id" value=d.id />
                                                        <button type="submit" class="secondary" aria-label=t!("webhooks-retry-label", event = d.event_type.clone(), id = d.id)>{t!("webhooks-retry")}</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(pages > 1).then(|| view! {
                        <Pager page=current pages label=t!("webhooks-log-pages")
                            link=move |p| format!("/t/{tenant_id}/webhooks?endpoint={endpoint_id}&page={p}") />
                    })}
                }.into_any()
            }}
        </section>
    }
}
