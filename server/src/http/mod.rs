//! The REST API under `/api/v1`: envelope, extractors, and one router per
//! resource.

mod audit;
mod auth;
pub(crate) mod courses;
mod labs;
mod logs;
mod metrics;
mod nodes;
mod quotas;
mod snapshots;
mod console;
mod docs;
mod forwards;
mod system;
mod templates;
mod operations;
mod storage;
mod users;
mod vms;

pub use docs::{document as openapi_document, ApiDoc};

use crate::error::{error_response, ServerError};
use crate::state::AppState;
use app::error::{AppError, FieldErrors};
use app::types::Page;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{request::Parts, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Largest JSON body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Everything under `/api/v1`.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(system::router())
        .merge(nodes::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(vms::router())
        .merge(operations::router())
        .merge(storage::router())
        .merge(forwards::router())
        .merge(snapshots::router())
        .merge(console::router())
        .merge(metrics::router())
        .merge(logs::router())
        .merge(audit::router())
        .merge(courses::router())
        .merge(templates::router())
        .merge(labs::router())
        .merge(quotas::router())
        .merge(docs::router())
        .route_layer(middleware::from_fn(crate::exposition::note_route))
        .fallback(|| async {
            error_response(AppError::not_found("ROUTE_NOT_FOUND", "no such API endpoint"))
        })
        .method_not_allowed_fallback(|| async {
            let mut r = error_response(AppError::bad_request("METHOD_NOT_ALLOWED", "this endpoint does not take that method"));
            *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            r
        })
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state, crate::exposition::track))
}

/// One bucket per caller: the user of a token vlab issued, else the client
/// address. A token vlab does not know counts as its address, so made-up
/// `Authorization` headers are not fresh buckets.
async fn rate_limit(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = crate::auth::identify::bearer_token(req.headers()).and_then(|t| t.ok()).map(crate::auth::token::hash);
    let ip = crate::serve::ClientAddr::of(req.extensions());
    let owner = match token {
        Some(hash) => state.store.token_owner(&hash, crate::time::now()).await.ok().flatten().map(|owner| (hash, owner)),
        None => None,
    };
    let key = match owner {
        Some((hash, owner)) => {
            let key = format!("u:{}", owner.user.id);
            req.extensions_mut().insert(crate::auth::identify::VerifiedBearer { hash, owner });
            key
        }
        None => format!("ip:{ip}"),
    };
    match state.api_limiter.take(&state.store, &key).await {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => error_response(AppError::RateLimited { retry_after_secs }),
    }
}

/// `{ success: true, data, message, timestamp }`.
pub fn ok<T: Serialize>(data: T) -> Response {
    envelope(StatusCode::OK, data, None)
}

pub fn created<T: Serialize>(data: T) -> Response {
    envelope(StatusCode::CREATED, data, None)
}

/// 202: the work goes on; `data` is the operation tracking it.
pub fn accepted<T: Serialize>(data: T) -> Response {
    envelope(StatusCode::ACCEPTED, data, None)
}

/// Success with no data, only a message.
pub fn done(message: &str) -> Response {
    envelope(StatusCode::OK, serde_json::Value::Null, Some(message))
}

/// A list page: `data` is the items, `pagination` sits beside it.
pub fn page<T: Serialize>(p: Page<T>) -> Response {
    match page_members(&p) {
        Ok(members) => page_answer(&members),
        Err(e) => e.into_response(),
    }
}

/// A page's `"data":…,"pagination":…`, the part of its answer that can be
/// kept (`crate::answers`); `page_answer` wraps it.
pub fn page_members<T: Serialize>(p: &Page<T>) -> Result<bytes::Bytes, ServerError> {
    #[derive(Serialize)]
    struct Members<'a, T> {
        data: &'a [T],
        pagination: &'a app::types::Pagination,
    }
    let object = serde_json::to_vec(&Members { data: &p.items, pagination: &p.pagination })
        .map_err(|e| ServerError::internal(format!("serializing a page: {e}")))?;
    // Without the object's braces.
    let end = object.len() - 1;
    Ok(bytes::Bytes::from(object).slice(1..end))
}

