//! Server functions: one-line adapters from the UI to the server's services.

use crate::error::AppError;
use crate::types::*;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::backend::backend;

#[server(input = Json)]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    let (b, req) = backend()?;
    b.current_user(&req).await
}

/// Form-encoded so it also works as a plain HTML form without WebAssembly.
#[server]
pub async fn logout() -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.logout(&req).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(input = Json)]
pub async fn change_password(change: PasswordChange) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.change_password(&req, change).await
}

#[server(input = Json)]
pub async fn list_users(query: ListQuery) -> Result<Page<UserView>, AppError> {
    let (b, req) = backend()?;
    b.list_users(&req, query).await
}

/// At a fixed address: the cross-site request tests call it by name.
#[server(input = Json, endpoint = "create_user")]
pub async fn create_user(input: NewUser) -> Result<UserView, AppError> {
    let (b, req) = backend()?;
    b.create_user(&req, input).await
}

#[server(input = Json)]
pub async fn update_user(id: i64, patch: UserPatch) -> Result<UserView, AppError> {
    let (b, req) = backend()?;
    b.update_user(&req, id, patch).await
}

#[server(input = Json)]
pub async fn reset_password(id: i64, reset: PasswordReset) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.reset_password(&req, id, reset).await
}

#[server(input = Json)]
pub async fn delete_user(id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.delete_user(&req, id).await
}

#[server(input = Json)]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    let (b, req) = backend()?;
    b.list_tokens(&req).await
}

#[server(input = Json)]
pub async fn create_token(input: NewToken) -> Result<CreatedToken, AppError> {
    let (b, req) = backend()?;
    b.create_token(&req, input).await
}

#[server(input = Json)]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.revoke_token(&req, id).await
}

#[server(input = Json)]
pub async fn list_vms(query: ListQuery) -> Result<Page<VmView>, AppError> {
    let (b, req) = backend()?;
    b.list_vms(&req, query).await
}

#[server(input = Json)]
pub async fn get_vm(id: i64) -> Result<VmView, AppError> {
    let (b, req) = backend()?;
    b.get_vm(&req, id).await
}

#[server(input = Json)]
pub async fn create_vm(input: NewVm) -> Result<VmView, AppError> {
    let (b, req) = backend()?;
    b.create_vm(&req, input).await
}

#[server(input = Json)]
pub async fn update_vm(id: i64, patch: VmPatch) -> Result<VmView, AppError> {
    let (b, req) = backend()?;
    b.update_vm(&req, id, patch).await
}

#[server(input = Json)]
pub async fn delete_vm(id: i64, force: bool, delete_disks: bool) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.delete_vm(&req, id, force, delete_disks).await
}

#[server(input = Json)]
pub async fn vm_action(id: i64, request: StateChangeRequest) -> Result<OperationView, AppError> {
    let (b, req) = backend()?;
    b.vm_action(&req, id, request).await
}

/// Moves a stopped VM to another node (admins).
#[server(input = Json)]
pub async fn move_vm(id: i64, to: VmMove) -> Result<OperationView, AppError> {
    let (b, req) = backend()?;
    b.move_vm(&req, id, to).await
}

#[server(input = Json)]
pub async fn list_disks(query: ListQuery) -> Result<Page<DiskView>, AppError> {
    let (b, req) = backend()?;
    b.list_disks(&req, query).await
}

#[server(input = Json)]
pub async fn create_disk(input: NewDisk) -> Result<DiskView, AppError> {
    let (b, req) = backend()?;
    b.create_disk(&req, input).await
}

#[server(input = Json)]
pub async fn delete_disk(id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.delete_disk(&req, id).await
}

#[server(input = Json)]
pub async fn attach_disk(id: i64, to: DiskAttach) -> Result<DiskView, AppError> {
    let (b, req) = backend()?;
    b.attach_disk(&req, id, to).await
}

#[server(input = Json)]
pub async fn detach_disk(id: i64) -> Result<DiskView, AppError> {
    let (b, req) = backend()?;
    b.detach_disk(&req, id).await
}

/// Whether guests on this host may reach other hosts at all, and why.
#[server(input = Json)]
pub async fn get_guest_network() -> Result<GuestNetwork, AppError> {
    let (b, req) = backend()?;
    b.get_guest_network(&req).await
}

