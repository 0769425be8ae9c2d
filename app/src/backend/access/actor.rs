//! Who may do what inside a tenant (SPEC §2). Every service that touches
//! tenant data starts from the caller's [`Actor`] for that tenant (pages
//! and REST get it with [`Actor::for_tenant`], [`Actor::in_tenant`] or,
//! from a row's id, [`Actor::for_row`]):
//! no membership answers 404 (another tenant's data is never visible), a
//! DISABLED or DELETED membership answers 403.

use crate::backend::access::accounts::AccountRow;
use crate::backend::audit::AuditActor;
use crate::backend::db::exec::Exec;
use crate::backend::db::{self, owners::Owned};
use crate::backend::state::AppState;
use crate::domain::{AuditAction, MemberStatus, Role, RoleScope};
use crate::error::AppError;

/// Who calls: an account, and the one tenant its credential may act in
/// when it is limited to one (an access token the OpenID provider issued
/// for a tenant). Pages and most tokens act for the whole account.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: AccountRow,
    pub only_tenant: Option<i64>,
}

impl From<AccountRow> for Caller {
    fn from(account: AccountRow) -> Self {
        Caller {
            account,
            only_tenant: None,
        }
    }
}

impl Caller {
    /// The account, for what is not done inside one tenant (accepting an
    /// invitation, joining): refused to a credential limited to a tenant.
    pub fn whole_account(self) -> Result<AccountRow, AppError> {
        match self.only_tenant {
            None => Ok(self.account),
            Some(_) => Err(AppError::ForbiddenBecause(
                "This access token was issued for one tenant; use an API token for this.".into(),
            )),
        }
    }
}

impl std::ops::Deref for Caller {
    type Target = AccountRow;

    fn deref(&self) -> &AccountRow {
        &self.account
    }
}

/// A signed-in account acting inside one tenant, as an ACTIVE member.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account: AccountRow,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub member_id: i64,
    pub roles: Vec<Role>,
    pub organisation_id: Option<i64>,
}

