//! The web UI's server side: the no-JavaScript login form and the backend
//! that server functions call.

use crate::auth::Caller;
use crate::error::ServerError;
use crate::service::{courses, labs, statistics, templates};
use crate::service::{auth as auth_svc, storage as storage_svc, users as users_svc, vm_extras as extras_svc, vms as vms_svc};
use crate::state::AppState;
use app::backend::Backend;
use app::error::AppError;
use app::types::*;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// `POST /login`: a plain form post; answers with a redirect either way.
pub async fn post_login(State(state): State<AppState>, session: Session, parts: Parts, Form(f): Form<LoginForm>) -> Response {
    let result = async {
        let user = auth_svc::check_password(&state, &parts, &f.username, &f.password).await?;
        auth_svc::start_session(&state, &session, &user).await
    }
    .await;
    match result.map_err(AppError::from) {
        Ok(()) => Redirect::to("/").into_response(),
        Err(AppError::RateLimited { .. }) => Redirect::to("/login?error=rate_limited").into_response(),
        Err(AppError::Validation { .. }) => Redirect::to("/login?error=invalid").into_response(),
        Err(_) => Redirect::to("/login?error=credentials").into_response(),
    }
}

/// Server functions reach the services through this.
pub struct UiBackend(pub AppState);

impl UiBackend {
    async fn caller(&self, req: &Parts) -> Result<Caller, AppError> {
        crate::auth::identify::authenticate(&self.0, req).await.map_err(AppError::from)
    }
}

fn wire<T>(r: Result<T, ServerError>) -> Result<T, AppError> {
    r.map_err(AppError::from)
}

