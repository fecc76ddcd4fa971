//! Labs, their seats and the class wall's bulk actions.

use super::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// A lab: a template version handed out to every student of a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LabView {
    pub id: i64,
    pub course_id: i64,
    pub course_code: String,
    pub name: String,
    pub description: String,
    pub template_id: i64,
    pub template_name: String,
    pub template_version_id: i64,
    pub version: u32,
    pub cpus: u32,
    pub memory_mib: u32,
    /// RFC 3339 times; none means always open.
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    /// Start every student's VM this many minutes before `opens_at`.
    pub auto_start_minutes: Option<u32>,
    /// Stop every VM this many minutes after `closes_at`.
    pub auto_stop_minutes: Option<u32>,
    /// Stop a VM after this many minutes without console activity.
    pub idle_stop_minutes: Option<u32>,
    /// Whether the lab's VMs may open connections to other hosts (never to
    /// this one); each lab VM follows it.
    pub outbound: bool,
    pub vm_count: u32,
    /// The caller's own VM in this lab, if any.
    pub my_vm_id: Option<i64>,
    pub my_vm_state: Option<String>,
    pub created_at: String,
    /// The node an admin pinned the lab to: its VMs are made there.
    #[serde(default)]
    pub node_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLab {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub template_version_id: i64,
    #[serde(default)]
    pub cpus: Option<u32>,
    #[serde(default)]
    pub memory_mib: Option<u32>,
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    #[serde(default)]
    pub auto_start_minutes: Option<u32>,
    #[serde(default)]
    pub auto_stop_minutes: Option<u32>,
    #[serde(default)]
    pub idle_stop_minutes: Option<u32>,
    /// Default true.
    #[serde(default)]
    pub outbound: Option<bool>,
    /// Admins: make every VM of the lab on this node (default: students are
    /// spread over the nodes by free memory).
    #[serde(default)]
    pub node_id: Option<i64>,
}

/// Changes to a lab. A new `template_version_id` applies to VMs made or
/// reset from now on; students' current disks are left as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LabPatch {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub template_version_id: Option<i64>,
    /// Empty string clears the time.
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    /// 0 clears.
    #[serde(default)]
    pub auto_start_minutes: Option<u32>,
    #[serde(default)]
    pub auto_stop_minutes: Option<u32>,
    #[serde(default)]
    pub idle_stop_minutes: Option<u32>,
    /// Applies to every VM of the lab (a running one at its next start).
    #[serde(default)]
    pub outbound: Option<bool>,
    /// Admins: the node the lab's VMs are made on from now on (those made
    /// already stay where they are; an admin can move them); 0 unpins.
    #[serde(default)]
    pub node_id: Option<i64>,
}

/// A published lab and the operation making its VMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Publication {
    pub lab: LabView,
    pub operation: OperationView,
}

/// One student's place in a lab, for the class wall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SeatView {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub vm_id: Option<i64>,
    pub state: Option<String>,
    /// Last console use or start, RFC 3339.
    pub last_activity: Option<String>,
    /// The VM's CPU (percent of one host core) at each sample of the last
    /// five minutes, oldest first; empty when it did not run.
    pub cpu_recent: Vec<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkAction {
    pub action: BulkKind,
    pub vm_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BulkOutcome {
    pub vm_id: i64,
    pub ok: bool,
    pub error: Option<String>,
}

/// What a class wall does to the VMs it selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum BulkKind {
    Start,
    Stop,
    /// Back to the lab's baseline.
    Reset,
}

wire_names!(BulkKind { Start => "start", Stop => "stop", Reset => "reset" });

/// Reset a VM to its lab's baseline.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// Must be true: the VM's disk is replaced.
    pub confirm: bool,
}

/// What opening a lab did: the student's VM, started if it was not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OpenedLab {
    pub vm: VmView,
    pub operation: Option<OperationView>,
}
