//! The OpenAPI document, generated from the handlers' annotations, and a
//! docs page that renders it with locally served assets.

use crate::state::AppState;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "vlab API", description = "Every response is an envelope: \
        `{success: true, data, message, timestamp}` or \
        `{success: false, error: {code, message, details}, timestamp}`. \
        Lists add `pagination: {page, page_size, total, total_pages}`. \
        Authenticate with `Authorization: Bearer <token>` from `POST /auth/login` or a personal token."),
    paths(
        super::system::get_health, super::system::get_overview, super::system::get_guest_network, super::system::get_status, super::system::get_status_history,
        super::logs::get_vm_log, super::logs::download_vm_log, super::logs::get_system_log,
        super::audit::list_audit, super::audit::export_audit,
        super::auth::login, super::auth::logout, super::auth::get_me, super::auth::change_password,
        super::auth::list_tokens, super::auth::create_token, super::auth::revoke_token,
        super::users::list_users, super::users::create_user, super::users::get_user,
        super::users::update_user, super::users::delete_user, super::users::reset_password,
        super::vms::list_vms, super::vms::create_vm, super::vms::get_vm, super::vms::update_vm,
        super::vms::delete_vm, super::vms::change_vm_state, super::vms::move_vm,
        super::operations::list_operations, super::operations::get_operation,
        super::operations::wait_operation, super::operations::cancel_operation, super::operations::retry_operation,
        super::operations::get_summary, super::operations::get_stats, super::operations::stream_events,
        super::storage::list_disks, super::storage::create_disk, super::storage::get_disk,
        super::storage::resize_disk, super::storage::attach_disk, super::storage::detach_disk,
        super::storage::delete_disk, super::storage::list_isos, super::storage::begin_iso_upload,
        super::storage::get_iso, super::storage::delete_iso, super::storage::upload_iso_chunk,
        super::storage::change_vm_cdrom,
        super::forwards::list_port_forwards, super::forwards::add_port_forward,
        super::forwards::remove_port_forward, super::snapshots::list_snapshots,
        super::snapshots::create_snapshot, super::snapshots::revert_snapshot,
        super::snapshots::delete_snapshot,
        super::console::open_console, super::console::console_socket, super::console::get_screenshot,
        super::metrics::get_vm_metrics, super::metrics::get_vm_history,
        super::courses::list_courses, super::courses::create_course, super::courses::get_course,
        super::courses::update_course, super::courses::delete_course, super::courses::list_members,
        super::courses::add_member, super::courses::remove_member, super::courses::enrol_csv,
        super::templates::list_templates, super::templates::create_template, super::templates::get_template,
        super::templates::add_template_version, super::templates::upload_template_chunk,
        super::templates::delete_template_version, super::labs::list_labs, super::labs::publish_lab,
        super::labs::get_lab, super::labs::update_lab, super::labs::delete_lab,
        super::labs::open_lab, super::labs::list_seats, super::labs::bulk_lab,
        super::labs::my_labs, super::labs::reset_vm, super::quotas::get_user_quota,
        super::quotas::set_user_quota, super::quotas::get_course_quota, super::quotas::set_course_quota,
        super::courses::get_statistics, super::courses::get_statistics_csv,
        super::nodes::list_nodes, super::nodes::get_node, super::nodes::update_node, super::nodes::delete_node,
    ),
    // Named only by query parameters, which do not bring their schemas along.
    components(schemas(app::types::AuditTarget)),
    modifiers(&BearerAuth),
    tags((name = "system"), (name = "auth"), (name = "users"), (name = "vms"), (name = "operations"), (name = "storage"), (name = "console"), (name = "courses"), (name = "templates"), (name = "labs"), (name = "quotas"), (name = "nodes"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(get_openapi)).route("/docs", get(get_docs))
}

/// The document as served: the handlers' annotations, then every answer
/// in the envelope it is sent in and every error status it can have.
pub fn document() -> &'static serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
        constrained(&mut doc);
        list_parameters(&mut doc);
        health(&mut doc);
        enveloped(&mut doc);
        linked(&mut doc);
        streams(&mut doc);
        doc
    })
}

async fn get_openapi() -> Response {
    axum::Json(document()).into_response()
}

