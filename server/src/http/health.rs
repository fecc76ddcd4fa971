//! Liveness and readiness.

use super::ok;
use crate::error::Result;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(get_health))
}

/// Service health: the database answers.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, description = "Healthy: `{status, version, database}`")))]
pub async fn get_health(State(state): State<AppState>) -> Result<Response> {
    state.store.ping().await?;
    Ok(ok(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "database": "ok",
    })))
}