/// The envelope of a page around its kept members, with this moment's
/// timestamp.
pub fn page_answer(members: &[u8]) -> Response {
    let timestamp = crate::time::now_rfc3339();
    let mut body = Vec::with_capacity(members.len() + 80);
    body.extend_from_slice(br#"{"success":true,"#);
    body.extend_from_slice(members);
    body.extend_from_slice(br#","message":null,"timestamp":"#);
    // An RFC 3339 time needs no escaping.
    body.push(b'"');
    body.extend_from_slice(timestamp.as_bytes());
    body.extend_from_slice(b"\"}");
    ([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    success: bool,
    data: T,
    message: Option<&'a str>,
    timestamp: String,
}

fn envelope<T: Serialize>(status: StatusCode, data: T, message: Option<&str>) -> Response {
    (status, axum::Json(Envelope { success: true, data, message, timestamp: crate::time::now_rfc3339() })).into_response()
}

/// JSON body whose rejections are API errors naming the problem.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(mut value) = axum::Json::<serde_json::Value>::from_request(req, state).await.map_err(json_rejection)?;
        whole_numbers(&mut value);
        serde_path_to_error::deserialize(value).map(ApiJson).map_err(|e| {
            let path = e.path().to_string();
            let text = if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) };
            data_error(text).into()
        })
    }
}

/// JSON does not tell `2.0` from `2` (nor does JSON Schema's `integer`):
/// whole numbers written with a fraction are read as integers.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0) {
                *n = if f < 0.0 { (f as i64).into() } else { (f as u64).into() };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Turns serde's complaint into a field-level validation error where it
/// names a field.
fn data_error(text: String) -> AppError {
    let field_of = |marker: &str| text.split_once(marker).and_then(|(_, rest)| rest.split('`').next()).map(str::to_owned);
    let mut fields = FieldErrors::new();
    if let Some(f) = field_of("unknown field `") {
        fields.insert(f, "is not a known field".into());
    } else if let Some(f) = field_of("missing field `") {
        fields.insert(f, "is required".into());
    } else {
        let path = text.split(':').next().unwrap_or("body").trim();
        let path = if path.is_empty() || path.contains(' ') { "body" } else { path };
        fields.insert(path.to_owned(), text.clone());
    }
    AppError::Validation { message: text, fields }
}

/// The body could not be read as JSON at all.
fn json_rejection(rej: JsonRejection) -> ServerError {
    let err = match rej {
        JsonRejection::JsonDataError(e) => data_error(std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_else(|| e.body_text())),
        JsonRejection::JsonSyntaxError(e) => AppError::bad_request(
            "MALFORMED_JSON",
            format!(
                "the body is not valid JSON: {}",
                std::error::Error::source(&e).map(|s| s.to_string()).unwrap_or_default()
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => {
            AppError::bad_request("UNSUPPORTED_MEDIA_TYPE", "send the body as Content-Type: application/json")
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge {
            message: format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        },
        other => AppError::bad_request("BAD_BODY", other.body_text()),
    };
    err.into()
}

/// Query string whose rejections are API errors.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rej) => Err(query_rejection(rej).into()),
        }
    }
}

fn query_rejection(rej: QueryRejection) -> AppError {
    let text = std::error::Error::source(&rej).map(|s| s.to_string()).unwrap_or_else(|| rej.body_text());
    AppError::bad_request("INVALID_QUERY", format!("the query string is not valid: {text}"))
}

/// Path parameters whose rejections are API errors.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rej) => Err(path_rejection(rej).into()),
        }
    }
}

fn path_rejection(rej: PathRejection) -> AppError {
    AppError::bad_request("INVALID_PATH", rej.body_text())
}
