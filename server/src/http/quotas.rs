//! `/users/{id}/quota`, `/courses/{id}/quota`: limits and usage.

use super::{ok, ApiJson, ApiPath};
use crate::auth::{CurrentUser, RequireAdmin};
use crate::error::Result;
use crate::service::quotas;
use crate::state::AppState;
use app::types::{QuotaLimits, QuotaView};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users/{id}/quota", get(get_user_quota).put(set_user_quota))
        .route("/courses/{id}/quota", get(get_course_quota).put(set_course_quota))
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
