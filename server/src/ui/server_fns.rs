//! What the UI's server functions (`app::api`) run: each method proves who
//! is calling the way the REST extractors do (`Proof`) and calls the one
//! service function the REST handler for the same thing calls. Nothing here
//! decides anything.

use crate::auth::identify;
use crate::auth::{Admin, Caller, Proof, Teacher};
use crate::service::{audit, auth, courses, forwards, labs, logs, metrics, nodes, quotas, snapshots, statistics, storage, system, templates, users, vms};
use crate::state::AppState;
use app::backend::Backend;
use app::error::AppError;
use app::types::*;
use axum::http::request::Parts;

/// The services, as server functions see them.
pub struct ServerFns(pub AppState);

impl ServerFns {
    async fn prove<P: Proof>(&self, req: &Parts) -> Result<P, AppError> {
        P::prove(identify::authenticate(&self.0, req).await?)
    }
}

/// `call!(self, req, Who, |state, who| service_call(...))`: proves `Who`,
/// runs the call, and turns its error into the wire's.
macro_rules! call {
    ($b:ident, $req:ident, $who:ty, |$s:ident, $w:ident| $call:expr) => {{
        let $w: $who = $b.prove($req).await?;
        let $s = &$b.0;
        $call.await.map_err(AppError::from)
    }};
}

type R<T> = Result<T, AppError>;