#[server(input = Json)]
pub async fn list_isos(query: ListQuery) -> Result<Page<IsoView>, AppError> {
    let (b, req) = backend()?;
    b.list_isos(&req, query).await
}

/// The hosts vlab runs on (admins).
#[server(input = Json)]
pub async fn list_nodes() -> Result<Vec<NodeView>, AppError> {
    let (b, req) = backend()?;
    b.list_nodes(&req).await
}

/// Enables or disables (drains) a node (admins).
#[server(input = Json)]
pub async fn update_node(id: i64, patch: NodePatch) -> Result<NodeView, AppError> {
    let (b, req) = backend()?;
    b.update_node(&req, id, patch).await
}

/// What exists and how guests run (admins).
#[server(input = Json)]
pub async fn get_system_overview() -> Result<SystemOverview, AppError> {
    let (b, req) = backend()?;
    b.get_system_overview(&req).await
}

#[server(input = Json)]
pub async fn delete_iso(id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.delete_iso(&req, id).await
}

#[server(input = Json)]
pub async fn set_cdrom(vm_id: i64, change: CdromChange) -> Result<VmView, AppError> {
    let (b, req) = backend()?;
    b.set_cdrom(&req, vm_id, change).await
}

#[server(input = Json)]
pub async fn list_snapshots(vm_id: i64) -> Result<Vec<SnapshotView>, AppError> {
    let (b, req) = backend()?;
    b.list_snapshots(&req, vm_id).await
}

#[server(input = Json)]
pub async fn create_snapshot(vm_id: i64, input: NewSnapshot) -> Result<SnapshotView, AppError> {
    let (b, req) = backend()?;
    b.create_snapshot(&req, vm_id, input).await
}

#[server(input = Json)]
pub async fn revert_snapshot(vm_id: i64, id: i64) -> Result<SnapshotView, AppError> {
    let (b, req) = backend()?;
    b.revert_snapshot(&req, vm_id, id).await
}

#[server(input = Json)]
pub async fn delete_snapshot(vm_id: i64, id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.delete_snapshot(&req, vm_id, id).await
}

#[server(input = Json)]
pub async fn add_port_forward(vm_id: i64, input: NewPortForward) -> Result<PortForwardView, AppError> {
    let (b, req) = backend()?;
    b.add_port_forward(&req, vm_id, input).await
}

#[server(input = Json)]
pub async fn remove_port_forward(vm_id: i64, id: i64) -> Result<(), AppError> {
    let (b, req) = backend()?;
    b.remove_port_forward(&req, vm_id, id).await
}

// ---- Classroom ----

#[server(input = Json)]
pub async fn update_course(id: i64, patch: CoursePatch) -> Result<CourseView, AppError> {
    let (b, req) = backend()?;
    b.update_course(&req, id, patch).await
}

#[server(input = Json)]
pub async fn get_user_quota(user_id: i64) -> Result<QuotaView, AppError> {
    let (b, req) = backend()?;
    b.get_user_quota(&req, user_id).await
}

#[server(input = Json)]
pub async fn my_labs() -> Result<Vec<LabView>, AppError> {
    let (b, req) = backend()?;
    b.my_labs(&req).await
}

#[server(input = Json)]
pub async fn open_lab(id: i64) -> Result<OpenedLab, AppError> {
    let (b, req) = backend()?;
    b.open_lab(&req, id).await
}

#[server(input = Json)]
pub async fn list_courses(query: ListQuery) -> Result<Page<CourseView>, AppError> {
    let (b, req) = backend()?;
    b.list_courses(&req, query).await
}

#[server(input = Json)]
pub async fn create_course(input: NewCourse) -> Result<CourseView, AppError> {
    let (b, req) = backend()?;
    b.create_course(&req, input).await
}

#[server(input = Json)]
pub async fn get_course(id: i64) -> Result<CourseView, AppError> {
    let (b, req) = backend()?;
    b.get_course(&req, id).await
}

#[server(input = Json)]
pub async fn course_members(id: i64) -> Result<Vec<MemberView>, AppError> {
    let (b, req) = backend()?;
    b.course_members(&req, id).await
}

