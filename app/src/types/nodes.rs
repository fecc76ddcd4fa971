//! The hosts vlab runs on.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// A host running vlab: what it has, and how it was at its last heartbeat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct NodeView {
    pub id: i64,
    pub name: String,
    /// Where the other nodes reach it.
    pub address: String,
    /// `online`, or `unreachable` when it has not heartbeated for a while.
    pub status: String,
    /// Whether it takes new VMs (a disabled node keeps its running ones).
    pub enabled: bool,
    /// The node answering this request.
    pub this_node: bool,
    pub cpus: u32,
    pub memory_mib: u64,
    pub memory_free_mib: u64,
    /// 1-minute load average.
    pub load: f64,
    /// Size and free space of its storage pools.
    pub pool_bytes: u64,
    pub pool_free_bytes: u64,
    /// `kvm` or `tcg`.
    pub accelerator: String,
    pub qemu_version: String,
    pub vlab_version: String,
    pub vms: u64,
    /// VMs with a QEMU process.
    pub running_vms: u64,
    pub started_at: String,
    pub heartbeat_at: String,
}

/// Enable or disable (drain) a node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NodePatch {
    pub enabled: bool,
}
