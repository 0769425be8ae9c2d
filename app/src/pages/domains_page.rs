//! `/t/{tenantId}/domains`: the tenant's verified email domains (SPEC §9).
//! A tenant manager adds the domain of their own confirmed email, and
//! chooses whether people at it join by themselves (`auto`, with the roles
//! they get) or not (`off`). Every form works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::role_choices::RoleChoices;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::dto::TenantDomain;
use crate::error::AppError;
use crate::format::{format_date, role_names};
use crate::i18n::lang;
use crate::t;

/// Everything the domains page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainsPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub domains: Vec<TenantDomain>,
    /// The domain of the viewer's own email: the one they may add.
    pub own_domain: String,
    /// Tenant roles people joining by domain may get.
    pub join_roles: Vec<String>,
}

#[server(prefix = "/rpc", endpoint = "get_domains_page")]
pub async fn get_domains_page(tenant_id: i64) -> Result<DomainsPageData, AppError> {
    use crate::backend::onboarding::domains;
    use crate::domain::{Role, RoleScope};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let list = domains::list(&state, &actor).await?;
    Ok(DomainsPageData {
        tenant_id,
        tenant_name: actor.tenant_name.clone(),
        domains: list,
        own_domain: domains::email_domain(&actor.account.email).to_owned(),
        join_roles: Role::ALL
            .into_iter()
            .filter(|r| r.scope() == RoleScope::Tenant)
            .map(|r| r.as_str().to_owned())
            .collect(),
    })
}

#[server(prefix = "/rpc", endpoint = "add_domain")]
pub async fn add_domain(tenant_id: i64, domain: String) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let domain = domain.trim().to_ascii_lowercase();
    crate::backend::onboarding::domains::add(&state, &actor, &domain).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/domains"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "set_domain_policy")]
