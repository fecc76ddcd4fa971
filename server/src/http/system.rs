//! `/health` (liveness, public) and `/system/overview` (admins).

use super::metrics::HistoryQuery;
use super::{ok, ApiQuery};
use crate::auth::{CurrentUser, RequireAdmin};
use crate::error::Result;
use crate::service::system as svc;
use crate::state::AppState;
use app::types::{GuestNetwork, HostHistory, HostStatus, SystemOverview};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(get_health))
        .route("/system/overview", get(get_overview))
        .route("/system/guest-network", get(get_guest_network))
        .route("/system/status", get(get_status))
        .route("/system/status/history", get(get_status_history))
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

/// The host this node runs on: CPU (over a quarter second), load, memory,
/// the space of each pool, QEMU's version, the accelerator and why, this
/// node's VMs by state, and what its running VMs hold against what the
/// host allows (`host_memory_ratio`).
#[utoipa::path(get, path = "/api/v1/system/status", tag = "system", security(("bearer" = [])),
    responses((status = 200, description = "The host now", body = HostStatus),
              (status = 403, description = "FORBIDDEN")))]
pub async fn get_status(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin) -> Result<Response> {
    Ok(ok(crate::service::metrics::host_now(&state, &admin).await?))
}

/// The host's CPU, load, memory and running VMs over time, sampled with
/// the VMs and kept at the same resolutions.
#[utoipa::path(get, path = "/api/v1/system/status/history", tag = "system", security(("bearer" = [])),
    params(HistoryQuery),
    responses((status = 200, description = "Points, oldest first", body = HostHistory),
              (status = 403, description = "FORBIDDEN")))]
pub async fn get_status_history(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Response> {
    Ok(ok(crate::service::metrics::host_history(&state, &admin, q.from.as_deref(), q.to.as_deref(), q.step).await?))
}
