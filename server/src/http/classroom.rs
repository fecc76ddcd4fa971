//! `/courses`, `/templates`, `/labs`, quotas and statistics.

use super::storage::{chunk_body, ChunkQuery};
use super::{accepted, created, done, ok, page, ApiJson, ApiPath, ApiQuery};
use crate::auth::{CurrentUser, RequireAdmin, RequireTeacher};
use crate::error::Result;
use crate::service::{courses, labs, quotas, statistics, templates};
use crate::state::AppState;
use app::error::AppError;
use app::types::{
    BulkAction, BulkOutcome, CoursePatch, CourseStatistics, CourseView, EnrolmentReport, LabPatch, LabView, ListQuery, MemberView,
    NewCourse, NewLab, NewMember, NewTemplate, NewTemplateVersion, OpenedLab, Publication, QuotaLimits, QuotaView, ResetRequest,
    SeatView, TemplateVersionView, TemplateView, VmView,
};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Router;
use serde::Deserialize;

/// Largest enrolment CSV.
const MAX_CSV_BYTES: usize = 1 << 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses", get(list_courses).post(create_course))
        .route("/courses/{id}", get(get_course).patch(update_course).delete(delete_course))
        .route("/courses/{id}/members", get(list_members).post(add_member))
        .route("/courses/{id}/members/csv", post(enrol_csv).layer(DefaultBodyLimit::max(MAX_CSV_BYTES)))
        .route("/courses/{id}/members/{user_id}", delete(remove_member))
        .route("/courses/{id}/templates", get(list_templates).post(create_template))
        .route("/courses/{id}/labs", get(list_labs).post(publish_lab))
        .route("/courses/{id}/quota", get(get_course_quota).put(set_course_quota))
        .route("/courses/{id}/statistics", get(get_statistics))
        .route("/courses/{id}/statistics.csv", get(get_statistics_csv))
        .route("/templates/{id}", get(get_template))
        .route("/templates/{id}/versions", post(add_template_version))
        .route(
            "/template-versions/{id}/content",
            put(upload_template_chunk).layer(DefaultBodyLimit::max(crate::service::storage::MAX_CHUNK_BYTES)),
        )
        .route("/template-versions/{id}", delete(delete_template_version))
        .route("/labs/{id}", get(get_lab).patch(update_lab).delete(delete_lab))
        .route("/labs/{id}/open", post(open_lab))
        .route("/labs/{id}/seats", get(list_seats))
        .route("/labs/{id}/bulk", post(bulk_lab))
        .route("/me/labs", get(my_labs))
        .route("/vms/{id}/reset-baseline", post(reset_vm))
        .route("/users/{id}/quota", get(get_user_quota).put(set_user_quota))
}

/// Courses the caller belongs to (admins: all), paginated; `q` searches code and title.
#[utoipa::path(get, path = "/api/v1/courses", tag = "courses", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "A page of courses", body = [CourseView])))]
pub async fn list_courses(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiQuery(q): ApiQuery<ListQuery>) -> Result<Response> {
    Ok(page(courses::list(&state, &me, q).await?))
}

/// Create a course (teachers and admins); a teacher who creates it teaches it.
#[utoipa::path(post, path = "/api/v1/courses", tag = "courses", security(("bearer" = [])), request_body = NewCourse,
    responses((status = 201, description = "Created", body = CourseView), (status = 409, description = "COURSE_CODE_TAKEN")))]
pub async fn create_course(State(state): State<AppState>, RequireTeacher(me): RequireTeacher, ApiJson(input): ApiJson<NewCourse>) -> Result<Response> {
    Ok(created(courses::create(&state, &me, input).await?))
}

/// One course (members and admins).
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "The course", body = CourseView), (status = 404, description = "COURSE_NOT_FOUND")))]
pub async fn get_course(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(courses::get(&state, &me, id).await?))
}

/// Change a course (its teachers and admins), e.g. archive it.
#[utoipa::path(patch, path = "/api/v1/courses/{id}", tag = "courses", security(("bearer" = [])), request_body = CoursePatch,
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Updated", body = CourseView)))]
pub async fn update_course(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<CoursePatch>,
) -> Result<Response> {
    Ok(ok(courses::update(&state, &me, id, patch).await?))
}

