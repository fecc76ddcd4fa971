//! `/vms/{id}/snapshots`.

use super::{created, done, ok, ApiJson, ApiPath};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::snapshots as svc;
use crate::state::AppState;
use app::types::{NewSnapshot, SnapshotView};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vms/{id}/snapshots", get(list_snapshots).post(create_snapshot))
        .route("/vms/{id}/snapshots/{sid}", delete(delete_snapshot))
        .route("/vms/{id}/snapshots/{sid}/revert", post(revert_snapshot))
}

/// The VM's snapshots.
#[utoipa::path(get, path = "/api/v1/vms/{id}/snapshots", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "Snapshots", body = [SnapshotView])))]
pub async fn list_snapshots(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::list_snapshots(&state, &me, id).await?))
}

/// Snapshot the VM's qcow2 disks (live while running: disk state only).
#[utoipa::path(post, path = "/api/v1/vms/{id}/snapshots", tag = "vms", security(("bearer" = [])), request_body = NewSnapshot,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 201, description = "Created", body = SnapshotView), (status = 409, description = "NO_QCOW2_DISK")))]
pub async fn create_snapshot(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(s): ApiJson<NewSnapshot>,
) -> Result<Response> {
    Ok(created(svc::create_snapshot(&state, &me, id, s).await?))
}

/// Put the disks back to a snapshot (VM stopped).
#[utoipa::path(post, path = "/api/v1/vms/{id}/snapshots/{sid}/revert", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), ("sid" = i64, Path, description = "Snapshot id")),
    responses((status = 200, description = "Reverted", body = SnapshotView), (status = 409, description = "VM_RUNNING")))]
pub async fn revert_snapshot(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath((id, sid)): ApiPath<(i64, i64)>) -> Result<Response> {
    Ok(ok(svc::revert_snapshot(&state, &me, id, sid).await?))
}

/// Delete a snapshot.
#[utoipa::path(delete, path = "/api/v1/vms/{id}/snapshots/{sid}", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), ("sid" = i64, Path, description = "Snapshot id")),
    responses((status = 200, description = "Deleted")))]
pub async fn delete_snapshot(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath((id, sid)): ApiPath<(i64, i64)>) -> Result<Response> {
    svc::delete_snapshot(&state, &me, id, sid).await?;
    Ok(done("snapshot deleted"))
}
