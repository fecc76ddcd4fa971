//! What a running VM uses now, as its host sees it.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// A VM's use of its host at one moment (`sampled_at`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VmMetrics {
    pub vm_id: i64,
    /// RFC 3339.
    pub sampled_at: String,
    /// Seconds since its QEMU started.
    pub uptime_secs: u64,
    pub cpu: CpuMetrics,
    pub memory: MemoryMetrics,
    /// One entry per attached disk, in boot order.
    pub disks: Vec<DiskMetrics>,
    pub network: NetworkMetrics,
}

/// CPU time over the last moment, in percent of one host core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CpuMetrics {
    /// The whole QEMU process (vCPUs, device emulation, I/O threads).
    pub process_percent: f64,
    /// Its vCPU threads only: what the guest itself ran.
    pub vcpu_percent: f64,
    /// The VM's vCPUs (100% each at most).
    pub vcpus: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MemoryMetrics {
    /// The memory the VM was given.
    pub configured_mib: u32,
    /// Host memory its QEMU holds now (resident set).
    pub rss_bytes: u64,
    /// Memory in use inside the guest, when the guest reports it (a balloon
    /// driver or guest agent); `null` otherwise, with `guest_note` saying why.
    pub guest_used_bytes: Option<u64>,
    pub guest_note: Option<String>,
}

/// I/O of one disk since the VM started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DiskMetrics {
    pub disk_id: i64,
    pub read_bytes: u64,
    pub write_bytes: u64,
    pub read_ops: u64,
    pub write_ops: u64,
}

/// Network traffic since the VM started, where its backend counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct NetworkMetrics {
    /// Counters exist (a tap device); without them the bytes are `null`.
    pub available: bool,
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
    /// Why there are no counters, when there are none.
    pub note: Option<String>,
}

/// A VM's history at `step_secs` from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VmHistory {
    pub vm_id: i64,
    pub step_secs: u64,
    /// RFC 3339.
    pub from: String,
    pub to: String,
    /// Oldest first; a step with no sample (the VM was off) has no point.
    pub points: Vec<HistoryPoint>,
}

/// One step of a VM's history: averages over the step, rates per second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HistoryPoint {
    /// The step's start, RFC 3339.
    pub at: String,
    pub cpu_percent: f64,
    pub vcpu_percent: f64,
    pub rss_bytes: u64,
    pub read_bytes_per_sec: f64,
    pub write_bytes_per_sec: f64,
    /// `null` where the VM's network has no counters.
    pub rx_bytes_per_sec: Option<f64>,
    pub tx_bytes_per_sec: Option<f64>,
}

/// Which of a VM's logs: what its guest wrote to the serial port, or what
/// QEMU itself said (its stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LogSource {
    #[default]
    Serial,
    Qemu,
}

impl LogSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LogSource::Serial => "serial",
            LogSource::Qemu => "qemu",
        }
    }
}

/// A range of one of a VM's logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VmLog {
    pub vm_id: i64,
    pub source: LogSource,
    /// Bytes the log holds now (the serial log keeps only its newest
    /// `serial_log_max_kib`; offsets count from the oldest byte kept).
    pub size: u64,
    /// Where `text` starts.
    pub offset: u64,
    /// The bytes from `offset` (invalid UTF-8 shown as U+FFFD).
    pub text: String,
    /// Where the next range starts: ask from here to follow the log.
    pub next_offset: u64,
}

/// One event of vlab's own log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LogEntry {
    /// RFC 3339, to the millisecond.
    pub at: String,
    /// `error`, `warn` or `info`.
    pub level: String,
    /// The part of vlab that wrote it.
    pub target: String,
    pub message: String,
}

/// vlab's recent log on the node that answers, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SystemLog {
    pub node: String,
    pub entries: Vec<LogEntry>,
    /// Older entries dropped so far to keep the log within `max_bytes`.
    pub dropped: u64,
    pub max_bytes: u64,
}

/// The spans the UI's charts show, each with the step it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ChartRange {
    #[default]
    #[serde(rename = "1h")]
    Hour,
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
}

impl ChartRange {
    pub const ALL: [ChartRange; 3] = [ChartRange::Hour, ChartRange::Day, ChartRange::Week];

    pub fn label(self) -> &'static str {
        match self {
            ChartRange::Hour => "1h",
            ChartRange::Day => "24h",
            ChartRange::Week => "7d",
        }
    }

    pub fn secs(self) -> i64 {
        match self {
            ChartRange::Hour => 3600,
            ChartRange::Day => 86_400,
            ChartRange::Week => 7 * 86_400,
        }
    }

    /// Seconds per point: 360, 144 and 168 points (the history rounds it up
    /// to what its tier holds).
    pub fn step(self) -> u64 {
        match self {
            ChartRange::Hour => 10,
            ChartRange::Day => 600,
            ChartRange::Week => 3600,
        }
    }
}
