//! Opening consoles and taking screenshots. Who may is decided by the VM's
//! access rule (`vms::load`): the owner, a teacher of the VM's course (to
//! watch or take over) and admins.

use super::vms::load;
use crate::auth::revoke::Watch;
use crate::auth::Caller;
use crate::console::rfb::ViewOnlyFilter;
use crate::console::tickets::{ConsoleKind, Grant};
use crate::console::{proxy, serial_hub, ws};
use crate::engine::qemu::commands::QemuCommand;
use crate::engine::VmId;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use app::error::AppError;
use serde::{Deserialize, Serialize};
use std::time::Instant;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsoleRequest {
    /// `vnc` (graphical) or `serial`.
    pub kind: String,
    /// Watch without sending input.
    #[serde(default)]
    pub view_only: bool,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsoleTicket {
    /// Single use; valid for `expires_in` seconds.
    pub ticket: String,
    pub expires_in: u64,
    pub kind: String,
    pub view_only: bool,
    /// Where to open the websocket (append `ticket`).
    pub ws_path: String,
}

pub(crate) async fn require_live(state: &AppState, vm: &crate::store::VmRecord) -> Result<()> {
    let s = super::vms::current_state(state, vm).await;
    if !matches!(s, crate::engine::state::VmState::Running | crate::engine::state::VmState::Paused) {
        return Err(AppError::conflict("VM_NOT_RUNNING", format!("the VM is {}; start it first", s.as_str())).into());
    }
    Ok(())
}

pub async fn open(state: &AppState, caller: &Caller, vm_id: i64, req: ConsoleRequest) -> Result<ConsoleTicket> {
    let kind = ConsoleKind::parse(&req.kind).ok_or_else(|| AppError::invalid("kind", "must be vnc or serial"))?;
    let vm = load(state, caller, vm_id).await?;
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        let call = crate::cluster::NodeCall::OpenConsole { vm_id, kind: req.kind, view_only: req.view_only };
        return crate::cluster::call(state, &node, caller, call).await;
    }
    require_live(state, &vm).await?;
    let grant = Grant { user_id: caller.id(), via: caller.via, vm_id, kind, view_only: req.view_only };
    let ticket = state.tickets.mint(grant, Instant::now());
    tracing::info!(vm_id, user_id = caller.id(), kind = kind.as_str(), view_only = req.view_only, "console ticket issued");
    Ok(ConsoleTicket {
        ticket,
        expires_in: state.tickets.ttl().as_secs(),
        kind: kind.as_str().into(),
        view_only: req.view_only,
        ws_path: format!("/api/v1/vms/{vm_id}/console/ws"),
    })
}

/// A PNG of the VM's screen, at most `width` pixels wide. A class wall asks
/// often: see `console::screenshots` for what keeps that cheap.
pub async fn screenshot(state: &AppState, caller: &Caller, vm_id: i64, width: Option<u32>) -> Result<Vec<u8>> {
    let vm = load(state, caller, vm_id).await?;
    if width.is_some_and(|w| !(16..=4096).contains(&w)) {
        return Err(AppError::invalid("width", "must be between 16 and 4096").into());
    }
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        use base64::Engine as _;
        let png: String = crate::cluster::call(state, &node, caller, crate::cluster::NodeCall::Screenshot { vm_id, width }).await?;
        return base64::engine::general_purpose::STANDARD
            .decode(png)
            .map_err(|e| ServerError::internal(format!("node '{}' sent a bad screenshot: {e}", node.name)));
    }
    require_live(state, &vm).await?;
    let width = width.unwrap_or(0);
    if let Some(png) = state.screenshots.recent(vm_id, width) {
        return Ok(png);
    }
    let file = state.engine.run_paths(VmId(vm_id)).dir.join(format!("screen-{}.ppm", crate::auth::token::short_id()));
    let done = state
        .engine
        .command(VmId(vm_id), QemuCommand::Screendump { file: file.clone() })
        .await
        .map_err(|e| AppError::conflict("SCREENSHOT_FAILED", e.to_string()));
    let ppm = done.and_then(|_| std::fs::read(&file).map_err(|e| AppError::conflict("SCREENSHOT_FAILED", e.to_string())));
    let _ = std::fs::remove_file(&file);
    let ppm = ppm?;
    let cache = state.screenshots.clone();
    let made = tokio::task::spawn_blocking(move || cache.from_dump(vm_id, width, &ppm)).await.map_err(|e| ServerError::internal(format!("screenshot task: {e}")))?;
    let (png, _) = made.map_err(|e| ServerError::internal(format!("reading the screen dump: {e}")))?;
    Ok(png)
}

