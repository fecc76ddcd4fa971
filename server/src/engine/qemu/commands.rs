//! QEMU's commands as vlab uses them: one typed method or value each, with
//! QEMU's own command names, and the device ids the argv builder gave the
//! devices (its constants), so the command line and the commands agree.
//! Nothing outside this file spells a QMP command.

use super::argv::{self, Protocol};
use super::qmp::{Qmp, QmpError};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The I/O counters of disk `i` (the `i`-th of the VM's disks) in a
/// `query-blockstats` answer: (read bytes, written bytes, reads, writes).
pub fn disk_io(answer: &Value, i: usize) -> Option<(u64, u64, u64, u64)> {
    let node = argv::disk_node(i);
    let device = format!("{node}-dev");
    let entry = answer.as_array()?.iter().find(|e| {
        e["node-name"].as_str() == Some(node.as_str()) || e["qdev"].as_str().is_some_and(|q| q.split('/').any(|part| part == device))
    })?;
    let stats = &entry["stats"];
    let n = |k: &str| stats[k].as_u64().unwrap_or(0);
    Some((n("rd_bytes"), n("wr_bytes"), n("rd_operations"), n("wr_operations")))
}

/// Bytes read and written over all of the VM's disks in a
/// `query-blockstats` answer.
pub fn total_disk_io(answer: &Value) -> (u64, u64) {
    (0..).map_while(|i| disk_io(answer, i)).fold((0, 0), |(r, w), (rd, wr, _, _)| (r + rd, w + wr))
}

/// Lifecycle commands, used by a VM's supervisor.
impl Qmp {
    /// `stop`: pause the guest's CPUs.
    pub async fn stop(&self) -> Result<Value, QmpError> {
        self.execute("stop", None).await
    }
    /// `cont`: let the guest's CPUs run.
    pub async fn cont(&self) -> Result<Value, QmpError> {
        self.execute("cont", None).await
    }
    /// `system_reset`: the reset button.
    pub async fn system_reset(&self) -> Result<Value, QmpError> {
        self.execute("system_reset", None).await
    }
    /// `system_powerdown`: the ACPI power button.
    pub async fn system_powerdown(&self) -> Result<Value, QmpError> {
        self.execute("system_powerdown", None).await
    }
    /// `quit`: QEMU exits (it may send `SHUTDOWN` first).
    pub async fn quit(&self, within: Duration) -> Result<Value, QmpError> {
        self.execute_timeout("quit", None, within).await
    }
    /// `query-status`: whether the guest's CPUs run.
    pub async fn query_status(&self) -> Result<Value, QmpError> {
        self.execute("query-status", None).await
    }
}

/// A command for a running VM that changes no lifecycle state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QemuCommand {
    /// Put an ISO into the CD-ROM drive (replacing what is there).
    ChangeMedium { iso: PathBuf },
    /// Empty the CD-ROM drive.
    Eject,
    /// Take an internal snapshot of disk `disk` (its index in the VM's disks).
    SnapshotCreate { disk: usize, tag: String },
    SnapshotDelete { disk: usize, tag: String },
    /// Write the screen to `file` as PNG.
    Screendump { file: PathBuf },
    /// Forward `host_addr:host_port` to the guest's port (user networking).
    HostfwdAdd { protocol: Protocol, host_addr: String, host_port: u16, guest_port: u16 },
    HostfwdRemove { protocol: Protocol, host_addr: String, host_port: u16 },
    /// I/O counters of the block devices.
    BlockStats,
}

impl QemuCommand {
    /// Runs the command on a VM's monitor.
    pub async fn run(&self, qmp: &Qmp) -> Result<Value, QmpError> {
        let r = match self {
            QemuCommand::ChangeMedium { iso } => qmp.change_medium(iso).await,
            _ => {
                let (name, arguments) = self.to_qmp();
                qmp.execute(name, Some(arguments)).await
            }
        };
        if matches!(self, QemuCommand::ChangeMedium { .. } | QemuCommand::Eject) {
            qmp.drop_media_fdsets().await;
        }
        r
    }

