//! The QEMU engine: VM state machine, command line, QMP, one supervisor per
//! running VM. It never sees HTTP: callers ask for an action and await the
//! outcome.

pub mod qemu;
pub mod state;
pub mod supervisor;

use crate::store::Store;
use qemu::argv::{self, Machine, RunPaths};
use qemu::commands::QemuCommand;
use qemu::qmp::Qmp;
use state::{next, observe, Action, EngineEvent, InvalidTransition, VmState};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use supervisor::{Command, Process, Request};
use tokio::sync::{broadcast, mpsc, oneshot, Mutex};

/// How long QEMU gets to open its QMP socket.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a QEMU that failed to start gets to exit (and finish its stderr).
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// Longest unix socket path the kernel accepts (sun_path is 108 bytes).
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct VmId(pub i64);

/// A VM changed state.
#[derive(Debug, Clone)]
pub struct StateChange {
    pub vm: VmId,
    pub state: VmState,
    pub reason: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Invalid(#[from] InvalidTransition),
    #[error("{0}")]
    Failed(String),
}

/// Resolves when an accepted action has finished (or failed).
pub type Outcome = oneshot::Receiver<Result<serde_json::Value, String>>;

struct Slot {
    state: VmState,
    requests: Option<mpsc::Sender<Request>>,
    /// Set by `restart`: start again with this once the process is gone,
    /// and only then answer the restart's caller.
    restart_with: Option<(Machine, supervisor::Reply)>,
    /// The QEMU process id while one exists.
    pid: Option<u32>,
}

struct Inner {
    qemu_binary: String,
    run_root: PathBuf,
    data_dir: PathBuf,
    store: Store,
    /// The cgroups and limits each QEMU gets.
    confinement: confine::Confinement,
    /// A running VM's serial log (with its previous part) stays within this.
    serial_log_max_bytes: u64,
    slots: std::sync::Mutex<HashMap<VmId, Arc<Mutex<Slot>>>>,
    changes: broadcast::Sender<StateChange>,
}

/// Handle on the engine; cheap to clone.
#[derive(Clone)]
pub struct Engine(Arc<Inner>);

impl Engine {
    pub fn new(
        qemu_binary: String,
        data_dir: PathBuf,
        run_root: PathBuf,
        store: Store,
        confinement: confine::Confinement,
        serial_log_max_bytes: u64,
    ) -> Engine {
        let (changes, _) = broadcast::channel(1024);
        Engine(Arc::new(Inner {
            qemu_binary,
            run_root,
            data_dir,
            store,
            confinement,
            serial_log_max_bytes,
            slots: Default::default(),
            changes,
        }))
    }

    /// Which limits hold each QEMU here.
    pub fn confinement(&self) -> &confine::Confinement {
        &self.0.confinement
    }

    /// State changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<StateChange> {
        self.0.changes.subscribe()
    }

    pub fn run_paths(&self, vm: VmId) -> RunPaths {
        RunPaths::new(self.0.run_root.join(format!("vm-{}", vm.0)))
    }

    fn slot(&self, vm: VmId, stored: VmState) -> Arc<Mutex<Slot>> {
        let mut slots = self.0.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots
            .entry(vm)
            .or_insert_with(|| Arc::new(Mutex::new(Slot { state: stored, requests: None, restart_with: None, pid: None })))
            .clone()
    }

    fn existing(&self, vm: VmId) -> Option<Arc<Mutex<Slot>>> {
        let slots = self.0.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.get(&vm).cloned()
    }

    /// The engine's view of a VM's state, if it has one.
    pub async fn state(&self, vm: VmId) -> Option<VmState> {
        let slot = self.existing(vm)?;
        let s = slot.lock().await;
        Some(s.state)
    }

    /// The QEMU pid of a VM, while it has a process.
    pub async fn pid(&self, vm: VmId) -> Option<u32> {
        let slot = self.existing(vm)?;
        let s = slot.lock().await;
        s.pid
    }

