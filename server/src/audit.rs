//! The audit trail. Every change asked of vlab is recorded once, here: one
//! layer (`layer`) sees each state-changing request to the REST API
//! (`/api/v1/...`), the UI's server functions (`/api/<function>`) and the
//! login form, and records when, who (filled in by
//! `auth::identify::authenticate`, the one place callers are proven), from
//! where, what, on which target, and how it ended; the lab scheduler
//! records its own starts and stops with `record_scheduled`. A summary
//! holds only a few named fields of a request (`SUMMARY_FIELDS`), so no
//! password or token ever reaches it.

use crate::auth::{AuthVia, Caller};
use crate::state::AppState;
use crate::store::audit::AuditRow;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// Who a request turned out to be from.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: String,
    pub via: &'static str,
    pub token_id: Option<i64>,
}

/// Where `authenticate` notes the caller of a request the layer watches.
#[derive(Clone, Default)]
pub struct ActorSlot(Arc<OnceLock<Actor>>);

/// Called where callers are proven: notes who this request is from.
pub fn note_actor(extensions: &http::Extensions, caller: &Caller) {
    if let Some(slot) = extensions.get::<ActorSlot>() {
        let _ = slot.0.set(actor_of(caller));
    }
}

fn actor_of(caller: &Caller) -> Actor {
    let (via, token_id) = match caller.via {
        AuthVia::Session { .. } => ("session", None),
        AuthVia::Token { token_id } => ("token", Some(token_id)),
        AuthVia::Internal => ("scheduler", None),
    };
    Actor {
        user_id: caller.id(),
        username: caller.user.username.clone(),
        role: caller.user.role.as_str().to_owned(),
        via,
        token_id,
    }
}

/// Request fields a summary may show. Secrets are not among them, and a
/// field is shown only by one of these names.
const SUMMARY_FIELDS: [&str; 12] =
    ["action", "name", "username", "role", "code", "title", "node_id", "force", "delete_disks", "confirm", "size_mib", "format"];
const SUMMARY_MAX_CHARS: usize = 300;
/// Answers read for the new target's id and the error code (JSON answers
/// to changes are far smaller).
const ANSWER_MAX_BYTES: usize = 16 << 20;

/// Server functions that change something: (function, action). Reads are
/// not recorded.
const UI_ACTIONS: [(&str, &str); 34] = [
    ("logout", "auth.logout"),
    ("change_password", "auth.password"),
    ("create_token", "auth.tokens.create"),
    ("revoke_token", "auth.tokens.delete"),
    ("create_user", "user.create"),
    ("update_user", "user.update"),
    ("reset_password", "user.password"),
    ("delete_user", "user.delete"),
    ("create_vm", "vm.create"),
    ("update_vm", "vm.update"),
    ("delete_vm", "vm.delete"),
    ("vm_action", "vm.state"),
    ("move_vm", "vm.move"),
    ("set_cdrom", "vm.cdrom"),
    ("create_snapshot", "vm.snapshots.create"),
    ("revert_snapshot", "vm.snapshots.revert"),
    ("delete_snapshot", "vm.snapshots.delete"),
    ("add_port_forward", "vm.port-forwards.create"),
    ("remove_port_forward", "vm.port-forwards.delete"),
    ("reset_vm", "vm.reset-baseline"),
    ("create_disk", "disk.create"),
    ("delete_disk", "disk.delete"),
    ("attach_disk", "disk.attach"),
    ("detach_disk", "disk.detach"),
    ("delete_iso", "iso.delete"),
    ("update_node", "node.update"),
    ("create_course", "course.create"),
    ("update_course", "course.update"),
    ("add_member", "course.members.create"),
    ("enrol_csv", "course.members.csv"),
    ("create_template", "course.templates.create"),
    ("publish_lab", "course.labs.create"),
    ("open_lab", "lab.open"),
    ("bulk_lab", "lab.bulk"),
];

/// Path segments naming a collection inside a resource: a POST to one creates.
const SUB_COLLECTIONS: [&str; 8] = ["snapshots", "port-forwards", "members", "labs", "templates", "versions", "tokens", "isos"];

/// What a request asks, as the trail names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Asked {
    channel: &'static str,
    action: String,
    target_kind: Option<String>,
    target_id: Option<i64>,
}

fn singular(collection: &str) -> String {
    collection.strip_suffix('s').unwrap_or(collection).to_owned()
}