/// Delete a course with no labs or templates left.
#[utoipa::path(delete, path = "/api/v1/courses/{id}", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Deleted"), (status = 409, description = "COURSE_IN_USE")))]
pub async fn delete_course(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    courses::delete(&state, &me, id).await?;
    Ok(done("course deleted"))
}

/// Teachers and students of a course.
#[utoipa::path(get, path = "/api/v1/courses/{id}/members", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Members", body = [MemberView])))]
pub async fn list_members(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(courses::members(&state, &me, id).await?))
}

/// Add a teacher or student by username (or change their role).
#[utoipa::path(post, path = "/api/v1/courses/{id}/members", tag = "courses", security(("bearer" = [])), request_body = NewMember,
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Members now", body = [MemberView])))]
pub async fn add_member(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(m): ApiJson<NewMember>,
) -> Result<Response> {
    Ok(ok(courses::add_member(&state, &me, id, m).await?))
}

/// Remove a member.
#[utoipa::path(delete, path = "/api/v1/courses/{id}/members/{user_id}", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id"), ("user_id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Removed"), (status = 404, description = "MEMBER_NOT_FOUND")))]
pub async fn remove_member(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath((id, user_id)): ApiPath<(i64, i64)>) -> Result<Response> {
    courses::remove_member(&state, &me, id, user_id).await?;
    Ok(done("member removed"))
}

/// Enrol students from CSV (`text/csv`, lines `username,name[,email]`, an
/// optional header). Unknown usernames get new student accounts whose
/// one-time passwords are in the answer. All or nothing: any bad line
/// refuses the file with every problem named by line.
#[utoipa::path(post, path = "/api/v1/courses/{id}/members/csv", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "What was done", body = EnrolmentReport), (status = 422, description = "Problems by line")))]
pub async fn enrol_csv(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let body = body.map_err(|rej| AppError::bad_request("BAD_BODY", rej.body_text()))?;
    let text = std::str::from_utf8(&body).map_err(|_| AppError::invalid("csv", "must be UTF-8 text"))?;
    Ok(ok(courses::enrol_csv(&state, &me, id, text).await?))
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

/// The course's labs (students see them too).
#[utoipa::path(get, path = "/api/v1/courses/{id}/labs", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Labs", body = [LabView])))]
pub async fn list_labs(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::list(&state, &me, id).await?))
}

/// Publish a lab: every enrolled student gets a linked clone of the
/// template version. 202 with the lab and the operation making the clones.
#[utoipa::path(post, path = "/api/v1/courses/{id}/labs", tag = "labs", security(("bearer" = [])), request_body = NewLab,
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 202, description = "Publishing; follow the operation", body = Publication),
              (status = 409, description = "QUOTA_EXCEEDED, LAB_NAME_TAKEN")))]
pub async fn publish_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NewLab>,
) -> Result<Response> {
    Ok(accepted(labs::publish(&state, &me, id, input).await?))
}

/// One lab.
#[utoipa::path(get, path = "/api/v1/labs/{id}", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "The lab", body = LabView)))]
pub async fn get_lab(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::get(&state, &me, id).await?))
}

/// Change a lab's schedule, description or template version (new VMs and
/// resets use the new version; current disks are kept).
#[utoipa::path(patch, path = "/api/v1/labs/{id}", tag = "labs", security(("bearer" = [])), request_body = LabPatch,
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "Updated", body = LabView)))]
pub async fn update_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<LabPatch>,
) -> Result<Response> {
    Ok(ok(labs::update(&state, &me, id, patch).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeleteLabQuery {
    /// Delete the students' VMs and disks too (needed when there are any).
    #[serde(default)]
    delete_vms: bool,
}

/// Delete a lab.
#[utoipa::path(delete, path = "/api/v1/labs/{id}", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id"), DeleteLabQuery),
    responses((status = 200, description = "Deleted"), (status = 409, description = "LAB_HAS_VMS")))]
pub async fn delete_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DeleteLabQuery>,
) -> Result<Response> {
    labs::delete(&state, &me, id, q.delete_vms).await?;
    Ok(done("lab deleted"))
}

/// Open the caller's VM in the lab: made on first open, started if needed.
#[utoipa::path(post, path = "/api/v1/labs/{id}/open", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "The VM, and the start operation if one was needed", body = OpenedLab),
              (status = 409, description = "LAB_NOT_OPEN, LAB_CLOSED, QUOTA_EXCEEDED, HOST_MEMORY_FULL")))]