    /// The VMs whose QEMU runs now (running or paused), with its pid.
    pub async fn live(&self) -> Vec<(VmId, u32)> {
        let slots: Vec<(VmId, Arc<Mutex<Slot>>)> =
            self.0.slots.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(vm, s)| (*vm, s.clone())).collect();
        let mut live = Vec::new();
        for (vm, slot) in slots {
            let s = slot.lock().await;
            if let (VmState::Running | VmState::Paused, Some(pid)) = (s.state, s.pid) {
                live.push((vm, pid));
            }
        }
        live
    }

    /// Forgets a deleted VM.
    pub fn forget(&self, vm: VmId) {
        self.0.slots.lock().unwrap_or_else(|p| p.into_inner()).remove(&vm);
        let _ = std::fs::remove_dir_all(self.run_paths(vm).dir);
    }

    /// Checks `action` against the VM's state and, if allowed, starts it.
    /// `stored` is the database's state, used the first time the engine
    /// sees this VM; `machine` is needed to start or restart.
    pub async fn request(
        &self,
        vm: VmId,
        stored: VmState,
        action: Action,
        machine: Option<Machine>,
        shutdown_timeout: Duration,
    ) -> Result<Outcome, EngineError> {
        let slot = self.slot(vm, stored);
        let mut s = slot.lock().await;
        let to = next(s.state, action)?;
        let (reply, outcome) = oneshot::channel();
        match action {
            Action::Start => {
                let machine = machine.ok_or_else(|| EngineError::Failed("no machine description".into()))?;
                let (tx, rx) = mpsc::channel(16);
                s.requests = Some(tx);
                self.set(vm, &mut s, to, None).await;
                tokio::spawn(self.clone().run_boxed(vm, machine, rx, reply));
            }
            Action::Pause | Action::Resume | Action::Reset => {
                let command = match action {
                    Action::Pause => Command::Pause,
                    Action::Resume => Command::Resume,
                    _ => Command::Reset,
                };
                send(&s, Request { command, reply })?;
            }
            Action::Stop | Action::Shutdown | Action::Restart => {
                let command = match action {
                    Action::Shutdown => Command::Shutdown { timeout: shutdown_timeout },
                    _ => Command::Stop,
                };
                let reply = if action == Action::Restart {
                    let machine = machine.ok_or_else(|| EngineError::Failed("no machine description".into()))?;
                    // The restart is done when the VM runs again, not when it stopped.
                    let (stopped, _) = oneshot::channel();
                    s.restart_with = Some((machine, reply));
                    stopped
                } else {
                    reply
                };
                if let Err(e) = send(&s, Request { command, reply }) {
                    s.restart_with = None;
                    return Err(e);
                }
                self.set(vm, &mut s, to, None).await;
            }
        }
        Ok(outcome)
    }

    /// Runs a command on a VM with a live QEMU (running or paused).
    pub async fn command(&self, vm: VmId, command: QemuCommand) -> Result<(), EngineError> {
        let answer = self.ask(vm, command.clone()).await?;
        command.check(answer).map_err(EngineError::Failed)
    }

    /// Runs a command on a VM with a live QEMU and hands back QEMU's answer.
    pub async fn ask(&self, vm: VmId, command: QemuCommand) -> Result<serde_json::Value, EngineError> {
        let slot = self.existing(vm).ok_or_else(|| EngineError::Failed("the VM is not running".into()))?;
        let outcome = {
            let s = slot.lock().await;
            if !matches!(s.state, VmState::Running | VmState::Paused) {
                return Err(EngineError::Failed(format!("the VM is {}", s.state.as_str())));
            }
            let (reply, outcome) = oneshot::channel();
            send(&s, Request { command: Command::Qemu(command.clone()), reply })?;
            outcome
        };
        match outcome.await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(EngineError::Failed(e)),
            Err(_) => Err(EngineError::Failed("the VM stopped".into())),
        }
    }

    async fn set(&self, vm: VmId, s: &mut Slot, state: VmState, reason: Option<String>) {
        if s.state == state && reason.is_none() {
            return;
        }
        s.state = state;
        if let Err(e) = self.0.store.set_vm_state(vm.0, state, reason.as_deref()).await {
            tracing::error!(vm_id = vm.0, error = %e, "could not record VM state");
        }
        tracing::info!(vm_id = vm.0, state = state.as_str(), reason = reason.as_deref().unwrap_or(""), "VM state");
        let _ = self.0.changes.send(StateChange { vm, state, reason });
    }

    /// Applies an observed event.
    pub(crate) async fn observe(&self, vm: VmId, event: EngineEvent, reason: Option<String>) {
        let Some(slot) = self.existing(vm) else { return };
        let mut s = slot.lock().await;
        let to = observe(s.state, event);
        self.set(vm, &mut s, to, reason).await;
    }

    /// The supervisor's last word: the process is gone.
    pub(crate) async fn process_gone(&self, vm: VmId, expected: bool, reason: Option<String>) {
        let Some(slot) = self.existing(vm) else { return };
        self.release_process(vm);
        let restart = {
            let mut s = slot.lock().await;
            s.requests = None;
            s.pid = None;
            let to = supervisor::final_state(s.state, expected);
            self.set(vm, &mut s, to, reason).await;
            s.restart_with.take().map(|r| (r, to))
        };
        let Some(((machine, reply), to)) = restart else { return };
        if to != VmState::Stopped {
            let _ = reply.send(Err(format!("the VM did not stop cleanly for the restart (it is {})", to.as_str())));
            return;
        }
        match self.request(vm, VmState::Stopped, Action::Start, Some(machine), Duration::ZERO).await {
            Ok(started) => {
                tokio::spawn(async move {
                    let r = started.await.unwrap_or_else(|_| Err("the engine dropped the restart".into()));
                    let _ = reply.send(r);
                });
            }
            Err(e) => {
                tracing::error!(vm_id = vm.0, error = %e, "restart could not start the VM again");
                let _ = reply.send(Err(format!("the VM stopped but could not start again: {e}")));
            }
        }
    }

    /// What a VM's QEMU held goes back once it is gone: its cgroups, and
    /// its run dir (to root, since a later process may get the same uid).
    fn release_process(&self, vm: VmId) {
        self.0.confinement.release(vm.0);
        self.0.confinement.disown(&self.run_paths(vm).dir);
    }

    /// `run` behind a named `Send` type: restart makes start and supervise
    /// mutually recursive, which the compiler cannot see through otherwise.
    fn run_boxed(
        self,
        vm: VmId,
        machine: Machine,
        requests: mpsc::Receiver<Request>,
        reply: supervisor::Reply,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(self.run(vm, machine, requests, reply))
    }

    /// Starts QEMU, waits for QMP, lets the CPUs run, then supervises.
    async fn run(self, vm: VmId, machine: Machine, requests: mpsc::Receiver<Request>, reply: supervisor::Reply) {
        match self.launch(vm, &machine).await {
            Ok((qmp, child)) => {
                self.observe(vm, EngineEvent::Booted, None).await;
                let _ = reply.send(Ok(serde_json::Value::Null));
                supervisor::supervise(self, vm, qmp, Process::Child(child), requests).await;
            }
            Err(e) => {
                tracing::warn!(vm_id = vm.0, error = %e, "VM failed to start");
                self.release_process(vm);
                if let Some(slot) = self.existing(vm) {
                    let mut s = slot.lock().await;
                    s.requests = None;
                    s.pid = None;
                    self.set(vm, &mut s, VmState::Stopped, Some(e.clone())).await;
                }
                let _ = reply.send(Err(e));
            }
        }
    }

    async fn launch(&self, vm: VmId, machine: &Machine) -> Result<(Qmp, tokio::process::Child), String> {
        let paths = self.run_paths(vm);
        prepare_run_dir(&paths)?;
        let log = std::fs::File::create(paths.log()).map_err(|e| format!("cannot create the QEMU log: {e}"))?;
        // Its cgroups (the network guard matches one; the limits live there)
        // are joined between fork and exec, before QEMU opens anything.
        let cgroups = self.0.confinement.prepare(vm.0, machine.memory_mib, machine.cpus)?;
        let mut child = spawn_qemu(&self.0.qemu_binary, machine, &paths, log, &self.0.confinement, cgroups, true)?;
        if let Some(slot) = self.existing(vm) {
            slot.lock().await.pid = child.id();
        }
        match handshake(&mut child, &paths.qmp(), START_TIMEOUT).await {
            Ok(qmp) => Ok((qmp, child)),
            // A closed monitor says nothing; QEMU's own stderr says why.
            Err(e) => Err(with_said(e, &self.qemu_said(vm))),
        }
    }

    /// The last lines QEMU wrote to its stderr for this VM, made safe to
    /// show: host paths outside the data dir are hidden and the data dir
    /// itself is left out of the VM's own paths.
    pub fn qemu_said(&self, vm: VmId) -> String {
        let text = std::fs::read_to_string(self.run_paths(vm).log()).unwrap_or_default();
        qemu_words(&text, &self.0.data_dir, &self.0.qemu_binary)
    }

    /// On start-up: takes charge of a VM the database says is not stopped.
    /// Re-attaches to its QEMU if it still runs, else records how it ended.
    pub async fn adopt(&self, vm: VmId, stored: VmState, uuid: &str) -> VmState {
        let slot = self.slot(vm, stored);
        let mut s = slot.lock().await;
        let paths = self.run_paths(vm);
        let pid = std::fs::read_to_string(paths.pidfile()).ok().and_then(|p| p.trim().parse::<u32>().ok());
        let alive = pid.filter(|p| pid_alive(*p) && cmdline_has(*p, &format!("vlab-{uuid}")));
        let qmp = match alive {
            Some(_) => Qmp::connect_retry(&paths.qmp(), Duration::from_secs(2)).await.ok(),
            None => None,
        };
        let status = match &qmp {
            Some(q) => q.query_status().await.ok(),
            None => None,
        };
        let (Some(pid), Some(qmp), Some(status)) = (alive, qmp, status) else {
            self.0.confinement.disown(&paths.dir);
            let (to, reason) = if stored == VmState::Stopping {
                (VmState::Stopped, None)
            } else {
                (VmState::Crashed, Some("QEMU was no longer running when vlab started".to_string()))
            };
            self.set(vm, &mut s, to, reason).await;
            return to;
        };
        let to = if status["running"].as_bool() == Some(true) { VmState::Running } else { VmState::Paused };
        let (tx, rx) = mpsc::channel(16);
        s.requests = Some(tx);
        s.pid = Some(pid);
        self.set(vm, &mut s, to, None).await;
        tracing::info!(vm_id = vm.0, pid, state = to.as_str(), "re-attached to running VM");
        tokio::spawn(supervisor::supervise(self.clone(), vm, qmp, Process::Adopted(pid), rx));
        to
    }
}

