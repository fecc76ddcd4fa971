//! Who a request comes from: a bearer token, else the browser session.
//! Every path (REST extractors, server functions, the console websocket)
//! asks here.

use super::{token, AuthVia, Caller};
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::time;
use app::error::AppError;
use axum::http::{header, request::Parts};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

pub(crate) const SESSION_KEY: &str = "auth";
/// Last-used times are written at most this often per token.
const TOUCH_EVERY_SECS: i64 = 60;

/// What a browser session remembers.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SessionAuth {
    pub user_id: i64,
    pub epoch: i64,
}

/// A bearer token the API's rate limit already looked up for this request,
/// so identifying the caller does not ask the database again.
#[derive(Clone)]
pub(crate) struct VerifiedBearer {
    pub hash: String,
    pub owner: crate::store::TokenOwner,
}

/// The token of an `Authorization: Bearer` header, if the request has one.
pub(crate) fn bearer_token(headers: &axum::http::HeaderMap) -> Option<Result<&str, AppError>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let invalid = || AppError::unauthorized("INVALID_TOKEN", "the Authorization header must be `Bearer <token>`");
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(invalid),
    )
}

/// Who the request comes from; `None` when nobody is logged in. A bad
/// bearer token is an error, never a silent fall-back to the session.
pub async fn caller(state: &AppState, parts: &Parts) -> Result<Option<Caller>> {
    if let Some(tok) = bearer_token(&parts.headers) {
        let hash = token::hash(tok?);
        let now = time::now();
        let owner = match parts.extensions.get::<VerifiedBearer>().filter(|v| v.hash == hash) {
            Some(v) => v.owner.clone(),
            None => state.store.token_owner(&hash, now).await?.ok_or_else(|| {
                AppError::unauthorized("INVALID_TOKEN", "the token is unknown, expired or revoked")
            })?,
        };
        if owner.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY_SECS) {
            state.store.touch_token(owner.token_id, now).await?;
        }
        return Ok(Some(Caller { user: owner.user, via: AuthVia::Token { token_id: owner.token_id } }));
    }
    let Some(session) = parts.extensions.get::<Session>() else { return Ok(None) };
    let Some(auth) = session.get::<SessionAuth>(SESSION_KEY).await.map_err(session_err)? else {
        return Ok(None);
    };
    match state.store.credentials_by_id(auth.user_id).await? {
        Some(c) if c.auth_epoch == auth.epoch => Ok(Some(Caller { user: c.user, via: AuthVia::Session { id: session.id(), epoch: auth.epoch } })),
        // Password or role changed, or the user is gone: the session is over.
        _ => {
            session.flush().await.map_err(session_err)?;
            Ok(None)
        }
    }
}

/// Like [`caller`], but nobody logged in is a 401.
pub async fn authenticate(state: &AppState, parts: &Parts) -> Result<Caller> {
    let caller = caller(state, parts)
        .await?
        .ok_or_else(|| AppError::unauthorized("UNAUTHENTICATED", "log in or send a bearer token"))?;
    crate::audit::note_actor(&parts.extensions, &caller);
    // Inside a nested router the URI has lost its prefix; the original has it.
    let path = parts.extensions.get::<axum::extract::OriginalUri>().map(|o| o.0.path()).unwrap_or(parts.uri.path());
    if caller.user.must_change_password && !ONE_TIME_PASSWORD_ALLOWS.iter().any(|p| path.starts_with(p)) {
        return Err(AppError::denied(
            "PASSWORD_CHANGE_REQUIRED",
            "this account still has its one-time password: choose your own first (PUT /api/v1/auth/password, or the Profile page)",
        )
        .into());
    }
    Ok(caller)
}

/// What an account with a one-time password may do: see itself, choose its
/// own password, log out (REST and the UI's server functions).
const ONE_TIME_PASSWORD_ALLOWS: &[&str] =
    &["/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/logout", "/api/current_user", "/api/change_password", "/api/logout"];

pub(crate) fn session_err(e: tower_sessions::session::Error) -> ServerError {
    ServerError::internal(format!("session store: {e}"))
}

