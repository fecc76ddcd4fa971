//! API tokens: only their SHA-256 is stored.

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
        let row: TokenRow = sqlx::query_as(
            "INSERT INTO api_tokens (user_id, kind, name, token_hash, prefix, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) \
             RETURNING id, name, prefix, created_at, expires_at, last_used_at",
        )
        .bind(t.user_id)
        .bind(t.kind.as_str())
        .bind(t.name)
        .bind(t.token_hash)
        .bind(t.prefix)
        .bind(now)
        .bind(t.expires_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.into_view())
    }

    /// The owner of the live (unexpired) token with this hash, in one query.
    pub async fn token_owner(&self, token_hash: &str, now: i64) -> Result<Option<TokenOwner>, sqlx::Error> {
        #[derive(sqlx::FromRow)]
        struct Row {
            token_id: i64,
            last_used_at: Option<i64>,
            #[sqlx(flatten)]
            user: super::users::UserRow,
        }
        let row: Option<Row> = sqlx::query_as(
            "SELECT t.id AS token_id, t.last_used_at, u.id, u.username, u.display_name, u.email, u.role, \
                    u.created_at, u.updated_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?)",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| TokenOwner { token_id: r.token_id, last_used_at: r.last_used_at, user: r.user.into_view() }))
    }

    pub async fn touch_token(&self, token_id: i64, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(now)
            .bind(token_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn list_personal_tokens(&self, user: &UserView) -> Result<Vec<TokenView>, sqlx::Error> {
        let rows: Vec<TokenRow> = sqlx::query_as(
            "SELECT id, name, prefix, created_at, expires_at, last_used_at FROM api_tokens \
             WHERE user_id = ? AND kind = 'personal' ORDER BY id",
        )
        .bind(user.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(TokenRow::into_view).collect())
    }

    /// Deletes one of the user's own personal tokens; false if there is none.
    pub async fn revoke_personal_token(&self, user_id: i64, token_id: i64) -> Result<bool, sqlx::Error> {
        let r = sqlx::query("DELETE FROM api_tokens WHERE id = ? AND user_id = ? AND kind = 'personal'")
            .bind(token_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    pub async fn delete_token(&self, token_id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM api_tokens WHERE id = ?").bind(token_id).execute(&self.pool).await.map(|_| ())
    }

    pub async fn delete_expired_tokens(&self, now: i64) -> Result<u64, sqlx::Error> {
        let r = sqlx::query("DELETE FROM api_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }
}
