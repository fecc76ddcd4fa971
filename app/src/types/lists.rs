//! Paging of every list.

use super::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// Paging, sorting and search for list endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// 1-based page number (default 1).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1))]
    pub page: Option<u32>,
    /// Items per page, 1..=100 (default 20).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 100))]
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
