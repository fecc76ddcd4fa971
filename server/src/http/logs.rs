//! `/vms/{id}/logs` (a VM's serial and QEMU logs) and `/system/logs`
//! (vlab's recent log).

use super::{ok, ApiPath, ApiQuery};
use crate::auth::{CurrentUser, RequireAdmin};
use crate::error::Result;
use crate::service::logs as svc;
use crate::state::AppState;
use app::types::{LogSource, SystemLog, VmLog};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/vms/{id}/logs", get(get_vm_log))
        .route("/vms/{id}/logs/download", get(download_vm_log))
        .route("/system/logs", get(get_system_log))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VmLogQuery {
    /// `serial` (default: what the guest wrote to its serial port) or `qemu` (QEMU's own messages).
    #[serde(default)]
    source: LogSource,
    /// First byte (default: `limit` bytes before the end).
    #[serde(default)]
    #[param(minimum = 0)]
    offset: Option<u64>,
    /// Bytes (default 65536).
    #[serde(default)]
    #[param(minimum = 1, maximum = 1048576)]
    limit: Option<u64>,
}

/// A range of a VM's serial log or QEMU's log; follow a log by asking again
/// from `next_offset`. Whoever may see the VM may read them.
#[utoipa::path(get, path = "/api/v1/vms/{id}/logs", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), VmLogQuery),
    responses((status = 200, description = "The range", body = VmLog)))]
pub async fn get_vm_log(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<VmLogQuery>,
) -> Result<Response> {
    Ok(ok(svc::vm_log(&state, &me, id, q.source, q.offset, q.limit).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// `serial` (default) or `qemu`.
    #[serde(default)]
    source: LogSource,
}

/// A VM's whole log as it is kept, as a text file.
#[utoipa::path(get, path = "/api/v1/vms/{id}/logs/download", tag = "vms", security(("bearer" = [])),
    params(("id" = i64, Path, description = "VM id"), DownloadQuery),
    responses((status = 200, description = "text/plain", content_type = "text/plain")))]
pub async fn download_vm_log(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response> {
    let bytes = svc::vm_log_whole(&state, &me, id, q.source).await?;
    let name = format!("attachment; filename=\"vm-{id}-{}.log\"", q.source.as_str());
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name), (header::CACHE_CONTROL, "no-store".into())], bytes)
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SystemLogQuery {
    /// The least severe level shown: `error`, `warn` or `info` (default).
    #[serde(default)]
    #[param(pattern = "^(error|warn|info)$")]
    level: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[param(format = DateTime)]
    since: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[param(format = DateTime)]
    until: Option<String>,
    /// Text the message or the target holds (case-insensitive).
    #[serde(default)]
    #[param(max_length = 100)]
    q: Option<String>,
    /// The newest this many (default 500).
    #[serde(default)]
    #[param(minimum = 1, maximum = 5000)]
    limit: Option<usize>,
}

/// vlab's own recent log on the node that answers (info and above, kept in
/// memory within 2 MiB, the oldest dropped first), oldest first.
#[utoipa::path(get, path = "/api/v1/system/logs", tag = "system", security(("bearer" = [])),
    params(SystemLogQuery),
    responses((status = 200, description = "Entries, oldest first", body = SystemLog), (status = 403, description = "FORBIDDEN")))]
pub async fn get_system_log(State(state): State<AppState>, RequireAdmin(admin): RequireAdmin, ApiQuery(q): ApiQuery<SystemLogQuery>) -> Result<Response> {
    Ok(ok(svc::system_log(&state, &admin, q.level.as_deref(), q.since.as_deref(), q.until.as_deref(), q.q.as_deref(), q.limit)?))
}
