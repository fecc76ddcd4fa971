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
        super::system::get_health, super::system::get_overview, super::system::get_guest_network,
        super::auth::login, super::auth::logout, super::auth::get_me, super::auth::change_password,
        super::auth::list_tokens, super::auth::create_token, super::auth::revoke_token,
        super::users::list_users, super::users::create_user, super::users::get_user,
        super::users::update_user, super::users::delete_user, super::users::reset_password,
        super::vms::list_vms, super::vms::create_vm, super::vms::get_vm, super::vms::update_vm,
        super::vms::delete_vm, super::vms::change_vm_state, super::vms::move_vm,
        super::operations::list_operations, super::operations::get_operation,
        super::operations::wait_operation, super::operations::cancel_operation, super::operations::stream_events,
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
        enveloped(&mut doc);
        doc
    })
}

async fn get_openapi() -> Response {
    axum::Json(document()).into_response()
}

/// Why an operation may answer each error status, in the error envelope.
const ERRORS: [(&str, &str); 11] = [
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
            let changes = method != "get";
            let Some(responses) = op["responses"].as_object_mut() else { continue };
            for (status, response) in responses.iter_mut() {
                if !status.starts_with('2') {
                    continue;
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

async fn get_docs() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}