pub async fn open_lab(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::open(&state, &me, id).await?))
}

/// Every student of the lab with their VM's state and last activity (teachers).
#[utoipa::path(get, path = "/api/v1/labs/{id}/seats", tag = "labs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "Seats", body = [SeatView])))]
pub async fn list_seats(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(labs::seats(&state, &me, id).await?))
}

/// Start, stop or reset selected student VMs of the lab.
#[utoipa::path(post, path = "/api/v1/labs/{id}/bulk", tag = "labs", security(("bearer" = [])), request_body = BulkAction,
    params(("id" = i64, Path, description = "Lab id")),
    responses((status = 200, description = "One outcome per VM", body = [BulkOutcome])))]
pub async fn bulk_lab(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<BulkAction>,
) -> Result<Response> {
    Ok(ok(labs::bulk(&state, &me, id, req).await?))
}

/// The caller's labs as a student.
#[utoipa::path(get, path = "/api/v1/me/labs", tag = "labs", security(("bearer" = [])),
    responses((status = 200, description = "My labs", body = [LabView])))]
pub async fn my_labs(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Result<Response> {
    Ok(ok(labs::mine(&state, &me).await?))
}

/// Reset a lab VM to its baseline: its disk is replaced by a fresh overlay
/// on the lab's template version (`confirm: true` required).
#[utoipa::path(post, path = "/api/v1/vms/{id}/reset-baseline", tag = "labs", security(("bearer" = [])), request_body = ResetRequest,
    params(("id" = i64, Path, description = "VM id")),
    responses((status = 200, description = "The VM", body = VmView), (status = 409, description = "NOT_A_LAB_VM")))]
pub async fn reset_vm(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResetRequest>,
) -> Result<Response> {
    Ok(ok(labs::reset(&state, &me, id, req).await?))
}

/// A user's quota limits and usage (the user themself, or an admin).
#[utoipa::path(get, path = "/api/v1/users/{id}/quota", tag = "quotas", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Limits and usage", body = QuotaView)))]
pub async fn get_user_quota(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(quotas::user_quota(&state, &me, id).await?))
}

/// Set a user's limits (admins); a missing limit means none.
#[utoipa::path(put, path = "/api/v1/users/{id}/quota", tag = "quotas", security(("bearer" = [])), request_body = QuotaLimits,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Limits and usage", body = QuotaView)))]
pub async fn set_user_quota(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiPath(id): ApiPath<i64>,
    ApiJson(limits): ApiJson<QuotaLimits>,
) -> Result<Response> {
    Ok(ok(quotas::set_user_quota(&state, &admin, id, limits).await?))
}

/// A course's limits and usage (its teachers and admins).
#[utoipa::path(get, path = "/api/v1/courses/{id}/quota", tag = "quotas", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Limits and usage", body = QuotaView)))]
pub async fn get_course_quota(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(quotas::course_quota(&state, &me, id).await?))
}

/// Set a course's limits (admins).
#[utoipa::path(put, path = "/api/v1/courses/{id}/quota", tag = "quotas", security(("bearer" = [])), request_body = QuotaLimits,
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Limits and usage", body = QuotaView)))]
pub async fn set_course_quota(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiPath(id): ApiPath<i64>,
    ApiJson(limits): ApiJson<QuotaLimits>,
) -> Result<Response> {
    Ok(ok(quotas::set_course_quota(&state, &admin, id, limits).await?))
}

/// Usage per student and lab VM, and course totals (teachers).
#[utoipa::path(get, path = "/api/v1/courses/{id}/statistics", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "Statistics", body = CourseStatistics)))]
pub async fn get_statistics(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    Ok(ok(statistics::course(&state, &me, id).await?))
}

/// The same statistics as CSV.
#[utoipa::path(get, path = "/api/v1/courses/{id}/statistics.csv", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    responses((status = 200, description = "text/csv", content_type = "text/csv")))]
pub async fn get_statistics_csv(State(state): State<AppState>, CurrentUser(me): CurrentUser, ApiPath(id): ApiPath<i64>) -> Result<Response> {
    let stats = statistics::course(&state, &me, id).await?;
    let disposition = format!("attachment; filename=\"course-{id}-statistics.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        statistics::to_csv(&stats),
    )
        .into_response())
}