fn send(s: &Slot, req: Request) -> Result<(), EngineError> {
    s.requests
        .as_ref()
        .ok_or_else(|| EngineError::Failed("the VM has no running process".into()))?
        .try_send(req)
        .map_err(|_| EngineError::Failed("the VM is busy; try again".into()))
}

fn prepare_run_dir(paths: &RunPaths) -> Result<(), String> {
    if paths.qmp().as_os_str().len() > MAX_SOCKET_PATH || paths.dir.to_string_lossy().contains(',') {
        return Err(format!("the run directory path {} is too long or contains ','", paths.dir.display()));
    }
    std::fs::create_dir_all(&paths.dir).map_err(|e| format!("cannot create {}: {e}", paths.dir.display()))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&paths.dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| e.to_string())?;
    for stale in [paths.qmp(), paths.vnc(), paths.serial(), paths.pidfile()] {
        let _ = std::fs::remove_file(stale);
    }
    Ok(())
}

/// The files a VM's QEMU is given open (closed in vlab once it runs) and
/// the `-add-fd` arguments that put them into QEMU's fd sets.
#[derive(Default)]
struct Passed {
    files: Vec<std::fs::File>,
    args: Vec<std::ffi::OsString>,
}

impl Passed {
    fn fds(&self) -> Vec<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        self.files.iter().map(|f| f.as_raw_fd()).collect()
    }
}

