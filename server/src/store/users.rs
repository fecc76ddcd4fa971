//! Users.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::rfc3339;
use app::types::{Role, UserView};
use sqlx::QueryBuilder;

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    email: Option<String>,
    role: String,
    created_at: i64,
    updated_at: i64,
    must_change_password: bool,
}

impl UserRow {
    pub(super) fn into_view(self) -> UserView {
        UserView {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            email: self.email,
            // The CHECK constraint keeps roles to the three known ones.
            role: Role::parse(&self.role).unwrap_or(Role::Student),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            must_change_password: self.must_change_password,
        }
    }
}

const USER_COLUMNS: &str = "id, username, display_name, email, role, created_at, updated_at, must_change_password";

/// What a password login needs: never serialised, never logged.
pub struct Credentials {
    pub user: UserView,
    pub password_hash: String,
    pub auth_epoch: i64,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("user", &self.user.username).finish_non_exhaustive()
    }
}

/// Columns a user list may be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSort {
    Username,
    DisplayName,
    Role,
    CreatedAt,
}

impl UserSort {
    pub fn parse(s: &str) -> Option<UserSort> {
        Some(match s {
            "username" => UserSort::Username,
            "display_name" => UserSort::DisplayName,
            "role" => UserSort::Role,
            "created_at" => UserSort::CreatedAt,
            _ => return None,
        })
    }
    fn column(self) -> &'static str {
        match self {
            UserSort::Username => "username",
            UserSort::DisplayName => "display_name",
            UserSort::Role => "role",
            UserSort::CreatedAt => "created_at",
        }
    }
}

#[derive(Debug, Clone)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub search: Option<String>,
    pub sort: UserSort,
    pub descending: bool,
    pub limit: u32,
    pub offset: u64,
}

fn push_filter<'a, DB>(qb: &mut QueryBuilder<'a, DB>, f: &UserFilter)
where
    DB: Dialect + sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE 1 = 1");
    if let Some(role) = f.role {
        qb.push(" AND role = ").push_bind(role.as_str().to_owned());
    }
    if let Some(s) = &f.search {
        let pattern = super::db::like_pattern(s);
        let like = DB::ILIKE;
        qb.push(format!(" AND (username {like} ")).push_bind(pattern.clone()).push(" ESCAPE '\\'");
        qb.push(format!(" OR display_name {like} ")).push_bind(pattern.clone()).push(" ESCAPE '\\'");
        qb.push(format!(" OR email {like} ")).push_bind(pattern).push(" ESCAPE '\\')");
    }
}

enum UserKey {
    Username(String),
    Id(i64),
}

/// Counts of what exists, for the admin's overview.
#[derive(Debug, sqlx::FromRow)]
pub struct OverviewCounts {
    pub users: i64,
    pub vms: i64,
    pub running_vms: i64,
    pub isos: i64,
    pub courses: i64,
    pub labs: i64,
    pub demo_iso_id: Option<i64>,
}

