//! Operational endpoints: liveness and readiness.

use axum::extract::State;
use axum::http::StatusCode;

use app::backend::AppState;

/// Alive: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the database answers a query.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.db.is_ready().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}
