//! What a running VM uses of its host now (`GET /vms/{id}/metrics`): CPU of
//! its QEMU and of its vCPU threads, resident memory, per-disk I/O, and
//! network traffic where its backend counts it.

use super::vms::load;
use crate::engine::procfs;
use crate::engine::qemu::commands::{disk_io, QemuCommand};
use crate::engine::VmId;
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::auth::Caller;
use app::types::{CpuMetrics, DiskMetrics, MemoryMetrics, NetworkMetrics, NetworkMode, VmMetrics};
use std::time::{Duration, Instant};

/// CPU use is measured over this long.
const CPU_WINDOW: Duration = Duration::from_millis(250);

pub async fn vm_now(state: &AppState, caller: &Caller, vm_id: i64) -> Result<VmMetrics> {
    let vm = load(state, caller, vm_id).await?;
    if let Some(node) = crate::cluster::elsewhere(state, vm.view.node_id).await? {
        return crate::cluster::call(state, &node, caller, crate::cluster::NodeCall::VmMetrics { vm_id }).await;
    }
    super::console::require_live(state, &vm).await?;
    let gone = || ServerError::from(app::error::AppError::conflict("VM_NOT_RUNNING", "the VM stopped while it was measured"));
    let pid = state.engine.pid(VmId(vm_id)).await.ok_or_else(gone)?;
    let (before, started) = (procfs::sample(pid).ok_or_else(gone)?, Instant::now());
    tokio::time::sleep(CPU_WINDOW).await;
    let after = procfs::sample(pid).ok_or_else(gone)?;
    let secs = started.elapsed().as_secs_f64();

    let blockstats = state.engine.ask(VmId(vm_id), QemuCommand::BlockStats).await.map_err(|_| gone())?;
    let disks = vm
        .view
        .disk_ids
        .iter()
        .enumerate()
        .map(|(i, &disk_id)| {
            let (read_bytes, write_bytes, read_ops, write_ops) = disk_io(&blockstats, i).unwrap_or_default();
            DiskMetrics { disk_id, read_bytes, write_bytes, read_ops, write_ops }
        })
        .collect();
    let unavailable = |why: &str| NetworkMetrics { available: false, rx_bytes: None, tx_bytes: None, note: Some(why.to_owned()) };
    let network = match vm.view.network {
        NetworkMode::User => unavailable("user-mode networking keeps no per-VM traffic counters"),
        NetworkMode::None => unavailable("the VM has no network"),
        // The tap's counters are the host's view: what it received, the guest sent.
        NetworkMode::Bridge => match procfs::tap_of(pid).and_then(|tap| procfs::net_bytes(&tap)) {
            Some((host_rx, host_tx)) => NetworkMetrics { available: true, rx_bytes: Some(host_tx), tx_bytes: Some(host_rx), note: None },
            None => unavailable("the VM's tap device could not be read"),
        },
    };
    Ok(VmMetrics {
        vm_id,
        sampled_at: crate::time::now_rfc3339(),
        uptime_secs: after.age_secs,
        cpu: CpuMetrics {
            process_percent: procfs::percent(before.cpu_ticks, after.cpu_ticks, secs),
            vcpu_percent: procfs::percent(before.vcpu_ticks, after.vcpu_ticks, secs),
            vcpus: vm.view.cpus,
        },
        memory: MemoryMetrics {
            configured_mib: vm.view.memory_mib,
            rss_bytes: after.rss_bytes,
            guest_used_bytes: None,
            guest_note: Some("the guest reports no memory use (vlab gives VMs no balloon device or guest agent)".into()),
        },
        disks,
        network,
    })
}