#[server(input = Json)]
pub async fn add_member(id: i64, member: NewMember) -> Result<Vec<MemberView>, AppError> {
    let (b, req) = backend()?;
    b.add_member(&req, id, member).await
}

#[server(input = Json)]
pub async fn enrol_csv(id: i64, csv: String) -> Result<EnrolmentReport, AppError> {
    let (b, req) = backend()?;
    b.enrol_csv(&req, id, csv).await
}

#[server(input = Json)]
pub async fn list_templates(course_id: i64) -> Result<Vec<TemplateView>, AppError> {
    let (b, req) = backend()?;
    b.list_templates(&req, course_id).await
}

#[server(input = Json)]
pub async fn create_template(course_id: i64, input: NewTemplate) -> Result<TemplateView, AppError> {
    let (b, req) = backend()?;
    b.create_template(&req, course_id, input).await
}

#[server(input = Json)]
pub async fn list_labs(course_id: i64) -> Result<Vec<LabView>, AppError> {
    let (b, req) = backend()?;
    b.list_labs(&req, course_id).await
}

#[server(input = Json)]
pub async fn publish_lab(course_id: i64, input: NewLab) -> Result<Publication, AppError> {
    let (b, req) = backend()?;
    b.publish_lab(&req, course_id, input).await
}

#[server(input = Json)]
pub async fn get_lab(id: i64) -> Result<LabView, AppError> {
    let (b, req) = backend()?;
    b.get_lab(&req, id).await
}

#[server(input = Json)]
pub async fn lab_seats(id: i64) -> Result<Vec<SeatView>, AppError> {
    let (b, req) = backend()?;
    b.lab_seats(&req, id).await
}

#[server(input = Json)]
pub async fn bulk_lab(id: i64, action: BulkAction) -> Result<Vec<BulkOutcome>, AppError> {
    let (b, req) = backend()?;
    b.bulk_lab(&req, id, action).await
}

#[server(input = Json)]
pub async fn reset_vm(id: i64, request: ResetRequest) -> Result<VmView, AppError> {
    let (b, req) = backend()?;
    b.reset_vm(&req, id, request).await
}

#[server(input = Json)]
pub async fn get_course_statistics(id: i64) -> Result<CourseStatistics, AppError> {
    let (b, req) = backend()?;
    b.get_course_statistics(&req, id).await
}

/// A VM's history over the last hour, day or week, for its charts.
#[server(input = Json)]
pub async fn get_vm_history(id: i64, range: ChartRange) -> Result<VmHistory, AppError> {
    let (b, req) = backend()?;
    b.get_vm_history(&req, id, range).await
}

/// This node's host now (admins).
#[server(input = Json)]
pub async fn get_host_status() -> Result<HostStatus, AppError> {
    let (b, req) = backend()?;
    b.get_host_status(&req).await
}

/// This node's host over the last hour, day or week (admins).
#[server(input = Json)]
pub async fn get_host_history(range: ChartRange) -> Result<HostHistory, AppError> {
    let (b, req) = backend()?;
    b.get_host_history(&req, range).await
}

/// A VM's serial or QEMU log: its last 64 KiB, or what came after
/// `offset` (a range's `next_offset`) to follow it. At a fixed address: the
/// log tests call it by name.
#[server(input = Json, endpoint = "get_vm_log")]
pub async fn get_vm_log(id: i64, source: LogSource, offset: Option<u64>) -> Result<VmLog, AppError> {
    let (b, req) = backend()?;
    b.get_vm_log(&req, id, source, offset).await
}

/// vlab's recent log on this node (admins): the newest entries at `level`
/// (`info`, `warn`, `error`) or worse that hold `q`, at most `limit`.
#[server(input = Json, endpoint = "get_system_log")]
pub async fn get_system_log(level: String, q: String, limit: usize) -> Result<SystemLog, AppError> {
    let (b, req) = backend()?;
    b.get_system_log(&req, level, q, limit).await
}

/// A page of the audit trail (admins; teachers their courses' part). At a
/// fixed address: the audit tests call it by name.
#[server(input = Json, endpoint = "list_audit")]
pub async fn list_audit(query: AuditQuery, page: ListQuery) -> Result<Page<AuditEntry>, AppError> {
    let (b, req) = backend()?;
    b.list_audit(&req, query, page).await
}