/// How much earlier serial output a new serial console is shown.
const SERIAL_BACKLOG: u64 = 16 * 1024;

/// A console whose ticket was good, joined to its VM: ready to pump once
/// the websocket is up.
pub struct Attached {
    vm_id: i64,
    grant: Grant,
    link: Link,
    /// Earlier serial output, shown first.
    backlog: Option<Vec<u8>>,
}

/// What a console websocket is joined to.
enum Link {
    Vnc(tokio::net::UnixStream),
    Serial(std::sync::Arc<serial_hub::Hub>),
}

/// Redeems a console ticket for `vm_id` (of `kind`, and of `user` when the
/// request carried a login) and joins the VM's screen or serial port: VNC in
/// shared mode takes a connection per viewer, the serial port takes one
/// client, so its viewers share a hub.
pub async fn attach(state: &AppState, vm_id: i64, ticket: &str, kind: Option<ConsoleKind>, user: Option<i64>) -> Result<Attached> {
    let grant = state.tickets.redeem(ticket, vm_id, kind, user, Instant::now()).map_err(|e| {
        tracing::info!(vm_id, error = %e, "console ticket refused");
        AppError::denied("FORBIDDEN", e.to_string())
    })?;
    let paths = state.engine.run_paths(VmId(vm_id));
    let unavailable = |_| AppError::conflict("VM_NOT_RUNNING", "the VM's console is not available");
    let link = match grant.kind {
        ConsoleKind::Vnc => Link::Vnc(tokio::net::UnixStream::connect(paths.vnc()).await.map_err(unavailable)?),
        ConsoleKind::Serial => Link::Serial(state.serial_hubs.join(vm_id, &paths.serial()).await.map_err(unavailable)?),
    };
    let backlog = match grant.kind {
        ConsoleKind::Serial => proxy::tail(&paths.serial_log(), SERIAL_BACKLOG),
        ConsoleKind::Vnc => None,
    };
    Ok(Attached { vm_id, grant, link, backlog })
}

/// Pumps an attached console over its websocket until either side ends;
/// the time counts as console activity (statistics, idle auto-stop). A
/// view-only grant's input never reaches the guest.
pub async fn serve(state: AppState, console: Attached, upgrade: hyper::upgrade::OnUpgrade) {
    let Attached { vm_id, grant, link, backlog } = console;
    tracing::info!(vm_id, user_id = grant.user_id, kind = grant.kind.as_str(), view_only = grant.view_only, "console opened");
    let Ok((rx, mut tx)) = ws::accept(upgrade).await else { return };
    let activity = state.store.begin_console_activity(vm_id, grant.user_id).await.ok();
    let sent = match backlog {
        Some(bytes) => tx.send_binary(&bytes).await.is_ok(),
        None => true,
    };
    // Ends the console when the caller signs out, loses the credential or
    // may no longer reach the VM.
    let watch = Watch::new(&state, grant.user_id, grant.via);
    let lost = watch.until_lost(|caller| {
        let state = state.clone();
        async move { load(&state, &caller, vm_id).await.is_ok() }
    });
    if sent {
        match link {
            Link::Vnc(unix) => proxy::pump(rx, tx, unix, grant.view_only.then(ViewOnlyFilter::default), lost).await,
            Link::Serial(hub) => serial_hub::pump(rx, tx, hub, grant.view_only, lost).await,
        }
    }
    if let Some(a) = activity {
        let _ = state.store.end_activity(a).await;
    }
}
