//! `/disks`, `/isos`, and a VM's CD-ROM drive.

use super::{created, done, ok, page, ApiJson, ApiPath, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::storage as svc;
use crate::state::AppState;
use app::error::AppError;
use app::types::{CdromChange, DiskAttach, DiskResize, DiskView, IsoView, ListQuery, NewDisk, NewIso, VmView};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/disks", get(list_disks).post(create_disk))
        .route("/disks/{id}", get(get_disk).delete(delete_disk))
        .route("/disks/{id}/resize", post(resize_disk))
        .route("/disks/{id}/attach", post(attach_disk))
        .route("/disks/{id}/detach", post(detach_disk))
        .route("/isos", get(list_isos).post(begin_iso_upload))
        .route("/isos/{id}", get(get_iso).delete(delete_iso))
        .route(
            "/isos/{id}/content",
            put(upload_iso_chunk).layer(DefaultBodyLimit::max(svc::MAX_CHUNK_BYTES)),
        )
        .route("/vms/{id}/cdrom", put(change_vm_cdrom))
}

/// The caller's disks (admins: all).
#[utoipa::path(get, path = "/api/v1/disks", tag = "storage", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "A page of disks", body = [DiskView])))]
pub async fn list_disks(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response> {
    Ok(page(svc::list_disks(&state, &me, q).await?))
}

/// Create an empty disk image in vlab's pool.
#[utoipa::path(post, path = "/api/v1/disks", tag = "storage", security(("bearer" = [])), request_body = NewDisk,
    responses((status = 201, description = "Created", body = DiskView), (status = 422, description = "VALIDATION_FAILED")))]
pub async fn create_disk(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiJson(input): ApiJson<NewDisk>) -> Result<Response> {
    Ok(created(svc::create_disk(&state, &me, input).await?))
}

/// One disk, with virtual and actual size from `qemu-img info`.
#[utoipa::path(get, path = "/api/v1/disks/{id}", tag = "storage", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Disk id")),
    responses((status = 200, description = "The disk", body = DiskView), (status = 404, description = "DISK_NOT_FOUND")))]
pub async fn get_disk(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::get_disk(&state, &me, id).await?))
}

/// Grow a disk (its VM must be stopped).
#[utoipa::path(post, path = "/api/v1/disks/{id}/resize", tag = "storage", security(("bearer" = [])), request_body = DiskResize,
    params(("id" = i64, Path, description = "Disk id")),
    responses((status = 200, description = "Resized", body = DiskView), (status = 422, description = "Only growing is allowed")))]
pub async fn resize_disk(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<DiskResize>,
) -> Result<Response> {
    Ok(ok(svc::resize_disk(&state, &me, id, r).await?))
}

/// Attach a disk to a stopped VM.
#[utoipa::path(post, path = "/api/v1/disks/{id}/attach", tag = "storage", security(("bearer" = [])), request_body = DiskAttach,
    params(("id" = i64, Path, description = "Disk id")),
    responses((status = 200, description = "Attached", body = DiskView), (status = 409, description = "DISK_ATTACHED or VM_RUNNING")))]
pub async fn attach_disk(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(a): ApiJson<DiskAttach>,
) -> Result<Response> {
    Ok(ok(svc::attach_disk(&state, &me, id, a).await?))
}

/// Detach a disk from its (stopped) VM.
#[utoipa::path(post, path = "/api/v1/disks/{id}/detach", tag = "storage", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Disk id")),
    responses((status = 200, description = "Detached", body = DiskView), (status = 409, description = "VM_RUNNING")))]
pub async fn detach_disk(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::detach_disk(&state, &me, id).await?))
}

/// Delete a disk (refused while attached).
#[utoipa::path(delete, path = "/api/v1/disks/{id}", tag = "storage", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Disk id")),
    responses((status = 200, description = "Deleted"), (status = 409, description = "DISK_ATTACHED")))]
pub async fn delete_disk(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    svc::delete_disk(&state, &me, id).await?;
    Ok(done("disk deleted"))
}

/// The ISO library: finished ISOs, and your own unfinished uploads.
#[utoipa::path(get, path = "/api/v1/isos", tag = "storage", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "A page of ISOs", body = [IsoView])))]
pub async fn list_isos(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response> {
    Ok(page(svc::list_isos(&state, &me, q).await?))
}

/// Begin an ISO upload (teachers, admins): declare size and SHA-256, then
/// send the bytes with `PUT /isos/{id}/content?offset=`.
#[utoipa::path(post, path = "/api/v1/isos", tag = "storage", security(("bearer" = [])), request_body = NewIso,
    responses((status = 201, description = "Upload begun", body = IsoView), (status = 422, description = "VALIDATION_FAILED")))]
pub async fn begin_iso_upload(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiJson(input): ApiJson<NewIso>) -> Result<Response> {
    Ok(created(svc::begin_iso(&state, &me, input).await?))
}

/// One ISO; `received_bytes` tells where to resume an upload.
#[utoipa::path(get, path = "/api/v1/isos/{id}", tag = "storage", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ISO id")),
    responses((status = 200, description = "The ISO", body = IsoView), (status = 404, description = "ISO_NOT_FOUND")))]
pub async fn get_iso(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(svc::get_iso(&state, &me, id).await?))
}

/// Delete an ISO (refused while in a CD-ROM drive).
#[utoipa::path(delete, path = "/api/v1/isos/{id}", tag = "storage", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ISO id")),
    responses((status = 200, description = "Deleted"), (status = 409, description = "ISO_IN_USE")))]
pub async fn delete_iso(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    svc::delete_iso(&state, &me, id).await?;
    Ok(done("ISO deleted"))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChunkQuery {
    /// Byte offset of this chunk in the file.
    pub(super) offset: u64,
}

/// Send one chunk (at most 16 MiB) of an ISO as `application/octet-stream`.
/// The chunk that completes the file is checked against the SHA-256.
#[utoipa::path(put, path = "/api/v1/isos/{id}/content", tag = "storage", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ISO id"), ChunkQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Chunk stored", body = IsoView),
              (status = 409, description = "UPLOAD_OFFSET: resume at the offset given"),
              (status = 422, description = "Checksum mismatch: the upload was discarded")))]
pub async fn upload_iso_chunk(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ChunkQuery>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let body = chunk_body(body)?;
    Ok(ok(svc::upload_chunk(&state, &me, id, q.offset, &body).await?))
}

/// An upload chunk's body, or the 4xx saying what is wrong with it.
pub(super) fn chunk_body(body: std::result::Result<Bytes, BytesRejection>) -> Result<Bytes> {
    let body = body.map_err(|rej| {
        if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge { message: format!("a chunk may be at most {} bytes", svc::MAX_CHUNK_BYTES) }
        } else {
            AppError::bad_request("BAD_BODY", rej.body_text())
        }
    })?;
    if body.is_empty() {
        return Err(AppError::invalid("body", "the chunk is empty").into());
    }
    Ok(body)
}

/// Put an ISO in the VM's CD-ROM drive, or eject with `iso_id: null`.
/// Works on a running VM too.
#[utoipa::path(put, path = "/api/v1/vms/{id}/cdrom", tag = "vms", security(("bearer" = [])), request_body = CdromChange,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "Changed", body = VmView), (status = 409, description = "ISO_NOT_READY")))]
pub async fn change_vm_cdrom(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(c): ApiJson<CdromChange>,
) -> Result<Response> {
    Ok(ok(svc::change_cdrom(&state, &me, id, c).await?))
}
