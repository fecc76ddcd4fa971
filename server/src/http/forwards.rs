//! `/vms/{id}/port-forwards`.

use super::{created, done, ok, ApiJson, ApiPath};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::forwards as svc;
use crate::state::AppState;
use app::types::{NewPortForward, PortForwardView};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{delete, get};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vms/{id}/port-forwards", get(list_port_forwards).post(add_port_forward))
        .route("/vms/{id}/port-forwards/{fid}", delete(remove_port_forward))
}

/// The VM's port forwards (host 127.0.0.1:host_port -> guest port).
#[utoipa::path(get, path = "/api/v1/vms/{id}/port-forwards", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "Forwards", body = [PortForwardView])))]
pub async fn list_port_forwards(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::list_port_forwards(&state, &me, id).await?))
}

/// Add a forward; the host port is allocated unless given. Live on a running VM.
#[utoipa::path(post, path = "/api/v1/vms/{id}/port-forwards", tag = "vms", security(("bearer" = [])), request_body = NewPortForward,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 201, description = "Added", body = PortForwardView), (status = 409, description = "PORT_IN_USE")))]
pub async fn add_port_forward(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<NewPortForward>,
) -> Result<Response> {
    Ok(created(svc::add_port_forward(&state, &me, id, f).await?))
}

/// Remove a forward (live on a running VM).
#[utoipa::path(delete, path = "/api/v1/vms/{id}/port-forwards/{fid}", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), ("fid" = i64, Path, description = "Forward id")),
    responses((status = 200, description = "Removed"), (status = 404, description = "FORWARD_NOT_FOUND")))]
pub async fn remove_port_forward(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath((id, fid)): ApiPath<(i64, i64)>) -> Result<Response> {
    svc::remove_port_forward(&state, &me, id, fid).await?;
    Ok(done("port forward removed"))
}