pub async fn set_domain_policy(
    tenant_id: i64,
    domain_id: i64,
    join_policy: String,
    #[server(default)] roles: Vec<String>,
) -> Result<(), AppError> {
    use crate::backend::onboarding::domains::{self, DomainChange};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let change = DomainChange {
        join_policy: Some(join_policy),
        // A scope left at "none" posts an empty choice.
        join_roles: Some(roles.into_iter().filter(|r| !r.trim().is_empty()).collect()),
    };
    domains::update(&state, &actor, domain_id, change).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/domains?saved=1"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "verify_domain")]
pub async fn verify_domain(tenant_id: i64, domain_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::onboarding::domains::verify(&state, &actor, domain_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/domains?verified=1"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "remove_domain")]
pub async fn remove_domain(tenant_id: i64, domain_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::onboarding::domains::remove(&state, &actor, domain_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/domains"));
    Ok(())
}

/// The page's forms, made outside the Suspense so a failed post without
/// JavaScript (the error comes back in the URL) reaches them.
#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddDomain>,
    policy: ServerAction<SetDomainPolicy>,
    verify: ServerAction<VerifyDomain>,
    remove: ServerAction<RemoveDomain>,
}

#[component]
pub fn DomainsPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let actions = Actions {
        add: ServerAction::new(),
        policy: ServerAction::new(),
        verify: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                tenant_id(),
                actions.add.version().get(),
                actions.policy.version().get(),
                actions.verify.version().get(),
                actions.remove.version().get(),
            )
        },
        |(t, ..)| get_domains_page(t),
    );
    view! {
        <Title text={t!("nav-domains")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move { data.await.map(|d| view! { <DomainsView data=d actions /> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn DomainsView(data: DomainsPageData, actions: Actions) -> impl IntoView {
    let tenant_id = data.tenant_id;
    let added = actions.add.value();
    let join_roles = data.join_roles.clone();
    view! {
        <TenantNav tenant_id tenant_name=data.tenant_name.clone() />
        <h1>{t!("nav-domains")}</h1>
        <p>
            {t!("domains-intro")}
        </p>
        <FormError value=actions.policy.value() />
        <FormError value=actions.verify.value() />
        <FormError value=actions.remove.value() />
        {data.domains.into_iter().map(|d| {
            let heading_id = format!("domain-{}", d.id);
            let labelled_by = heading_id.clone();
            let choices = join_roles.clone();
            let choice_form = format!("domain-{}", d.id);
            let remove_label = t!("domains-remove-label", domain = d.domain.clone());
            let auto = d.join_policy == crate::domain::JoinPolicy::Auto;
            let request = d.join_policy == crate::domain::JoinPolicy::Request;
            let off = !auto && !request;
            view! {
                <section class="panel" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{d.domain.clone()}</h2>
                    {match d.verified_at {
                        Some(at) => view! {
                            <p data-testid="domain-proof">{t!("domains-proven", date = format_date(lang(), at))}</p>
                        }.into_any(),
                        None => view! {
                            <div data-testid="domain-proof">
                                <p>{t!("domains-not-proven")}</p>
                                <dl class="record">
                                    <dt>{t!("field-name")}</dt><dd><code>{d.verification_name.clone()}</code></dd>
                                    <dt>{t!("domains-value")}</dt><dd><code>{d.verification_value.clone()}</code></dd>
                                </dl>
                                <ActionForm action=actions.verify attr:class="inline-form">
                                    <input type="hidden" name="tenant_id" value=tenant_id />
                                    <input type="hidden" name="domain_id" value=d.id />
                                    <button type="submit">{t!("domains-verify")}</button>
                                </ActionForm>
                            </div>
                        }.into_any(),
                    }}
                    <p data-testid="domain-policy">
                        {match d.join_policy {
                            crate::domain::JoinPolicy::Auto => t!("domains-policy-auto", roles = role_names(lang(), &d.join_roles)),
                            crate::domain::JoinPolicy::Request => t!("domains-policy-request", roles = role_names(lang(), &d.join_roles)),
                            crate::domain::JoinPolicy::Off => t!("domains-policy-off"),
                        }}
                    </p>
                    <ActionForm action=actions.policy attr:class="stacked">
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="domain_id" value=d.id />
                        <fieldset class="field">
                            <legend>{t!("domains-who-joins")}</legend>
                            <div class="choice">
                                <input type="radio" id=format!("policy-off-{}", d.id) name="join_policy" value="off" checked=off />
                                <label for=format!("policy-off-{}", d.id)>{t!("domains-off")}</label>
                            </div>
                            <div class="choice">
                                <input type="radio" id=format!("policy-request-{}", d.id) name="join_policy" value="request" checked=request />
                                <label for=format!("policy-request-{}", d.id)>{t!("domains-request")}</label>
                            </div>
                            <div class="choice">
                                <input type="radio" id=format!("policy-auto-{}", d.id) name="join_policy" value="auto" checked=auto />
                                <label for=format!("policy-auto-{}", d.id)>{t!("domains-auto")}</label>
                            </div>
                        </fieldset>
                        <fieldset class="field">
                            <legend>{t!("domains-roles")}</legend>
                            <RoleChoices form=choice_form roles=choices checked=d.join_roles.clone() />
                        </fieldset>
                        <button type="submit">{t!("domains-save")}</button>
                    </ActionForm>
                    <ActionForm action=actions.remove attr:class="inline-form">
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="domain_id" value=d.id />
                        <button type="submit" class="danger" aria-label=remove_label>{t!("members-remove")}</button>
                    </ActionForm>
                </section>
            }
        }).collect_view()}
        <section class="panel" aria-labelledby="add-domain-heading">
            <h2 id="add-domain-heading">{t!("domains-add-title")}</h2>
            <ActionForm action=actions.add attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <FormField label={t!("domains-domain")} name="domain" value=data.own_domain.clone()
                    server_error=field_error(added, "domain") />
                <FormError value=added />
                <button type="submit">{t!("domains-add")}</button>
            </ActionForm>
        </section>
    }
}
