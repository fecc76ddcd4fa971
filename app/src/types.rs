//! Wire types shared by the UI, server functions and the REST API.

use serde::{Deserialize, Serialize};

pub use crate::lifecycle::{Action, VmState};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// What a user may do. Closed: anything else is rejected at parse time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Student,
    Teacher,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Student, Role::Teacher, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Teacher => "teacher",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A user as others see it. Never carries a password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

/// Input for creating a user (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    pub role: Role,
}

/// Partial update of a user (admin). Absent fields are left alone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
}

/// Username + password, for the login endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Result of an API login: a bearer token, shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LoginGrant {
    pub token: String,
    pub token_type: String,
    /// RFC 3339.
    pub expires_at: String,
    pub user: UserView,
}

/// Change one's own password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Admin sets a new password for a user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub new_password: String,
}

/// Input for a personal API token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    /// Lifetime in days; absent means it never expires.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

/// A personal API token as listed: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// A token just created: the secret is in `token` and is shown only here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreatedToken {
    pub token: String,
    pub info: TokenView,
}

/// Paging, sorting and search for list endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// 1-based page number (default 1).
    #[serde(default)]
    pub page: Option<u32>,
    /// Items per page, 1..=100 (default 20).
    #[serde(default)]
    pub page_size: Option<u32>,
    /// Field to sort by; prefix with `-` for descending.
    #[serde(default)]
    pub sort: Option<String>,
    /// Free-text search.
    #[serde(default)]
    pub q: Option<String>,
    /// Filter by role (users only).
    #[serde(default)]
    pub role: Option<Role>,
}

/// Where a list page sits in the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Pagination {
    pub page: u32,
    pub page_size: u32,
    pub total: u64,
    pub total_pages: u32,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub pagination: Pagination,
}

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

/// A long-running piece of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OperationView {
    pub id: i64,
    pub kind: String,
    pub target_kind: String,
    pub target_id: i64,
    /// pending, running, succeeded, failed or cancelled.
    pub status: String,
    pub progress: u8,
    pub error: Option<String>,
    pub requested_by: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
}

/// A disk image in vlab's storage pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DiskView {
    pub id: i64,
    pub name: String,
    pub owner_id: i64,
    /// qcow2, raw or vmdk.
    pub format: String,
    /// Size the guest sees.
    pub virtual_size: u64,
    /// Space used on the host (from `qemu-img info`, when asked for one disk).
    pub actual_size: Option<u64>,
    pub vm_id: Option<i64>,
    pub created_at: String,
}

/// A new, empty disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDisk {
    pub name: String,
    /// qcow2 (default), raw or vmdk.
    #[serde(default)]
    pub format: Option<String>,
    pub size_mib: u64,
}

/// Grow a disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DiskResize {
    pub size_mib: u64,
}

/// Attach a disk to a (stopped) VM.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DiskAttach {
    pub vm_id: i64,
}

/// An ISO image in the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct IsoView {
    pub id: i64,
    pub name: String,
    pub owner_id: i64,
    pub size_bytes: u64,
    pub sha256: String,
    /// How much has arrived; resume an upload from here.
    pub received_bytes: u64,
    /// uploading or ready.
    pub status: String,
    pub created_at: String,
    /// The demo guest vlab put into a new library (an admin may delete it).
    #[serde(default)]
    pub demo: bool,
}

/// Begins an upload: the size and SHA-256 the finished file must have.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewIso {
    pub name: String,
    pub size_bytes: u64,
    /// Hex SHA-256 of the whole file.
    pub sha256: String,
}

/// Which ISO is in a VM's CD-ROM drive (`null` ejects).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CdromChange {
    pub iso_id: Option<i64>,
}

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

// ---- Classroom: courses, members, templates, labs, quotas, statistics ----

/// A course. `my_role` is the caller's role in it (`teacher`, `student`),
/// none for admins who are not members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CourseView {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub term: String,
    pub description: String,
    pub archived: bool,
    /// Keep a student's old disk for the teacher when the VM is reset.
    pub keep_reset_disks: bool,
    pub my_role: Option<String>,
    pub teachers: u32,
    pub students: u32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    /// Short unique code, e.g. `NET-101`.
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub term: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub keep_reset_disks: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoursePatch {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub term: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub archived: Option<bool>,
    #[serde(default)]
    pub keep_reset_disks: Option<bool>,
}