/// A REST call's action and target, from its path: `/api/v1/vms/12/snapshots/3/revert`
/// is `vm.snapshots.revert` on VM 12.
fn rest_asked(method: &Method, path: &str) -> Option<Asked> {
    let rest = path.strip_prefix("/api/v1/")?;
    let raw: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let words: Vec<&str> = raw.iter().copied().filter(|s| !numeric(s)).collect();
    let first = *words.first()?;
    let ends_with_id = raw.last().is_some_and(|s| numeric(s));
    let verb = if ends_with_id || words.len() == 1 {
        match *method {
            Method::POST if !ends_with_id => Some("create"),
            Method::DELETE => Some("delete"),
            Method::PATCH => Some("update"),
            Method::PUT => Some("set"),
            _ => None,
        }
    } else if *method == Method::POST && SUB_COLLECTIONS.contains(words.last()?) {
        Some("create")
    } else {
        None
    };
    let kind = if first == "auth" { "auth".to_owned() } else { singular(first) };
    let mut action = std::iter::once(kind.clone()).chain(words[1..].iter().map(|w| (*w).to_owned())).collect::<Vec<_>>().join(".");
    if let Some(v) = verb {
        action = format!("{action}.{v}");
    }
    let target_id = raw.get(1).filter(|s| numeric(s)).and_then(|s| s.parse().ok());
    let target_kind = (first != "auth").then_some(kind);
    Some(Asked { channel: "api", action, target_kind, target_id })
}

/// A server function's action, if it changes something: `/api/create_vm<hash>`.
fn ui_asked(path: &str) -> Option<Asked> {
    let endpoint = path.strip_prefix("/api/")?;
    if endpoint.contains('/') {
        return None;
    }
    let (_, action) = UI_ACTIONS
        .iter()
        .filter(|(f, _)| endpoint.strip_prefix(f).is_some_and(|hash| hash.bytes().all(|b| b.is_ascii_alphanumeric())))
        .max_by_key(|(f, _)| f.len())?;
    let kind = action.split('.').next().unwrap_or_default();
    Some(Asked {
        channel: "ui",
        action: (*action).to_owned(),
        target_kind: (kind != "auth").then(|| kind.to_owned()),
        target_id: None,
    })
}

/// What the layer watches: changes through the API, the server functions and the login form.
fn asked(method: &Method, path: &str) -> Option<Asked> {
    if !matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        return None;
    }
    if path == "/login" {
        return Some(Asked { channel: "ui", action: "auth.login".into(), target_kind: None, target_id: None });
    }
    if path.starts_with("/api/v1/") {
        // Nodes calling each other are recorded where the user asked.
        return rest_asked(method, path);
    }
    ui_asked(path)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("application/json"))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

/// The first value of each summary field, looked for a few levels deep.
fn summary_of(body: &Value) -> String {
    fn find<'a>(v: &'a Value, key: &str, depth: u8) -> Option<&'a Value> {
        let obj = v.as_object()?;
        if let Some(found) = obj.get(key).filter(|f| !f.is_object() && !f.is_array()) {
            return Some(found);
        }
        if depth == 0 {
            return None;
        }
        obj.values().find_map(|inner| find(inner, key, depth - 1))
    }
    let mut parts = Vec::new();
    for key in SUMMARY_FIELDS {
        if let Some(v) = find(body, key, 2) {
            let text = match v {
                Value::String(s) => s.chars().take(60).collect::<String>(),
                other => other.to_string(),
            };
            parts.push(format!("{key}={text}"));
        }
    }
    let mut s = parts.join(" ");
    if s.chars().count() > SUMMARY_MAX_CHARS {
        s = s.chars().take(SUMMARY_MAX_CHARS).collect();
    }
    s
}

