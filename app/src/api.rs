//! Server functions: one-line adapters from the UI to the server's services.

use crate::error::AppError;
use crate::types::*;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::backend::backend;

#[server(input = Json)]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    let (b, req) = backend()?;
    b.current_user(&req).await
}

/// Form-encoded so it also works as a plain HTML form without WebAssembly.
#[server]
pub async fn logout() -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.logout(&req).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(input = Json)]
pub async fn change_password(change: PasswordChange) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.change_password(&req, change).await
}

#[server(input = Json)]
pub async fn list_users(query: ListQuery) -> Result<Page<UserView>, AppError> {
    let (b, req) = backend()?;
    b.list_users(&req, query).await
}

#[server(input = Json)]
pub async fn create_user(input: NewUser) -> Result<UserView, AppError> {
    let (b, req) = backend()?;
    b.create_user(&req, input).await
}

#[server(input = Json)]
pub async fn update_user(id: i64, patch: UserPatch) -> Result<UserView, AppError> {
    let (b, req) = backend()?;
    b.update_user(&req, id, patch).await
}

#[server(input = Json)]
pub async fn reset_password(id: i64, reset: PasswordReset) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.reset_password(&req, id, reset).await
}

#[server(input = Json)]
pub async fn delete_user(id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.delete_user(&req, id).await
}

#[server(input = Json)]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    let (b, req) = backend()?;
    b.list_tokens(&req).await
}

#[server(input = Json)]
pub async fn create_token(input: NewToken) -> Result<CreatedToken, AppError> {
    let (b, req) = backend()?;
    b.create_token(&req, input).await
}

#[server(input = Json)]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.revoke_token(&req, id).await
}
