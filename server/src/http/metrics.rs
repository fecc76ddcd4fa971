//! `/vms/{id}/metrics`: what a running VM uses of its host now.

use super::{ok, ApiPath, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::metrics as svc;
use crate::state::AppState;
use app::types::{VmHistory, VmMetrics};
use serde::Deserialize;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/vms/{id}/metrics", get(get_vm_metrics)).route("/vms/{id}/metrics/history", get(get_vm_history))
}

/// CPU (the QEMU process and its vCPU threads, over a quarter second),
/// resident memory, per-disk I/O and network traffic (where the backend
/// counts it) of a running VM; who may see the VM may see these.
#[utoipa::path(get, path = "/api/v1/vms/{id}/metrics", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "The VM's use now", body = VmMetrics), (status = 409, description = "VM_NOT_RUNNING")))]
pub async fn get_vm_metrics(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::vm_now(&state, &me, id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// RFC 3339 (default: an hour before `to`; at most 30 days before it).
    #[serde(default)]
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339 (default: now).
    #[serde(default)]
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Seconds per point (default: the finest kept for the range, at most
    /// 500 points); rounded to what the range is kept at.
    #[serde(default)]
    #[param(minimum = 1, maximum = 2592000)]
    pub step: Option<u64>,
}

/// A VM's use over time, sampled while it runs and kept at falling
/// resolution: the sampling interval for an hour, a minute for a day, ten
/// minutes for a week, an hour for 30 days.
#[utoipa::path(get, path = "/api/v1/vms/{id}/metrics/history", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), HistoryQuery),
    responses((status = 200, description = "Points, oldest first", body = VmHistory)))]
pub async fn get_vm_history(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Response> {
    Ok(ok(svc::history(&state, &me, id, q.from.as_deref(), q.to.as_deref(), q.step).await?))
}
