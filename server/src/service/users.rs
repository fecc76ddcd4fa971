//! User administration. Every entry point takes `&Admin`: the role check is
//! made once, where that proof is made.

use super::{parse_sort, Paging};
use crate::auth::revoke::{announce, AccessChange};
use crate::auth::{password, Admin};
use crate::error::Result;
use crate::state::AppState;
use crate::store::{UserFilter, UserSort};
use crate::time;
use app::error::{AppError, FieldErrors};
use app::types::{ListQuery, NewUser, Page, PasswordReset, Role, UserPatch, UserView};

/// Why a username is refused, if it is.
pub fn username_problem(name: &str) -> Option<&'static str> {
    let len = name.chars().count();
    if !(3..=32).contains(&len) {
        return Some("must be 3 to 32 characters");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Some("may contain only letters, digits, '_', '.' and '-'");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("must start with a letter or digit");
    }
    None
}

pub(crate) fn display_name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("must not be blank")
    } else if name.chars().count() > 100 {
        Some("must be at most 100 characters")
    } else if name.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else {
        None
    }
}

pub(crate) fn email_problem(email: &str) -> Option<&'static str> {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    (!ok).then_some("is not a valid email address")
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("USER_NOT_FOUND", format!("no user with id {id}"))
}

fn normalise_email(email: Option<String>) -> Option<String> {
    email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty())
}

pub async fn create(state: &AppState, admin: &Admin, input: NewUser) -> Result<UserView> {
    let username = input.username.trim().to_owned();
    let display_name = input.display_name.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    let email = normalise_email(input.email);
    let mut problems = FieldErrors::new();
    if let Some(p) = username_problem(&username) {
        problems.insert("username".into(), p.into());
    }
    if let Some(p) = display_name.as_deref().and_then(display_name_problem) {
        problems.insert("display_name".into(), p.into());
    }
    if let Some(p) = email.as_deref().and_then(email_problem) {
        problems.insert("email".into(), p.into());
    }
    if let Some(p) = password::weakness(&input.password) {
        problems.insert("password".into(), p);
    }
    if let Some(e) = AppError::from_fields(problems) {
        return Err(e.into());
    }
    if state.store.credentials_by_username(&username).await?.is_some() {
        return Err(username_taken(&username).into());
    }
    let hash = password::hash(input.password).await?;
    let display_name = display_name.unwrap_or_else(|| username.clone());
    let user = state
        .store
        .insert_user(&username, &display_name, email.as_deref(), input.role, &hash, time::now())
        .await
        .map_err(crate::error::unique_as(|| username_taken(&username)))?;
    if user.role == Role::Student {
        state.store.set_quota(crate::store::QuotaScope::User(user.id), &state.config.student_quota).await?;
    }
    tracing::info!(user_id = user.id, by = admin.id(), role = user.role.as_str(), "user created");
    Ok(user)
}

fn username_taken(username: &str) -> AppError {
    AppError::conflict("USERNAME_TAKEN", format!("the username '{username}' is already taken"))
}

pub async fn list(state: &AppState, _admin: &Admin, query: ListQuery) -> Result<Page<UserView>> {
    let paging = Paging::from_query(&query)?;
    let (sort, descending) = parse_sort(query.sort.as_deref());
    let sort = match sort {
        None => UserSort::Username,
        Some(s) => UserSort::parse(s).ok_or_else(|| {
            AppError::invalid("sort", "must be one of username, display_name, role, created_at (prefix - to reverse)")
        })?,
    };
    let search = query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    let filter = UserFilter {
        role: query.role,
        search,
        sort,
        descending,
        limit: paging.page_size,
        offset: paging.offset(),
    };
    let (items, total) = state.store.list_users(&filter).await?;
    Ok(Page { items, pagination: paging.describe(total) })
}

pub async fn get(state: &AppState, _admin: &Admin, id: i64) -> Result<UserView> {
    Ok(state.store.user(id).await?.ok_or_else(|| not_found(id))?)
}

