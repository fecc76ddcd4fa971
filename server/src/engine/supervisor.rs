//! One task per running VM. It owns the VM's QMP connection and QEMU
//! process; user commands, QMP events and process exit all arrive in one
//! loop, so state changes are serialised without further locking.

use super::qemu::commands::QemuCommand;
use super::qemu::qmp::{Qmp, QmpError};
use super::state::{observe, EngineEvent, VmState};
use super::{Engine, VmId};
use std::time::Duration;
use tokio::process::Child;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// After `quit`, how long QEMU gets before SIGKILL.
const QUIT_GRACE: Duration = Duration::from_secs(3);
/// How often a running VM's serial log is measured.
const LOG_CHECK: Duration = Duration::from_millis(100);

/// Keeps a guest's serial log within `cap` bytes on disk: once `serial.log`
/// passes a quarter of it, its last quarter becomes `serial.log.1` and
/// `serial.log` starts again (QEMU appends, so it goes on at the new end).
/// The other half of the cap is room for what a guest writes between checks.
pub(crate) fn keep_serial_log(paths: &super::qemu::argv::RunPaths, cap: u64) {
    use std::io::{Read, Seek, SeekFrom};
    let log = paths.serial_log();
    let part = (cap / 4).max(1);
    let Ok(len) = std::fs::metadata(&log).map(|m| m.len()) else { return };
    if len <= part {
        return;
    }
    let Ok(mut f) = std::fs::OpenOptions::new().read(true).write(true).open(&log) else { return };
    let mut tail = Vec::new();
    if f.seek(SeekFrom::Start(len - part)).is_ok() && f.by_ref().take(part).read_to_end(&mut tail).is_ok() {
        let _ = std::fs::write(paths.serial_log_old(), &tail);
    }
    let _ = f.set_len(0);
}

/// What the supervisor is asked to do. State checks happened already.
#[derive(Debug)]
pub enum Command {
    Pause,
    Resume,
    Reset,
    /// Power off now.
    Stop,
    /// ACPI power button; power off when `timeout` passes.
    Shutdown { timeout: Duration },
    /// A command that changes no lifecycle state (e.g. CD-ROM media).
    Qemu(QemuCommand),
}

/// QEMU's answer to the command (`null` for lifecycle actions).
pub type Reply = oneshot::Sender<Result<serde_json::Value, String>>;

pub struct Request {
    pub command: Command,
    pub reply: Reply,
}

/// How the process is watched: our child, or (after a restart of vlab) a
/// process found by its pid.
pub enum Process {
    Child(Child),
    Adopted(u32),
}

impl Process {
    fn pid(&self) -> Option<u32> {
        match self {
            Process::Child(c) => c.id(),
            Process::Adopted(p) => Some(*p),
        }
    }
}

