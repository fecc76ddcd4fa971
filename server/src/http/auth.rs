//! `/auth`: login for automation, the caller's own profile, password, tokens.

use super::{created, done, ok, ApiJson, ApiPath};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::auth as svc;
use crate::state::AppState;
use app::types::{CreatedToken, Credentials, LoginGrant, NewToken, PasswordChange, TokenView, UserView};
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(get_me))
        .route("/auth/password", put(change_password))
        .route("/auth/tokens", get(list_tokens).post(create_token))
        .route("/auth/tokens/{id}", delete(revoke_token))
}

/// Exchange a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Credentials,
    responses(
        (status = 200, description = "Token issued", body = LoginGrant),
        (status = 401, description = "INVALID_CREDENTIALS"),
        (status = 429, description = "RATE_LIMITED, with Retry-After"),
    ))]
pub async fn login(State(state): State<AppState>, parts: Parts, ApiJson(c): ApiJson<Credentials>) -> Result<Response> {
    let user = svc::check_password(&state, &parts, &c.username, &c.password).await?;
    Ok(ok(svc::issue_login_token(&state, user).await?))
}

/// End the caller's session or revoke the login token they used.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "Logged out")))]
pub async fn logout(State(state): State<AppState>, parts: Parts) -> Result<Response> {
    svc::logout(&state, &parts).await?;
    Ok(done("logged out"))
}

/// The caller's own profile.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = UserView), (status = 401, description = "UNAUTHENTICATED")))]
pub async fn get_me(CurrentUser(me): CurrentUser) -> Response {
    ok(me.user)
}

/// Change one's own password (other sessions and login tokens end).
#[utoipa::path(put, path = "/api/v1/auth/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 200, description = "Changed"), (status = 422, description = "VALIDATION_FAILED")))]
pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    parts: Parts,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<Response> {
    svc::change_password(&state, &parts, &me, change).await?;
    Ok(done("password changed"))
}

/// The caller's personal API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "auth", security(("bearer" = [])),
    responses((status = 200, description = "Tokens", body = [TokenView])))]
pub async fn list_tokens(State(state): State<AppState>, CurrentUser(me): CurrentUser) -> Result<Response> {
    Ok(ok(svc::list_tokens(&state, &me).await?))
}

/// Create a personal API token; the secret is in the response only.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "auth", security(("bearer" = [])), request_body = NewToken,
    responses((status = 201, description = "Created", body = CreatedToken), (status = 422, description = "VALIDATION_FAILED")))]
pub async fn create_token(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<Response> {
    Ok(created(svc::create_token(&state, &me, input).await?))
}

/// Revoke one of the caller's personal tokens.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 200, description = "Revoked"), (status = 404, description = "TOKEN_NOT_FOUND")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    svc::revoke_token(&state, &me, id).await?;
    Ok(done("token revoked"))
}