    /// QEMU's name for the command and its arguments (a medium change is
    /// more than one command: see `run`).
    fn to_qmp(&self) -> (&'static str, Value) {
        match self {
            QemuCommand::ChangeMedium { .. } => ("blockdev-change-medium", Value::Null),
            QemuCommand::Eject => ("eject", json!({"id": argv::CDROM_DEVICE, "force": true})),
            QemuCommand::SnapshotCreate { disk, tag } => {
                ("blockdev-snapshot-internal-sync", json!({"device": argv::disk_node(*disk), "name": tag}))
            }
            QemuCommand::SnapshotDelete { disk, tag } => {
                ("blockdev-snapshot-delete-internal-sync", json!({"device": argv::disk_node(*disk), "name": tag}))
            }
            QemuCommand::Screendump { file } => ("screendump", json!({"filename": file, "format": "ppm"})),
            QemuCommand::BlockStats => ("query-blockstats", json!({})),
            // hostfwd has no QMP command of its own: the human monitor's.
            QemuCommand::HostfwdAdd { protocol, host_addr, host_port, guest_port } => hmp(format!(
                "hostfwd_add {} {}:{host_addr}:{host_port}-:{guest_port}",
                argv::NET_ID,
                protocol.as_str()
            )),
            QemuCommand::HostfwdRemove { protocol, host_addr, host_port } => {
                hmp(format!("hostfwd_remove {} {}:{host_addr}:{host_port}", argv::NET_ID, protocol.as_str()))
            }
        }
    }

    /// Reads QEMU's answer: the human monitor reports failure as text, so
    /// any output of a human-monitor command is an error.
    pub fn check(&self, answer: Value) -> Result<(), String> {
        match self {
            QemuCommand::HostfwdAdd { .. } | QemuCommand::HostfwdRemove { .. } => match answer.as_str().map(str::trim) {
                None | Some("") => Ok(()),
                Some(text) => Err(text.to_owned()),
            },
            _ => Ok(()),
        }
    }
}

/// The `opaque` tag of the fd sets that carry CD-ROM media.
const MEDIA_FDSET: &str = "cdrom";

impl Qmp {
    /// Puts the ISO at `iso` into the CD-ROM drive. vlab opens it and
    /// hands QEMU the open file (QEMU has no right to the pools).
    async fn change_medium(&self, iso: &Path) -> Result<Value, QmpError> {
        use std::os::fd::AsFd;
        let file = std::fs::File::open(iso).map_err(|e| QmpError::Io(format!("cannot open the ISO: {e}")))?;
        let added = self.execute_with_fd("add-fd", Some(json!({"opaque": MEDIA_FDSET})), file.as_fd()).await?;
        let set = added["fdset-id"].as_u64().ok_or_else(|| QmpError::Io(format!("add-fd answered {added}")))?;
        self.execute(
            "blockdev-change-medium",
            Some(json!({"id": argv::CDROM_DEVICE, "filename": format!("/dev/fdset/{set}"), "format": "raw", "read-only-mode": "read-only"})),
        )
        .await
    }

    /// Gives back the media fd sets: the drive holds its own copy of the
    /// medium it has, so none is needed after a change or an eject, and an
    /// ISO left in no drive is no longer held open.
    async fn drop_media_fdsets(&self) {
        let Ok(sets) = self.execute("query-fdsets", None).await else { return };
        for set in sets.as_array().into_iter().flatten() {
            let Some(id) = set["fdset-id"].as_u64() else { continue };
            let media = id == crate::engine::CDROM_FDSET as u64
                || set["fds"].as_array().into_iter().flatten().any(|f| f["opaque"] == MEDIA_FDSET);
            if media {
                let _ = self.execute("remove-fd", Some(json!({"fdset-id": id}))).await;
            }
        }
    }
}

fn hmp(command_line: String) -> (&'static str, Value) {
    ("human-monitor-command", json!({"command-line": command_line}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_name_the_devices_the_command_line_made() {
        let (name, args) = QemuCommand::Eject.to_qmp();
        assert_eq!((name, args["id"].as_str()), ("eject", Some("cdrom0")));
        let (name, args) = QemuCommand::SnapshotCreate { disk: 1, tag: "t".into() }.to_qmp();
        assert_eq!((name, args["device"].as_str()), ("blockdev-snapshot-internal-sync", Some("disk1")));
        let add = QemuCommand::HostfwdAdd { protocol: Protocol::Tcp, host_addr: "127.0.0.1".into(), host_port: 20022, guest_port: 22 };
        assert_eq!(add.to_qmp().1["command-line"], "hostfwd_add net0 tcp:127.0.0.1:20022-:22");
        assert_eq!(add.check(json!("")), Ok(()));
        assert_eq!(add.check(json!("Could not set up host forwarding rule\r\n")), Err("Could not set up host forwarding rule".into()));
        assert_eq!(QemuCommand::Eject.check(json!({})), Ok(()));
    }
}