/// Why an operation may answer each error status, in the error envelope.
const ERRORS: [(&str, &str); 12] = [
    ("400", "The request could not be read (malformed JSON, a bad parameter)"),
    ("401", "Not signed in: no token, or one that expired or was revoked"),
    ("403", "Signed in, but not allowed this"),
    ("404", "No such resource, or one the caller may not see"),
    ("409", "The resource's state does not allow this now"),
    ("413", "The body is larger than this endpoint takes"),
    ("415", "The body is not of a type this endpoint takes"),
    ("422", "The request names invalid values (`details.fields` says which)"),
    ("429", "Too many requests; `Retry-After` says when to try again"),
    ("500", "An error of the server's (`details.reference` for its log)"),
    ("503", "A node or the database does not answer now"),
    ("507", "A pool has no room for what this would write"),
];

/// Wraps each operation's success schema in `{success, data, message,
/// timestamp}` (lists with `page` also get `pagination`), and gives each
/// the error statuses it can answer with `ErrorEnvelope`.
fn enveloped(doc: &mut serde_json::Value) {
    use serde_json::json;
    let schemas = &mut doc["components"]["schemas"];
    schemas["Pagination"] = json!({
        "type": "object",
        "required": ["page", "page_size", "total", "total_pages"],
        "properties": {
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 0},
        },
    });
    schemas["ErrorEnvelope"] = json!({
        "type": "object",
        "required": ["success", "error", "timestamp"],
        "properties": {
            "success": {"const": false},
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "A stable code, e.g. `VM_NOT_FOUND`"},
                    "message": {"type": "string"},
                    "details": {"type": "object", "description": "`fields` (422), `retry_after_secs` (429) or `reference` (500)"},
                },
            },
            "timestamp": {"type": "string", "format": "date-time"},
        },
    });
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            let paged = op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == "page" && p["in"] == "query"));
            let secured = op["security"].as_array().is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|r| !r.is_empty())));
            let changes = method != "get"
                || op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["in"] == "query" && p["name"] != "page"));
            // Raw bodies are bytes, not the array of numbers `Vec<u8>` reads as.
            if let Some(body) = op.pointer_mut("/requestBody/content/application~1octet-stream") {
                body["schema"] = json!({"type": "string", "format": "binary"});
            }
            let Some(responses) = op["responses"].as_object_mut() else { continue };
            let error = json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}});
            for (status, response) in responses.iter_mut() {
                if status.starts_with('4') || status.starts_with('5') {
                    response["content"] = error.clone();
                }
                if !status.starts_with('2') {
                    continue;
                }
                // An answer without data ("Deleted") is the envelope with `data: null`.
                if response.get("content").is_none() {
                    response["content"] = json!({"application/json": {"schema": {"type": "null"}}});
                }
                let Some(schema) = response.pointer_mut("/content/application~1json/schema") else { continue };
                let data = schema.take();
                let mut envelope = json!({
                    "type": "object",
                    "required": ["success", "data", "message", "timestamp"],
                    "properties": {
                        "success": {"const": true},
                        "data": data,
                        "message": {"type": ["string", "null"]},
                        "timestamp": {"type": "string", "format": "date-time"},
                    },
                });
                if paged {
                    envelope["required"].as_array_mut().expect("an array").push(json!("pagination"));
                    envelope["properties"]["pagination"] = json!({"$ref": "#/components/schemas/Pagination"});
                }
                *schema = envelope;
            }
            for (status, why) in ERRORS {
                let applies = match status {
                    "401" | "403" => secured,
                    "404" => path.contains('{'),
                    "409" | "413" | "415" | "422" => changes || paged,
                    "507" => matches!(method.as_str(), "post" | "put" | "patch"),
                    _ => true,
                };
                if applies && !responses.contains_key(status) {
                    responses.insert(
                        status.to_owned(),
                        json!({"description": why, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}}),
                    );
                }
            }
        }
    }
}

/// What `str::trim` removes (Unicode white space), as a regex class body.
const WS: &str = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Control characters; and those free text may not hold (all but tab and line breaks).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
const TEXT_CONTROL: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f";

/// A value the service trims, then wants at most `max` characters of, none
/// of them in `bad` (`blank_ok`: may it be empty once trimmed?). The length
/// is the trimmed one, so it is in the pattern rather than `maxLength`.
fn trimmed(bad: &str, blank_ok: bool, max: u32) -> serde_json::Value {
    let inner = max.saturating_sub(2);
    let middle = if bad.is_empty() { r"[\s\S]".to_owned() } else { format!("[^{bad}]") };
    let body = format!("[^{WS}{bad}](?:{middle}{{0,{inner}}}[^{WS}{bad}])?");
    let body = if blank_ok { format!("(?:{body})?") } else { body };
    serde_json::json!({"pattern": format!("^[{WS}]*{body}[{WS}]*$")})
}