#[async_trait::async_trait]
impl Backend for ServerFns {
    async fn current_user(&self, req: &Parts) -> R<Option<UserView>> {
        Ok(identify::caller(&self.0, req).await?.map(|c| c.user))
    }
    async fn logout(&self, req: &Parts) -> R<()> {
        auth::logout(&self.0, req).await.map_err(AppError::from)
    }
    async fn change_password(&self, req: &Parts, change: PasswordChange) -> R<()> {
        call!(self, req, Caller, |s, me| auth::change_password(s, req, &me, change))
    }
    async fn list_users(&self, req: &Parts, query: ListQuery) -> R<Page<UserView>> {
        call!(self, req, Admin, |s, admin| users::list(s, &admin, query))
    }
    async fn create_user(&self, req: &Parts, input: NewUser) -> R<UserView> {
        call!(self, req, Admin, |s, admin| users::create(s, &admin, input))
    }
    async fn update_user(&self, req: &Parts, id: i64, patch: UserPatch) -> R<UserView> {
        call!(self, req, Admin, |s, admin| users::update(s, &admin, id, patch))
    }
    async fn reset_password(&self, req: &Parts, id: i64, reset: PasswordReset) -> R<()> {
        call!(self, req, Admin, |s, admin| users::reset_password(s, &admin, id, reset))
    }
    async fn delete_user(&self, req: &Parts, id: i64) -> R<()> {
        call!(self, req, Admin, |s, admin| users::delete(s, &admin, id))
    }
    async fn list_tokens(&self, req: &Parts) -> R<Vec<TokenView>> {
        call!(self, req, Caller, |s, me| auth::list_tokens(s, &me))
    }
    async fn create_token(&self, req: &Parts, input: NewToken) -> R<CreatedToken> {
        call!(self, req, Caller, |s, me| auth::create_token(s, &me, input))
    }
    async fn revoke_token(&self, req: &Parts, id: i64) -> R<()> {
        call!(self, req, Caller, |s, me| auth::revoke_token(s, &me, id))
    }
    async fn list_nodes(&self, req: &Parts) -> R<Vec<NodeView>> {
        call!(self, req, Admin, |s, admin| nodes::list(s, &admin))
    }
    async fn update_node(&self, req: &Parts, id: i64, patch: NodePatch) -> R<NodeView> {
        call!(self, req, Admin, |s, admin| nodes::update(s, &admin, id, patch))
    }
    async fn get_system_overview(&self, req: &Parts) -> R<SystemOverview> {
        call!(self, req, Admin, |s, admin| system::overview(s, &admin))
    }
    async fn get_guest_network(&self, req: &Parts) -> R<GuestNetwork> {
        call!(self, req, Caller, |s, _me| async { Ok::<_, crate::error::ServerError>(system::guest_network(s)) })
    }
    async fn list_vms(&self, req: &Parts, query: ListQuery) -> R<Page<VmView>> {
        call!(self, req, Caller, |s, me| vms::list(s, &me, query))
    }
    async fn get_vm(&self, req: &Parts, id: i64) -> R<VmView> {
        call!(self, req, Caller, |s, me| vms::get(s, &me, id))
    }
    async fn create_vm(&self, req: &Parts, input: NewVm) -> R<VmView> {
        call!(self, req, Caller, |s, me| vms::create(s, &me, input))
    }
    async fn update_vm(&self, req: &Parts, id: i64, patch: VmPatch) -> R<VmView> {
        call!(self, req, Caller, |s, me| vms::update(s, &me, id, patch))
    }
    async fn delete_vm(&self, req: &Parts, id: i64, force: bool, delete_disks: bool) -> R<()> {
        call!(self, req, Caller, |s, me| vms::delete(s, &me, id, force, delete_disks))
    }
    async fn vm_action(&self, req: &Parts, id: i64, request: StateChangeRequest) -> R<OperationView> {
        call!(self, req, Caller, |s, me| vms::change_state(s, &me, id, request))
    }
    async fn move_vm(&self, req: &Parts, id: i64, to: VmMove) -> R<OperationView> {
        call!(self, req, Caller, |s, me| vms::move_vm(s, &me, id, to))
    }
    async fn list_snapshots(&self, req: &Parts, vm_id: i64) -> R<Vec<SnapshotView>> {
        call!(self, req, Caller, |s, me| snapshots::list_snapshots(s, &me, vm_id))
    }
    async fn create_snapshot(&self, req: &Parts, vm_id: i64, input: NewSnapshot) -> R<SnapshotView> {
        call!(self, req, Caller, |s, me| snapshots::create_snapshot(s, &me, vm_id, input))
    }
    async fn revert_snapshot(&self, req: &Parts, vm_id: i64, id: i64) -> R<SnapshotView> {
        call!(self, req, Caller, |s, me| snapshots::revert_snapshot(s, &me, vm_id, id))
    }
    async fn delete_snapshot(&self, req: &Parts, vm_id: i64, id: i64) -> R<()> {
        call!(self, req, Caller, |s, me| snapshots::delete_snapshot(s, &me, vm_id, id))
    }
    async fn add_port_forward(&self, req: &Parts, vm_id: i64, input: NewPortForward) -> R<PortForwardView> {
        call!(self, req, Caller, |s, me| forwards::add_port_forward(s, &me, vm_id, input))
    }
    async fn remove_port_forward(&self, req: &Parts, vm_id: i64, id: i64) -> R<()> {
        call!(self, req, Caller, |s, me| forwards::remove_port_forward(s, &me, vm_id, id))
    }
    async fn list_disks(&self, req: &Parts, query: ListQuery) -> R<Page<DiskView>> {
        call!(self, req, Caller, |s, me| storage::list_disks(s, &me, query))
    }
    async fn create_disk(&self, req: &Parts, input: NewDisk) -> R<DiskView> {
        call!(self, req, Caller, |s, me| storage::create_disk(s, &me, input))
    }
    async fn delete_disk(&self, req: &Parts, id: i64) -> R<()> {
        call!(self, req, Caller, |s, me| storage::delete_disk(s, &me, id))
    }
    async fn attach_disk(&self, req: &Parts, id: i64, to: DiskAttach) -> R<DiskView> {
        call!(self, req, Caller, |s, me| storage::attach_disk(s, &me, id, to))
    }
    async fn detach_disk(&self, req: &Parts, id: i64) -> R<DiskView> {
        call!(self, req, Caller, |s, me| storage::detach_disk(s, &me, id))
    }
    async fn list_isos(&self, req: &Parts, query: ListQuery) -> R<Page<IsoView>> {
        call!(self, req, Caller, |s, me| storage::list_isos(s, &me, query))
    }
    async fn delete_iso(&self, req: &Parts, id: i64) -> R<()> {
        call!(self, req, Caller, |s, me| storage::delete_iso(s, &me, id))
    }
    async fn set_cdrom(&self, req: &Parts, vm_id: i64, change: CdromChange) -> R<VmView> {
        call!(self, req, Caller, |s, me| storage::change_cdrom(s, &me, vm_id, change))
    }
    async fn list_courses(&self, req: &Parts, query: ListQuery) -> R<Page<CourseView>> {
        call!(self, req, Caller, |s, me| courses::list(s, &me, query))
    }
    async fn create_course(&self, req: &Parts, input: NewCourse) -> R<CourseView> {
        call!(self, req, Teacher, |s, teacher| courses::create(s, &teacher, input))
    }
    async fn get_course(&self, req: &Parts, id: i64) -> R<CourseView> {
        call!(self, req, Caller, |s, me| courses::get(s, &me, id))
    }
    async fn update_course(&self, req: &Parts, id: i64, patch: CoursePatch) -> R<CourseView> {
        call!(self, req, Caller, |s, me| courses::update(s, &me, id, patch))
    }
    async fn course_members(&self, req: &Parts, id: i64) -> R<Vec<MemberView>> {
        call!(self, req, Caller, |s, me| courses::members(s, &me, id))
    }
    async fn add_member(&self, req: &Parts, id: i64, member: NewMember) -> R<Vec<MemberView>> {
        call!(self, req, Caller, |s, me| courses::add_member(s, &me, id, member))
    }
    async fn enrol_csv(&self, req: &Parts, id: i64, csv: String) -> R<EnrolmentReport> {
        call!(self, req, Caller, |s, me| courses::enrol_csv(s, &me, id, &csv))
    }
    async fn list_templates(&self, req: &Parts, course_id: i64) -> R<Vec<TemplateView>> {
        call!(self, req, Caller, |s, me| templates::list(s, &me, course_id))
    }
    async fn create_template(&self, req: &Parts, course_id: i64, input: NewTemplate) -> R<TemplateView> {
        call!(self, req, Caller, |s, me| templates::create(s, &me, course_id, input))
    }
    async fn list_labs(&self, req: &Parts, course_id: i64) -> R<Vec<LabView>> {
        call!(self, req, Caller, |s, me| labs::list(s, &me, course_id))
    }
    async fn publish_lab(&self, req: &Parts, course_id: i64, input: NewLab) -> R<Publication> {
        call!(self, req, Caller, |s, me| labs::publish(s, &me, course_id, input))
    }
    async fn get_lab(&self, req: &Parts, id: i64) -> R<LabView> {
        call!(self, req, Caller, |s, me| labs::get(s, &me, id))
    }
    async fn lab_seats(&self, req: &Parts, id: i64) -> R<Vec<SeatView>> {
        call!(self, req, Caller, |s, me| labs::seats(s, &me, id))
    }
    async fn bulk_lab(&self, req: &Parts, id: i64, action: BulkAction) -> R<Vec<BulkOutcome>> {
        call!(self, req, Caller, |s, me| labs::bulk(s, &me, id, action))
    }
    async fn my_labs(&self, req: &Parts) -> R<Vec<LabView>> {
        call!(self, req, Caller, |s, me| labs::mine(s, &me))
    }
    async fn open_lab(&self, req: &Parts, id: i64) -> R<OpenedLab> {
        call!(self, req, Caller, |s, me| labs::open(s, &me, id))
    }
    async fn reset_vm(&self, req: &Parts, id: i64, request: ResetRequest) -> R<VmView> {
        call!(self, req, Caller, |s, me| labs::reset(s, &me, id, request))
    }
    async fn get_user_quota(&self, req: &Parts, user_id: i64) -> R<QuotaView> {
        call!(self, req, Caller, |s, me| quotas::user_quota(s, &me, user_id))
    }
    async fn get_course_statistics(&self, req: &Parts, id: i64) -> R<CourseStatistics> {
        call!(self, req, Caller, |s, me| statistics::course(s, &me, id))
    }
    async fn get_vm_history(&self, req: &Parts, id: i64, range: ChartRange) -> R<VmHistory> {
        call!(self, req, Caller, |s, me| metrics::recent_history(s, &me, id, range))
    }
    async fn get_host_status(&self, req: &Parts) -> R<HostStatus> {
        call!(self, req, Admin, |s, admin| metrics::host_now(s, &admin))
    }
    async fn get_host_history(&self, req: &Parts, range: ChartRange) -> R<HostHistory> {
        call!(self, req, Admin, |s, admin| metrics::recent_host_history(s, &admin, range))
    }
    async fn list_audit(&self, req: &Parts, query: AuditQuery, page: ListQuery) -> R<Page<AuditEntry>> {
        call!(self, req, Teacher, |s, reader| audit::list(s, &reader, &query, &page))
    }
    async fn get_vm_log(&self, req: &Parts, id: i64, source: LogSource, offset: Option<u64>) -> R<VmLog> {
        call!(self, req, Caller, |s, me| logs::vm_log(s, &me, id, source, offset, None))
    }
    async fn get_system_log(&self, req: &Parts, level: String, q: String, limit: usize) -> R<SystemLog> {
        call!(self, req, Admin, |s, admin| std::future::ready(logs::system_log(s, &admin, Some(&level), None, None, Some(&q), Some(limit))))
    }
}
