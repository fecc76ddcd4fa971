//! `/courses/{id}/templates`, `/templates`, `/template-versions`: base images for labs.

use super::storage::{chunk_body, ChunkQuery};
use super::{created, done, ok, ApiJson, ApiPath, ApiQuery};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::templates;
use crate::state::AppState;
use app::types::{NewTemplate, NewTemplateVersion, TemplateVersionView, TemplateView};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{id}/templates", get(list_templates).post(create_template))
        .route("/templates/{id}", get(get_template))
        .route("/templates/{id}/versions", post(add_template_version))
        .route(
            "/template-versions/{id}/content",
            put(upload_template_chunk).layer(DefaultBodyLimit::max(crate::service::storage::MAX_CHUNK_BYTES)),
        )
        .route("/template-versions/{id}", delete(delete_template_version))
}

/// The course's templates with their versions.
#[utoipa::path(get, path = "/api/v1/courses/{id}/templates", tag = "templates", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Templates", body = [TemplateView])))]
pub async fn list_templates(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(templates::list(&state, &me, id).await?))
}

/// Make a template from a prepared, stopped VM (its disk becomes the
/// read-only base and the VM continues on an overlay), or start an image
/// upload (`upload`), then send chunks to `/template-versions/{id}/content`.
#[utoipa::path(post, path = "/api/v1/courses/{id}/templates", tag = "templates", security(("bearer" = [])), request_body = NewTemplate,
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 201, description = "Created", body = TemplateView), (status = 409, description = "VM_RUNNING"),
              (status = 422, description = "VALIDATION_FAILED")))]
pub async fn create_template(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewTemplate>,
) -> Result<Response> {
    Ok(created(templates::create(&state, &me, id, input).await?))
}

/// One template with its versions.
#[utoipa::path(get, path = "/api/v1/templates/{id}", tag = "templates", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Template id")),
    responses((status = 200, description = "The template", body = TemplateView)))]
pub async fn get_template(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(templates::get(&state, &me, id).await?))
}

/// Add a version from a VM or an upload. Students' existing VMs keep the
/// version they were made from.
#[utoipa::path(post, path = "/api/v1/templates/{id}/versions", tag = "templates", security(("bearer" = [])), request_body = NewTemplateVersion,
    params(("id" = i64, Path, description = "Template id")),
    responses((status = 201, description = "The template with the new version", body = TemplateView)))]
pub async fn add_template_version(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewTemplateVersion>,
) -> Result<Response> {
    Ok(created(templates::add(&state, &me, id, input).await?))
}

/// Send one chunk (at most 16 MiB) of a version's qcow2 image. The last
/// chunk checks the SHA-256, the format (by content) and `qemu-img check`;
/// a raw file, a broken image or one naming a backing file is refused (422)
/// and discarded.
#[utoipa::path(put, path = "/api/v1/template-versions/{id}/content", tag = "templates", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Template version id"), ChunkQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Chunk stored", body = TemplateVersionView),
              (status = 409, description = "UPLOAD_OFFSET"), (status = 422, description = "Not a valid qcow2 image; discarded")))]
pub async fn upload_template_chunk(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ChunkQuery>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let body = chunk_body(body)?;
    Ok(ok(templates::upload_chunk(&state, &me, id, q.offset, &body).await?))
}

/// Delete a version no lab or disk uses (and its template, if it was the last).
#[utoipa::path(delete, path = "/api/v1/template-versions/{id}", tag = "templates", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Template version id")),
    responses((status = 200, description = "Deleted"), (status = 409, description = "TEMPLATE_VERSION_IN_USE")))]
pub async fn delete_template_version(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    templates::delete_version(&state, &me, id).await?;
    Ok(done("template version deleted"))
}
