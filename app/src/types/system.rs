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