impl Actor {
    /// Loads the caller's membership of `tenant_id`. A credential limited
    /// to another tenant answers 403.
    pub async fn load(
        conn: &mut impl Exec,
        caller: impl Into<Caller>,
        tenant_id: i64,
    ) -> Result<Actor, AppError> {
        let Caller {
            account,
            only_tenant,
        } = caller.into();
        if only_tenant.is_some_and(|t| t != tenant_id) {
            return Err(AppError::ForbiddenBecause(
                "This access token was issued for another tenant.".into(),
            ));
        }
        let membership = db::members::membership(conn, tenant_id, account.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Actor::of_membership(account, tenant_id, membership)
    }

    /// The actor that `membership` of `tenant_id` makes of `account`.
    fn of_membership(
        account: AccountRow,
        tenant_id: i64,
        membership: db::members::Membership,
    ) -> Result<Actor, AppError> {
        if membership.status != MemberStatus::Active {
            return Err(AppError::ForbiddenBecause(
                "Your membership of this tenant is not active.".into(),
            ));
        }
        Ok(Actor {
            account,
            tenant_id,
            tenant_name: membership.tenant_name,
            member_id: membership.id,
            roles: membership.roles.parsed(),
            organisation_id: membership.organisation_id,
        })
    }

    /// The actor for `tenant_id`.
    pub async fn for_tenant(
        state: &AppState,
        caller: impl Into<Caller>,
        tenant_id: i64,
    ) -> Result<Actor, AppError> {
        let mut conn = state.db.read_direct().await?;
        Actor::load(&mut conn, caller, tenant_id).await
    }

    /// The actor in `tenant_id` when given, else in the account's only
    /// tenant (several tenants: the caller must say which; a credential
    /// limited to one tenant says it). One connection for both lookups.
    pub async fn in_tenant(
        state: &AppState,
        caller: impl Into<Caller>,
        tenant_id: Option<i64>,
    ) -> Result<Actor, AppError> {
        let caller = caller.into();
        let mut conn = state.db.read_direct().await?;
        if let Some(id) = tenant_id.or(caller.only_tenant) {
            return Actor::load(&mut conn, caller, id).await;
        }
        // No tenant named: the account's only one, read with its membership.
        let mut found = db::members::sole_membership(&mut conn, caller.account.id).await?;
        match found.len() {
            1 => {
                let only = found.remove(0);
                Actor::of_membership(caller.account, only.tenant_id, only.membership)
            }
            0 => Err(AppError::ForbiddenBecause(
                "You are not a member of any tenant.".into(),
            )),
            // Not the request's shape but the caller's state: 409.
            _ => Err(AppError::Conflict(
                "You belong to several tenants: say which one with tenantId.".into(),
            )),
        }
    }

    /// The actor in the tenant that owns row `id` of kind `what`, so an id
    /// alone finds its tenant. A row of a tenant the caller is not in, or
    /// of another tenant than `tenant_id` when given, is not found.
    pub async fn for_row(
        state: &AppState,
        caller: impl Into<Caller>,
        what: Owned,
        id: i64,
        tenant_id: Option<i64>,
    ) -> Result<Actor, AppError> {
        let mut conn = state.db.read().await?;
        let owner = db::owners::owner_of(&mut conn, what, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if tenant_id.is_some_and(|t| t != owner) {
            return Err(AppError::NotFound);
        }
        Actor::load(&mut conn, caller, owner).await
    }

    pub fn audit(&self) -> AuditActor {
        AuditActor::account(&self.account)
    }

    /// Records in the tenant's audit log that the actor did `action` to
    /// `target`, on the caller's transaction.
    pub async fn log(
        &self,
        conn: &mut impl Exec,
        action: AuditAction,
        target: &str,
        details: serde_json::Value,
    ) -> Result<(), AppError> {
        crate::backend::audit::record(
            conn,
            Some(self.tenant_id),
            &self.audit(),
            action,
            target,
            details,
        )
        .await
    }

    /// The highest level the actor holds in `scope` (0: none).
    fn level(&self, scope: RoleScope) -> u8 {
        self.roles
            .iter()
            .filter(|r| r.scope() == scope)
            .map(|r| r.level())
            .max()
            .unwrap_or(0)
    }

    /// Which organisations' data the actor reads, as a SQL filter value: 0
    /// for all of them (the actor holds a tenant-wide role), else its own
    /// organisation's id (-1, matching nothing, when it has none).
    pub fn organisation_filter(&self) -> i64 {
        if self.roles.iter().any(|r| r.scope() == RoleScope::Tenant) {
            0
        } else {
            self.organisation_id.unwrap_or(-1)
        }
    }

    pub fn is_tenant_manager(&self) -> bool {
        self.level(RoleScope::Tenant) >= Role::ExtractorManager.level()
    }

    pub fn is_organisation_manager(&self) -> bool {
        self.organisation_id.is_some()
            && self.level(RoleScope::Organisation) >= Role::OrganisationManager.level()
    }

    /// Whether the actor may send invitations at all: a manager (of the
    /// tenant or of an organisation) whose email is verified. Checked
    /// before any input is parsed, so a bulk request from someone who may
    /// not invite costs nothing.
    pub fn ensure_can_invite(&self) -> Result<(), AppError> {
        if !self.is_tenant_manager() && !self.is_organisation_manager() {
            return Err(AppError::ForbiddenBecause(
                "Only managers can do that.".into(),
            ));
        }
        if self.account.email_verified_at.is_none() {
            return Err(AppError::email_not_verified("send invitations"));
        }
        Ok(())
    }

    /// Whether the actor manages people in `organisation_id` holding
    /// `roles`: tenant managers everywhere; organisation managers only in
    /// their own organisation, only for `organisation-*` roles, never
    /// above their own level.
    pub fn ensure_can_manage(
        &self,
        organisation_id: Option<i64>,
        roles: &[Role],
    ) -> Result<(), AppError> {
        if self.is_tenant_manager() {
            return Ok(());
        }
        if !self.is_organisation_manager() {
            return Err(AppError::ForbiddenBecause(
                "Only managers can do that.".into(),
            ));
        }
        if organisation_id.is_none() || organisation_id != self.organisation_id {
            return Err(AppError::ForbiddenBecause(
                "Organisation managers act only inside their own organisation.".into(),
            ));
        }
        let own = self.level(RoleScope::Organisation);
        if roles
            .iter()
            .any(|r| r.scope() != RoleScope::Organisation || r.level() > own)
        {
            return Err(AppError::ForbiddenBecause(
                "You cannot grant a role above your own.".into(),
            ));
        }
        Ok(())
    }

    /// The role names the actor may grant (in its own organisation, for an
    /// organisation manager); empty for people who manage no one.
    pub fn grantable_roles(&self) -> Vec<String> {
        Role::ALL
            .into_iter()
            .filter(|r| self.ensure_can_manage(self.organisation_id, &[*r]).is_ok())
            .map(|r| r.as_str().to_owned())
            .collect()
    }

    /// Tenant-wide management: organisations, projects, the audit log.
    pub fn ensure_tenant_manager(&self) -> Result<(), AppError> {
        if self.is_tenant_manager() {
            Ok(())
        } else {
            Err(AppError::ForbiddenBecause(
                "Only tenant managers can do that.".into(),
            ))
        }
    }
}
