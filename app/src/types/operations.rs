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
