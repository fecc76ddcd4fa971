//! The one error type that crosses the wire, to the browser and to API clients.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::collections::BTreeMap;

/// Field name -> what is wrong with it.
pub type FieldErrors = BTreeMap<String, String>;

/// Every failure a client can see. 5xx causes are logged on the server and
/// only a reference is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("{message}")]
    BadRequest { code: String, message: String },
    #[error("authentication required")]
    Unauthorized { code: String, message: String },
    #[error("{message}")]
    Forbidden { code: String, message: String },
    #[error("{message}")]
    NotFound { code: String, message: String },
    #[error("{message}")]
    Conflict { code: String, message: String },
    #[error("{message}")]
    Validation { message: String, fields: FieldErrors },
    #[error("{message}")]
    PayloadTooLarge { message: String },
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("{message}")]
    Unavailable { code: String, message: String },
    /// A storage pool cannot hold what was asked (507).
    #[error("{message}")]
    InsufficientStorage { message: String },
    #[error("internal error (reference {reference})")]
    Internal { reference: String },
}

impl AppError {
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::BadRequest { code: code.into(), message: message.into() }
    }
    pub fn unauthorized(code: &str, message: impl Into<String>) -> Self {
        Self::Unauthorized { code: code.into(), message: message.into() }
    }
    pub fn forbidden() -> Self {
        Self::denied("FORBIDDEN", "you are not allowed to do this")
    }
    /// A 403 with its own code, for refusals the caller should understand.
    pub fn denied(code: &str, message: impl Into<String>) -> Self {
        Self::Forbidden { code: code.into(), message: message.into() }
    }
    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::NotFound { code: code.into(), message: message.into() }
    }
    /// A 503: something needed is not there now; trying later may work.
    pub fn unavailable(code: &str, message: impl Into<String>) -> Self {
        Self::Unavailable { code: code.into(), message: message.into() }
    }
    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::Conflict { code: code.into(), message: message.into() }
    }
    /// A validation failure on one field.
    pub fn invalid(field: &str, problem: impl Into<String>) -> Self {
        let mut fields = FieldErrors::new();
        let problem = problem.into();
        fields.insert(field.into(), problem.clone());
        Self::Validation { message: format!("{field}: {problem}"), fields }
    }
    /// A validation failure on several fields; `None` when there is none.
    pub fn from_fields(fields: FieldErrors) -> Option<Self> {
        if fields.is_empty() {
            return None;
        }
        let message = fields.iter().map(|(f, p)| format!("{f}: {p}")).collect::<Vec<_>>().join("; ");
        Some(Self::Validation { message, fields })
    }

    /// Stable machine-readable code, e.g. `VM_NOT_FOUND`.
    pub fn code(&self) -> &str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::NotFound { code, .. }
            | Self::Conflict { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Unavailable { code, .. } => code,
            Self::Validation { .. } => "VALIDATION_FAILED",
            Self::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::InsufficientStorage { .. } => "INSUFFICIENT_STORAGE",
            Self::Internal { .. } => "INTERNAL_ERROR",
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest { .. } => 400,
            Self::Unauthorized { .. } => 401,
            Self::Forbidden { .. } => 403,
            Self::NotFound { .. } => 404,
            Self::Conflict { .. } => 409,
            Self::PayloadTooLarge { .. } => 413,
            Self::Validation { .. } => 422,
            Self::RateLimited { .. } => 429,
            Self::Unavailable { .. } => 503,
            Self::InsufficientStorage { .. } => 507,
            Self::Internal { .. } => 500,
        }
    }

    /// Extra structured detail for the API envelope.
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            Self::Validation { fields, .. } => Some(serde_json::json!({ "fields": fields })),
            Self::RateLimited { retry_after_secs } => {
                Some(serde_json::json!({ "retry_after_secs": retry_after_secs }))
            }
            Self::Internal { reference } => Some(serde_json::json!({ "reference": reference })),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => {
                Self::unavailable("UNAVAILABLE", format!("the server could not be reached: {m}"))
            }
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::MissingArg(m)
            | ServerFnErrorErr::Deserialization(m) => {
                Self::bad_request("BAD_ARGUMENTS", m)
            }
            other => Self::Internal { reference: other.to_string() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes_match_the_api_conventions() {
        let cases: Vec<(AppError, u16, &str)> = vec![
            (AppError::bad_request("MALFORMED_JSON", "x"), 400, "MALFORMED_JSON"),
            (AppError::unauthorized("INVALID_CREDENTIALS", "x"), 401, "INVALID_CREDENTIALS"),
            (AppError::forbidden(), 403, "FORBIDDEN"),
            (AppError::not_found("USER_NOT_FOUND", "x"), 404, "USER_NOT_FOUND"),
            (AppError::conflict("USERNAME_TAKEN", "x"), 409, "USERNAME_TAKEN"),
            (AppError::invalid("password", "too short"), 422, "VALIDATION_FAILED"),
            (AppError::RateLimited { retry_after_secs: 3 }, 429, "RATE_LIMITED"),
            (AppError::Internal { reference: "r".into() }, 500, "INTERNAL_ERROR"),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.status(), status, "{err:?}");
            assert_eq!(err.code(), code, "{err:?}");
        }
    }

    #[test]
    fn validation_names_every_field() {
        let mut f = FieldErrors::new();
        f.insert("username".into(), "taken".into());
        f.insert("password".into(), "too short".into());
        let e = AppError::from_fields(f).expect("two fields");
        assert_eq!(e.details().unwrap()["fields"]["password"], "too short");
        assert!(e.to_string().contains("username: taken"));
        assert!(AppError::from_fields(FieldErrors::new()).is_none());
    }

    #[test]
    fn survives_the_server_fn_round_trip() {
        let e = AppError::invalid("username", "bad");
        let bytes = <AppError as FromServerFnError>::ser(&e);
        let back = <AppError as FromServerFnError>::de(bytes);
        assert_eq!(back, e);
    }
}
