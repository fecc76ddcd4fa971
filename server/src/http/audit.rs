//! `/audit`: the audit trail for admins, and for teachers their courses' part.

use super::{page, ApiQuery};
use crate::auth::RequireTeacher;
use crate::error::Result;
use crate::service::audit as svc;
use crate::state::AppState;
use app::types::{AuditEntry, AuditQuery, AuditTarget, ListQuery};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list_audit)).route("/audit/export", get(export_audit))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Who asked.
    #[serde(default)]
    user_id: Option<i64>,
    /// What it was done to.
    #[serde(default)]
    target_kind: Option<AuditTarget>,
    #[serde(default)]
    target_id: Option<i64>,
    /// Actions starting with this, e.g. `vm.` or `vm.start`.
    #[serde(default)]
    #[param(max_length = 64)]
    action: Option<String>,
    /// `ok` or `error`.
    #[serde(default)]
    #[param(pattern = "^(ok|error)$")]
    result: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[param(format = DateTime)]
    from: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[param(format = DateTime)]
    to: Option<String>,
    /// 1-based page number (default 1).
    #[serde(default)]
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Items per page, 1..=100 (default 20).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<u32>,
}

impl AuditParams {
    fn split(self) -> (AuditQuery, ListQuery) {
        let q = AuditQuery {
            user_id: self.user_id,
            target_kind: self.target_kind.map(|k| k.as_str().to_owned()),
            target_id: self.target_id,
            action: self.action,
            result: self.result,
            from: self.from,
            to: self.to,
        };
        (q, ListQuery { page: self.page, page_size: self.page_size, ..Default::default() })
    }
}

/// Every change asked of vlab (through the API, the UI or the lab
/// scheduler), newest first: when, who, from where, what, on which target,
/// and how it ended. Admins read all; teachers what was done to their
/// courses and what is in them.
#[utoipa::path(get, path = "/api/v1/audit", tag = "system", security(("bearer" = [])),
    params(AuditParams),
    responses((status = 200, description = "A page of events", body = [AuditEntry]), (status = 403, description = "FORBIDDEN")))]
pub async fn list_audit(State(state): State<AppState>, RequireTeacher(reader): RequireTeacher, ApiQuery(p): ApiQuery<AuditParams>) -> Result<Response> {
    let (q, paging) = p.split();
    Ok(page(svc::list(&state, &reader, &q, &paging).await?))
}

/// The same events as CSV, oldest first (the newest 10,000; `page` and
/// `page_size` are ignored).
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "system", security(("bearer" = [])),
    params(AuditParams),
    responses((status = 200, description = "text/csv", content_type = "text/csv"), (status = 403, description = "FORBIDDEN")))]
pub async fn export_audit(State(state): State<AppState>, RequireTeacher(reader): RequireTeacher, ApiQuery(p): ApiQuery<AuditParams>) -> Result<Response> {
    let (q, paging) = p.split();
    crate::service::Paging::from_query(&paging)?;
    let csv = svc::export(&state, &reader, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"vlab-audit.csv\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}
