//! `/t/{tenantId}/sso`: the tenant's own identity provider (SPEC §11). A
//! tenant manager reads the redirect URI to register at the provider,
//! connects it (OpenID Connect) for the tenant's DNS-proven domains, and
//! runs "Test connection": the whole flow, then the claims the provider
//! sent, with nobody signed in or admitted. Every form works without
//! JavaScript; "Test connection" is a link.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::{FormError, FormField, field_error};
use crate::components::role_choices::RoleChoices;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::dto::SsoConnectionInfo;
use crate::error::AppError;
use crate::format::role_names;
use crate::i18n::lang;
use crate::t;

/// What "Test connection" received, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestedClaims {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

/// Everything the SSO page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoPageData {
    pub tenant_id: i64,
    pub tenant_name: String,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
    pub connections: Vec<SsoConnectionInfo>,
    /// The tenant's DNS-proven domains.
    pub proven_domains: Vec<String>,
    pub roles: Vec<String>,
    pub tested: Option<TestedClaims>,
}

#[server(prefix = "/rpc", endpoint = "get_sso_page")]
pub async fn get_sso_page(tenant_id: i64) -> Result<SsoPageData, AppError> {
    use crate::backend::access::session;
    use crate::domain::{Role, RoleScope};
    let (state, actor) = session::require_actor(tenant_id).await?;
    let connections = crate::backend::sso::connections::list(&state, &actor).await?;
    let tested: Option<crate::backend::sso::sign_in::VerifiedClaims> =
        session::take_kept(session::kept::SSO_TEST_CLAIMS).await?;
    let proven_domains = crate::backend::onboarding::domains::list(&state, &actor)
        .await?
        .into_iter()
        .filter(|d| d.verified_at.is_some())
        .map(|d| d.domain)
        .collect();
    Ok(SsoPageData {
        tenant_id,
        tenant_name: actor.tenant_name.clone(),
        redirect_uri: format!(
            "{}/sso/callback",
            state.config.base_url.trim_end_matches('/')
        ),
        connections,
        proven_domains,
        roles: Role::ALL
            .into_iter()
            .filter(|r| r.scope() == RoleScope::Tenant)
            .map(|r| r.as_str().to_owned())
            .collect(),
        tested: tested.map(|c| TestedClaims {
            issuer: c.issuer,
            subject: c.subject,
            email: c.email,
            email_verified: c.email_verified,
            given_name: c.given_name,
            family_name: c.family_name,
        }),
    })
}

#[server(prefix = "/rpc", endpoint = "create_sso_connection")]
pub async fn create_sso_connection(
    tenant_id: i64,
    issuer: String,
    client_id: String,
    client_secret: String,
    #[server(default)] domains: Vec<String>,
    #[server(default)] roles: Vec<String>,
    #[server(default)] required: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::sso::connections::{self, ConnectionInput};
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let join_roles =
        crate::domain::Role::parse_choices(&roles).map_err(|why| AppError::field("roles", why))?;
    let input = ConnectionInput {
        issuer: Some(issuer),
        client_id: Some(client_id),
        client_secret: Some(client_secret),
        domains: Some(domains),
        join_roles: Some(join_roles),
        required: Some(required.is_some()),
    };
    connections::create(&state, &actor, input).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/sso"));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "delete_sso_connection")]
pub async fn delete_sso_connection(tenant_id: i64, connection_id: i64) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::sso::connections::delete(&state, &actor, connection_id).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}/sso"));
    Ok(())
}

#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateSsoConnection>,
    delete: ServerAction<DeleteSsoConnection>,
}

