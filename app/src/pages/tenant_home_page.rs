//! `/t/{tenantId}`: the overview. Member counts by status and role, and
//! the invitation funnel of the last weeks as a server-rendered SVG chart
//! (readable without JavaScript, with a table for screen readers).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::error_template::ErrorTemplate;
use crate::components::form_field::FormError;
use crate::components::language_select::LanguageSelect;
use crate::components::tenant_nav::{TenantNav, use_tenant_id};
use crate::domain::Role;
use crate::dto::{FunnelWeek, Overview};
use crate::error::AppError;
use crate::format::{format_date, member_status, role_names};
use crate::i18n::lang;
use crate::t;

#[server(prefix = "/rpc", endpoint = "get_overview")]
pub async fn get_overview(tenant_id: i64) -> Result<Overview, AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    crate::backend::tenant_admin::overview(&state, &actor).await
}

/// The tenant's default language for invitations (SPEC §12): `en`, `de`,
/// `es`, or empty for the instance's.
#[server(prefix = "/rpc", endpoint = "set_tenant_language")]
pub async fn set_tenant_language(tenant_id: i64, locale: String) -> Result<(), AppError> {
    let (state, actor) = crate::backend::access::session::require_actor(tenant_id).await?;
    let lang = crate::components::language_select::parse_choice(&locale)
        .map_err(|e| AppError::field("locale", e))?;
    crate::backend::tenant_admin::language::set_default_language(&state, &actor, lang).await?;
    leptos_axum::redirect(&format!("/t/{tenant_id}?language=1"));
    Ok(())
}