/// What the services check of each request field (see `service::*`), as
/// schema keywords, and the values some answer fields are limited to.
/// Limits an admin can set are given at their defaults.
fn rules() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    use crate::auth::password::{MAX_LEN, MIN_LEN};
    use crate::service::vms::MIN_MEMORY_MIB;
    use serde_json::json;
    // Names of VMs, templates, labs and snapshots are trimmed; those of disks and ISOs are taken as sent.
    let name = trimmed(CONTROL, false, 64);
    let file_name = json!({"minLength": 1, "maxLength": 64, "pattern": format!("^[^{CONTROL}]*[^{WS}{CONTROL}][^{CONTROL}]*$")});
    let text = |max: u32| json!({"maxLength": max, "pattern": format!("^[^{TEXT_CONTROL}]*$")});
    let password = json!({"minLength": MIN_LEN, "maxLength": MAX_LEN, "pattern": format!("[^{WS}]")});
    let username = json!({"pattern": format!("^[{WS}]*[A-Za-z0-9][A-Za-z0-9_.-]{{2,31}}[{WS}]*$")});
    let cpus = json!({"minimum": 1, "maximum": 16});
    let memory = json!({"minimum": MIN_MEMORY_MIB, "maximum": 65536});
    let sha256 = json!({"pattern": format!("^[{WS}]*[0-9A-Fa-f]{{64}}[{WS}]*$")});
    let minutes = json!({"maximum": crate::service::labs::MAX_MINUTES});
    let boot_order = json!({"pattern": "^(c|d|n|cd|cn|dc|dn|nc|nd|cdn|cnd|dcn|dnc|ncd|ndc)$"});
    // Blank (no address) or local@domain, the domain with a dot and not starting with one.
    let x = format!("{WS}{CONTROL}");
    let email = json!({"maxLength": 254, "pattern": format!("^[{WS}]*(?:[^@{x}]+@[^.{x}][^{x}]*\\.[^{x}]*)?[{WS}]*$")});
    let kernel = json!({"pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"});
    let required = json!({"minLength": 1, "pattern": format!("[^{WS}]")});
    vec![
        ("NewVm", "name", name.clone()),
        ("NewVm", "description", json!({"maxLength": 2000})),
        ("NewVm", "cpus", cpus.clone()),
        ("NewVm", "memory_mib", memory.clone()),
        ("NewVm", "boot_order", boot_order.clone()),
        ("NewVm", "kernel", kernel.clone()),
        ("NewVm", "port_forwards", json!({"maxItems": crate::service::vms::MAX_FORWARDS_PER_VM})),
        ("VmPatch", "name", name.clone()),
        ("VmPatch", "description", json!({"maxLength": 2000})),
        ("VmPatch", "cpus", cpus.clone()),
        ("VmPatch", "memory_mib", memory.clone()),
        ("VmPatch", "boot_order", boot_order),
        ("NewPortForward", "protocol", json!({"enum": ["tcp", "udp"]})),
        ("NewPortForward", "guest_port", json!({"minimum": 1, "maximum": 65535})),
        ("NewPortForward", "host_port", json!({"minimum": 20000, "maximum": 29999})),
        ("StateChangeRequest", "timeout", json!({"maximum": crate::service::vms::MAX_SHUTDOWN_SECS})),
        ("NewSnapshot", "name", file_name.clone()),
        ("NewDisk", "name", file_name.clone()),
        ("NewDisk", "format", json!({"pattern": "^(qcow2|raw|vmdk)$"})),
        ("NewDisk", "size_mib", json!({"minimum": 1, "maximum": crate::service::storage::MAX_DISK_MIB})),
        ("DiskResize", "size_mib", json!({"minimum": 1, "maximum": crate::service::storage::MAX_DISK_MIB})),
        ("NewIso", "name", file_name.clone()),
        ("NewIso", "size_bytes", json!({"minimum": 1, "maximum": crate::service::storage::MAX_ISO_BYTES})),
        ("NewIso", "sha256", sha256.clone()),
        ("ImageUpload", "size_bytes", json!({"minimum": 1, "maximum": crate::service::templates::MAX_IMAGE_BYTES})),
        ("ImageUpload", "sha256", sha256),
        ("NewUser", "username", username.clone()),
        ("NewUser", "password", password.clone()),
        ("NewUser", "display_name", trimmed(CONTROL, true, 100)),
        ("NewUser", "email", email.clone()),
        ("UserPatch", "display_name", trimmed(CONTROL, false, 100)),
        ("UserPatch", "email", email),
        ("Credentials", "username", required.clone()),
        ("Credentials", "password", json!({"minLength": 1})),
        ("PasswordChange", "new_password", password.clone()),
        ("PasswordReset", "new_password", password),
        ("NewToken", "name", trimmed("", false, 64)),
        ("NewToken", "expires_in_days", json!({"minimum": 1, "maximum": 3650})),
        ("NewCourse", "code", json!({"pattern": "^[A-Za-z0-9._-]{2,32}$"})),
        ("NewCourse", "title", trimmed(TEXT_CONTROL, false, 200)),
        ("NewCourse", "term", trimmed(TEXT_CONTROL, true, 64)),
        ("NewCourse", "description", text(4000)),
        ("CoursePatch", "title", trimmed(TEXT_CONTROL, false, 200)),
        ("CoursePatch", "term", trimmed(TEXT_CONTROL, true, 64)),
        ("CoursePatch", "description", text(4000)),
        ("NewMember", "username", required),
        ("NewMember", "role", json!({"enum": ["teacher", "student"]})),
        ("NewTemplate", "name", name.clone()),
        ("NewTemplate", "description", json!({"maxLength": 2000})),
        ("NewTemplate", "cpus", cpus.clone()),
        ("NewTemplate", "memory_mib", memory.clone()),
        ("NewTemplate", "kernel", kernel),
        ("NewTemplateVersion", "note", json!({"maxLength": 500})),
        ("NewLab", "name", name),
        ("NewLab", "description", json!({"maxLength": 4000})),
        ("NewLab", "cpus", cpus),
        ("NewLab", "memory_mib", memory),
        ("NewLab", "opens_at", json!({"format": "date-time"})),
        ("NewLab", "closes_at", json!({"format": "date-time"})),
        ("NewLab", "auto_start_minutes", minutes.clone()),
        ("NewLab", "auto_stop_minutes", minutes.clone()),
        ("NewLab", "idle_stop_minutes", json!({"minimum": 1, "maximum": crate::service::labs::MAX_MINUTES})),
        ("LabPatch", "description", json!({"maxLength": 4000})),
        ("LabPatch", "auto_start_minutes", minutes.clone()),
        ("LabPatch", "auto_stop_minutes", minutes.clone()),
        ("LabPatch", "idle_stop_minutes", minutes),
        ("BulkAction", "vm_ids", json!({"minItems": 1, "maxItems": 500})),
        ("ResetRequest", "confirm", json!({"const": true})),
        ("ConsoleRequest", "kind", json!({"enum": ["vnc", "serial"]})),
        // Answers: the closed sets some text fields hold.
        ("OperationView", "status", json!({"enum": ["pending", "running", "succeeded", "failed", "cancelled"]})),
        ("IsoView", "status", json!({"enum": ["uploading", "ready"]})),
        ("MemberView", "role", json!({"enum": ["teacher", "student"]})),
        ("PortForwardView", "protocol", json!({"enum": ["tcp", "udp"]})),
        ("DiskView", "format", json!({"enum": ["qcow2", "raw", "vmdk"]})),
        ("ConsoleTicket", "kind", json!({"enum": ["vnc", "serial"]})),
    ]
}

