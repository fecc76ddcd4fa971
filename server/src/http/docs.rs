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

async fn get_openapi() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}

async fn get_docs() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}
