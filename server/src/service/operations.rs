//! Operations: long work as one type. `run` records an operation, runs its
//! work in the background, publishes its progress and end to whoever may see
//! its target, and lets `cancel` stop the kinds that can stop half-way. Who
//! may see an operation is decided in `may_see`, and nowhere else.

use super::Paging;
use crate::auth::Caller;
use crate::error::Result;
use crate::events::{Audience, Event};
use crate::state::AppState;
use crate::store::OpRecord;
use app::error::AppError;
use app::types::{ListQuery, OperationView, Page, Role};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// What an operation works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Vm(i64),
    Lab(i64),
    Course(i64),
}

impl Target {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Target::Vm(id) => ("vm", id),
            Target::Lab(id) => ("lab", id),
            Target::Course(id) => ("course", id),
        }
    }
}

/// An operation to run: its kind, target, the user whose resource it
/// changes (for quotas and listing), and whether it can stop half-way.
pub struct Spec {
    pub kind: &'static str,
    pub target: Target,
    pub owner_id: Option<i64>,
    pub cancellable: bool,
}

/// Handed to an operation's work: reports progress and says when a cancel
/// was asked for (work that can stop checks it between steps).
#[derive(Clone)]
pub struct Progress {
    state: AppState,
    op_id: i64,
    audience: Audience,
    cancelled: Arc<AtomicBool>,
}

impl Progress {
    /// Records `percent` (0..=99; 100 comes with success).
    pub async fn set(&self, percent: u8) {
        match self.state.store.set_operation_progress(self.op_id, percent.min(99)).await {
            Ok(op) => publish(&self.state, &op, &self.audience),
            Err(e) => tracing::warn!(op_id = self.op_id, error = %e, "could not record progress"),
        }
    }

    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// An operation recorded and under way, whose work runs where its starter
/// runs it; `finish` records its end.
pub struct Running {
    pub view: OperationView,
    pub progress: Progress,
}

impl Running {
    pub async fn finish(self, result: &std::result::Result<(), String>) {
        let Progress { state, op_id, audience, cancelled } = self.progress;
        state.cancels.lock().unwrap_or_else(|p| p.into_inner()).remove(&op_id);
        let (status, error) = match result {
            Ok(()) => ("succeeded", None),
            Err(e) if cancelled.load(Ordering::Relaxed) => ("cancelled", Some(e.as_str())),
            Err(e) => ("failed", Some(e.as_str())),
        };
        match state.store.finish_operation(op_id, status, error).await {
            Ok(op) => publish(&state, &op, &audience),
            Err(e) => tracing::error!(op_id, error = %e, "could not record the end of an operation"),
        }
    }
}

/// Records an operation and tells whoever may see it.
pub async fn start(state: &AppState, caller: &Caller, spec: Spec) -> Result<Running> {
    let (target_kind, target_id) = spec.target.parts();
    let op = state.store.insert_operation(spec.kind, target_kind, target_id, spec.owner_id, caller.id(), state.node_id).await?;
    let audience = audience(state, spec.target, caller.id()).await;
    publish(state, &op, &audience);
    let op_id = op.view.id;
    let cancelled = Arc::new(AtomicBool::new(false));
    if spec.cancellable {
        state.cancels.lock().unwrap_or_else(|p| p.into_inner()).insert(op_id, cancelled.clone());
    }
    Ok(Running { view: op.view, progress: Progress { state: state.clone(), op_id, audience, cancelled } })
}

/// Records an operation and runs `work` in the background; answers at
/// once with the operation, which ends when the work does.
pub async fn run<F, Fut>(state: &AppState, caller: &Caller, spec: Spec, work: F) -> Result<OperationView>
where
    F: FnOnce(Progress) -> Fut + Send + 'static,
    Fut: Future<Output = std::result::Result<(), String>> + Send + 'static,
{
    let running = start(state, caller, spec).await?;
    let view = running.view.clone();
    let progress = running.progress.clone();
    tokio::spawn(async move {
        let result = work(progress).await;
        running.finish(&result).await;
    });
    Ok(view)
}

fn publish(state: &AppState, op: &OpRecord, audience: &Audience) {
    crate::cluster::publish(state, Event::Operation { owner_id: op.owner_id, operation: op.view.clone(), audience: audience.clone() });
}

/// Who besides admins hears about work on `target`: those who may see it,
/// and whoever asked for the work.
async fn audience(state: &AppState, target: Target, requested_by: i64) -> Audience {
    let mut ids = match target {
        Target::Vm(id) => state.store.vm_audience(id).await,
        Target::Lab(id) => state.store.lab_audience(id).await,
        Target::Course(id) => state.store.course_teachers(id).await,
    }
    .unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not look up who may see an operation");
        Vec::new()
    });
    ids.push(requested_by);
    ids.sort_unstable();
    ids.dedup();
    ids.into()
}

