//! The web UI's server side: the no-JavaScript login form and the backend
//! that server functions call.

use crate::auth::Caller;
use crate::error::ServerError;
use crate::service::{auth as auth_svc, users as users_svc};
use crate::state::AppState;
use app::backend::Backend;
use app::error::AppError;
use app::types::*;
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

/// Server functions reach the services through this.
pub struct UiBackend(pub AppState);

impl UiBackend {
    async fn caller(&self, req: &Parts) -> Result<Caller, AppError> {
        auth_svc::authenticate(&self.0, req).await.map_err(AppError::from)
    }
}

fn wire<T>(r: Result<T, ServerError>) -> Result<T, AppError> {
    r.map_err(AppError::from)
}

#[async_trait::async_trait]
impl Backend for UiBackend {
    async fn current_user(&self, req: &Parts) -> Result<Option<UserView>, AppError> {
        Ok(wire(auth_svc::caller(&self.0, req).await)?.map(|c| c.user))
    }
    async fn logout(&self, req: &Parts) -> Result<(), AppError> {
        wire(auth_svc::logout(&self.0, req).await)
    }
    async fn change_password(&self, req: &Parts, change: PasswordChange) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::change_password(&self.0, req, &me, change).await)
    }
    async fn list_users(&self, req: &Parts, query: ListQuery) -> Result<Page<UserView>, AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::list(&self.0, &admin, query).await)
    }
    async fn create_user(&self, req: &Parts, input: NewUser) -> Result<UserView, AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::create(&self.0, &admin, input).await)
    }
    async fn update_user(&self, req: &Parts, id: i64, patch: UserPatch) -> Result<UserView, AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::update(&self.0, &admin, id, patch).await)
    }
    async fn reset_password(&self, req: &Parts, id: i64, reset: PasswordReset) -> Result<(), AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::reset_password(&self.0, &admin, id, reset).await)
    }
    async fn delete_user(&self, req: &Parts, id: i64) -> Result<(), AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::delete(&self.0, &admin, id).await)
    }
    async fn list_tokens(&self, req: &Parts) -> Result<Vec<TokenView>, AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::list_tokens(&self.0, &me).await)
    }
    async fn create_token(&self, req: &Parts, input: NewToken) -> Result<CreatedToken, AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::create_token(&self.0, &me, input).await)
    }
    async fn revoke_token(&self, req: &Parts, id: i64) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::revoke_token(&self.0, &me, id).await)
    }
}
