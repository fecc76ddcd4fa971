//! Long work in progress.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

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

/// The work waiting and under way, per kind (`GET /operations/summary`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OperationSummary {
    pub pending: u64,
    pub running: u64,
    /// Kinds with unfinished operations, by kind.
    pub kinds: Vec<KindQueue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct KindQueue {
    pub kind: String,
    pub pending: u64,
    pub running: u64,
    /// When the oldest unfinished one was asked for (RFC 3339), and how long ago.
    pub oldest_at: String,
    pub oldest_age_secs: u64,
}

/// How each kind of operation went since `since` (`GET /operations/stats`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OperationStats {
    pub since: String,
    pub kinds: Vec<KindStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct KindStats {
    pub kind: String,
    pub total: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub cancelled: u64,
    /// Still pending or running.
    pub unfinished: u64,
    /// Failed of those finished, 0 to 1.
    pub failure_rate: f64,
    /// Of those finished, from request to end.
    pub median_secs: Option<f64>,
}
