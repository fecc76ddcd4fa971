//! What every request passes before a handler sees it. A browser sends the
//! session cookie with requests any other page makes it send, so a change
//! authenticated by that cookie (and any sign-in) must come from vlab's own
//! origin; bearer tokens are not sent by browsers on their own and pass.
//! Server functions take only the content types they decode. Every answer
//! carries headers that keep other sites from framing or sniffing it.

use crate::error::error_response;
use crate::state::AppState;
use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "vlab_session";

/// The most a request to `path` may carry: a chunk for uploads, a CSV for
/// enrolment, 64 KiB for everything else (JSON and forms).
pub fn body_limit(path: &str) -> usize {
    if path.starts_with("/internal/v1/disks/") {
        crate::cluster::MAX_DISK_BYTES
    } else if path.starts_with("/api/v1/") && path.ends_with("/content") {
        crate::service::storage::MAX_CHUNK_BYTES
    } else if (path.starts_with("/api/v1/") && path.ends_with("/members/csv")) || path.starts_with("/api/enrol_csv") {
        crate::http::courses::MAX_CSV_BYTES
    } else {
        crate::http::MAX_BODY_BYTES
    }
}

/// Refuses oversized bodies (before anything reads them), cross-site
/// changes and undecodable server-function bodies.
pub async fn front_door(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = body_limit(req.uri().path());
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return error_response(AppError::PayloadTooLarge { message: format!("this request may carry at most {limit} bytes") });
    }
    // A body without a declared length is cut off at the limit as it streams.
    let req = req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    let (method, path, headers) = (req.method(), req.uri().path(), req.headers());
    if let Err(why) = check_origin(&state.config.public_origins, state.config.secure_cookies, method, path, headers) {
        tracing::info!(path, why, "cross-site request refused");
        return error_response(AppError::denied("FORBIDDEN", why));
    }
    if let Err(why) = check_server_fn_body(method, path, headers) {
        let mut r = error_response(AppError::bad_request("UNSUPPORTED_MEDIA_TYPE", why));
        *r.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        return r;
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // Pages set their own policy with the nonce of their scripts; the rest
    // share one, made once.
    static PLAIN_POLICY: std::sync::OnceLock<HeaderValue> = std::sync::OnceLock::new();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert_with(|| PLAIN_POLICY.get_or_init(|| HeaderValue::from_str(&content_policy(None)).expect("ASCII policy")).clone());
    resp
}

/// Server functions live under `/api/`, beside the REST API's `/api/v1/`.
fn is_server_fn(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/v1/")
}

/// Server functions answer every error with 500. This gives a server
/// function's `AppError` the status of its kind, so a client's mistake
/// (bad arguments, a failed validation, a missing right) is a 4xx, and a
/// rate limit carries `Retry-After`. Runs inside compression, on the body
/// the function wrote.
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let server_fn = is_server_fn(req.uri().path());
    let resp = next.run(req).await;
    if !server_fn || resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // An error's body is small; a larger one is not an AppError.
    let Ok(bytes) = axum::body::to_bytes(body, 256 * 1024).await else {
        return error_response(AppError::Internal { reference: "an oversized server function error".into() });
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited { retry_after_secs } = err {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The Content-Security-Policy: scripts only from vlab itself (and, on a
/// page, the inline hydration scripts carrying its nonce), WebAssembly
/// compilation for the UI, connections (the API, event streams, console
/// websockets) only back to vlab, no plugins, no framing, no base or form
/// targets elsewhere. Inline styles stay allowed: noVNC and xterm.js set
/// them on their elements.
pub fn content_policy(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Gives the page being rendered the policy with its scripts' nonce
/// (leptos_axum makes one per render). Call from the page's context.
pub fn page_policy() {
    let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), leptos::prelude::use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(&content_policy(Some(&nonce))) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn has_session_cookie(h: &HeaderMap) -> bool {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|kv| kv.trim().starts_with(&format!("{SESSION_COOKIE}=")))
}

/// A change carried by the session cookie, or a sign-in, must come from one
/// of `origins` (or, with none configured, from the host the request names).
pub fn check_origin(origins: &[String], https: bool, method: &Method, path: &str, h: &HeaderMap) -> Result<(), String> {
    if !changes_state(method) {
        return Ok(());
    }
    let bearer = h.contains_key(header::AUTHORIZATION);
    if !(path == "/login" || (has_session_cookie(h) && !bearer)) {
        return Ok(());
    }
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Err(format!("a {site} request may not use a vlab session"));
        }
    }
    if let Some(origin) = h.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("").trim_end_matches('/');
        let own = match origins {
            [] => h.get(header::HOST).and_then(|v| v.to_str().ok()).map(|host| {
                let scheme = if https { "https" } else { "http" };
                origin == format!("{scheme}://{host}")
            }),
            list => Some(list.iter().any(|o| o == origin)),
        };
        if own != Some(true) {
            return Err(format!("requests from {origin} may not use a vlab session"));
        }
    }
    Ok(())
}