/// The one rule: admins, whoever asked for the operation, the owner of what
/// it changed, and whoever may see its target now.
async fn may_see(state: &AppState, caller: &Caller, op: &OpRecord) -> Result<bool> {
    if caller.user.role == Role::Admin || op.view.requested_by == Some(caller.id()) || op.owner_id == Some(caller.id()) {
        return Ok(true);
    }
    let seen = match op.view.target_kind.as_str() {
        "vm" => super::vms::load(state, caller, op.view.target_id).await.map(|_| ()),
        "lab" => super::labs::get(state, caller, op.view.target_id).await.map(|_| ()),
        "course" => super::courses::load(state, caller, op.view.target_id, super::courses::Access::Manage).await.map(|_| ()),
        _ => return Ok(false),
    };
    match seen {
        Ok(_) => Ok(true),
        Err(crate::error::ServerError::App(e)) if matches!(e.status(), 403 | 404) => Ok(false),
        Err(e) => Err(e),
    }
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("OPERATION_NOT_FOUND", format!("no operation with id {id}"))
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<OperationView> {
    let op = state.store.operation(id).await?.ok_or_else(|| not_found(id))?;
    if !may_see(state, caller, &op).await? {
        return Err(not_found(id).into());
    }
    Ok(op.view)
}

/// The caller's own operations (asked for by them, or on what they own);
/// admins see all.
pub async fn list(state: &AppState, caller: &Caller, query: ListQuery) -> Result<Page<OperationView>> {
    let paging = Paging::from_query(&query)?;
    let viewer = (caller.user.role != Role::Admin).then_some(caller.id());
    let (items, total) = state.store.list_operations(viewer, paging.page_size, paging.offset()).await?;
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

/// Forwards engine state changes into the event channel, addressed to
/// whoever may see the VM.
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
            let audience: Audience = state.store.vm_audience(change.vm.0).await.unwrap_or_else(|_| vec![owner_id]).into();
            crate::cluster::publish(
                &state,
                Event::VmState { vm_id: change.vm.0, owner_id, state: change.state.as_str().into(), reason: change.reason, audience },
            );
        }
    });
}

/// How long `wait` may be asked to wait.
pub const MAX_WAIT: Duration = Duration::from_secs(120);
/// How long `cancel` waits for the work to stop before answering.
const CANCEL_WAIT: Duration = Duration::from_secs(10);

pub fn wait_timeout(secs: Option<u64>) -> std::result::Result<Duration, AppError> {
    match secs {
        None => Ok(Duration::from_secs(30)),
        Some(s) if s <= MAX_WAIT.as_secs() => Ok(Duration::from_secs(s)),
        Some(_) => Err(AppError::invalid("timeout", format!("must be at most {} seconds", MAX_WAIT.as_secs()))),
    }
}

/// Cancels an operation whose kind can stop half-way (a lab roll-out stops
/// before its next clones; those made stay usable). VM actions cannot be
/// taken back once QEMU has them (an ACPI power button press cannot be
/// undone), so they answer 409 saying so.
pub async fn cancel(state: &AppState, caller: &Caller, id: i64) -> Result<OperationView> {
    let op = get(state, caller, id).await?;
    if op.finished_at.is_some() {
        return Err(AppError::conflict("OPERATION_FINISHED", format!("operation {id} has finished ({})", op.status)).into());
    }
    let flag = state.cancels.lock().unwrap_or_else(|p| p.into_inner()).get(&id).cloned();
    let Some(flag) = flag else {
        return Err(AppError::conflict(
            "OPERATION_NOT_CANCELLABLE",
            format!("a {} operation cannot be cancelled; it ends by itself (use stop to power off now)", op.kind),
        )
        .into());
    };
    flag.store(true, Ordering::Relaxed);
    tracing::info!(op_id = id, user_id = caller.id(), "operation cancel asked");
    wait(state, caller, id, CANCEL_WAIT).await
}

