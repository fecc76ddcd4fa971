//! Quota limits and usage.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

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
