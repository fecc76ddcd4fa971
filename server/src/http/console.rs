//! `/vms/{id}/console`, its websocket, and `/vms/{id}/screenshot`.

use super::{ok, ApiJson, ApiPath, ApiQuery};
use crate::auth::CurrentUser;
use crate::console::tickets::ConsoleKind;
use crate::console::ws;
use crate::error::{error_response, Result};
use crate::service::console::{self as svc, ConsoleRequest, ConsoleTicket};
use crate::state::AppState;
use app::error::AppError;
use axum::extract::State;
use axum::http::{header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vms/{id}/console", post(open_console))
        .route("/vms/{id}/console/ws", get(console_socket))
        .route("/vms/{id}/screenshot", get(get_screenshot))
}

/// A single-use ticket (valid at most 60 s) for the VM's VNC or serial console.
#[utoipa::path(post, path = "/api/v1/vms/{id}/console", tag = "console", security(("bearer" = [])), request_body = ConsoleRequest,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "A ticket", body = ConsoleTicket), (status = 409, description = "VM_NOT_RUNNING")))]
pub async fn open_console(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ConsoleRequest>,
) -> Result<Response> {
    Ok(ok(svc::open(&state, &me, id, req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SocketQuery {
    /// The ticket from `POST /vms/{id}/console`.
    ticket: String,
    /// Optional: the console kind expected (`vnc` or `serial`).
    #[serde(default)]
    #[param(pattern = "^(vnc|serial)$")]
    kind: Option<String>,
}

/// The console websocket: binary frames to and from the VM's VNC display or
/// serial port. Needs a fresh ticket of this VM (and of the caller, when the
/// request also carries a login); 403 otherwise.
#[utoipa::path(get, path = "/api/v1/vms/{id}/console/ws", tag = "console",
    params(("id" = i64, Path, description = "VM id"), SocketQuery),
    responses((status = 101, description = "Upgraded"), (status = 403, description = "TICKET_INVALID")))]
pub async fn console_socket(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<SocketQuery>,
    mut parts: Parts,
) -> Response {
    // A VM of another node: that node issued the ticket and serves the console.
    let node = match state.store.vm_node(id).await {
        Ok(node) => node.flatten(),
        Err(e) => return crate::error::ServerError::from(e).into_response(),
    };
    match crate::cluster::elsewhere(&state, node).await {
        Ok(Some(node)) => return crate::cluster::relay_upgrade(&state, &node, parts).await,
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    let kind = match q.kind.as_deref().map(ConsoleKind::parse) {
        Some(None) => return error_response(AppError::invalid("kind", "must be vnc or serial")),
        Some(Some(k)) => Some(k),
        None => None,
    };
    // A login on the request, if any, must be the ticket's owner.
    let user = if parts.headers.contains_key(header::AUTHORIZATION) || parts.headers.contains_key(header::COOKIE) {
        match crate::auth::identify::caller(&state, &parts).await {
            Ok(c) => c.map(|c| c.id()),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    // A request that cannot become a websocket does not use up the ticket.
    let (switching, upgrade) = match ws::handshake(&mut parts) {
        Ok(h) => h,
        Err(why) => return error_response(AppError::bad_request("NOT_A_WEBSOCKET", why)),
    };
    let console = match svc::attach(&state, id, &q.ticket, kind, user).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    tokio::spawn(svc::serve(state.clone(), console, upgrade));
    switching
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScreenshotQuery {
    /// Scale down to this width (16..=4096), e.g. for thumbnails.
    #[serde(default)]
    #[param(minimum = 16, maximum = 4096)]
    width: Option<u32>,
    /// Ignored: a changing value lets a page ask for a fresh image.
    #[serde(default)]
    #[allow(dead_code)]
    t: Option<String>,
}

/// The VM's screen as a PNG.
#[utoipa::path(get, path = "/api/v1/vms/{id}/screenshot", tag = "console", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), ScreenshotQuery),
    responses((status = 200, description = "image/png", content_type = "image/png"), (status = 409, description = "VM_NOT_RUNNING")))]
pub async fn get_screenshot(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ScreenshotQuery>,
) -> Result<Response> {
    let png = svc::screenshot(&state, &me, id, q.width).await?;
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "no-store")], png).into_response())
}
