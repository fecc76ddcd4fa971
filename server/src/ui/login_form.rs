//! `POST /login`: the sign-in form as a plain HTML form post, so signing
//! in works before (or without) the WebAssembly.

use crate::service::auth as auth_svc;
use crate::state::AppState;
use app::error::AppError;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// `POST /login`: a plain form post; answers with a redirect either way.
pub async fn post_login(State(state): State<AppState>, session: Session, parts: Parts, Form(f): Form<LoginForm>) -> Response {
    let result = async {
        let user = auth_svc::check_password(&state, &parts, &f.username, &f.password).await?;
        auth_svc::start_session(&state, &session, &user).await
    }
    .await;
    match result.map_err(AppError::from) {
        Ok(()) => Redirect::to("/").into_response(),
        Err(AppError::RateLimited { .. }) => Redirect::to("/login?error=rate_limited").into_response(),
        Err(AppError::Validation { .. }) => Redirect::to("/login?error=invalid").into_response(),
        Err(_) => Redirect::to("/login?error=credentials").into_response(),
    }
}
