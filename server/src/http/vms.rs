//! `/vms`: virtual machines and their lifecycle.

use super::{accepted, created, done, ok, page_answer, ApiJson, ApiPath, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::vms as svc;
use crate::state::AppState;
use app::types::{ListQuery, NewVm, OperationView, StateChangeRequest, VmMove, VmPatch, VmView};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vms", get(list_vms).post(create_vm))
        .route("/vms/{id}", get(get_vm).patch(update_vm).delete(delete_vm))
        .route("/vms/{id}/state", put(change_vm_state))
        .route("/vms/{id}/move", post(move_vm))
}

/// VMs the caller may see (students: their own), paginated.
#[utoipa::path(get, path = "/api/v1/vms", tag = "vms", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "A page of VMs", body = [VmView])))]
pub async fn list_vms(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response> {
    Ok(page_answer(&svc::list_answer(&state, &me, q).await?))
}

/// Create a VM (stopped).
#[utoipa::path(post, path = "/api/v1/vms", tag = "vms", security(("bearer" = [])), request_body = NewVm,
    responses((status = 201, description = "Created", body = VmView), (status = 409, description = "PORT_IN_USE"),
              (status = 422, description = "VALIDATION_FAILED")))]
pub async fn create_vm(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiJson(input): ApiJson<NewVm>) -> Result<Response> {
    Ok(created(svc::create(&state, &me, input).await?))
}

/// One VM.
#[utoipa::path(get, path = "/api/v1/vms/{id}", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "The VM", body = VmView), (status = 404, description = "VM_NOT_FOUND")))]
pub async fn get_vm(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::get(&state, &me, id).await?))
}

/// Change name, description, CPUs, memory or boot order. On a running VM
/// the change is stored and `needs_restart` is set.
#[utoipa::path(patch, path = "/api/v1/vms/{id}", tag = "vms", security(("bearer" = [])), request_body = VmPatch,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "Updated", body = VmView), (status = 422, description = "VALIDATION_FAILED")))]
pub async fn update_vm(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<VmPatch>,
) -> Result<Response> {
    Ok(ok(svc::update(&state, &me, id, patch).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteQuery {
    /// Power the VM off first if it is running.
    #[serde(default)]
    #[param(required = false)]
    force: bool,
    /// Delete the VM's disks too (otherwise they are detached and kept).
    #[serde(default)]
    #[param(required = false)]
    delete_disks: bool,
}

/// Delete a VM; refused while it runs unless `force=true`.
#[utoipa::path(delete, path = "/api/v1/vms/{id}", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), DeleteQuery),
    responses((status = 200, description = "Deleted"), (status = 409, description = "VM_RUNNING")))]
pub async fn delete_vm(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
) -> Result<Response> {
    svc::delete(&state, &me, id, q.force, q.delete_disks).await?;
    Ok(done("VM deleted"))
}

/// Admins: move a stopped VM to another node. Its disks are copied there
/// and checked by SHA-256, then the VM belongs to that node; answers 202
/// with the operation that tracks the copy.
#[utoipa::path(post, path = "/api/v1/vms/{id}/move", tag = "vms", security(("bearer" = [])), request_body = VmMove,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 202, description = "Accepted; follow the operation", body = OperationView),
              (status = 409, description = "VM_RUNNING, SAME_NODE, NODE_DISABLED, VM_MOVING or IMAGE_NOT_SHARED"),
              (status = 503, description = "NODE_UNREACHABLE")))]
pub async fn move_vm(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<VmMove>,
) -> Result<Response> {
    Ok(accepted(svc::move_vm(&state, &me, id, input).await?))
}

/// Start, stop, shut down (ACPI, forced after `timeout`), restart, pause,
/// resume or reset. Answers 202 with the operation that tracks it.
#[utoipa::path(put, path = "/api/v1/vms/{id}/state", tag = "vms", security(("bearer" = [])), request_body = StateChangeRequest,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 202, description = "Accepted; follow the operation", body = OperationView),
              (status = 409, description = "INVALID_STATE: not possible in the current state")))]
pub async fn change_vm_state(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<StateChangeRequest>,
) -> Result<Response> {
    let op = svc::change_state(&state, &me, id, req).await?;
    Ok(accepted(op))
}