#[component]
pub fn SsoPage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let actions = Actions {
        create: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                tenant_id(),
                actions.create.version().get(),
                actions.delete.version().get(),
            )
        },
        |(t, ..)| get_sso_page(t),
    );
    view! {
        <Title text={t!("nav-sso")} />
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move { data.await.map(|d| view! { <SsoView data=d actions /> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn SsoView(data: SsoPageData, actions: Actions) -> impl IntoView {
    let tenant_id = data.tenant_id;
    let created = actions.create.value();
    let no_domain = data.proven_domains.is_empty();
    view! {
        <TenantNav tenant_id tenant_name=data.tenant_name.clone() />
        <h1>{t!("nav-sso")}</h1>
        <p>
            {t!("sso-intro")}
        </p>
        <section class="panel" aria-labelledby="redirect-heading">
            <h2 id="redirect-heading">{t!("sso-redirect")}</h2>
            <p>{t!("sso-register-redirect")}</p>
            <p><code data-testid="sso-redirect-uri">{data.redirect_uri.clone()}</code></p>
        </section>
        {data.tested.clone().map(|c| view! {
            <section class="panel" aria-labelledby="tested-heading" data-testid="sso-test-result">
                <h2 id="tested-heading">{t!("sso-works")}</h2>
                <p role="status">{t!("sso-works-text")}</p>
                <dl class="record">
                    <dt>{t!("sso-issuer")}</dt><dd>{c.issuer}</dd>
                    <dt>{t!("sso-subject")}</dt><dd>{c.subject}</dd>
                    <dt>{t!("field-email")}</dt><dd>{c.email.unwrap_or_else(|| t!("sso-none"))}</dd>
                    <dt>{t!("sso-email-verified")}</dt><dd>{match c.email_verified { Some(true) => t!("sso-yes"), Some(false) => t!("sso-no"), None => t!("sso-not-said") }}</dd>
                    <dt>{t!("field-name")}</dt><dd>{format!("{} {}", c.given_name.unwrap_or_default(), c.family_name.unwrap_or_default()).trim().to_string()}</dd>
                </dl>
            </section>
        })}
        <FormError value=actions.delete.value() />
        {data.connections.into_iter().map(|c| {
            let heading = format!("sso-{}", c.id);
            let labelled = heading.clone();
            let test_href = format!("/sso/test/{}", c.id);
            let remove_label = t!("sso-remove-label", issuer = c.issuer.clone());
            view! {
                <section class="panel" aria-labelledby=labelled>
                    <h2 id=heading>{c.issuer.clone()}</h2>
                    <p data-testid="sso-connection">
                        {if c.required {
                            t!(
                                "sso-connection-required",
                                client = c.client_id.clone(),
                                domains = c.domains.join(", "),
                                roles = role_names(lang(), &c.join_roles),
                            )
                        } else {
                            t!(
                                "sso-connection",
                                client = c.client_id.clone(),
                                domains = c.domains.join(", "),
                                roles = role_names(lang(), &c.join_roles),
                            )
                        }}
                    </p>
                    <p><a class="button" href=test_href>{t!("sso-test")}</a></p>
                    <ActionForm action=actions.delete attr:class="inline-form">
                        <input type="hidden" name="tenant_id" value=tenant_id />
                        <input type="hidden" name="connection_id" value=c.id />
                        <button type="submit" class="danger" aria-label=remove_label>{t!("members-remove")}</button>
                    </ActionForm>
                </section>
            }
        }).collect_view()}
        <section class="panel" aria-labelledby="new-sso-heading">
            <h2 id="new-sso-heading">{t!("sso-connect-title")}</h2>
            {no_domain.then(|| view! {
                <p class="notice">{t!("sso-prove-first")}</p>
            })}
            <ActionForm action=actions.create attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <FormField label={t!("sso-issuer-url")} name="issuer" input_type="url" server_error=field_error(created, "issuer") />
                <FormField label={t!("sso-client-id")} name="client_id" server_error=field_error(created, "clientId") />
                <FormField label={t!("sso-client-secret")} name="client_secret" input_type="password" autocomplete="off" server_error=field_error(created, "clientSecret") />
                <fieldset class="field">
                    <legend>{t!("nav-domains")}</legend>
                    {data.proven_domains.iter().map(|d| {
                        let id = format!("sso-domain-{d}");
                        let for_id = id.clone();
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id name="domains[]" value=d.clone() />
                                <label for=for_id>{d.clone()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset class="field">
                    <legend>{t!("sso-roles")}</legend>
                    <RoleChoices form="sso" roles=data.roles.clone() checked=vec!["extractor-user".to_owned()] />
                </fieldset>
                <div class="choice">
                    <input type="checkbox" id="sso-required" name="required" value="on" />
                    <label for="sso-required">{t!("sso-required")}</label>
                </div>
                <FormError value=created />
                <button type="submit">{t!("sso-connect")}</button>
            </ActionForm>
        </section>
    }
}
