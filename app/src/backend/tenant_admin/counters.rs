//! The tenants' counters (seats used and reserved, list totals) are kept by
//! database triggers in the transactions that change what they count
//! (migrations 20261208000001 and 20261210000001, `tenant_counters`). This is their repair: housekeeping walks the
//! tenants a batch at a time, recomputes each one's counters from its rows
//! under the tenant's lock, and corrects and logs any drift (a row edited
//! by hand, a restore from an older backup).

use crate::backend::db::{self, Db};
use crate::error::AppError;

/// Tenants recounted per housekeeping round.
pub const REPAIR_BATCH: i64 = 20;

/// One tenant whose counters had drifted: what they said, and the truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub tenant_id: i64,
    pub stored: db::tenants::Counters,
    pub recounted: db::tenants::Counters,
}

/// Recounts the tenant and corrects its counters; `Some` when they were wrong.
pub async fn repair_tenant(db: &Db, tenant_id: i64) -> Result<Option<Drift>, AppError> {
    let mut tx = db.begin().await?;
    db::tenants::lock_counters(&mut tx, tenant_id).await?;
    let Some(stored) = db::tenants::counters(&mut tx, tenant_id).await? else {
        return Ok(None);
    };
    let recounted = db::tenants::recount(&mut tx, tenant_id).await?;
    if stored == recounted {
        return Ok(None);
    }
    db::tenants::set_counters(&mut tx, tenant_id, &recounted).await?;
    tx.commit().await?;
    Ok(Some(Drift {
        tenant_id,
        stored,
        recounted,
    }))
}

/// Recounts up to `batch` tenants after the id `after`, one transaction
/// each (a large tenant holds its own lock only while it is recounted).
/// Returns where the next round starts (0: from the beginning again) and
/// the drifts it corrected, each also logged.
pub async fn repair_batch(db: &Db, after: i64, batch: i64) -> Result<(i64, Vec<Drift>), AppError> {
    let ids = {
        let mut conn = db.read().await?;
        db::tenants::ids_after(&mut conn, after, batch).await?
    };
    let mut drifts = Vec::new();
    for &id in &ids {
        if let Some(drift) = repair_tenant(db, id).await? {
            tracing::warn!(
                tenant_id = id,
                stored = ?drift.stored,
                recounted = ?drift.recounted,
                "tenant counters had drifted; corrected"
            );
            drifts.push(drift);
        }
    }
    let next = if (ids.len() as i64) < batch {
        0
    } else {
        ids.last().copied().unwrap_or(0)
    };
    Ok((next, drifts))
}
