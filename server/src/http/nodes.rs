//! `/nodes`: the hosts vlab runs on (admins).

use super::{done, ok, ApiJson, ApiPath};
use crate::auth::RequireAdmin;
use crate::error::Result;
use crate::service::nodes as svc;
use crate::state::AppState;
use app::types::{NodePatch, NodeView};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/nodes", get(list_nodes)).route("/nodes/{id}", get(get_node).patch(update_node).delete(delete_node))
}

/// Every node: capacity, status now, VM counts.
#[utoipa::path(get, path = "/api/v1/nodes", tag = "nodes", security(("bearer" = [])),
    responses((status = 200, description = "The nodes", body = [NodeView]), (status = 403, description = "FORBIDDEN")))]
pub async fn list_nodes(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin) -> Result<Response> {
    Ok(ok(svc::list(&state, &admin).await?))
}

/// One node.
#[utoipa::path(get, path = "/api/v1/nodes/{id}", tag = "nodes", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Node id")),
    responses((status = 200, description = "The node", body = NodeView), (status = 404, description = "NODE_NOT_FOUND")))]
pub async fn get_node(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::get(&state, &admin, id).await?))
}

/// Enable a node, or disable it: a disabled node takes no new VMs and keeps
/// its running ones.
#[utoipa::path(patch, path = "/api/v1/nodes/{id}", tag = "nodes", security(("bearer" = [])), request_body = NodePatch,
    params(("id" = i64, Path, description = "Node id")),
    responses((status = 200, description = "Updated", body = NodeView), (status = 404, description = "NODE_NOT_FOUND"),
              (status = 422, description = "VALIDATION_FAILED")))]
pub async fn update_node(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<NodePatch>,
) -> Result<Response> {
    Ok(ok(svc::update(&state, &admin, id, patch).await?))
}

/// Delete a node that is disabled, holds no VM and no longer runs vlab.
#[utoipa::path(delete, path = "/api/v1/nodes/{id}", tag = "nodes", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Node id")),
    responses((status = 200, description = "Deleted"), (status = 404, description = "NODE_NOT_FOUND"),
              (status = 409, description = "NODE_ENABLED, NODE_IN_USE or NODE_ONLINE")))]
pub async fn delete_node(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    svc::delete(&state, &admin, id).await?;
    Ok(done("node deleted"))
}
