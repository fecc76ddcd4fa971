//! `/users`: user administration (admins only).

use super::{created, done, ok, page, ApiJson, ApiPath, ApiQuery};
use crate::auth::RequireAdmin;
use crate::error::Result;
use crate::service::users as svc;
use crate::state::AppState;
use app::types::{ListQuery, NewUser, PasswordReset, UserPatch, UserView};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user).patch(update_user).delete(delete_user))
        .route("/users/{id}/password", put(reset_password))
}

/// List users: paginated, filter by role, search by name or email.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "A page of users with `pagination`", body = [UserView]),
              (status = 403, description = "FORBIDDEN")))]
pub async fn list_users(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response> {
    Ok(page(svc::list(&state, &admin, q).await?))
}

/// Create a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, description = "Created", body = UserView),
              (status = 409, description = "USERNAME_TAKEN"), (status = 422, description = "VALIDATION_FAILED")))]
pub async fn create_user(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<Response> {
    Ok(created(svc::create(&state, &admin, input).await?))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserView), (status = 404, description = "USER_NOT_FOUND")))]
pub async fn get_user(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    Ok(ok(svc::get(&state, &admin, id).await?))
}

/// Change a user's name, email or role.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), request_body = UserPatch,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Updated", body = UserView), (status = 409, description = "LAST_ADMIN")))]
pub async fn update_user(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Response> {
    Ok(ok(svc::update(&state, &admin, id, patch).await?))
}

/// Delete a user (not yourself, not the last admin).
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Deleted"), (status = 404, description = "USER_NOT_FOUND"),
              (status = 409, description = "CANNOT_DELETE_SELF or LAST_ADMIN")))]
pub async fn delete_user(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    svc::delete(&state, &admin, id).await?;
    Ok(done("user deleted"))
}

/// Set a new password for a user; their sessions and login tokens end.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "users", security(("bearer" = [])), request_body = PasswordReset,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "Reset"), (status = 422, description = "VALIDATION_FAILED")))]
pub async fn reset_password(
    State(state): State<AppState>,
    RequireAdmin(admin): RequireAdmin,
    ApiPath(id): ApiPath<i64>,
    ApiJson(reset): ApiJson<PasswordReset>,
) -> Result<Response> {
    svc::reset_password(&state, &admin, id, reset).await?;
    Ok(done("password reset"))
}