/// A form body's fields as JSON strings (the login form, the logout form).
fn form_fields(bytes: &[u8]) -> Value {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).unwrap_or_default();
    Value::Object(pairs.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

/// The error code an answer carries (`error.code` in the API's envelope,
/// `code` in a server function's error), else one made of its status.
fn error_code(status: u16, body: Option<&Value>) -> String {
    fn find(v: &Value, depth: u8) -> Option<String> {
        let obj = v.as_object()?;
        if let Some(Value::String(c)) = obj.get("code") {
            return Some(c.clone());
        }
        if depth == 0 {
            return None;
        }
        obj.values().find_map(|inner| find(inner, depth - 1))
    }
    body.and_then(|b| find(b, 3)).unwrap_or_else(|| format!("HTTP_{status}"))
}

/// Watches one request: see the module's comment.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(mut asked) = asked(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let client = crate::serve::ClientAddr::of(req.extensions());
    let (mut parts, body) = req.into_parts();
    let readable = is_json(&parts.headers) || is_form(&parts.headers);
    let (body, fields) = if readable {
        // The front door has held the body to what its path may carry.
        let limit = crate::guard::body_limit(parts.uri.path());
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => {
                let fields = if is_form(&parts.headers) { form_fields(&bytes) } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
                (Body::from(bytes), fields)
            }
            Err(_) => {
                let message = format!("this request may carry at most {limit} bytes");
                return crate::error::error_response(app::error::AppError::PayloadTooLarge { message });
            }
        }
    } else {
        (body, Value::Null)
    };
    let slot = ActorSlot::default();
    parts.extensions.insert(slot.clone());
    // A server function names its target in its arguments.
    if asked.channel == "ui" && asked.target_kind.is_some() {
        asked.target_id = ["id", "vm_id", "lab_id", "course_id"].iter().find_map(|k| fields.get(*k).and_then(Value::as_i64));
    }
    if asked.action == "vm.state" {
        if let Some(a) = fields.get("action").or_else(|| fields.get("request").and_then(|r| r.get("action"))).and_then(Value::as_str) {
            asked.action = format!("vm.{a}");
        }
    }
    // The course is looked up before: a deleted target has none after.
    let mut course_id = match (&asked.target_kind, asked.target_id) {
        (Some(kind), Some(id)) => state.store.course_of(kind, id).await.ok().flatten(),
        _ => None,
    };
    let resp = next.run(Request::from_parts(parts, body)).await;

    let status = resp.status().as_u16();
    let (resp, answer) = if is_json(resp.headers()) && (status >= 400 || asked.target_id.is_none() || asked.action.ends_with(".content")) {
        let (parts, body) = resp.into_parts();
        match axum::body::to_bytes(body, ANSWER_MAX_BYTES).await {
            Ok(bytes) => {
                let answer: Option<Value> = serde_json::from_slice(&bytes).ok();
                (Response::from_parts(parts, Body::from(bytes)), answer)
            }
            Err(_) => (Response::from_parts(parts, Body::from(Bytes::new())), None),
        }
    } else {
        (resp, None)
    };
    // One upload is many chunks: recorded once, when it completes (or fails).
    if asked.action.ends_with(".content") && status < 400 {
        let complete = answer.as_ref().and_then(|a| a.pointer("/data/status")).and_then(Value::as_str).is_some_and(|s| s == "ready");
        if !complete {
            return resp;
        }
    }
    if asked.target_id.is_none() && status < 400 {
        asked.target_id = answer.as_ref().and_then(|a| a.pointer("/data/id").or_else(|| a.get("id"))).and_then(Value::as_i64);
        if let (Some(kind), Some(id)) = (&asked.target_kind, asked.target_id) {
            course_id = state.store.course_of(kind, id).await.ok().flatten();
        }
    }
    let mut actor = slot.0.get().cloned();
    let claimed = fields.get("username").and_then(Value::as_str).map(|u| u.chars().take(64).collect::<String>());
    // A login proves who it is only by succeeding.
    if asked.action == "auth.login" && status < 400 && actor.is_none() {
        if let Some(c) = claimed.as_deref() {
            if let Ok(Some(creds)) = state.store.credentials_by_username(c).await {
                let user = creds.user;
                actor = Some(Actor { user_id: user.id, username: user.username, role: user.role.as_str().to_owned(), via: "password", token_id: None });
            }
        }
    }
    let row = AuditRow {
        id: 0,
        at: crate::time::now(),
        user_id: actor.as_ref().map(|a| a.user_id),
        username: actor.as_ref().map(|a| a.username.clone()).or(if asked.action == "auth.login" { claimed } else { None }),
        role: actor.as_ref().map(|a| a.role.clone()),
        via: actor.as_ref().map_or("none", |a| a.via).to_owned(),
        token_id: actor.as_ref().and_then(|a| a.token_id),
        client,
        channel: asked.channel.to_owned(),
        action: asked.action,
        target_kind: asked.target_kind,
        target_id: asked.target_id,
        course_id,
        summary: summary_of(&fields),
        result: if status < 400 { "ok".into() } else { error_code(status, answer.as_ref()) },
        status: status as i64,
    };
    if let Err(e) = state.store.insert_audit(&row).await {
        tracing::warn!(error = %e, action = %row.action, "could not record an audit event");
    }
    resp
}

