//! The tenant's default language (SPEC §12): the language of invitations
//! to people who have chosen none, unless the invitation names one.

use serde_json::json;

use crate::backend::access::actor::Actor;
use crate::backend::audit;
use crate::backend::db::{self, now_ms};
use crate::backend::state::AppState;
use crate::domain::AuditAction;
use crate::error::AppError;
use crate::i18n::Lang;

/// Sets (or, with `None`, clears) the default language; tenant managers
/// only; audited when it changes.
pub async fn set_default_language(
    state: &AppState,
    actor: &Actor,
    lang: Option<Lang>,
) -> Result<(), AppError> {
    actor.ensure_tenant_manager()?;
    let mut tx = state.db.begin().await?;
    let before = db::tenants::default_locale(&mut tx, actor.tenant_id).await?;
    let after = lang.map(Lang::code);
    if before.as_deref() != after {
        db::tenants::set_default_locale(&mut tx, actor.tenant_id, after, now_ms()).await?;
        audit::record(
            &mut tx,
            Some(actor.tenant_id),
            &actor.audit(),
            AuditAction::TenantLanguageChanged,
            &actor.tenant_name,
            json!({ "from": before, "to": after }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