/// Adds the services' checks to the schemas of the fields they check.
fn constrained(doc: &mut serde_json::Value) {
    for (schema, field, rule) in rules() {
        let Some(property) = doc["components"]["schemas"][schema]["properties"].get_mut(field) else {
            panic!("the OpenAPI document has no field {schema}.{field}");
        };
        let (Some(property), Some(rule)) = (property.as_object_mut(), rule.as_object()) else { continue };
        for (k, v) in rule {
            property.insert(k.clone(), v.clone());
        }
    }
}

/// Which list takes which of `ListQuery`'s filters (the others ignore them).
fn list_parameters(doc: &mut serde_json::Value) {
    use serde_json::json;
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for (path, item) in paths.iter_mut() {
        let Some(params) = item.pointer_mut("/get/parameters").and_then(|p| p.as_array_mut()) else { continue };
        if !params.iter().any(|p| p["name"] == "page_size") {
            continue;
        }
        let sorts: &[&str] = match path.as_str() {
            "/api/v1/users" => &["username", "display_name", "role", "created_at"],
            "/api/v1/vms" => &["id"],
            _ => &[],
        };
        let searched = matches!(path.as_str(), "/api/v1/users" | "/api/v1/vms" | "/api/v1/courses");
        params.retain(|p| match p["name"].as_str() {
            Some("sort") => !sorts.is_empty(),
            Some("q") => searched,
            Some("role") => path == "/api/v1/users",
            _ => true,
        });
        for p in params.iter_mut() {
            match p["name"].as_str() {
                Some("page") => p["schema"]["maximum"] = json!(crate::service::MAX_PAGE),
                Some("q") => p["schema"]["maxLength"] = json!(crate::service::MAX_SEARCH_CHARS),
                Some("sort") => {
                    // An empty sort is the default order.
                    let names: Vec<String> = std::iter::once(String::new()).chain(sorts.iter().flat_map(|s| [s.to_string(), format!("-{s}")])).collect();
                    p["schema"]["enum"] = json!(names);
                }
                _ => {}
            }
        }
    }
}