/// Server functions (under `/api/`, outside the REST API) decode JSON or
/// forms; anything else never reaches a decoder.
pub fn check_server_fn_body(method: &Method, path: &str, h: &HeaderMap) -> Result<(), String> {
    if !changes_state(method) || !is_server_fn(path) {
        return Ok(());
    }
    let ct = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let ct = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if ct == "application/json" || ct == "application/x-www-form-urlencoded" {
        Ok(())
    } else {
        Err(format!("server functions take application/json or a form, not '{ct}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn cookie_changes_must_come_from_home() {
        let cookie = ("cookie", "lang=en; vlab_session=abc");
        let host = ("host", "127.0.0.1:3000");
        let post = &Method::POST;
        let ok = |o: &[String], h: &[(&str, &str)], path: &str| check_origin(o, false, post, path, &headers(h)).is_ok();
        assert!(ok(&[], &[cookie, host, ("origin", "http://127.0.0.1:3000")], "/api/v1/users"));
        assert!(!ok(&[], &[cookie, host, ("origin", "http://evil.example")], "/api/v1/users"));
        assert!(!ok(&[], &[cookie, host, ("origin", "null")], "/api/v1/users"));
        assert!(!ok(&[], &[cookie, host, ("sec-fetch-site", "cross-site")], "/api/v1/users"));
        assert!(!ok(&[], &[cookie, host, ("sec-fetch-site", "same-site")], "/api/v1/users"));
        assert!(ok(&[], &[cookie, host, ("sec-fetch-site", "same-origin")], "/api/v1/users"));
        // Bearer tokens and cookie-less calls are not a browser's doing.
        assert!(ok(&[], &[cookie, host, ("authorization", "Bearer x"), ("origin", "http://evil.example")], "/api/v1/users"));
        assert!(ok(&[], &[host, ("origin", "http://evil.example")], "/api/v1/users"));
        // A sign-in needs no cookie to be refused.
        assert!(!ok(&[], &[host, ("origin", "http://evil.example")], "/login"));
        // Configured origins replace the host rule.
        let public = ["https://lab.example.org".to_string()];
        assert!(ok(&public, &[cookie, ("host", "10.0.0.5:3000"), ("origin", "https://lab.example.org")], "/api/x"));
        assert!(!ok(&public, &[cookie, host, ("origin", "http://127.0.0.1:3000")], "/api/x"));
        assert!(check_origin(&[], false, &Method::GET, "/api/v1/users", &headers(&[cookie, ("origin", "http://evil.example")])).is_ok());
    }

    #[test]
    fn server_functions_take_json_or_forms() {
        let post = &Method::POST;
        let with = |ct: &str| headers(&[("content-type", ct)]);
        assert!(check_server_fn_body(post, "/api/create_user", &with("application/json")).is_ok());
        assert!(check_server_fn_body(post, "/api/logout", &with("application/x-www-form-urlencoded; charset=utf-8")).is_ok());
        assert!(check_server_fn_body(post, "/api/create_user", &with("text/plain")).is_err());
        assert!(check_server_fn_body(post, "/api/create_user", &HeaderMap::new()).is_err());
        assert!(check_server_fn_body(post, "/api/v1/isos/1/content", &with("application/octet-stream")).is_ok());
    }
}
