//! Templates: the base images of labs.

use super::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

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
