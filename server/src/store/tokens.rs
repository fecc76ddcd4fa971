//! API tokens: only their SHA-256 is stored.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::rfc3339;
use app::types::{TokenView, UserView};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Issued by `POST /auth/login`; expires; dropped on password change.
    Login,
    /// Created by the user, named, listed, revoked by hand.
    Personal,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Login => "login",
            TokenKind::Personal => "personal",
        }
    }
}

/// How a token is looked up.
#[derive(Clone, Copy)]
enum TokenKey<'a> {
    Hash(&'a str),
    Id(i64),
}

pub struct NewTokenRow<'a> {
    pub user_id: i64,
    pub kind: TokenKind,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub expires_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
}

impl TokenRow {
    fn into_view(self) -> TokenView {
        TokenView {
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            created_at: rfc3339(self.created_at),
            expires_at: self.expires_at.map(rfc3339),
            last_used_at: self.last_used_at.map(rfc3339),
        }
    }
}

/// The user a presented token belongs to.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub token_id: i64,
    pub last_used_at: Option<i64>,
    pub user: UserView,
}

impl Store {
    pub async fn insert_token(&self, t: NewTokenRow<'_>, now: i64) -> Result<TokenView, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: TokenRow = sqlx::query_as(&DB::sql(
                "INSERT INTO api_tokens (user_id, kind, name, token_hash, prefix, created_at, expires_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?) \
                 RETURNING id, name, prefix, created_at, expires_at, last_used_at",
            ))
            .bind(t.user_id)
            .bind(t.kind.as_str())
            .bind(t.name)
            .bind(t.token_hash)
            .bind(t.prefix)
            .bind(now)
            .bind(t.expires_at)
            .fetch_one(p)
            .await?;
            Ok(row.into_view())
        })
    }

    /// The owner of the live (unexpired) token with this hash, in one query.
    pub async fn token_owner(&self, token_hash: &str, now: i64) -> Result<Option<TokenOwner>, sqlx::Error> {
        self.owner_where(TokenKey::Hash(token_hash), now).await
    }

    /// The owner of token `token_id` while it is valid (for re-checks of
    /// connections opened with it).
    pub async fn token_owner_by_id(&self, token_id: i64, now: i64) -> Result<Option<TokenOwner>, sqlx::Error> {
        self.owner_where(TokenKey::Id(token_id), now).await
    }

    async fn owner_where(&self, key: TokenKey<'_>, now: i64) -> Result<Option<TokenOwner>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            #[derive(sqlx::FromRow)]
            struct Row {
                token_id: i64,
                last_used_at: Option<i64>,
                #[sqlx(flatten)]
                user: super::users::UserRow,
            }
            let clause = match key {
                TokenKey::Hash(_) => "t.token_hash = ?",
                TokenKey::Id(_) => "t.id = ?",
            };
            let sql = format!(
                "SELECT t.id AS token_id, t.last_used_at, u.id, u.username, u.display_name, u.email, u.role, \
                        u.created_at, u.updated_at, u.must_change_password \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE {clause} AND (t.expires_at IS NULL OR t.expires_at > ?)"
            );
            let sql = DB::sql(&sql);
            let query = sqlx::query_as::<_, Row>(&sql);
            let query = match key {
                TokenKey::Hash(h) => query.bind(h),
                TokenKey::Id(id) => query.bind(id),
            };
            let row = query.bind(now).fetch_optional(p).await?;
            Ok(row.map(|r| TokenOwner { token_id: r.token_id, last_used_at: r.last_used_at, user: r.user.into_view() }))
        })
    }

    pub async fn touch_token(&self, token_id: i64, now: i64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"))
                .bind(now)
                .bind(token_id)
                .execute(p)
                .await
                .map(|_| ())
        })
    }

    pub async fn list_personal_tokens(&self, user: &UserView) -> Result<Vec<TokenView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<TokenRow> = sqlx::query_as(&DB::sql(
                "SELECT id, name, prefix, created_at, expires_at, last_used_at FROM api_tokens \
                 WHERE user_id = ? AND kind = 'personal' ORDER BY id",
            ))
            .bind(user.id)
            .fetch_all(p)
            .await?;
            Ok(rows.into_iter().map(TokenRow::into_view).collect())
        })
    }

    /// Deletes one of the user's own personal tokens; false if there is none.
    pub async fn revoke_personal_token(&self, user_id: i64, token_id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("DELETE FROM api_tokens WHERE id = ? AND user_id = ? AND kind = 'personal'"))
                .bind(token_id)
                .bind(user_id)
                .execute(p)
                .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Whether browser session `id` is still stored (not logged out or expired and swept).
    pub async fn session_exists(&self, id: &str) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let sql = format!("SELECT CAST(1 AS BIGINT) FROM {} WHERE id = ?", DB::SESSIONS);
            let row: Option<(i64,)> = sqlx::query_as(&DB::sql(&sql)).bind(id).fetch_optional(p).await?;
            Ok(row.is_some())
        })
    }

    pub async fn delete_token(&self, token_id: i64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("DELETE FROM api_tokens WHERE id = ?")).bind(token_id).execute(p).await.map(|_| ())
        })
    }

    pub async fn delete_expired_tokens(&self, now: i64) -> Result<u64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("DELETE FROM api_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?"))
                .bind(now)
                .execute(p)
                .await?;
            Ok(r.rows_affected())
        })
    }
}
