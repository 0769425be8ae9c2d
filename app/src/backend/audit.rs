//! The audit log: who did what, when, to what. Written in the same
//! transaction as the change it describes.

use super::db::accounts::AccountRow;
use super::db::{self, now_ms};
use crate::backend::db::exec::Exec;
use crate::domain::AuditAction;
use crate::error::AppError;

/// Who acted: an account (id and email at the time), or the system.
#[derive(Debug, Clone)]
pub struct AuditActor {
    pub account_id: Option<i64>,
    pub label: String,
}

impl AuditActor {
    /// A person acting with their account, named by their email.
    pub fn account(account: &AccountRow) -> Self {
        AuditActor {
            account_id: Some(account.id),
            label: account.email.clone(),
        }
    }

    /// A tenant's directory (SCIM), named by its token's name.
    pub fn directory(token_name: &str) -> Self {
        AuditActor {
            account_id: None,
            label: format!("directory ({token_name})"),
        }
    }
}

pub async fn record(
    conn: &mut impl Exec,
    tenant_id: Option<i64>,
    actor: &AuditActor,
    action: AuditAction,
    target: &str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let event = db::audit_events::NewEvent {
        tenant_id,
        actor_id: actor.account_id,
        actor: &actor.label,
        action,
        target,
        details: details.to_string(),
    };
    db::audit_events::insert(conn, event, now_ms()).await
}

/// Who the audit log names for what nobody did (an expiry).
pub fn system_actor() -> AuditActor {
    AuditActor {
        account_id: None,
        label: "Portico".into(),
    }
}