/// The fd set of the CD-ROM's medium at start (`/dev/fdset/<n>`).
pub(crate) const CDROM_FDSET: u32 = 99;

/// Opens every file of `m` for QEMU and returns the machine that names
/// them by descriptor instead: disks and the CD-ROM as fd sets (a writable
/// disk has a read-write and a read-only descriptor, for QEMU's reopens),
/// the kernel and initrd as `/proc/self/fd/<n>` (QEMU reads them plainly),
/// and a bridge as a tap vlab made (as root; see `tap`). QEMU then needs
/// no right to any path in the pools and no helper.
fn pass_files(m: &Machine) -> Result<(Machine, Passed), String> {
    use std::os::fd::AsRawFd;
    let mut m = m.clone();
    let mut p = Passed::default();
    let open = |path: &Path, write: bool| {
        std::fs::OpenOptions::new().read(true).write(write).open(path).map_err(|e| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            format!("cannot open {name}: {e}")
        })
    };
    let add = |p: &mut Passed, path: &mut PathBuf, write: bool, set: u32| -> Result<(), String> {
        for w in [write, false].into_iter().take(1 + write as usize) {
            let f = open(path, w)?;
            p.args.push("-add-fd".into());
            p.args.push(format!("fd={},set={set}", f.as_raw_fd()).into());
            p.files.push(f);
        }
        *path = PathBuf::from(format!("/dev/fdset/{set}"));
        Ok(())
    };
    for (i, d) in m.disks.iter_mut().enumerate() {
        add(&mut p, &mut d.path, true, 2 * i as u32 + 1)?;
        if let Some(base) = &mut d.backing {
            add(&mut p, base, false, 2 * i as u32 + 2)?;
        }
    }
    if let Some(iso) = &mut m.cdrom {
        add(&mut p, iso, false, CDROM_FDSET)?;
    }
    if let argv::Network::Bridge { bridge, isolated } = &m.network {
        if unsafe { libc::geteuid() } == 0 {
            let t = tap::create(bridge, *isolated)?;
            m.network = argv::Network::Tap { fd: t.file.as_raw_fd() };
            p.files.push(t.file);
        }
    }
    if let Some(k) = &mut m.kernel {
        for path in std::iter::once(&mut k.kernel).chain(k.initrd.as_mut()) {
            let f = open(path, false)?;
            *path = PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd()));
            p.files.push(f);
        }
    }
    Ok((m, p))
}

