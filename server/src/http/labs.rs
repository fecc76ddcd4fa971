//! `/courses/{id}/labs`, `/labs`, `/me/labs`, reset to baseline: labs and their VMs.

use super::{accepted, done, ok, ApiJson, ApiPath, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::labs;
use crate::state::AppState;
use app::types::{BulkAction, BulkOutcome, LabPatch, LabView, NewLab, OpenedLab, Publication, ResetRequest, SeatView, VmView};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{id}/labs", get(list_labs).post(publish_lab))
        .route("/labs/{id}", get(get_lab).patch(update_lab).delete(delete_lab))
        .route("/labs/{id}/open", post(open_lab))
        .route("/labs/{id}/seats", get(list_seats))
        .route("/labs/{id}/bulk", post(bulk_lab))
        .route("/me/labs", get(my_labs))
        .route("/vms/{id}/reset-baseline", post(reset_vm))
}

/// The course's labs (students see them too).
#[utoipa::path(get, path = "/api/v1/courses/{id}/labs", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Labs", body = [LabView])))]
pub async fn list_labs(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::list(&state, &me, id).await?))
}

/// Publish a lab: every enrolled student gets a linked clone of the
/// template version. 202 with the lab and the operation making the clones.
#[utoipa::path(post, path = "/api/v1/courses/{id}/labs", tag = "labs", security(("bearer" = [])), request_body = NewLab,
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 202, description = "Publishing; follow the operation", body = Publication),
              (status = 409, description = "QUOTA_EXCEEDED, LAB_NAME_TAKEN")))]
pub async fn publish_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewLab>,
) -> Result<Response> {
    Ok(accepted(labs::publish(&state, &me, id, input).await?))
}

/// One lab.
#[utoipa::path(get, path = "/api/v1/labs/{id}", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "The lab", body = LabView)))]
pub async fn get_lab(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::get(&state, &me, id).await?))
}

/// Change a lab's schedule, description or template version (new VMs and
/// resets use the new version; current disks are kept).
#[utoipa::path(patch, path = "/api/v1/labs/{id}", tag = "labs", security(("bearer" = [])), request_body = LabPatch,
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "Updated", body = LabView)))]
pub async fn update_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<LabPatch>,
) -> Result<Response> {
    Ok(ok(labs::update(&state, &me, id, patch).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeleteLabQuery {
    /// Delete the students' VMs and disks too (needed when there are any).
    #[serde(default)]
    #[param(required = false)]
    delete_vms: bool,
}

/// Delete a lab.
#[utoipa::path(delete, path = "/api/v1/labs/{id}", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id"), DeleteLabQuery),
    responses((status = 200, description = "Deleted"), (status = 409, description = "LAB_HAS_VMS")))]
pub async fn delete_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DeleteLabQuery>,
) -> Result<Response> {
    labs::delete(&state, &me, id, q.delete_vms).await?;
    Ok(done("lab deleted"))
}

/// Open the caller's VM in the lab: made on first open, started if needed.
#[utoipa::path(post, path = "/api/v1/labs/{id}/open", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "The VM, and the start operation if one was needed", body = OpenedLab),
              (status = 409, description = "LAB_NOT_OPEN, LAB_CLOSED, QUOTA_EXCEEDED, HOST_MEMORY_FULL")))]
pub async fn open_lab(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::open(&state, &me, id).await?))
}

/// Every student of the lab with their VM's state and last activity (teachers).
#[utoipa::path(get, path = "/api/v1/labs/{id}/seats", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "Seats", body = [SeatView])))]
pub async fn list_seats(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::seats(&state, &me, id).await?))
}

/// Start, stop or reset selected student VMs of the lab.
#[utoipa::path(post, path = "/api/v1/labs/{id}/bulk", tag = "labs", security(("bearer" = [])), request_body = BulkAction,
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "One outcome per VM", body = [BulkOutcome])))]
pub async fn bulk_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<BulkAction>,
) -> Result<Response> {
    Ok(ok(labs::bulk(&state, &me, id, req).await?))
}

/// The caller's labs as a student.
#[utoipa::path(get, path = "/api/v1/me/labs", tag = "labs", security(("bearer" = [])),
    responses((status = 200, description = "My labs", body = [LabView])))]
pub async fn my_labs(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Result<Response> {
    Ok(ok(labs::mine(&state, &me).await?))
}

/// Reset a lab VM to its baseline: its disk is replaced by a fresh overlay
/// on the lab's template version (`confirm: true` required).
#[utoipa::path(post, path = "/api/v1/vms/{id}/reset-baseline", tag = "labs", security(("bearer" = [])), request_body = ResetRequest,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "The VM", body = VmView), (status = 409, description = "NOT_A_LAB_VM")))]
pub async fn reset_vm(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResetRequest>,
) -> Result<Response> {
    Ok(ok(labs::reset(&state, &me, id, req).await?))
}
