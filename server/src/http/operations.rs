//! `/operations` and `/events`.

use super::{ok, page, ApiPath, ApiQuery};
use crate::auth::revoke::Watch;
use crate::auth::{CurrentUser, RequireAdmin};
use crate::error::Result;
use crate::service::operations as svc;
use crate::state::AppState;
use app::error::AppError;
use app::types::{ListQuery, OperationStats, OperationSummary, OperationView};
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/operations", get(list_operations))
        .route("/operations/{id}", get(get_operation))
        .route("/operations/{id}/wait", get(wait_operation))
        .route("/operations/{id}/cancel", axum::routing::post(cancel_operation))
        .route("/operations/{id}/retry", axum::routing::post(retry_operation))
        .route("/operations/summary", get(get_summary))
        .route("/operations/stats", get(get_stats))
        .route("/events", get(stream_events))
}

/// Operations the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/operations", tag = "operations", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "A page of operations", body = [OperationView])))]
pub async fn list_operations(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response> {
    Ok(page(svc::list(&state, &me, q).await?))
}

/// One operation.
#[utoipa::path(get, path = "/api/v1/operations/{id}", tag = "operations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Operation id")),
    responses((status = 200, description = "The operation", body = OperationView), (status = 404, description = "OPERATION_NOT_FOUND")))]
pub async fn get_operation(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::get(&state, &me, id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WaitQuery {
    /// Seconds to wait at most (default 30, at most 120).
    #[serde(default)]
    #[param(maximum = 120)]
    timeout: Option<u64>,
}

/// Wait until the operation finishes or the timeout passes; answers with
/// the operation either way (check `finished_at`).
#[utoipa::path(get, path = "/api/v1/operations/{id}/wait", tag = "operations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Operation id"), WaitQuery),
    responses((status = 200, description = "The operation", body = OperationView)))]
pub async fn wait_operation(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<WaitQuery>,
) -> Result<Response> {
    let timeout = svc::wait_timeout(q.timeout)?;
    let _held = state.waits.take(me.id(), MAX_WAITS_PER_USER).ok_or(AppError::RateLimited { retry_after_secs: 5 })?;
    Ok(ok(svc::wait(&state, &me, id, timeout).await?))
}

/// Cancel an operation where that is meaningful (409 says why not).
#[utoipa::path(post, path = "/api/v1/operations/{id}/cancel", tag = "operations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Operation id")),
    responses((status = 200, description = "Cancelled", body = OperationView),
              (status = 409, description = "OPERATION_FINISHED or OPERATION_NOT_CANCELLABLE")))]
pub async fn cancel_operation(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::cancel(&state, &me, id).await?))
}

/// Run a failed (or cancelled) operation's work again, as a new operation:
/// a VM's start, or a lab's roll-out (clones for the students who have none
/// yet). The caller must be allowed to ask for that work themselves.
#[utoipa::path(post, path = "/api/v1/operations/{id}/retry", tag = "operations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Operation id")),
    responses((status = 202, description = "The new operation", body = OperationView),
              (status = 409, description = "OPERATION_NOT_FAILED or OPERATION_NOT_RETRYABLE")))]
pub async fn retry_operation(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(super::accepted(svc::retry(&state, &me, id).await?))
}

/// The operations waiting and under way, per kind, with the oldest's age.
#[utoipa::path(get, path = "/api/v1/operations/summary", tag = "operations", security(("bearer" = [])),
    responses((status = 200, description = "The queue", body = OperationSummary), (status = 403, description = "FORBIDDEN")))]
pub async fn get_summary(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin) -> Result<Response> {
    Ok(ok(svc::summary(&state, &admin).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// RFC 3339 (default: a week ago).
    #[serde(default)]
    #[param(format = DateTime)]
    since: Option<String>,
}

/// Per kind since `since`: how many, how many failed (and the rate), and
/// the median time from request to end.
#[utoipa::path(get, path = "/api/v1/operations/stats", tag = "operations", security(("bearer" = [])),
    params(StatsQuery),
    responses((status = 200, description = "Per kind", body = OperationStats), (status = 403, description = "FORBIDDEN")))]
pub async fn get_stats(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin, ApiQuery(q): ApiQuery<StatsQuery>) -> Result<Response> {
    Ok(ok(svc::stats(&state, &admin, q.since.as_deref()).await?))
}

/// Event streams one user may have open at once (a browser tab holds one).
const MAX_STREAMS_PER_USER: usize = 8;
/// Operation waits one user may have open at once.
const MAX_WAITS_PER_USER: usize = 16;

/// Server-sent events: `vm_state` and `operation`, only those the caller may see.
#[utoipa::path(get, path = "/api/v1/events", tag = "operations", security(("bearer" = [])),
    responses((status = 200, description = "text/event-stream of JSON events")))]
pub async fn stream_events(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Response {
    let Some(held) = state.streams.take(me.id(), MAX_STREAMS_PER_USER) else {
        return crate::error::error_response(AppError::RateLimited { retry_after_secs: 5 });
    };
    let rx = state.events.subscribe();
    // The stream follows the caller's access: a role change re-filters it,
    // a logout or revocation ends it.
    let watch = Watch::new(&state, me.id(), me.via);
    let events = stream::unfold((rx, me, watch, held), |(mut rx, mut me, mut watch, held)| async move {
        loop {
            let got = tokio::select! {
                got = rx.recv() => got,
                now = watch.changed() => match now {
                    Some(caller) => {
                        me = caller;
                        continue;
                    }
                    None => return None,
                },
            };
            match got {
                Ok(ev) if ev.visible_to(&me) => {
                    let name = ev.name();
                    let data = serde_json::to_string(&ev).unwrap_or_default();
                    return Some((Ok::<_, Infallible>(SseEvent::default().event(name).data(data)), (rx, me, watch, held)));
                }
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    let ev = SseEvent::default().event("lagged").data(format!("{{\"missed\":{n}}}"));
                    return Some((Ok(ev), (rx, me, watch, held)));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response()
}