/// Starts QEMU for `machine` in `paths`, its stderr going to `log`. vlab
/// opens the machine's files for it (`pass_files`); between fork and exec
/// the child joins `cgroups` and becomes its own user
/// (`Confinement::child_setup`). A `detached` QEMU (a VM's) has its own
/// process group, so signals aimed at vlab (Ctrl-C, a service manager's
/// stop) do not reach the guest, and outlives vlab; else it is killed
/// when its handle goes.
fn spawn_qemu(
    binary: &str,
    machine: &Machine,
    paths: &RunPaths,
    log: std::fs::File,
    confinement: &confine::Confinement,
    cgroups: Vec<std::ffi::CString>,
    detached: bool,
) -> Result<tokio::process::Child, String> {
    let (machine, passed) = pass_files(machine)?;
    let mut cmd = tokio::process::Command::new(binary);
    cmd.args(&passed.args)
        .args(argv::build(&machine, paths))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .kill_on_drop(!detached);
    if detached {
        cmd.process_group(0);
    }
    let setup = confinement.child_setup(cgroups, passed.fds(), owned_by_qemu(paths)?)?;
    // SAFETY: the setup makes only async-signal-safe calls.
    unsafe {
        cmd.pre_exec(setup);
    }
    // vlab's copies of the passed files close once QEMU has its own.
    let spawned = cmd.spawn().map_err(|e| format!("cannot run {binary}: {e}"));
    drop(passed);
    spawned
}

/// The paths a QEMU child makes its own before it drops to its user: its
/// run dir, and the serial logs that outlive one run.
fn owned_by_qemu(paths: &RunPaths) -> Result<Vec<std::ffi::CString>, String> {
    [paths.dir.clone(), paths.serial_log(), paths.serial_log_old()]
        .into_iter()
        .map(|p| std::ffi::CString::new(p.into_os_string().into_encoded_bytes()).map_err(|_| "a run path holds a NUL byte".to_string()))
        .collect()
}

/// Brings a QEMU just started with `-S` to running guest CPUs: its monitor
/// answers within `within` and `cont` succeeds. On failure QEMU gets
/// `EXIT_GRACE` to exit (else it is killed), and the error says how it ended.
async fn handshake(child: &mut tokio::process::Child, qmp_path: &Path, within: Duration) -> Result<Qmp, String> {
    let started = tokio::select! {
        q = Qmp::connect_retry(qmp_path, within) => q.map_err(|e| format!("QEMU's monitor did not answer: {e}")),
        status = child.wait() => Err(format!("QEMU exited at start ({})", status.map(|s| s.to_string()).unwrap_or_default())),
    };
    let e = match started {
        Ok(qmp) => match qmp.cont().await {
            Ok(_) => return Ok(qmp),
            Err(e) => format!("QEMU did not start the guest: {e}"),
        },
        Err(e) => e,
    };
    Err(match tokio::time::timeout(EXIT_GRACE, child.wait()).await {
        Ok(Ok(status)) if !e.starts_with("QEMU exited") => format!("QEMU exited at start ({status})"),
        Ok(_) => e,
        Err(_) => {
            let _ = child.start_kill();
            let _ = child.wait().await;
            e
        }
    })
}

