//! The server's error type: wraps causes, maps to the wire `AppError`.

use app::error::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

impl ServerError {
    pub fn internal(msg: impl Into<String>) -> Self {
        Self::Internal(msg.into())
    }
}

impl From<ServerError> for AppError {
    /// Client errors pass through; server faults are logged with a
    /// reference and only the reference leaves the server.
    fn from(err: ServerError) -> AppError {
        match err {
            ServerError::App(e) => e,
            ServerError::Db(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                AppError::conflict("ALREADY_EXISTS", "a record with these values already exists")
            }
            ServerError::Db(sqlx::Error::PoolTimedOut) => {
                AppError::unavailable("UNAVAILABLE", "the database is busy; try again")
            }
            other => {
                let reference = crate::auth::token::short_id();
                tracing::error!(error = %other, reference, "request failed");
                AppError::Internal { reference }
            }
        }
    }
}

/// Maps a database error, reporting a unique-key clash as the `taken`
/// error (a name in use, a race lost to another request).
pub fn unique_as(taken: impl FnOnce() -> AppError) -> impl FnOnce(sqlx::Error) -> ServerError {
    move |e| match e {
        sqlx::Error::Database(ref d) if d.is_unique_violation() => taken().into(),
        other => ServerError::from(other),
    }
}

/// A one-line description of an error safe to show a user (server faults
/// become a logged reference, as in the envelope).
pub fn describe(err: &ServerError) -> String {
    match err {
        ServerError::App(e) => format!("{}: {e}", e.code()),
        other => AppError::from(ServerError::internal(other.to_string())).to_string(),
    }
}

/// The error half of the API envelope.
pub fn error_response(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = serde_json::json!({
        "success": false,
        "error": { "code": err.code(), "message": err.to_string() },
        "timestamp": crate::time::now_rfc3339(),
    });
    if let Some(details) = err.details() {
        body["error"]["details"] = details;
    }
    let mut resp = (status, axum::Json(body)).into_response();
    if let AppError::RateLimited { retry_after_secs } = err {
        if let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(1).to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    if let AppError::Unauthorized { .. } = err {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    resp
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        error_response(self.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_causes_are_not_sent() {
        let err = ServerError::internal("disk /secret/path exploded");
        let app: AppError = err.into();
        assert_eq!(app.status(), 500);
        assert!(!app.to_string().contains("/secret/path"), "{app}");
    }

    #[tokio::test]
    async fn rate_limit_carries_retry_after_and_envelope() {
        let resp = error_response(AppError::RateLimited { retry_after_secs: 7 });
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "7");
        let body = axum::body::to_bytes(resp.into_body(), 1 << 16).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["success"], false);
        assert_eq!(v["error"]["code"], "RATE_LIMITED");
        assert_eq!(v["error"]["details"]["retry_after_secs"], 7);
    }

    #[tokio::test]
    async fn unique_violations_become_conflicts() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE t (x TEXT UNIQUE)").execute(&pool).await.unwrap();
        sqlx::query("INSERT INTO t VALUES ('a')").execute(&pool).await.unwrap();
        let err = sqlx::query("INSERT INTO t VALUES ('a')").execute(&pool).await.unwrap_err();
        let app: AppError = ServerError::from(err).into();
        assert_eq!(app.status(), 409);
    }
}
