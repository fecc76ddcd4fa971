//! Wire types shared by the UI, server functions and the REST API.

use serde::{Deserialize, Serialize};

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
    /// `virtio` or `ide`.
    pub disk_bus: String,
    /// `user`, `none` or `bridge`.
    pub network: String,
    pub kernel: Option<String>,
    pub port_forwards: Vec<PortForwardView>,
    /// The ISO in the CD-ROM drive.
    pub iso_id: Option<i64>,
    /// Attached disks, in boot order.
    pub disk_ids: Vec<i64>,
    /// stopped, starting, running, paused, stopping or crashed.
    pub state: String,
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
    pub disk_bus: Option<String>,
    #[serde(default)]
    pub network: Option<String>,
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
    /// start, stop, shutdown, restart, pause, resume or reset.
    pub action: String,
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

/// What the UI asks of a VM's snapshots.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum SnapshotOp {
    Create { name: String },
    Revert { id: i64 },
    Delete { id: i64 },
}
