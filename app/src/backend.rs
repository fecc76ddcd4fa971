//! The port through which server functions reach the server's service layer.
//! The server implements it; `app` never depends on the server crate.
//!
//! Each method is the server function of the same name in `api`, taking the
//! request so the server can authenticate it exactly as it does REST calls.
//! Nothing here decides anything: the server's implementation forwards each
//! call to one service function, as the REST handler for it does.

use crate::error::AppError;
use crate::types::*;
use http::request::Parts;
use std::sync::Arc;

type R<T> = Result<T, AppError>;

#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    // Accounts.
    async fn current_user(&self, req: &Parts) -> R<Option<UserView>>;
    async fn logout(&self, req: &Parts) -> R<()>;
    async fn change_password(&self, req: &Parts, change: PasswordChange) -> R<()>;
    async fn list_users(&self, req: &Parts, query: ListQuery) -> R<Page<UserView>>;
    async fn create_user(&self, req: &Parts, input: NewUser) -> R<UserView>;
    async fn update_user(&self, req: &Parts, id: i64, patch: UserPatch) -> R<UserView>;
    async fn reset_password(&self, req: &Parts, id: i64, reset: PasswordReset) -> R<()>;
    async fn delete_user(&self, req: &Parts, id: i64) -> R<()>;
    async fn list_tokens(&self, req: &Parts) -> R<Vec<TokenView>>;
    async fn create_token(&self, req: &Parts, input: NewToken) -> R<CreatedToken>;
    async fn revoke_token(&self, req: &Parts, id: i64) -> R<()>;
    async fn get_system_overview(&self, req: &Parts) -> R<SystemOverview>;
    async fn list_nodes(&self, req: &Parts) -> R<Vec<NodeView>>;
    async fn update_node(&self, req: &Parts, id: i64, patch: NodePatch) -> R<NodeView>;
    async fn get_guest_network(&self, req: &Parts) -> R<GuestNetwork>;
    // Machines.
    async fn list_vms(&self, req: &Parts, query: ListQuery) -> R<Page<VmView>>;
    async fn get_vm(&self, req: &Parts, id: i64) -> R<VmView>;
    async fn create_vm(&self, req: &Parts, input: NewVm) -> R<VmView>;
    async fn update_vm(&self, req: &Parts, id: i64, patch: VmPatch) -> R<VmView>;
    async fn delete_vm(&self, req: &Parts, id: i64, force: bool, delete_disks: bool) -> R<()>;
    async fn vm_action(&self, req: &Parts, id: i64, request: StateChangeRequest) -> R<OperationView>;
    async fn move_vm(&self, req: &Parts, id: i64, to: VmMove) -> R<OperationView>;
    async fn list_snapshots(&self, req: &Parts, vm_id: i64) -> R<Vec<SnapshotView>>;
    async fn create_snapshot(&self, req: &Parts, vm_id: i64, input: NewSnapshot) -> R<SnapshotView>;
    async fn revert_snapshot(&self, req: &Parts, vm_id: i64, id: i64) -> R<SnapshotView>;
    async fn delete_snapshot(&self, req: &Parts, vm_id: i64, id: i64) -> R<()>;
    async fn add_port_forward(&self, req: &Parts, vm_id: i64, input: NewPortForward) -> R<PortForwardView>;
    async fn remove_port_forward(&self, req: &Parts, vm_id: i64, id: i64) -> R<()>;
    // Storage.
    async fn list_disks(&self, req: &Parts, query: ListQuery) -> R<Page<DiskView>>;
    async fn create_disk(&self, req: &Parts, input: NewDisk) -> R<DiskView>;
    async fn delete_disk(&self, req: &Parts, id: i64) -> R<()>;
    async fn attach_disk(&self, req: &Parts, id: i64, to: DiskAttach) -> R<DiskView>;
    async fn detach_disk(&self, req: &Parts, id: i64) -> R<DiskView>;
    async fn list_isos(&self, req: &Parts, query: ListQuery) -> R<Page<IsoView>>;
    async fn delete_iso(&self, req: &Parts, id: i64) -> R<()>;
    async fn set_cdrom(&self, req: &Parts, vm_id: i64, change: CdromChange) -> R<VmView>;
    // Classroom.
    async fn list_courses(&self, req: &Parts, query: ListQuery) -> R<Page<CourseView>>;
    async fn create_course(&self, req: &Parts, input: NewCourse) -> R<CourseView>;
    async fn get_course(&self, req: &Parts, id: i64) -> R<CourseView>;
    async fn update_course(&self, req: &Parts, id: i64, patch: CoursePatch) -> R<CourseView>;
    async fn course_members(&self, req: &Parts, id: i64) -> R<Vec<MemberView>>;
    async fn add_member(&self, req: &Parts, id: i64, member: NewMember) -> R<Vec<MemberView>>;
    async fn enrol_csv(&self, req: &Parts, id: i64, csv: String) -> R<EnrolmentReport>;
    async fn list_templates(&self, req: &Parts, course_id: i64) -> R<Vec<TemplateView>>;
    async fn create_template(&self, req: &Parts, course_id: i64, input: NewTemplate) -> R<TemplateView>;
    async fn list_labs(&self, req: &Parts, course_id: i64) -> R<Vec<LabView>>;
    async fn publish_lab(&self, req: &Parts, course_id: i64, input: NewLab) -> R<Publication>;
    async fn get_lab(&self, req: &Parts, id: i64) -> R<LabView>;
    async fn lab_seats(&self, req: &Parts, id: i64) -> R<Vec<SeatView>>;
    async fn bulk_lab(&self, req: &Parts, id: i64, action: BulkAction) -> R<Vec<BulkOutcome>>;
    async fn my_labs(&self, req: &Parts) -> R<Vec<LabView>>;
    async fn open_lab(&self, req: &Parts, id: i64) -> R<OpenedLab>;
    async fn reset_vm(&self, req: &Parts, id: i64, request: ResetRequest) -> R<VmView>;
    async fn get_user_quota(&self, req: &Parts, user_id: i64) -> R<QuotaView>;
    async fn get_course_statistics(&self, req: &Parts, id: i64) -> R<CourseStatistics>;
    // Watching.
    async fn get_vm_history(&self, req: &Parts, id: i64, range: ChartRange) -> R<VmHistory>;
    async fn get_host_status(&self, req: &Parts) -> R<HostStatus>;
    async fn get_host_history(&self, req: &Parts, range: ChartRange) -> R<HostHistory>;
    async fn list_audit(&self, req: &Parts, query: AuditQuery, page: ListQuery) -> R<Page<AuditEntry>>;
    async fn get_vm_log(&self, req: &Parts, id: i64, source: LogSource, offset: Option<u64>) -> R<VmLog>;
    async fn get_system_log(&self, req: &Parts, level: String, q: String, limit: usize) -> R<SystemLog>;
}

/// The backend as provided in Leptos context.
pub type SharedBackend = Arc<dyn Backend>;

/// Fetches the backend and the current request from context.
pub fn backend() -> Result<(SharedBackend, Parts), AppError> {
    let b = leptos::prelude::use_context::<SharedBackend>()
        .ok_or_else(|| AppError::Internal { reference: "backend missing from context".into() })?;
    let parts = leptos::prelude::use_context::<Parts>()
        .ok_or_else(|| AppError::Internal { reference: "request missing from context".into() })?;
    Ok((b, parts))
}
