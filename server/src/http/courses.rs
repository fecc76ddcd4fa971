//! `/courses`: courses, members (one by one or CSV) and usage statistics.

use super::{created, done, ok, page, ApiJson, ApiPath, ApiQuery};
use crate::auth::{CurrentUser, RequireTeacher};
use crate::error::Result;
use crate::service::{courses, statistics};
use crate::state::AppState;
use app::error::AppError;
use app::types::{CoursePatch, CourseStatistics, CourseView, EnrolmentReport, ListQuery, MemberView, NewCourse, NewMember};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;

/// Largest enrolment CSV.
pub(crate) const MAX_CSV_BYTES: usize = 1 << 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses", get(list_courses).post(create_course))
        .route("/courses/{id}", get(get_course).patch(update_course).delete(delete_course))
        .route("/courses/{id}/members", get(list_members).post(add_member))
        .route("/courses/{id}/members/csv", post(enrol_csv).layer(DefaultBodyLimit::max(MAX_CSV_BYTES)))
        .route("/courses/{id}/members/{user_id}", delete(remove_member))
        .route("/courses/{id}/statistics", get(get_statistics))
        .route("/courses/{id}/statistics.csv", get(get_statistics_csv))
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

/// The CSV of an enrolment sent as JSON, for clients that send only JSON.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CsvEnrolment {
    /// The file's text: lines `username,name[,email]`, an optional header.
    pub csv: String,
}

/// Enrol students from CSV (`text/csv`, lines `username,name[,email]`, an
/// optional header; or the same text as `{"csv": ...}` in JSON). Unknown
/// usernames get new student accounts whose one-time passwords are in the
/// answer. All or nothing: any bad line refuses the file with every
/// problem named by line.
#[utoipa::path(post, path = "/api/v1/courses/{id}/members/csv", tag = "courses", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Course id")),
    request_body(content((String = "text/csv"), (CsvEnrolment = "application/json"))),
    responses((status = 200, description = "What was done", body = EnrolmentReport), (status = 422, description = "Problems by line")))]
pub async fn enrol_csv(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    headers: axum::http::HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let body = body.map_err(|rej| AppError::bad_request("BAD_BODY", rej.body_text()))?;
    let json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.trim_start().starts_with("application/json"));
    let text = if json {
        let sent: CsvEnrolment = serde_json::from_slice(&body).map_err(|e| AppError::invalid("csv", format!("the JSON body must be {{\"csv\": \"...\"}}: {e}")))?;
        sent.csv
    } else {
        std::str::from_utf8(&body).map_err(|_| AppError::invalid("csv", "must be UTF-8 text"))?.to_owned()
    };
    Ok(ok(courses::enrol_csv(&state, &me, id, &text).await?))
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
