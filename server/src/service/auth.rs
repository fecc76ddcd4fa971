//! Logging in and out, personal tokens.

use crate::auth::identify::{caller, session_err, SessionAuth, SESSION_KEY};
use crate::auth::revoke::{announce, AccessChange};
use crate::auth::{password, token, AuthVia, Caller};
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::store::{NewTokenRow, TokenKind};
use crate::time;
use app::error::AppError;
use app::types::{CreatedToken, LoginGrant, NewToken, PasswordChange, TokenView, UserView};
use axum::http::request::Parts;
use tower_sessions::Session;

/// An address may fail this many times the per-user budget.
const IP_FAILURE_FACTOR: u32 = 6;

/// Checks a username and password, with throttling per user+address and
/// per address.
pub async fn check_password(state: &AppState, parts: &Parts, username: &str, password: &str) -> Result<UserView> {
    if username.trim().is_empty() || password.is_empty() {
        return Err(AppError::invalid(
            if username.trim().is_empty() { "username" } else { "password" },
            "is required",
        )
        .into());
    }
    let ip = crate::serve::ClientAddr::of(&parts.extensions);
    let user_key = format!("u:{}|{ip}", username.trim().to_lowercase());
    let ip_key = format!("ip:{ip}");
    let max = state.config.login_max_failures;
    // The attempt counts as a failure before the hash runs, so parallel
    // guesses cannot all pass the check; the per-address budget is wider
    // (several users may share an address).
    let budget = [(user_key.as_str(), max), (ip_key.as_str(), max.saturating_mul(IP_FAILURE_FACTOR))];
    let throttle = &state.login_throttle;
    let marks = throttle.reserve_in(&state.store, &budget).await?;
    let creds = state.store.credentials_by_username(username.trim()).await?;
    let hash = creds.as_ref().map(|c| c.password_hash.clone());
    let verified = password::verify(password.to_owned(), hash).await;
    if matches!(verified, Ok(true)) {
        throttle.clear_in(&state.store, &user_key).await;
        throttle.forgive_in(&state.store, &marks, 1, &ip_key).await;
        // verify() is true only with a stored hash, so creds is Some here.
        return creds.map(|c| c.user).ok_or_else(|| ServerError::internal("verified without a user"));
    }
    if verified.is_err() {
        // Not checked (no turn to hash): not a failed guess.
        throttle.forgive_in(&state.store, &marks, 0, &user_key).await;
        throttle.forgive_in(&state.store, &marks, 1, &ip_key).await;
        verified?;
    }
    tracing::info!(username = %username.trim(), ip, "failed login");
    Err(AppError::unauthorized("INVALID_CREDENTIALS", "wrong username or password").into())
}

/// Starts a browser session for `user`, with a new session id.
pub async fn start_session(state: &AppState, session: &Session, user: &UserView) -> Result<()> {
    let epoch = state
        .store
        .credentials_by_id(user.id)
        .await?
        .map(|c| c.auth_epoch)
        .ok_or_else(|| AppError::unauthorized("INVALID_CREDENTIALS", "wrong username or password"))?;
    session.cycle_id().await.map_err(session_err)?;
    session.insert(SESSION_KEY, SessionAuth { user_id: user.id, epoch }).await.map_err(session_err)?;
    tracing::info!(user_id = user.id, "session started");
    Ok(())
}

/// Issues a login bearer token.
pub async fn issue_login_token(state: &AppState, user: UserView) -> Result<LoginGrant> {
    let secret = token::generate();
    let now = time::now();
    let expires_at = now + state.config.token_ttl_hours as i64 * 3600;
    state
        .store
        .insert_token(
            NewTokenRow {
                user_id: user.id,
                kind: TokenKind::Login,
                name: "login",
                token_hash: &token::hash(&secret),
                prefix: &token::display_prefix(&secret),
                expires_at: Some(expires_at),
            },
            now,
        )
        .await?;
    tracing::info!(user_id = user.id, "login token issued");
    Ok(LoginGrant { token: secret, token_type: "Bearer".into(), expires_at: time::rfc3339(expires_at), user })
}

/// Ends what the caller logged in with: the session, or the login token.
pub async fn logout(state: &AppState, parts: &Parts) -> Result<()> {
    // Nobody signed in has nothing to end: that is a 401 like any other.
    let who = caller(state, parts).await?.ok_or_else(|| AppError::unauthorized("UNAUTHENTICATED", "nobody is signed in here"))?;
    match &who.via {
        AuthVia::Token { token_id } => state.store.delete_token(*token_id).await?,
        _ => {
            if let Some(session) = parts.extensions.get::<Session>() {
                session.flush().await.map_err(session_err)?;
            }
        }
    }
    announce(state, AccessChange::User(who.id()));
    Ok(())
}

pub async fn change_password(state: &AppState, parts: &Parts, caller: &Caller, change: PasswordChange) -> Result<()> {
    if let Some(problem) = password::weakness(&change.new_password) {
        return Err(AppError::invalid("new_password", problem).into());
    }
    let hash = state.store.credentials_by_id(caller.id()).await?.map(|c| c.password_hash);
    if !password::verify(change.current_password, hash).await? {
        return Err(AppError::invalid("current_password", "is not your current password").into());
    }
    let new_hash = password::hash(change.new_password).await?;
    state.store.set_password(caller.id(), &new_hash, change.keep_tokens, time::now()).await?;
    // Other sessions end with the epoch bump; keep this one alive.
    if matches!(caller.via, AuthVia::Session { .. }) {
        if let Some(session) = parts.extensions.get::<Session>() {
            start_session(state, session, &caller.user).await?;
        }
    }
    announce(state, AccessChange::User(caller.id()));
    tracing::info!(user_id = caller.id(), kept_tokens = change.keep_tokens, "password changed");
    Ok(())
}

pub async fn list_tokens(state: &AppState, caller: &Caller) -> Result<Vec<TokenView>> {
    Ok(state.store.list_personal_tokens(&caller.user).await?)
}

pub async fn create_token(state: &AppState, caller: &Caller, input: NewToken) -> Result<CreatedToken> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(AppError::invalid("name", "must be 1 to 64 characters").into());
    }
    if input.expires_in_days.is_some_and(|d| d == 0 || d > 3650) {
        return Err(AppError::invalid("expires_in_days", "must be between 1 and 3650").into());
    }
    let secret = token::generate();
    let now = time::now();
    let info = state
        .store
        .insert_token(
            NewTokenRow {
                user_id: caller.id(),
                kind: TokenKind::Personal,
                name,
                token_hash: &token::hash(&secret),
                prefix: &token::display_prefix(&secret),
                expires_at: input.expires_in_days.map(|d| now + d as i64 * 86_400),
            },
            now,
        )
        .await?;
    tracing::info!(user_id = caller.id(), token_id = info.id, "personal token created");
    Ok(CreatedToken { token: secret, info })
}

pub async fn revoke_token(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    if state.store.revoke_personal_token(caller.id(), id).await? {
        announce(state, AccessChange::User(caller.id()));
        tracing::info!(user_id = caller.id(), token_id = id, "personal token revoked");
        Ok(())
    } else {
        Err(AppError::not_found("TOKEN_NOT_FOUND", format!("you have no token {id}")).into())
    }
}