#[async_trait::async_trait]
impl Backend for UiBackend {
    async fn current_user(&self, req: &Parts) -> Result<Option<UserView>, AppError> {
        Ok(wire(crate::auth::identify::caller(&self.0, req).await)?.map(|c| c.user))
    }
    async fn logout(&self, req: &Parts) -> Result<(), AppError> {
        wire(auth_svc::logout(&self.0, req).await)
    }
    async fn change_password(&self, req: &Parts, change: PasswordChange) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::change_password(&self.0, req, &me, change).await)
    }
    async fn list_users(&self, req: &Parts, query: ListQuery) -> Result<Page<UserView>, AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::list(&self.0, &admin, query).await)
    }
    async fn create_user(&self, req: &Parts, input: NewUser) -> Result<UserView, AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::create(&self.0, &admin, input).await)
    }
    async fn update_user(&self, req: &Parts, id: i64, patch: UserPatch) -> Result<UserView, AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::update(&self.0, &admin, id, patch).await)
    }
    async fn reset_password(&self, req: &Parts, id: i64, reset: PasswordReset) -> Result<(), AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::reset_password(&self.0, &admin, id, reset).await)
    }
    async fn delete_user(&self, req: &Parts, id: i64) -> Result<(), AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(users_svc::delete(&self.0, &admin, id).await)
    }
    async fn list_tokens(&self, req: &Parts) -> Result<Vec<TokenView>, AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::list_tokens(&self.0, &me).await)
    }
    async fn create_token(&self, req: &Parts, input: NewToken) -> Result<CreatedToken, AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::create_token(&self.0, &me, input).await)
    }
    async fn revoke_token(&self, req: &Parts, id: i64) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(auth_svc::revoke_token(&self.0, &me, id).await)
    }
    async fn list_vms(&self, req: &Parts, query: ListQuery) -> Result<Page<VmView>, AppError> {
        let me = self.caller(req).await?;
        wire(vms_svc::list(&self.0, &me, query).await)
    }
    async fn get_vm(&self, req: &Parts, id: i64) -> Result<VmView, AppError> {
        let me = self.caller(req).await?;
        wire(vms_svc::get(&self.0, &me, id).await)
    }
    async fn create_vm(&self, req: &Parts, input: NewVm) -> Result<VmView, AppError> {
        let me = self.caller(req).await?;
        wire(vms_svc::create(&self.0, &me, input).await)
    }
    async fn update_vm(&self, req: &Parts, id: i64, patch: VmPatch) -> Result<VmView, AppError> {
        let me = self.caller(req).await?;
        wire(vms_svc::update(&self.0, &me, id, patch).await)
    }
    async fn delete_vm(&self, req: &Parts, id: i64, force: bool) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(vms_svc::delete(&self.0, &me, id, force, false).await)
    }
    async fn vm_action(&self, req: &Parts, id: i64, request: StateChangeRequest) -> Result<OperationView, AppError> {
        let me = self.caller(req).await?;
        wire(vms_svc::change_state(&self.0, &me, id, request).await)
    }
    async fn list_disks(&self, req: &Parts) -> Result<Vec<DiskView>, AppError> {
        let me = self.caller(req).await?;
        let q = ListQuery { page_size: Some(crate::service::MAX_PAGE_SIZE), ..Default::default() };
        wire(storage_svc::list_disks(&self.0, &me, q).await).map(|p| p.items)
    }
    async fn create_disk(&self, req: &Parts, input: NewDisk) -> Result<DiskView, AppError> {
        let me = self.caller(req).await?;
        wire(storage_svc::create_disk(&self.0, &me, input).await)
    }
    async fn delete_disk(&self, req: &Parts, id: i64) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(storage_svc::delete_disk(&self.0, &me, id).await)
    }
    async fn attach_disk(&self, req: &Parts, id: i64, vm_id: Option<i64>) -> Result<DiskView, AppError> {
        let me = self.caller(req).await?;
        match vm_id {
            Some(vm_id) => wire(storage_svc::attach_disk(&self.0, &me, id, DiskAttach { vm_id }).await),
            None => wire(storage_svc::detach_disk(&self.0, &me, id).await),
        }
    }
    async fn list_isos(&self, req: &Parts) -> Result<Vec<IsoView>, AppError> {
        let me = self.caller(req).await?;
        let q = ListQuery { page_size: Some(crate::service::MAX_PAGE_SIZE), ..Default::default() };
        wire(storage_svc::list_isos(&self.0, &me, q).await).map(|p| p.items)
    }
    async fn system_overview(&self, req: &Parts) -> Result<SystemOverview, AppError> {
        let admin = self.caller(req).await?.admin()?;
        wire(crate::service::system::overview(&self.0, &admin).await)
    }
    async fn delete_iso(&self, req: &Parts, id: i64) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(storage_svc::delete_iso(&self.0, &me, id).await)
    }
    async fn set_cdrom(&self, req: &Parts, vm_id: i64, iso_id: Option<i64>) -> Result<VmView, AppError> {
        let me = self.caller(req).await?;
        wire(storage_svc::change_cdrom(&self.0, &me, vm_id, CdromChange { iso_id }).await)
    }
    async fn list_snapshots(&self, req: &Parts, vm_id: i64) -> Result<Vec<SnapshotView>, AppError> {
        let me = self.caller(req).await?;
        wire(extras_svc::list_snapshots(&self.0, &me, vm_id).await)
    }
    async fn snapshot_action(&self, req: &Parts, vm_id: i64, action: SnapshotOp) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(match action {
            SnapshotOp::Create { name } => extras_svc::create_snapshot(&self.0, &me, vm_id, NewSnapshot { name }).await.map(|_| ()),
            SnapshotOp::Revert { id } => extras_svc::revert_snapshot(&self.0, &me, vm_id, id).await.map(|_| ()),
            SnapshotOp::Delete { id } => extras_svc::delete_snapshot(&self.0, &me, vm_id, id).await,
        })
    }
    async fn add_port_forward(&self, req: &Parts, vm_id: i64, input: NewPortForward) -> Result<PortForwardView, AppError> {
        let me = self.caller(req).await?;
        wire(extras_svc::add_port_forward(&self.0, &me, vm_id, input).await)
    }
    async fn remove_port_forward(&self, req: &Parts, vm_id: i64, id: i64) -> Result<(), AppError> {
        let me = self.caller(req).await?;
        wire(extras_svc::remove_port_forward(&self.0, &me, vm_id, id).await)
    }
    // Classroom.
    async fn update_course(&self, req: &Parts, id: i64, patch: CoursePatch) -> Result<CourseView, AppError> {
        let me = self.caller(req).await?;
        wire(courses::update(&self.0, &me, id, patch).await)
    }
    async fn user_quota(&self, req: &Parts, user_id: i64) -> Result<QuotaView, AppError> {
        let me = self.caller(req).await?;
        wire(crate::service::quotas::user_quota(&self.0, &me, user_id).await)
    }
    async fn my_labs(&self, req: &Parts) -> Result<Vec<LabView>, AppError> {
        let me = self.caller(req).await?;
        wire(labs::mine(&self.0, &me).await)
    }
    async fn open_lab(&self, req: &Parts, id: i64) -> Result<OpenedLab, AppError> {
        let me = self.caller(req).await?;
        wire(labs::open(&self.0, &me, id).await)
    }
    async fn list_courses(&self, req: &Parts, query: ListQuery) -> Result<Page<CourseView>, AppError> {
        let me = self.caller(req).await?;
        wire(courses::list(&self.0, &me, query).await)
    }
    async fn create_course(&self, req: &Parts, input: NewCourse) -> Result<CourseView, AppError> {
        let me = self.caller(req).await?;
        wire(async { courses::create(&self.0, &me.teacher()?, input).await }.await)
    }
    async fn get_course(&self, req: &Parts, id: i64) -> Result<CourseView, AppError> {
        let me = self.caller(req).await?;
        wire(courses::get(&self.0, &me, id).await)
    }
    async fn course_members(&self, req: &Parts, id: i64) -> Result<Vec<MemberView>, AppError> {
        let me = self.caller(req).await?;
        wire(courses::members(&self.0, &me, id).await)
    }
    async fn add_member(&self, req: &Parts, id: i64, member: NewMember) -> Result<Vec<MemberView>, AppError> {
        let me = self.caller(req).await?;
        wire(courses::add_member(&self.0, &me, id, member).await)
    }
    async fn enrol_csv(&self, req: &Parts, id: i64, csv: String) -> Result<EnrolmentReport, AppError> {
        let me = self.caller(req).await?;
        wire(courses::enrol_csv(&self.0, &me, id, &csv).await)
    }
    async fn list_templates(&self, req: &Parts, course_id: i64) -> Result<Vec<TemplateView>, AppError> {
        let me = self.caller(req).await?;
        wire(templates::list(&self.0, &me, course_id).await)
    }
    async fn create_template(&self, req: &Parts, course_id: i64, input: NewTemplate) -> Result<TemplateView, AppError> {
        let me = self.caller(req).await?;
        wire(templates::create(&self.0, &me, course_id, input).await)
    }
    async fn list_labs(&self, req: &Parts, course_id: i64) -> Result<Vec<LabView>, AppError> {
        let me = self.caller(req).await?;
        wire(labs::list(&self.0, &me, course_id).await)
    }
    async fn publish_lab(&self, req: &Parts, course_id: i64, input: NewLab) -> Result<Publication, AppError> {
        let me = self.caller(req).await?;
        wire(labs::publish(&self.0, &me, course_id, input).await)
    }
    async fn get_lab(&self, req: &Parts, id: i64) -> Result<LabView, AppError> {
        let me = self.caller(req).await?;
        wire(labs::get(&self.0, &me, id).await)
    }
    async fn lab_seats(&self, req: &Parts, id: i64) -> Result<Vec<SeatView>, AppError> {
        let me = self.caller(req).await?;
        wire(labs::seats(&self.0, &me, id).await)
    }
    async fn bulk_lab(&self, req: &Parts, id: i64, action: BulkAction) -> Result<Vec<BulkOutcome>, AppError> {
        let me = self.caller(req).await?;
        wire(labs::bulk(&self.0, &me, id, action).await)
    }
    async fn reset_vm(&self, req: &Parts, id: i64) -> Result<VmView, AppError> {
        let me = self.caller(req).await?;
        wire(labs::reset(&self.0, &me, id, ResetRequest { confirm: true }).await)
    }
    async fn course_statistics(&self, req: &Parts, id: i64) -> Result<CourseStatistics, AppError> {
        let me = self.caller(req).await?;
        wire(statistics::course(&self.0, &me, id).await)
    }
}