/// Joins an error with what QEMU said about it.
pub(crate) fn with_said(error: String, said: &str) -> String {
    if said.is_empty() {
        error
    } else {
        format!("{error}: {said}")
    }
}

/// At most this many of QEMU's last stderr lines reach the user.
const SAID_LINES: usize = 4;
const SAID_LINE_CHARS: usize = 300;

/// QEMU's last words from its stderr text, one line each joined with " | ":
/// its own program name dropped, paths under the data dir made relative
/// to it, and any other absolute path replaced by `[path]`.
pub fn qemu_words(text: &str, data_dir: &Path, qemu_binary: &str) -> String {
    let root = format!("{}/", data_dir.display());
    let program = Path::new(qemu_binary).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let mut lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let l = l.strip_prefix(qemu_binary).or_else(|| l.strip_prefix(program.as_str())).map(|r| r.trim_start_matches(": ")).unwrap_or(l);
            let l = l.replace(&root, "");
            let l = hide_paths(&l);
            if l.chars().count() > SAID_LINE_CHARS {
                format!("{}…", l.chars().take(SAID_LINE_CHARS).collect::<String>())
            } else {
                l
            }
        })
        .collect();
    let keep = lines.len().saturating_sub(SAID_LINES);
    lines.drain(..keep);
    lines.join(" | ")
}

/// QEMU's log as a user may see it: paths under the data dir made relative
/// to it, and any other absolute path replaced by `[path]`.
pub fn qemu_log_text(text: &str, data_dir: &Path) -> String {
    let root = format!("{}/", data_dir.display());
    text.split_inclusive('\n').map(|l| hide_paths(&l.replace(&root, ""))).collect()
}

/// Replaces each absolute path (a '/' that starts a word) with `[path]`.
pub(crate) fn hide_paths(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_path = false;
    let mut prev: Option<char> = None;
    for c in line.chars() {
        if in_path {
            if c.is_whitespace() || matches!(c, ',' | ']' | '\'' | '"' | ')' | ':') {
                in_path = false;
                out.push(c);
            }
        } else if c == '/' && prev.is_none_or(|p| p.is_whitespace() || matches!(p, '=' | '[' | '\'' | '"' | '(')) {
            in_path = true;
            out.push_str("[path]");
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

/// True when the process exists and is not a zombie.
pub fn pid_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().map(|rest| !rest.trim_start().starts_with('Z')).unwrap_or(false),
        Err(_) => false,
    }
}

fn cmdline_has(pid: u32, needle: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).contains(needle))
        .unwrap_or(false)
}

pub mod accel;
pub mod confine;
pub mod netguard;
pub mod procfs;
pub mod tap;
mod probe;
pub use probe::{ProbeGuest, MARKER};

#[cfg(test)]
mod tests {
    use super::qemu_words;
    use std::path::Path;

    #[test]
    fn qemu_words_keep_the_cause_and_hide_host_paths() {
        let stderr = "qemu-system-x86_64: warning: host doesn't support requested feature\n\
            /usr/bin/qemu-system-x86_64: -blockdev driver=qcow2,node-name=disk0,file.driver=file,file.filename=/srv/vlab/pools/disks/4.qcow2: Failed to get \"write\" lock\n\
            Is another process using the image [/srv/vlab/pools/disks/4.qcow2]?\n\
            could not open /etc/secret.conf and /home/alice/x\n\
            \n";
        let said = qemu_words(stderr, Path::new("/srv/vlab"), "/usr/bin/qemu-system-x86_64");
        assert!(said.contains("Failed to get \"write\" lock"), "{said}");
        assert!(said.contains("[pools/disks/4.qcow2]"), "the VM's own disk, relative to the data dir: {said}");
        assert!(!said.contains("/srv/vlab") && !said.contains("/etc/") && !said.contains("/home/"), "{said}");
        assert!(said.contains("could not open [path] and [path]"), "{said}");
        assert!(!said.contains("qemu-system-x86_64:"), "program name dropped: {said}");
        assert_eq!(said.split(" | ").count(), 4, "the last four lines: {said}");
        assert_eq!(qemu_words("", Path::new("/d"), "qemu"), "");
    }
}