pub async fn update(state: &AppState, admin: &Admin, id: i64, patch: UserPatch) -> Result<UserView> {
    let display_name = patch.display_name.map(|d| d.trim().to_owned());
    let mut problems = FieldErrors::new();
    if let Some(p) = display_name.as_deref().and_then(display_name_problem) {
        problems.insert("display_name".into(), p.into());
    }
    // An empty string clears the email.
    let email = patch.email.map(|e| normalise_email(Some(e)));
    if let Some(p) = email.as_ref().and_then(|e| e.as_deref()).and_then(email_problem) {
        problems.insert("email".into(), p.into());
    }
    if let Some(e) = AppError::from_fields(problems) {
        return Err(e.into());
    }
    let current = state.store.user(id).await?.ok_or_else(|| not_found(id))?;
    if current.role == Role::Admin && patch.role.is_some_and(|r| r != Role::Admin) {
        guard_last_admin(state).await?;
    }
    let user = state
        .store
        .update_user(id, display_name.as_deref(), email.as_ref().map(|e| e.as_deref()), patch.role, time::now())
        .await?
        .ok_or_else(|| not_found(id))?;
    announce(state, AccessChange::User(id));
    tracing::info!(user_id = id, by = admin.id(), "user updated");
    Ok(user)
}

pub async fn reset_password(state: &AppState, admin: &Admin, id: i64, reset: PasswordReset) -> Result<()> {
    if let Some(p) = password::weakness(&reset.new_password) {
        return Err(AppError::invalid("new_password", p).into());
    }
    state.store.user(id).await?.ok_or_else(|| not_found(id))?;
    let hash = password::hash(reset.new_password).await?;
    if !state.store.set_password(id, &hash, reset.keep_tokens, time::now()).await? {
        return Err(not_found(id).into());
    }
    announce(state, AccessChange::User(id));
    tracing::info!(user_id = id, by = admin.id(), "password reset by admin");
    Ok(())
}

pub async fn delete(state: &AppState, admin: &Admin, id: i64) -> Result<()> {
    if id == admin.id() {
        return Err(AppError::conflict("CANNOT_DELETE_SELF", "you cannot delete your own account").into());
    }
    let user = state.store.user(id).await?.ok_or_else(|| not_found(id))?;
    if user.role == Role::Admin {
        guard_last_admin(state).await?;
    }
    if !state.store.delete_user(id).await? {
        return Err(not_found(id).into());
    }
    announce(state, AccessChange::User(id));
    tracing::info!(user_id = id, by = admin.id(), "user deleted");
    Ok(())
}

async fn guard_last_admin(state: &AppState) -> Result<()> {
    if state.store.count_admins().await? <= 1 {
        return Err(AppError::conflict("LAST_ADMIN", "the last admin cannot be removed or demoted").into());
    }
    Ok(())
}

/// Creates the first admin when there are no users: `(id, username,
/// generated password)`; the password only when none was configured, so
/// the caller can show it once.
pub async fn ensure_first_admin(state: &AppState) -> Result<Option<(i64, String, Option<String>)>> {
    if state.store.count_users().await? > 0 {
        return Ok(None);
    }
    let username = state.config.admin_username.clone();
    if let Some(p) = username_problem(&username) {
        return Err(crate::error::ServerError::internal(format!("admin username {p}")));
    }
    let (password, generated) = match &state.config.admin_password {
        Some(p) => (p.expose().to_owned(), false),
        None => {
            let p = crate::auth::token::generate_password();
            (p, true)
        }
    };
    if let Some(p) = password::weakness(&password) {
        return Err(crate::error::ServerError::internal(format!("admin password {p}")));
    }
    let hash = password::hash(password.clone()).await?;
    let admin = match state.store.insert_user(&username, "Administrator", None, Role::Admin, &hash, time::now()).await {
        Ok(admin) => admin,
        // Another node sharing the database made it first.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    tracing::info!(username, "first admin created");
    Ok(Some((admin.id, username, generated.then_some(password))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(username_problem("alice"), None);
        assert_eq!(username_problem("a.b-c_1"), None);
        assert!(username_problem("ab").is_some());
        assert!(username_problem("../etc").is_some());
        assert!(username_problem("_x_y").is_some());
        assert!(username_problem("名字名字").is_some());
        assert!(username_problem(&"a".repeat(33)).is_some());
    }

    #[test]
    fn emails_and_names_are_checked() {
        assert_eq!(email_problem("a@b.cn"), None);
        assert!(email_problem("a@b").is_some());
        assert!(email_problem("a b@c.d").is_some());
        assert!(display_name_problem("  ").is_some());
        assert!(display_name_problem("Zhang\u{0}San").is_some());
        assert_eq!(display_name_problem("张三"), None);
    }
}