/// Runs a failed operation's work again, as a new operation asked for by
/// `caller` (who must be allowed to ask for it themselves): a VM's start,
/// or a lab's roll-out (clones for the students who have none yet).
pub async fn retry(state: &AppState, caller: &Caller, id: i64) -> Result<OperationView> {
    let op = get(state, caller, id).await?;
    if !matches!(op.status.as_str(), "failed" | "cancelled") {
        return Err(AppError::conflict("OPERATION_NOT_FAILED", format!("operation {id} is {}; only a failed or cancelled one is retried", op.status)).into());
    }
    tracing::info!(op_id = id, kind = %op.kind, user_id = caller.id(), "operation retried");
    match (op.kind.as_str(), op.target_kind.as_str()) {
        ("start", "vm") => {
            let start = app::types::StateChangeRequest { action: app::lifecycle::Action::Start, force: None, timeout: None };
            super::vms::change_state(state, caller, op.target_id, start).await
        }
        ("publish", "lab") => super::labs::roll_out_again(state, caller, op.target_id).await,
        (kind, _) => Err(AppError::conflict(
            "OPERATION_NOT_RETRYABLE",
            format!("a {kind} operation is not retried; ask for it again (only a VM's start and a lab's roll-out are retried)"),
        )
        .into()),
    }
}

/// The operations waiting and under way, per kind.
pub async fn summary(state: &AppState, _admin: &crate::auth::access::Admin) -> Result<app::types::OperationSummary> {
    let now = crate::time::now();
    let rows = state.store.unfinished_operations().await?;
    let mut kinds: Vec<app::types::KindQueue> = Vec::new();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let oldest = group.iter().map(|r| r.2).min().unwrap_or(now);
        kinds.push(app::types::KindQueue {
            kind: group[0].0.clone(),
            pending: group.iter().filter(|r| r.1 == "pending").count() as u64,
            running: group.iter().filter(|r| r.1 == "running").count() as u64,
            oldest_at: crate::time::rfc3339(oldest),
            oldest_age_secs: (now - oldest).max(0) as u64,
        });
    }
    Ok(app::types::OperationSummary {
        pending: kinds.iter().map(|k| k.pending).sum(),
        running: kinds.iter().map(|k| k.running).sum(),
        kinds,
    })
}

/// How each kind went since `since` (RFC 3339; default a week ago).
pub async fn stats(state: &AppState, _admin: &crate::auth::access::Admin, since: Option<&str>) -> Result<app::types::OperationStats> {
    let mut fields = app::error::FieldErrors::new();
    let since = match since {
        Some(s) => super::labs::parse_time("since", s, &mut fields),
        None => Some(crate::time::now() - 7 * 86_400),
    };
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    let since = since.unwrap_or_default();
    let rows = state.store.operations_since(since).await?;
    let mut kinds = Vec::new();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let count = |status: &str| group.iter().filter(|r| r.1 == status).count() as u64;
        let (succeeded, failed, cancelled) = (count("succeeded"), count("failed"), count("cancelled"));
        let finished = succeeded + failed + cancelled;
        let mut took: Vec<i64> = group.iter().filter_map(|r| r.3.map(|end| (end - r.2).max(0))).collect();
        took.sort_unstable();
        let median_secs = match took.len() {
            0 => None,
            n if n % 2 == 1 => Some(took[n / 2] as f64),
            n => Some((took[n / 2 - 1] + took[n / 2]) as f64 / 2.0),
        };
        kinds.push(app::types::KindStats {
            kind: group[0].0.clone(),
            total: group.len() as u64,
            succeeded,
            failed,
            cancelled,
            unfinished: group.len() as u64 - finished,
            failure_rate: if finished == 0 { 0.0 } else { (failed as f64 / finished as f64 * 1000.0).round() / 1000.0 },
            median_secs,
        });
    }
    Ok(app::types::OperationStats { since: crate::time::rfc3339(since), kinds })
}
