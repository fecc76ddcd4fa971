//! `/vms/{id}/metrics`: what a running VM uses of its host now.

use super::{ok, ApiPath};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::metrics as svc;
use crate::state::AppState;
use app::types::VmMetrics;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/vms/{id}/metrics", get(get_vm_metrics))
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
