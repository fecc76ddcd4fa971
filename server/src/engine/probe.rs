//! Does KVM really run a VM here? `auto` asks by booting a real Linux guest
//! (the demo guest's kernel and initramfs) to its marker under KVM, with the
//! very machine type, CPU model and devices vlab gives its VMs (the argv
//! builder makes the command line), within a time bound. A host whose KVM
//! opens but cannot run such a guest (nested KVM that stops at an MSR, or
//! hangs in the kernel) fails here instead of in every VM.

use super::qemu::argv::{self, Accel, DirectKernel, Machine, Network, RunPaths};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the test guest prints on its serial console once it is up.
pub const MARKER: &str = "VLAB-GUEST-READY";

/// A kernel and initramfs that print [`MARKER`] on ttyS0 when booted.
#[derive(Debug, Clone)]
pub struct ProbeGuest {
    pub kernel: PathBuf,
    pub initrd: PathBuf,
}

impl ProbeGuest {
    /// The guest in `dir` (`vmlinux` and `initrd.img`), if both are there.
    pub fn in_dir(dir: &Path) -> Option<ProbeGuest> {
        let (kernel, initrd) = (dir.join("vmlinux"), dir.join("initrd.img"));
        (kernel.is_file() && initrd.is_file()).then_some(ProbeGuest { kernel, initrd })
    }
}

/// The machine the probe boots: a VM as vlab makes them, smallest size.
pub fn probe_machine(guest: &ProbeGuest) -> Machine {
    Machine {
        uuid: "kvm-probe".into(),
        accel: Accel::Kvm,
        cpus: 1,
        memory_mib: 128,
        disks: vec![],
        disk_bus: argv::DiskBus::Virtio,
        cdrom: None,
        boot_order: "c".into(),
        kernel: Some(DirectKernel {
            kernel: guest.kernel.clone(),
            initrd: Some(guest.initrd.clone()),
            append: "console=ttyS0 quiet panic=-1 no_timer_check clocksource=hpet".into(),
        }),
        network: Network::None,
        mac: "52:54:00:ff:ff:ff".into(),
    }
}

/// Boots `machine` with `qemu_binary` in `run_dir` and waits up to
/// `within` for the marker on its serial console. Ok(seconds to the
/// marker), or Err(why not, with QEMU's own words).
pub async fn boot_to_marker(
    qemu_binary: &str,
    machine: &Machine,
    run_dir: &Path,
    confinement: &super::confine::Confinement,
    within: Duration,
) -> Result<f64, String> {
    let paths = RunPaths::new(run_dir);
    super::prepare_run_dir(&paths)?;
    let _ = std::fs::remove_file(paths.serial_log());
    let log = std::fs::File::create(paths.log()).map_err(|e| format!("cannot create the probe's log: {e}"))?;
    let began = Instant::now();
    let mut child = super::spawn_qemu(qemu_binary, machine, &paths, log, confinement, Vec::new(), false)?;
    let outcome = match super::handshake(&mut child, &paths.qmp(), within).await {
        Err(e) => Err(e),
        Ok(_qmp) => {
            let watch = async {
                loop {
                    let seen = std::fs::read(paths.serial_log()).unwrap_or_default();
                    if seen.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()) {
                        return Ok(began.elapsed().as_secs_f64());
                    }
                    tokio::select! {
                        status = child.wait() => return Err(format!("QEMU exited before the guest was up ({})",
                            status.map(|s| s.to_string()).unwrap_or_default())),
                        _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                    }
                }
            };
            // One bound for the whole probe, monitor included.
            match tokio::time::timeout(within.saturating_sub(began.elapsed()), watch).await {
                Ok(r) => r,
                Err(_) => Err(format!("the guest did not reach its marker within {} s", within.as_secs())),
            }
        }
    };
    let _ = child.start_kill();
    let _ = child.wait().await;
    let said = std::fs::read_to_string(paths.log()).unwrap_or_default();
    let _ = std::fs::remove_dir_all(run_dir);
    outcome.map_err(|e| super::with_said(e, &super::qemu_words(&said, run_dir, qemu_binary)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_machine_is_a_vm_as_vlab_makes_them() {
        let guest = ProbeGuest { kernel: "/g/vmlinux".into(), initrd: "/g/initrd.img".into() };
        let a: Vec<String> = argv::build(&probe_machine(&guest), &RunPaths::new("/r"))
            .into_iter()
            .map(|s| s.into_string().unwrap())
            .collect();
        let value = |flag: &str| a.windows(2).find(|w| w[0] == flag).map(|w| w[1].clone());
        assert_eq!(value("-machine").as_deref(), Some("q35"));
        assert_eq!(value("-accel").as_deref(), Some("kvm"));
        assert_eq!(value("-cpu").as_deref(), Some("host"), "the CPU model KVM VMs get");
        assert_eq!(value("-kernel").as_deref(), Some("/g/vmlinux"));
    }

    #[tokio::test]
    async fn a_qemu_that_cannot_run_is_a_failed_probe_with_its_words() {
        let dir = tempfile::tempdir().unwrap();
        let guest = ProbeGuest { kernel: "/nonexistent/vmlinux".into(), initrd: "/nonexistent/initrd.img".into() };
        let err = boot_to_marker("/nonexistent/qemu", &probe_machine(&guest), &dir.path().join("p"), &Default::default(), Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(err.contains("cannot open vmlinux"), "{err}");
    }
}