/// The health check's answer (built as JSON where it is checked).
fn health(doc: &mut serde_json::Value) {
    use serde_json::json;
    let reasoned = |flag: &str, t: &str| {
        json!({"type": "object", "required": [flag, "reason"], "properties": {flag: {"type": t}, "reason": {"type": "string"}}})
    };
    doc["paths"]["/api/v1/health"]["get"]["responses"]["200"]["content"] = json!({"application/json": {"schema": {
        "type": "object",
        "required": ["status", "version", "database", "accelerator", "guest_network_guard", "confinement"],
        "properties": {
            "status": {"const": "ok"},
            "version": {"type": "string"},
            "database": {"const": "ok"},
            "accelerator": reasoned("in_use", "string"),
            "guest_network_guard": reasoned("active", "boolean"),
            "confinement": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }}});
}

/// Links each creating `POST /x` to the operations on `/x/{id}` and below,
/// the new resource's id taken from the answer (`data.id`).
fn linked(doc: &mut serde_json::Value) {
    use serde_json::json;
    let Some(paths) = doc["paths"].as_object() else { return };
    let mut links: Vec<(String, String, String)> = Vec::new();
    for (path, item) in paths {
        if item.pointer("/post/responses/201").is_none() {
            continue;
        }
        let below = format!("{path}/{{id}}");
        for (other, other_item) in paths {
            if other != &below && !other.starts_with(&format!("{below}/")) {
                continue;
            }
            for method in ["get", "put", "patch", "post", "delete"] {
                if let Some(id) = other_item[method]["operationId"].as_str() {
                    links.push((path.clone(), id.to_owned(), format!("{method}{}", other.replace(['/', '{', '}', '-'], "_"))));
                }
            }
        }
    }
    for (path, operation_id, name) in links {
        doc["paths"][&path]["post"]["responses"]["201"]["links"][name] =
            json!({"operationId": operation_id, "parameters": {"id": "$response.body#/data/id"}});
    }
}

/// The console websocket's handshake headers and the event stream's
/// media type, as far as OpenAPI describes either.
fn streams(doc: &mut serde_json::Value) {
    use serde_json::json;
    let header = |name: &str, schema: serde_json::Value, why: &str| {
        json!({"name": name, "in": "header", "required": true, "schema": schema, "description": why})
    };
    let socket = &mut doc["paths"]["/api/v1/vms/{id}/console/ws"]["get"];
    if let Some(params) = socket["parameters"].as_array_mut() {
        for p in params.iter_mut().filter(|p| p["name"] == "ticket") {
            p["schema"]["minLength"] = json!(1);
        }
        params.push(header("Connection", json!({"type": "string", "enum": ["Upgrade"]}), "A websocket handshake (RFC 6455)"));
        params.push(header("Upgrade", json!({"type": "string", "enum": ["websocket"]}), "A websocket handshake"));
        params.push(header("Sec-WebSocket-Version", json!({"type": "string", "enum": ["13"]}), "A websocket handshake"));
        params.push(header(
            "Sec-WebSocket-Key",
            json!({"type": "string", "pattern": "^[A-Za-z0-9+/]{22}==$"}),
            "16 random bytes in base64",
        ));
        params.push(json!({"name": "Sec-WebSocket-Protocol", "in": "header", "required": false,
            "schema": {"type": "string", "enum": ["binary"]}, "description": "`binary` (noVNC asks for it)"}));
    }
    socket["responses"]["101"]["description"] =
        json!("Switched to a websocket: binary frames carry the VNC (RFB) or serial stream both ways");
    doc["paths"]["/api/v1/events"]["get"]["responses"]["200"]["content"] = json!({"text/event-stream": {"schema": {
        "type": "string",
        "description": "Server-sent events, each `data:` a JSON object with a `type` (`vm_state`, `operation`) and the changed resource"
    }}});
}

async fn get_docs() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}
