//! Disks and the ISO library.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

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
    /// The node (host) its file lives on.
    #[serde(default)]
    pub node_id: Option<i64>,
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
    /// The node to make it on, e.g. the node of the VM it is for (default:
    /// the node answering).
    #[serde(default)]
    pub node_id: Option<i64>,
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