#[component]
pub fn TenantHomePage() -> impl IntoView {
    let tenant_id = use_tenant_id();
    let overview = Resource::new(tenant_id, get_overview);
    view! {
        <Suspense fallback=|| view! { <p>{t!("loading")}</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors /> }>
                {move || Suspend::new(async move {
                    overview.await.map(|o| view! { <OverviewView o /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// After an accepted ownership transfer (`?owner=1`).
fn owner_notice() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    query.read_untracked().get("owner").map(|_| {
        view! { <p class="notice" role="status">{t!("overview-now-owner")}</p> }
    })
}

#[component]
fn OverviewView(o: Overview) -> impl IntoView {
    let funnel_total: i64 = o.funnel.iter().map(|w| w.sent).sum();
    view! {
        <Title text=o.tenant_name.clone() />
        <TenantNav tenant_id=o.tenant_id tenant_name=o.tenant_name.clone() />
        <h1>{o.tenant_name.clone()}</h1>
        {owner_notice()}
        {o.owner.clone().map(|(name, email)| view! {
            <p data-testid="owner">{t!("overview-owner", name = name, email = email)}</p>
        })}
        <p>{t!("overview-your-roles", roles = role_names(lang(), &o.my_roles))}</p>
        <p data-testid="seats">{o.seats.summary(lang())} "."</p>
        {(o.can_invite && !o.invited_anyone).then(|| view! {
            <section class="panel first-step" aria-labelledby="first-step">
                <h2 id="first-step">{t!("overview-first")}</h2>
                <p>{t!("overview-first-text")}</p>
                <p><a class="button" href=format!("/t/{}/invites", o.tenant_id)>{t!("overview-invite-people")}</a></p>
            </section>
        })}
        <div class="grid-2">
            <section class="panel" aria-labelledby="status-counts">
                <h2 id="status-counts">{t!("overview-by-status")}</h2>
                <dl class="stats" data-testid="members-by-status">
                    {o.members_by_status.into_iter().map(|(s, n)| view! { <div><dt>{member_status(lang(), s)}</dt><dd>{n}</dd></div> }).collect_view()}
                </dl>
            </section>
            <section class="panel" aria-labelledby="role-counts">
                <h2 id="role-counts">{t!("overview-by-role")}</h2>
                <dl class="stats small" data-testid="members-by-role">
                    {o.members_by_role.into_iter().map(|(r, n)| view! { <div><dt>{Role::label_of(lang(), &r)}</dt><dd>{n}</dd></div> }).collect_view()}
                </dl>
            </section>
        </div>
        {o.is_manager.then(|| view! { <TenantLanguage tenant_id=o.tenant_id current=o.default_locale.clone() /> })}
        <section class="panel" aria-labelledby="funnel-heading">
            <h2 id="funnel-heading">{t!("overview-funnel")}</h2>
            <p>{t!("overview-funnel-total", count = funnel_total, weeks = o.funnel.len())}</p>
            <FunnelChart weeks=o.funnel.clone() />
            <div class="table-scroll" tabindex="0">
            <table class="funnel-table" data-testid="funnel-table">
                <caption>{t!("overview-by-week")}</caption>
                <thead>
                    <tr><th scope="col">{t!("overview-week-of")}</th><th scope="col">{t!("funnel-col-sent")}</th><th scope="col">{t!("funnel-col-accepted")}</th><th scope="col">{t!("funnel-col-pending")}</th><th scope="col">{t!("funnel-col-expired")}</th></tr>
                </thead>
                <tbody>
                    {o.funnel.into_iter().map(|w| view! {
                        <tr>
                            <th scope="row">{format_date(lang(), w.week_start)}</th>
                            <td>{w.sent}</td><td>{w.accepted}</td><td>{w.pending}</td><td>{w.expired}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// The managers' choice of the language invitations are written in when
/// the invited person has none.
#[component]
fn TenantLanguage(tenant_id: i64, current: Option<String>) -> impl IntoView {
    let action = ServerAction::<SetTenantLanguage>::new();
    let saved = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("language")
        .is_some();
    view! {
        <section class="panel" aria-labelledby="tenant-language-heading">
            <h2 id="tenant-language-heading">{t!("tenant-language")}</h2>
            {saved.then(|| view! { <p class="notice" role="status">{t!("tenant-language-saved")}</p> })}
            <ActionForm action attr:class="stacked">
                <input type="hidden" name="tenant_id" value=tenant_id />
                <label for="tenant-locale">{t!("tenant-language-label")}</label>
                <LanguageSelect
                    id="tenant-locale"
                    none_label=t!("tenant-language-instance")
                    current=current.clone()
                />
                <p class="hint">{t!("tenant-language-hint")}</p>
                <FormError value=action.value() />
                <button type="submit">{t!("account-language-save")}</button>
            </ActionForm>
        </section>
    }
}

/// Grouped bars per week: sent, accepted, pending, expired.
#[component]
fn FunnelChart(weeks: Vec<FunnelWeek>) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 200.0;
    const PAD: f64 = 24.0;
    let max = weeks.iter().map(|w| w.sent).max().unwrap_or(0).max(1) as f64;
    let group = (W - PAD) / weeks.len().max(1) as f64;
    let bar = group / 5.0;
    let series = [
        ("sent", t!("funnel-sent"), "#0b5cad"),
        ("accepted", t!("funnel-accepted"), "#1a7f37"),
        ("pending", t!("funnel-pending"), "#9a6700"),
        ("expired", t!("funnel-expired"), "#b42318"),
    ];
    let bars = weeks
        .iter()
        .enumerate()
        .flat_map(|(i, w)| {
            let values = [w.sent, w.accepted, w.pending, w.expired];
            series.iter().zip(values).enumerate().map(move |(j, ((_, name, colour), v))| {
                let h = (v as f64 / max) * (H - PAD);
                let x = PAD + i as f64 * group + j as f64 * bar;
                view! {
                    <rect x=format!("{x:.1}") y=format!("{:.1}", H - PAD - h) width=format!("{:.1}", bar * 0.9) height=format!("{h:.1}") fill=*colour>
                        <title>{format!("{name}: {v}")}</title>
                    </rect>
                }
            })
        })
        .collect_view();
    view! {
        <svg class="funnel-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=t!("funnel-chart-label")>
            <line x1=PAD y1=H - PAD x2=W y2=H - PAD stroke="#57606a" />
            {bars}
        </svg>
        <ul class="legend">
            {series.into_iter().map(|(class, name, _)| view! {
                // A class per series, not a style attribute: the pages'
                // Content-Security-Policy allows no inline styles.
                <li><span class=format!("swatch swatch-{class}")></span>{name}</li>
            }).collect_view()}
        </ul>
    }
}
