//! The installation as a whole.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// What exists on this vlab and how it runs guests: the admin's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SystemOverview {
    pub users: u64,
    pub vms: u64,
    /// VMs with a QEMU process (starting, running or paused).
    pub running_vms: u64,
    /// ISOs ready in the library.
    pub isos: u64,
    pub courses: u64,
    pub labs: u64,
    /// The demo guest's ISO, while it is in the library.
    pub demo_iso_id: Option<i64>,
    /// `kvm` or `tcg`.
    pub accelerator: String,
    /// Why: the configuration, or what the KVM boot probe found.
    pub accelerator_reason: String,
}

/// Whether user-mode guests on this host may reach other hosts at all,
/// whatever a VM's own `outbound` says, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct GuestNetwork {
    pub outbound: bool,
    pub reason: String,
}

/// How the host this node runs on is doing now (`GET /system/status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HostStatus {
    /// The node that answered (`node_name`).
    pub node: String,
    /// When it was measured (RFC 3339).
    pub sampled_at: String,
    pub cpu: HostCpu,
    pub memory: HostMemory,
    /// The filesystems of vlab's pools.
    pub pools: Vec<PoolSpace>,
    /// `qemu-system-x86_64 --version`'s first line.
    pub qemu_version: String,
    /// `kvm` or `tcg`.
    pub accelerator: String,
    /// Why: the configuration, or what the KVM boot probe found.
    pub accelerator_reason: String,
    /// This node's VMs in each state.
    pub vms: Vec<StateCount>,
    /// What this node's running VMs hold against what the host allows them.
    pub capacity: HostCapacity,
    pub vlab_version: String,
    /// When this vlab process started (RFC 3339), and how long ago.
    pub started_at: String,
    pub uptime_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HostCpu {
    pub cores: u32,
    /// Busy share of all cores, 0 to 100, over a quarter of a second.
    pub percent: f64,
    pub load_1m: f64,
    pub load_5m: f64,
    pub load_15m: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HostMemory {
    pub total_bytes: u64,
    /// What programs can still get without swapping (`MemAvailable`).
    pub available_bytes: u64,
    pub used_bytes: u64,
}

/// One of vlab's pools and the filesystem that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PoolSpace {
    /// `disks`, `isos`, `templates` or `kernels`.
    pub pool: String,
    /// Whether every node shares it (`shared_pool_dir`).
    pub shared: bool,
    pub total_bytes: u64,
    pub free_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StateCount {
    pub state: crate::lifecycle::VmState,
    pub count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HostCapacity {
    /// vCPUs of VMs with a QEMU process on this node.
    pub running_vcpus: u64,
    pub cores: u32,
    /// Memory of those VMs.
    pub running_memory_mib: u64,
    /// What they may hold together: RAM x `host_memory_ratio`.
    pub allowed_memory_mib: u64,
    pub host_memory_ratio: f64,
}

/// The host's history from `from` to `to` at `step_secs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HostHistory {
    pub node: String,
    pub step_secs: u64,
    pub from: String,
    pub to: String,
    /// Oldest first; steps with no samples are left out.
    pub points: Vec<HostPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HostPoint {
    /// The step's start (RFC 3339).
    pub at: String,
    /// Busy share of all cores, averaged over the step.
    pub cpu_percent: f64,
    pub load_1m: f64,
    pub memory_used_bytes: u64,
    pub running_vms: u64,
}