/// A teacher or student of a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MemberView {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// `teacher` or `student`.
    pub role: String,
    pub added_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub username: String,
    /// `teacher` or `student`.
    pub role: String,
}

/// An account made by a CSV enrolment, with its one-time password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreatedAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// What a CSV enrolment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct EnrolmentReport {
    /// Existing accounts newly enrolled.
    pub enrolled: Vec<String>,
    /// Already students of the course.
    pub unchanged: Vec<String>,
    /// New accounts; each password is shown this once.
    pub created: Vec<CreatedAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TemplateVersionView {
    pub id: i64,
    pub template_id: i64,
    pub version: u32,
    pub note: String,
    pub size_bytes: u64,
    /// `uploading` or `ready`.
    pub status: String,
    pub received_bytes: u64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TemplateView {
    pub id: i64,
    pub course_id: i64,
    pub name: String,
    pub description: String,
    pub cpus: u32,
    pub memory_mib: u32,
    pub disk_bus: DiskBus,
    pub kernel: Option<String>,
    /// Oldest first.
    pub versions: Vec<TemplateVersionView>,
    pub created_at: String,
}

/// A template from a prepared, stopped VM (`vm_id`), or an image upload
/// (`upload`): one of the two.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTemplate {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub vm_id: Option<i64>,
    #[serde(default)]
    pub upload: Option<ImageUpload>,
    #[serde(default)]
    pub cpus: Option<u32>,
    #[serde(default)]
    pub memory_mib: Option<u32>,
    /// For uploads: a kernel from the kernels pool to boot directly.
    #[serde(default)]
    pub kernel: Option<String>,
}

/// A qcow2 image to be sent in chunks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImageUpload {
    pub size_bytes: u64,
    pub sha256: String,
}

/// A new version of a template: from a VM or an upload, as for a new template.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTemplateVersion {
    #[serde(default)]
    pub vm_id: Option<i64>,
    #[serde(default)]
    pub upload: Option<ImageUpload>,
    #[serde(default)]
    pub note: Option<String>,
}

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
    pub vm_count: u32,
    /// The caller's own VM in this lab, if any.
    pub my_vm_id: Option<i64>,
    pub my_vm_state: Option<String>,
    pub created_at: String,
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
}

/// A published lab and the operation making its VMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Publication {
    pub lab: LabView,
    pub operation: OperationView,
}

/// One student's place in a lab, for the class wall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SeatView {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub vm_id: Option<i64>,
    pub state: Option<String>,
    /// Last console use or start, RFC 3339.
    pub last_activity: Option<String>,
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

/// Limits; none means unlimited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuotaLimits {
    #[serde(default)]
    pub max_vms: Option<u64>,
    #[serde(default)]
    pub max_vcpus: Option<u64>,
    #[serde(default)]
    pub max_memory_mib: Option<u64>,
    #[serde(default)]
    pub max_disk_mib: Option<u64>,
    #[serde(default)]
    pub max_running_vms: Option<u64>,
    #[serde(default)]
    pub max_running_vcpus: Option<u64>,
    #[serde(default)]
    pub max_running_memory_mib: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QuotaUsage {
    pub vms: u64,
    pub vcpus: u64,
    pub memory_mib: u64,
    pub disk_mib: u64,
    pub running_vms: u64,
    pub running_vcpus: u64,
    pub running_memory_mib: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QuotaView {
    pub limits: QuotaLimits,
    pub usage: QuotaUsage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub lab_id: i64,
    pub lab_name: String,
    pub vm_id: i64,
    pub running_hours: f64,
    pub console_minutes: f64,
    pub starts: u32,
    pub resets: u32,
    pub last_activity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatTotals {
    pub students: u32,
    pub vms: u32,
    pub running_hours: f64,
    pub console_minutes: f64,
    pub starts: u32,
    pub resets: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CourseStatistics {
    pub course_id: i64,
    pub rows: Vec<StatRow>,
    pub totals: StatTotals,
}

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

/// The names enums have on the wire and in the database.
macro_rules! wire_names {
    ($t:ty { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)+ _ => None }
            }
        }
    };
}
wire_names!(DiskBus { Virtio => "virtio", Ide => "ide" });
wire_names!(NetworkMode { User => "user", None => "none", Bridge => "bridge" });
wire_names!(BulkKind { Start => "start", Stop => "stop", Reset => "reset" });
