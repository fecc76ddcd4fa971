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
        super::system::get_health, super::system::get_overview,
        super::auth::login, super::auth::logout, super::auth::get_me, super::auth::change_password,
        super::auth::list_tokens, super::auth::create_token, super::auth::revoke_token,
        super::users::list_users, super::users::create_user, super::users::get_user,
        super::users::update_user, super::users::delete_user, super::users::reset_password,
        super::vms::list_vms, super::vms::create_vm, super::vms::get_vm, super::vms::update_vm,
        super::vms::delete_vm, super::vms::change_vm_state,
        super::operations::list_operations, super::operations::get_operation,
        super::operations::wait_operation, super::operations::cancel_operation, super::operations::stream_events,
        super::storage::list_disks, super::storage::create_disk, super::storage::get_disk,
        super::storage::resize_disk, super::storage::attach_disk, super::storage::detach_disk,
        super::storage::delete_disk, super::storage::list_isos, super::storage::begin_iso_upload,
        super::storage::get_iso, super::storage::delete_iso, super::storage::upload_iso_chunk,
        super::storage::change_vm_cdrom,
        super::vm_extras::list_port_forwards, super::vm_extras::add_port_forward,
        super::vm_extras::remove_port_forward, super::vm_extras::list_snapshots,
        super::vm_extras::create_snapshot, super::vm_extras::revert_snapshot,
        super::vm_extras::delete_snapshot,
        super::console::open_console, super::console::console_socket, super::console::get_screenshot,
        super::classroom::list_courses, super::classroom::create_course, super::classroom::get_course,
        super::classroom::update_course, super::classroom::delete_course, super::classroom::list_members,
        super::classroom::add_member, super::classroom::remove_member, super::classroom::enrol_csv,
        super::classroom::list_templates, super::classroom::create_template, super::classroom::get_template,
        super::classroom::add_template_version, super::classroom::upload_template_chunk,
        super::classroom::delete_template_version, super::classroom::list_labs, super::classroom::publish_lab,
        super::classroom::get_lab, super::classroom::update_lab, super::classroom::delete_lab,
        super::classroom::open_lab, super::classroom::list_seats, super::classroom::bulk_lab,
        super::classroom::my_labs, super::classroom::reset_vm, super::classroom::get_user_quota,
        super::classroom::set_user_quota, super::classroom::get_course_quota, super::classroom::set_course_quota,
        super::classroom::get_statistics, super::classroom::get_statistics_csv,
    ),
    modifiers(&BearerAuth),
    tags((name = "system"), (name = "auth"), (name = "users"), (name = "vms"), (name = "operations"), (name = "storage"), (name = "console"), (name = "courses"), (name = "templates"), (name = "labs"), (name = "quotas"))
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
