//! The domain. REST handlers and server functions are thin adapters over
//! these functions, so the two cannot drift apart.

pub mod audit;
pub mod auth;
pub mod console;
pub mod courses;
pub mod forwards;
pub mod labs;
pub mod logs;
pub mod metrics;
pub mod nodes;
pub mod quotas;
pub mod snapshots;
pub mod statistics;
pub mod system;
pub mod templates;
pub mod operations;
pub mod storage;
pub mod users;
pub mod vms;

use app::error::AppError;
use app::types::{ListQuery, Pagination};

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;
/// Pages past this are refused rather than counted to.
pub const MAX_PAGE: u32 = 1_000_000;
/// The longest search text a list takes.
pub const MAX_SEARCH_CHARS: usize = 100;

/// Validated paging of a list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub page_size: u32,
}

impl Paging {
    pub fn from_query(q: &ListQuery) -> Result<Paging, AppError> {
        let page = q.page.unwrap_or(1);
        let page_size = q.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page == 0 || page > MAX_PAGE {
            return Err(AppError::invalid("page", format!("must be between 1 and {MAX_PAGE}")));
        }
        if q.q.as_ref().is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS) {
            return Err(AppError::invalid("q", format!("must be at most {MAX_SEARCH_CHARS} characters")));
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(AppError::invalid("page_size", format!("must be between 1 and {MAX_PAGE_SIZE}")));
        }
        Ok(Paging { page, page_size })
    }

    pub fn offset(self) -> u64 {
        (self.page as u64 - 1) * self.page_size as u64
    }

    pub fn describe(self, total: u64) -> Pagination {
        Pagination {
            page: self.page,
            page_size: self.page_size,
            total,
            total_pages: total.div_ceil(self.page_size as u64) as u32,
        }
    }
}

/// Splits `-field` / `field` into (field, descending).
pub fn parse_sort(sort: Option<&str>) -> (Option<&str>, bool) {
    match sort.map(str::trim).filter(|s| !s.is_empty()) {
        None => (None, false),
        Some(s) => match s.strip_prefix('-') {
            Some(rest) => (Some(rest), true),
            None => (Some(s), false),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_validated_and_described() {
        let q = |page, page_size| ListQuery { page, page_size, ..Default::default() };
        assert_eq!(Paging::from_query(&q(None, None)).unwrap(), Paging { page: 1, page_size: 20 });
        assert_eq!(Paging::from_query(&q(Some(0), None)).unwrap_err().status(), 422);
        assert_eq!(Paging::from_query(&q(None, Some(101))).unwrap_err().status(), 422);
        let p = Paging::from_query(&q(Some(3), Some(10))).unwrap();
        assert_eq!(p.offset(), 20);
        let d = p.describe(21);
        assert_eq!((d.total, d.total_pages), (21, 3));
        assert_eq!(parse_sort(Some("-created_at")), (Some("created_at"), true));
        assert_eq!(parse_sort(Some("")), (None, false));
    }
}
