//! `/health` (liveness, public) and `/system/overview` (admins).

use super::ok;
use crate::auth::{CurrentUser, RequireAdmin};
use crate::error::Result;
use crate::service::system as svc;
use crate::state::AppState;
use app::types::{GuestNetwork, SystemOverview};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(get_health))
        .route("/system/overview", get(get_overview))
        .route("/system/guest-network", get(get_guest_network))
}

/// Service health: the database answers; which accelerator guests get and why.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, description = "Healthy: `{status, version, database, accelerator: {in_use, reason}, guest_network_guard: {active, reason}, confinement: {memory_limit, cpu_limit, sandbox, qemu_user}}`")))]
pub async fn get_health(State(state): State<AppState>) -> Result<Response> {
    state.store.ping().await?;
    Ok(ok(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "database": "ok",
        "accelerator": { "in_use": state.accel.name(), "reason": state.accel.reason },
        "guest_network_guard": { "active": state.guard.active, "reason": state.guard.reason },
        "confinement": state.engine.confinement().describe(),
    })))
}

/// What exists (users, VMs, ISOs, courses, labs, the demo guest) and how guests are accelerated.
#[utoipa::path(get, path = "/api/v1/system/overview", tag = "system", security(("bearer" = [])),
    responses((status = 200, description = "Counts and the accelerator", body = SystemOverview),
              (status = 403, description = "FORBIDDEN")))]
pub async fn get_overview(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin) -> Result<Response> {
    Ok(ok(svc::overview(&state, &admin).await?))
}

/// Whether user-mode guests may reach other hosts on this host at all (a
/// VM's own `outbound` applies only when this says true), and why.
#[utoipa::path(get, path = "/api/v1/system/guest-network", tag = "system", security(("bearer" = [])),
    responses((status = 200, description = "The host's rule for guests' outbound network", body = GuestNetwork),
              (status = 401, description = "UNAUTHENTICATED")))]
pub async fn get_guest_network(State(state): State<AppState>, CurrentUser(_user): CurrentUser) -> Result<Response> {
    Ok(ok(svc::guest_network(&state)))
}
