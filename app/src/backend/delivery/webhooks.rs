//! The lifecycle of webhook deliveries that is not sending them (the
//! server's webhook worker sends): disabling an endpoint that keeps
//! failing, and pruning the delivery log.

use serde_json::json;

use crate::backend::audit;
use crate::backend::db::{self, now_ms};
use crate::backend::delivery::mail;
use crate::backend::languages;
use crate::backend::state::AppState;
use crate::domain::AuditAction;
use crate::error::AppError;

/// How long an endpoint may fail before it is disabled (SPEC §8).
pub const DISABLE_AFTER_MS: i64 = 3 * 24 * 3_600_000;

/// Disables an endpoint whose deliveries have all failed for
/// [`DISABLE_AFTER_MS`], records it, and mails the tenant's managers. The
/// conditional update makes it happen once, whichever instance sees it.
pub async fn disable_if_failing(state: &AppState, endpoint_id: i64) -> Result<bool, AppError> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let Some((tenant_id, url)) =
        db::webhooks::disable_if_failing_since(&mut tx, endpoint_id, now - DISABLE_AFTER_MS, now)
            .await?
    else {
        return Ok(false);
    };
    audit::record(
        &mut tx,
        Some(tenant_id),
        &audit::system_actor(),
        AuditAction::WebhookDisabled,
        &url,
        json!({ "webhookId": endpoint_id, "reason": "failing" }),
    )
    .await?;
    let tenant = db::tenants::get(&mut tx, tenant_id)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    let link = format!("{}/t/{tenant_id}/webhooks", state.config.base_url);
    for (email, first_name, locale) in
        db::members::active_manager_contacts(&mut tx, tenant_id).await?
    {
        let lang = languages::of_person(&state.config, locale.as_deref());
        let mail = mail::webhook_disabled_mail(lang, &email, &first_name, &tenant, &url, &link);
        mail::enqueue(&mut tx, &mail).await?;
    }
    tx.commit().await?;
    tracing::warn!(
        webhook_id = endpoint_id,
        tenant_id,
        "webhook endpoint disabled after three days of failures"
    );
    Ok(true)
}

/// How long finished deliveries stay in the log.
pub const RETENTION_MS: i64 = 30 * 24 * 3_600_000;
/// Deliveries one pruning statement deletes; the pass repeats until done.
const PRUNE_BATCH: i64 = 1_000;

/// The periodic clean-up: deletes delivered and failed deliveries older
/// than [`RETENTION_MS`] (pending ones stay until they end), so the log of
/// a busy tenant does not grow without bound. Returns how many went.
pub async fn prune_deliveries(db: &crate::backend::db::Db) -> Result<u64, AppError> {
    let before = now_ms() - RETENTION_MS;
    db::delete_in_batches(PRUNE_BATCH, |batch| async move {
        let mut conn = db.write().await?;
        db::webhooks::prune_finished(&mut conn, before, batch).await
    })
    .await
}
