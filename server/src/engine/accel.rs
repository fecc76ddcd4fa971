//! Which accelerator VMs get, and why. `auto` trusts KVM only after the
//! boot probe ran a real guest under it; the answer is cached in the data
//! dir for as long as QEMU, the host kernel and the probe guest stay the same.

use super::probe::{self, ProbeGuest};
use super::qemu::argv::Accel;
use crate::config::Accel as Choice;
use std::path::Path;
use std::time::Duration;

/// The accelerator in use and the reason it was chosen, for the log, the
/// health endpoint and the admin's home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccelChoice {
    pub accel: Accel,
    pub reason: String,
}

impl AccelChoice {
    pub fn name(&self) -> &'static str {
        self.accel.as_str()
    }
}

/// What `resolve` needs to know.
pub struct Probe<'a> {
    pub qemu_binary: &'a str,
    /// The guest to boot; without one, KVM cannot be tested and is not used.
    pub guest: Option<ProbeGuest>,
    pub timeout: Duration,
    /// Where the probe's answer is cached.
    pub data_dir: &'a Path,
    /// The probe's run dir.
    pub run_dir: &'a Path,
    /// The probe's QEMU runs as VMs' QEMUs do.
    pub confinement: &'a super::confine::Confinement,
}

pub async fn resolve(choice: Choice, p: Probe<'_>) -> AccelChoice {
    let choose = |accel, reason: &str| AccelChoice { accel, reason: reason.to_owned() };
    match choice {
        Choice::Kvm => return choose(Accel::Kvm, "set by configuration (accel = kvm)"),
        Choice::Tcg => return choose(Accel::Tcg, "set by configuration (accel = tcg)"),
        Choice::Auto => {}
    }
    if let Err(e) = std::fs::OpenOptions::new().read(true).write(true).open("/dev/kvm") {
        return choose(Accel::Tcg, &format!("auto: /dev/kvm cannot be opened ({e}); using TCG"));
    }
    let Some(guest) = p.guest else {
        return choose(Accel::Tcg, "auto: no probe guest to test KVM with (see --demo-guest); using TCG");
    };
    let key = cache_key(p.qemu_binary, &guest).await;
    let cache = p.data_dir.join("accel-probe.json");
    if let Some(hit) = cached(&cache, &key) {
        return hit;
    }
    let machine = probe::probe_machine(&guest);
    let chosen = match probe::boot_to_marker(p.qemu_binary, &machine, p.run_dir, p.confinement, p.timeout).await {
        Ok(secs) => choose(Accel::Kvm, &format!("auto: a test guest booted under KVM (q35, -cpu host) in {secs:.1} s")),
        Err(why) => choose(Accel::Tcg, &format!("auto: KVM failed the boot probe, using TCG: {why}")),
    };
    let record = serde_json::json!({"key": key, "accel": chosen.name(), "reason": chosen.reason});
    if let Err(e) = std::fs::write(&cache, record.to_string()) {
        tracing::warn!(error = %e, "could not cache the accelerator probe");
    }
    chosen
}

/// Changes whenever the answer could: another QEMU, host kernel or guest.
async fn cache_key(qemu_binary: &str, guest: &ProbeGuest) -> String {
    let version = tokio::process::Command::new(qemu_binary)
        .arg("--version")
        .output()
        .await
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let host = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let stamp = |f: &Path| {
        std::fs::metadata(f)
            .map(|m| format!("{}@{:?}", m.len(), m.modified().ok()))
            .unwrap_or_default()
    };
    format!("{qemu_binary}|{version}|{}|{}|{}", host.trim(), stamp(&guest.kernel), stamp(&guest.initrd))
}

fn cached(path: &Path, key: &str) -> Option<AccelChoice> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    if v["key"].as_str()? != key {
        return None;
    }
    let accel = Accel::parse(v["accel"].as_str()?)?;
    Some(AccelChoice { accel, reason: format!("{} (cached)", v["reason"].as_str()?) })
}
