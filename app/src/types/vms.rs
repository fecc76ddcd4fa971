//! Virtual machines, their port forwards and snapshots.

use super::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// A forwarded port: host 127.0.0.1:`host_port` reaches the guest's `guest_port`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct PortForwardView {
    pub id: i64,
    /// `tcp` or `udp`.
    pub protocol: String,
    pub host_port: u16,
    pub guest_port: u16,
}

/// A port forward to add. Without `host_port`, one is allocated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPortForward {
    #[serde(default = "default_protocol")]
    pub protocol: String,
    #[serde(default)]
    pub host_port: Option<u16>,
    pub guest_port: u16,
}

fn default_protocol() -> String {
    "tcp".into()
}

/// A virtual machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VmView {
    pub id: i64,
    pub uuid: String,
    pub name: String,
    pub description: String,
    pub owner_id: i64,
    pub owner: String,
    pub cpus: u32,
    pub memory_mib: u32,
    /// QEMU boot order letters: c disk, d CD-ROM, n network.
    pub boot_order: String,
    pub disk_bus: DiskBus,
    pub network: NetworkMode,
    /// With user-mode networking: the guest may open connections to other
    /// hosts (never to vlab's own host).
    pub outbound: bool,
    pub kernel: Option<String>,
    pub port_forwards: Vec<PortForwardView>,
    /// The ISO in the CD-ROM drive.
    pub iso_id: Option<i64>,
    /// The lab this VM was handed out for, if any.
    pub lab_id: Option<i64>,
    /// Attached disks, in boot order.
    pub disk_ids: Vec<i64>,
    pub state: VmState,
    /// Why the VM is in its state, e.g. how it crashed.
    pub state_reason: Option<String>,
    /// The stored configuration differs from the running one.
    pub needs_restart: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The node (host) its disks and QEMU live on.
    #[serde(default)]
    pub node_id: Option<i64>,
}

/// Input for creating a VM.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVm {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub cpus: Option<u32>,
    #[serde(default)]
    pub memory_mib: Option<u32>,
    #[serde(default)]
    pub boot_order: Option<String>,
    #[serde(default)]
    pub disk_bus: Option<DiskBus>,
    #[serde(default)]
    pub network: Option<NetworkMode>,
    /// User-mode networking: may the guest reach other hosts (default true)?
    #[serde(default)]
    pub outbound: Option<bool>,
    /// A kernel bundle from the kernels pool (direct kernel boot).
    #[serde(default)]
    pub kernel: Option<String>,
    #[serde(default)]
    pub port_forwards: Vec<NewPortForward>,
    /// An ISO from the library for the CD-ROM drive.
    #[serde(default)]
    pub iso_id: Option<i64>,
    /// With `network: bridge`: one of the bridges the admin configured.
    #[serde(default)]
    pub bridge: Option<String>,
    /// Admins and teachers may create a VM for someone else.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Admins: the node to make it on. Otherwise vlab picks the enabled,
    /// online node with the most free memory.
    #[serde(default)]
    pub node_id: Option<i64>,
}

/// Changes to a VM's configuration. Applied at the next start when running.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VmPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub cpus: Option<u32>,
    #[serde(default)]
    pub memory_mib: Option<u32>,
    #[serde(default)]
    pub boot_order: Option<String>,
    /// For a lab VM only the lab's teachers change this.
    #[serde(default)]
    pub outbound: Option<bool>,
}

/// Move a stopped VM (its disks copied and checked) to another node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VmMove {
    pub node_id: i64,
}

/// A lifecycle request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StateChangeRequest {
    pub action: Action,
    /// With `shutdown`: power off at once if the guest has not after `timeout`.
    #[serde(default)]
    pub force: Option<bool>,
    /// Seconds to wait for a graceful shutdown (default 30, at most 600).
    #[serde(default)]
    pub timeout: Option<u32>,
}

/// How a VM's disks are attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DiskBus {
    #[default]
    Virtio,
    /// For old guests without virtio drivers.
    Ide,
}

/// How a VM reaches the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    /// User-mode NAT, with port forwards.
    #[default]
    User,
    None,
    /// A tap on a bridge the admin configured.
    Bridge,
}

wire_names!(DiskBus { Virtio => "virtio", Ide => "ide" });

wire_names!(NetworkMode { User => "user", None => "none", Bridge => "bridge" });

/// A point a VM's disks can be put back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SnapshotView {
    pub id: i64,
    pub vm_id: i64,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSnapshot {
    pub name: String,
}
