//! Operations: status of long work, waiting on it, and the event stream.

use super::Paging;
use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::store::OpRecord;
use app::error::AppError;
use app::types::{ListQuery, OperationView, Page, Role};
use serde::Serialize;
use std::time::Duration;
use tokio::sync::broadcast;

/// Something the UI or an API client may want to hear about at once.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    VmState { vm_id: i64, owner_id: i64, state: String, reason: Option<String> },
    Operation { owner_id: Option<i64>, operation: OperationView },
}

impl Event {
    /// Whether `caller` may see this event.
    pub fn visible_to(&self, caller: &Caller) -> bool {
        if caller.user.role == Role::Admin {
            return true;
        }
        match self {
            Event::VmState { owner_id, .. } => *owner_id == caller.id(),
            Event::Operation { owner_id, .. } => *owner_id == Some(caller.id()),
        }
    }
}

/// The one broadcast channel for events.
pub fn channel() -> broadcast::Sender<Event> {
    broadcast::channel(1024).0
}

pub fn publish(state: &AppState, op: &OpRecord) {
    let _ = state.events.send(Event::Operation { owner_id: op.owner_id, operation: op.view.clone() });
}

pub async fn finish(state: &AppState, id: i64, result: std::result::Result<(), String>) {
    let (status, error) = match &result {
        Ok(()) => ("succeeded", None),
        Err(e) => ("failed", Some(e.as_str())),
    };
    match state.store.finish_operation(id, status, error).await {
        Ok(op) => publish(state, &op),
        Err(e) => tracing::error!(op_id = id, error = %e, "could not record the end of an operation"),
    }
}

fn visible(caller: &Caller, op: &OpRecord) -> bool {
    caller.user.role == Role::Admin || op.owner_id == Some(caller.id())
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("OPERATION_NOT_FOUND", format!("no operation with id {id}"))
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<OperationView> {
    let op = state.store.operation(id).await?.filter(|op| visible(caller, op)).ok_or_else(|| not_found(id))?;
    Ok(op.view)
}

pub async fn list(state: &AppState, caller: &Caller, query: ListQuery) -> Result<Page<OperationView>> {
    let paging = Paging::from_query(&query)?;
    let owner = (caller.user.role != Role::Admin).then_some(caller.id());
    let (items, total) = state.store.list_operations(owner, paging.page_size, paging.offset()).await?;
    Ok(Page { items: items.into_iter().map(|o| o.view).collect(), pagination: paging.describe(total) })
}

/// Waits until the operation is finished or `timeout` passes; returns it
/// either way.
pub async fn wait(state: &AppState, caller: &Caller, id: i64, timeout: Duration) -> Result<OperationView> {
    let mut rx = state.events.subscribe();
    let op = get(state, caller, id).await?;
    if op.finished_at.is_some() {
        return Ok(op);
    }
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Err(_) => return get(state, caller, id).await,
            Ok(Ok(Event::Operation { operation, .. })) if operation.id == id && operation.finished_at.is_some() => {
                return Ok(operation);
            }
            Ok(Ok(_)) => {}
            // Missed events: look at the row itself.
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                let op = get(state, caller, id).await?;
                if op.finished_at.is_some() {
                    return Ok(op);
                }
            }
            Ok(Err(broadcast::error::RecvError::Closed)) => return get(state, caller, id).await,
        }
    }
}

/// Forwards engine state changes into the event channel, with the owner
/// attached so the stream can be filtered.
pub fn spawn_state_forwarder(state: AppState) {
    let mut changes = state.engine.subscribe();
    tokio::spawn(async move {
        loop {
            let change = match changes.recv().await {
                Ok(c) => c,
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "event forwarder lagged");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            };
            let owner_id = match state.store.vm(change.vm.0).await {
                Ok(Some(vm)) => vm.view.owner_id,
                _ => continue,
            };
            let _ = state.events.send(Event::VmState {
                vm_id: change.vm.0,
                owner_id,
                state: change.state.as_str().into(),
                reason: change.reason,
            });
        }
    });
}

/// How long `wait` may be asked to wait.
pub const MAX_WAIT: Duration = Duration::from_secs(120);

pub fn wait_timeout(secs: Option<u64>) -> std::result::Result<Duration, AppError> {
    match secs {
        None => Ok(Duration::from_secs(30)),
        Some(s) if s <= MAX_WAIT.as_secs() => Ok(Duration::from_secs(s)),
        Some(_) => Err(AppError::invalid("timeout", format!("must be at most {} seconds", MAX_WAIT.as_secs()))),
    }
}

/// Cancels an operation where that means something. The VM actions of this
/// release finish on their own within their timeouts and cannot be undone
/// half-way (an ACPI power button press cannot be taken back), so an
/// unfinished one is reported as not cancellable rather than pretended away.
pub async fn cancel(state: &AppState, caller: &Caller, id: i64) -> Result<OperationView> {
    let op = get(state, caller, id).await?;
    if op.finished_at.is_some() {
        return Err(AppError::conflict("OPERATION_FINISHED", format!("operation {id} has finished ({})", op.status)).into());
    }
    Err(AppError::conflict(
        "OPERATION_NOT_CANCELLABLE",
        format!("a {} operation cannot be cancelled; it ends by itself (use stop to power off now)", op.kind),
    )
    .into())
}