/// Waits for the QEMU process to end; returns a description of how.
async fn exited(process: &mut Process, qmp: &Qmp) -> String {
    match process {
        Process::Child(child) => match child.wait().await {
            Ok(status) => status.to_string(),
            Err(e) => format!("wait failed: {e}"),
        },
        Process::Adopted(pid) => {
            // Not our child: QMP's socket closes when QEMU dies; confirm
            // the pid is gone (zombies of another parent still count as gone).
            qmp.closed().await;
            let pid = *pid;
            for _ in 0..100 {
                if !super::pid_alive(pid) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            "the QEMU process ended".into()
        }
    }
}

fn kill(pid: Option<u32>) {
    if let Some(pid) = pid {
        // kill(1) rather than a libc binding: this is a rare last resort.
        let _ = std::process::Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
    }
}

/// Runs until the QEMU process is gone.
pub async fn supervise(engine: Engine, vm: VmId, qmp: Qmp, mut process: Process, mut requests: mpsc::Receiver<Request>) {
    let mut events = qmp.events();
    let mut expected_exit = false;
    let mut deadline: Option<Instant> = None;
    let mut quit_sent = false;
    let mut io_error: Option<String> = None;
    let mut waiting: Vec<Reply> = Vec::new();
    let pid = process.pid();
    let serial_log = engine.run_paths(vm);
    let log_cap = engine.0.serial_log_max_bytes;
    let mut log_check = tokio::time::interval(LOG_CHECK);
    log_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let how = {
        let exit = exited(&mut process, &qmp);
        tokio::pin!(exit);
        loop {
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                how = &mut exit => break how,
                _ = log_check.tick() => keep_serial_log(&serial_log, log_cap),
                Some(req) = requests.recv() => {
                    match req.command {
                        Command::Pause => {
                            let r = qmp.stop().await;
                            if r.is_ok() {
                                engine.observe(vm, EngineEvent::CpusStopped, None).await;
                            }
                            reply_with(req.reply, r);
                        }
                        Command::Resume => {
                            let r = qmp.cont().await;
                            if r.is_ok() {
                                engine.observe(vm, EngineEvent::CpusResumed, None).await;
                            }
                            reply_with(req.reply, r);
                        }
                        Command::Reset => reply_with(req.reply, qmp.system_reset().await),
                        Command::Qemu(command) => reply_with(req.reply, command.run(&qmp).await),
                        Command::Stop => {
                            expected_exit = true;
                            if !quit_sent {
                                quit_sent = true;
                                let _ = qmp.quit(QUIT_GRACE).await;
                            }
                            deadline = Some(Instant::now() + QUIT_GRACE);
                            waiting.push(req.reply);
                        }
                        Command::Shutdown { timeout } => {
                            expected_exit = true;
                            if let Err(e) = qmp.system_powerdown().await {
                                tracing::warn!(vm_id = vm.0, error = %e, "system_powerdown failed; forcing");
                            }
                            deadline = Some(Instant::now() + timeout);
                            waiting.push(req.reply);
                        }
                    }
                }
                ev = events.recv() => {
                    let Ok(ev) = ev else { continue };
                    let event = match ev.name.as_str() {
                        // QEMU stops the guest when a disk cannot be written
                        // (a full pool): the STOP that follows says why.
                        "BLOCK_IO_ERROR" => {
                            if ev.data["action"] == "stop" {
                                if ev.data["nospace"] == true {
                                    // The database must still be able to write.
                                    crate::reserve::release(&engine.0.data_dir);
                                }
                                io_error = Some(io_error_reason(&ev.data));
                            }
                            None
                        }
                        "STOP" => {
                            if let Some(why) = io_error.take() {
                                tracing::warn!(vm_id = vm.0, reason = why, "guest paused by a disk error");
                                engine.observe(vm, EngineEvent::CpusStopped, Some(why)).await;
                                continue;
                            }
                            Some(EngineEvent::CpusStopped)
                        }
                        "RESUME" => Some(EngineEvent::CpusResumed),
                        "SHUTDOWN" => {
                            // Guest power-off or our quit: the exit that follows is not a crash.
                            expected_exit = true;
                            None
                        }
                        _ => None,
                    };
                    if let Some(event) = event {
                        engine.observe(vm, event, None).await;
                    }
                }
                _ = sleep => {
                    if !quit_sent {
                        tracing::info!(vm_id = vm.0, "guest did not power off in time; forcing");
                        quit_sent = true;
                        let _ = qmp.quit(QUIT_GRACE).await;
                        deadline = Some(Instant::now() + QUIT_GRACE);
                    } else {
                        tracing::warn!(vm_id = vm.0, "QEMU ignored quit; killing it");
                        kill(pid);
                        deadline = None;
                    }
                }
            }
        }
    };

    let reason = if expected_exit {
        None
    } else {
        Some(super::with_said(format!("QEMU exited unexpectedly ({how})"), &engine.qemu_said(vm)))
    };
    engine.process_gone(vm, expected_exit, reason).await;
    for w in waiting {
        let _ = w.send(Ok(serde_json::Value::Null));
    }
    // Anything still queued can no longer be done.
    requests.close();
    while let Ok(req) = requests.try_recv() {
        let _ = req.reply.send(Err("the VM stopped".into()));
    }
}

/// What a user is told when a disk error paused their VM (QEMU's
/// `BLOCK_IO_ERROR` data: the disk's node, whether space ran out).
pub fn io_error_reason(data: &serde_json::Value) -> String {
    let disk = data["node-name"]
        .as_str()
        .and_then(|n| n.strip_prefix("disk"))
        .and_then(|i| i.parse::<usize>().ok())
        .map(|i| format!("disk {}", i + 1))
        .unwrap_or_else(|| "a disk".into());
    if data["nospace"] == true {
        format!("{disk} could not be written because its storage pool is full; once an admin frees space, resume the VM")
    } else {
        let what = data["reason"].as_str().unwrap_or("an I/O error");
        format!("{disk} could not be {} ({what}); resume to try again", if data["operation"] == "read" { "read" } else { "written" })
    }
}

fn reply_with(reply: Reply, r: Result<serde_json::Value, QmpError>) {
    let _ = reply.send(r.map_err(|e| e.to_string()));
}

/// The state after the process is gone.
pub fn final_state(state: VmState, expected: bool) -> VmState {
    observe(state, EngineEvent::Exited { expected })
}