/// The lab scheduler's own start or stop of a VM, and how it went.
pub async fn record_scheduled(state: &AppState, action: &str, vm_id: i64, why: &str, result: &Result<(), String>) {
    let row = AuditRow {
        id: 0,
        at: crate::time::now(),
        via: "scheduler".into(),
        client: "scheduler".into(),
        channel: "scheduler".into(),
        action: action.into(),
        target_kind: Some("vm".into()),
        target_id: Some(vm_id),
        course_id: state.store.course_of("vm", vm_id).await.ok().flatten(),
        summary: why.into(),
        result: match result {
            Ok(()) => "ok".into(),
            Err(code) => code.clone(),
        },
        status: if result.is_ok() { 202 } else { 409 },
        ..Default::default()
    };
    if let Err(e) = state.store.insert_audit(&row).await {
        tracing::warn!(error = %e, "could not record a scheduled action");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_paths_name_actions_and_targets() {
        let a = |m: Method, p: &str| rest_asked(&m, p).map(|a| (a.action, a.target_kind, a.target_id));
        assert_eq!(a(Method::POST, "/api/v1/vms"), Some(("vm.create".into(), Some("vm".into()), None)));
        assert_eq!(a(Method::DELETE, "/api/v1/vms/12"), Some(("vm.delete".into(), Some("vm".into()), Some(12))));
        assert_eq!(a(Method::PATCH, "/api/v1/vms/12"), Some(("vm.update".into(), Some("vm".into()), Some(12))));
        assert_eq!(a(Method::PUT, "/api/v1/vms/12/state"), Some(("vm.state".into(), Some("vm".into()), Some(12))));
        assert_eq!(a(Method::POST, "/api/v1/vms/12/snapshots"), Some(("vm.snapshots.create".into(), Some("vm".into()), Some(12))));
        assert_eq!(a(Method::POST, "/api/v1/vms/12/snapshots/3/revert"), Some(("vm.snapshots.revert".into(), Some("vm".into()), Some(12))));
        assert_eq!(a(Method::DELETE, "/api/v1/vms/12/snapshots/3"), Some(("vm.snapshots.delete".into(), Some("vm".into()), Some(12))));
        assert_eq!(a(Method::POST, "/api/v1/auth/login"), Some(("auth.login".into(), None, None)));
        assert_eq!(a(Method::DELETE, "/api/v1/auth/tokens/7"), Some(("auth.tokens.delete".into(), None, None)));
        assert_eq!(a(Method::POST, "/api/v1/courses/4/labs"), Some(("course.labs.create".into(), Some("course".into()), Some(4))));
        assert_eq!(a(Method::PUT, "/api/v1/isos/9/content"), Some(("iso.content".into(), Some("iso".into()), Some(9))));
        assert_eq!(a(Method::POST, "/api/v1/template-versions/2/x"), Some(("template-version.x".into(), Some("template-version".into()), Some(2))));
        assert!(asked(&Method::GET, "/api/v1/vms").is_none());
    }

    #[test]
    fn server_functions_that_change_something_are_named() {
        assert_eq!(ui_asked("/api/create_vm1234567890").map(|a| a.action), Some("vm.create".into()));
        assert_eq!(ui_asked("/api/create_user").map(|a| a.action), Some("user.create".into()));
        assert_eq!(ui_asked("/api/reset_password99").map(|a| a.action), Some("user.password".into()));
        assert!(ui_asked("/api/list_vms123").is_none());
        assert!(ui_asked("/api/create_vm_x").is_none());
    }

    #[test]
    fn summaries_hold_named_fields_only() {
        let body = serde_json::json!({"username": "ann", "password": "hunter2-secret", "input": {"name": "web", "token": "abc"}, "request": {"action": "start"}});
        let s = summary_of(&body);
        assert_eq!(s, "action=start name=web username=ann");
        assert!(!s.contains("hunter2") && !s.contains("abc"));
        let form = form_fields(b"username=a%20b&password=p%40ss");
        assert_eq!(summary_of(&form), "username=a b");
        assert_eq!(error_code(409, Some(&serde_json::json!({"error": {"code": "INVALID_STATE"}}))), "INVALID_STATE");
        assert_eq!(error_code(500, None), "HTTP_500");
    }
}