impl Store {
    pub async fn insert_user(
        &self,
        username: &str,
        display_name: &str,
        email: Option<&str>,
        role: Role,
        password_hash: &str,
        now: i64,
    ) -> Result<UserView, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: UserRow = sqlx::query_as(&DB::sql(&format!(
                "INSERT INTO users (username, display_name, email, role, password_hash, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
            )))
            .bind(username)
            .bind(display_name)
            .bind(email)
            .bind(role.as_str())
            .bind(password_hash)
            .bind(now)
            .bind(now)
            .fetch_one(p)
            .await?;
            Ok(row.into_view())
        })
    }

    pub async fn user(&self, id: i64) -> Result<Option<UserView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<UserRow> = sqlx::query_as(&DB::sql(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?")))
                .bind(id)
                .fetch_optional(p)
                .await?;
            Ok(row.map(UserRow::into_view))
        })
    }

    /// The user and their password hash and session epoch.
    pub async fn credentials_by_username(&self, username: &str) -> Result<Option<Credentials>, sqlx::Error> {
        self.credentials_where(UserKey::Username(username.to_owned())).await
    }

    pub async fn credentials_by_id(&self, id: i64) -> Result<Option<Credentials>, sqlx::Error> {
        self.credentials_where(UserKey::Id(id)).await
    }

    async fn credentials_where(&self, key: UserKey) -> Result<Option<Credentials>, sqlx::Error> {
        let clause = match key {
            // As the column compares: without case (NOCASE, CITEXT).
            UserKey::Username(_) => "username = CAST(? AS CITEXT)",
            UserKey::Id(_) => "id = ?",
        };
        on_db!(&self.pool, p, DB => {
            #[derive(sqlx::FromRow)]
            struct Row {
                #[sqlx(flatten)]
                user: UserRow,
                password_hash: String,
                auth_epoch: i64,
            }
            let sql = format!("SELECT {USER_COLUMNS}, password_hash, auth_epoch FROM users WHERE {clause}");
            let sql = DB::sql(&sql);
            let query = sqlx::query_as::<_, Row>(&sql);
            let query = match key {
                UserKey::Username(name) => query.bind(name),
                UserKey::Id(id) => query.bind(id),
            };
            let row = query.fetch_optional(p).await?;
            Ok(row.map(|r| Credentials { user: r.user.into_view(), password_hash: r.password_hash, auth_epoch: r.auth_epoch }))
        })
    }

    pub async fn count_users(&self) -> Result<u64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let n: i64 = sqlx::query_scalar(&DB::sql("SELECT COUNT(*) FROM users")).fetch_one(p).await?;
            Ok(n as u64)
        })
    }

    /// How much of everything exists, for the admin's home page, in one query.
    pub async fn overview_counts(&self) -> Result<OverviewCounts, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql(
                "SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM vms) AS vms, \
                 (SELECT COUNT(*) FROM vms WHERE state IN ('starting', 'running', 'paused')) AS running_vms, \
                 (SELECT COUNT(*) FROM isos WHERE status = 'ready') AS isos, (SELECT COUNT(*) FROM courses) AS courses, \
                 (SELECT COUNT(*) FROM labs) AS labs, (SELECT MIN(id) FROM isos WHERE demo AND status = 'ready') AS demo_iso_id",
            ))
            .fetch_one(p)
            .await
        })
    }

    /// One page of users and the total matching the filter.
    pub async fn list_users(&self, f: &UserFilter) -> Result<(Vec<UserView>, u64), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let mut count = QueryBuilder::<DB>::new("SELECT COUNT(*) FROM users");
            push_filter(&mut count, f);
            let total: i64 = count.build_query_scalar().fetch_one(p).await?;

            let mut qb = QueryBuilder::<DB>::new(format!("SELECT {USER_COLUMNS} FROM users"));
            push_filter(&mut qb, f);
            qb.push(format_args!(
                " ORDER BY {} {}, id ASC LIMIT ",
                f.sort.column(),
                if f.descending { "DESC" } else { "ASC" }
            ));
            qb.push_bind(f.limit as i64).push(" OFFSET ").push_bind(f.offset as i64);
            let rows: Vec<UserRow> = qb.build_query_as().fetch_all(p).await?;
            Ok((rows.into_iter().map(UserRow::into_view).collect(), total as u64))
        })
    }

    /// Applies the given changes; bumps the session epoch when the role changes.
    pub async fn update_user(
        &self,
        id: i64,
        display_name: Option<&str>,
        email: Option<Option<&str>>,
        role: Option<Role>,
        now: i64,
    ) -> Result<Option<UserView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<UserRow> = sqlx::query_as(&DB::sql(&format!(
                "UPDATE users SET \
                   display_name = COALESCE(?, display_name), \
                   email = CASE WHEN ? THEN ? ELSE email END, \
                   auth_epoch = auth_epoch + CASE WHEN ? IS NOT NULL AND ? <> role THEN 1 ELSE 0 END, \
                   role = COALESCE(?, role), \
                   updated_at = ? \
                 WHERE id = ? RETURNING {USER_COLUMNS}"
            )))
            .bind(display_name)
            .bind(email.is_some())
            .bind(email.flatten())
            .bind(role.map(Role::as_str))
            .bind(role.map(Role::as_str))
            .bind(role.map(Role::as_str))
            .bind(now)
            .bind(id)
            .fetch_optional(p)
            .await?;
            Ok(row.map(UserRow::into_view))
        })
    }

    /// Sets a new hash, bumps the epoch (old sessions end) and drops the
    /// user's login tokens, and their personal tokens too unless
    /// `keep_personal_tokens`, in one transaction. False if no such user.
    pub async fn set_password(&self, id: i64, password_hash: &str, keep_personal_tokens: bool, now: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let mut tx = p.begin().await?;
            let done = sqlx::query(&DB::sql(
                "UPDATE users SET password_hash = ?, auth_epoch = auth_epoch + 1, must_change_password = FALSE, updated_at = ? WHERE id = ?",
            ))
            .bind(password_hash)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            sqlx::query(&DB::sql("DELETE FROM api_tokens WHERE user_id = ? AND (kind = 'login' OR NOT ?)"))
                .bind(id)
                .bind(keep_personal_tokens)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(done)
        })
    }

    pub async fn delete_user(&self, id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("DELETE FROM users WHERE id = ?")).bind(id).execute(p).await?;
            Ok(r.rows_affected() == 1)
        })
    }

    pub async fn count_admins(&self) -> Result<u64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let n: i64 = sqlx::query_scalar(&DB::sql("SELECT COUNT(*) FROM users WHERE role = 'admin'")).fetch_one(p).await?;
            Ok(n as u64)
        })
    }
}
