//! Axum extractors: a handler that takes one of these cannot run for an
//! unauthenticated (or under-privileged) caller.

use super::access::{Admin, Caller, Proof, Teacher};
use crate::error::ServerError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// Any logged-in user (session cookie or bearer token).
pub struct CurrentUser(pub Caller);

/// An admin.
pub struct RequireAdmin(pub Admin);

/// A teacher or an admin.
pub struct RequireTeacher(pub Teacher);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        super::identify::authenticate(state, parts).await.map(CurrentUser)
    }
}

impl FromRequestParts<AppState> for RequireAdmin {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let CurrentUser(c) = CurrentUser::from_request_parts(parts, state).await?;
        Ok(RequireAdmin(Admin::prove(c)?))
    }
}

impl FromRequestParts<AppState> for RequireTeacher {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let CurrentUser(c) = CurrentUser::from_request_parts(parts, state).await?;
        Ok(RequireTeacher(Teacher::prove(c)?))
    }
}
