//! The port through which server functions reach the server's service layer.
//! The server implements it; `app` never depends on the server crate.

use crate::error::AppError;
use crate::types::*;
use http::request::Parts;
use std::sync::Arc;

/// Everything the UI can ask of the server. Each call gets the request so
/// the server can authenticate it exactly as it does REST calls.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn current_user(&self, req: &Parts) -> Result<Option<UserView>, AppError>;
    async fn logout(&self, req: &Parts) -> Result<(), AppError>;
    async fn change_password(&self, req: &Parts, change: PasswordChange) -> Result<(), AppError>;
    async fn list_users(&self, req: &Parts, query: ListQuery) -> Result<Page<UserView>, AppError>;
    async fn create_user(&self, req: &Parts, input: NewUser) -> Result<UserView, AppError>;
    async fn update_user(&self, req: &Parts, id: i64, patch: UserPatch) -> Result<UserView, AppError>;
    async fn reset_password(&self, req: &Parts, id: i64, reset: PasswordReset) -> Result<(), AppError>;
    async fn delete_user(&self, req: &Parts, id: i64) -> Result<(), AppError>;
    async fn list_tokens(&self, req: &Parts) -> Result<Vec<TokenView>, AppError>;
    async fn create_token(&self, req: &Parts, input: NewToken) -> Result<CreatedToken, AppError>;
    async fn revoke_token(&self, req: &Parts, id: i64) -> Result<(), AppError>;
    async fn list_vms(&self, req: &Parts, query: ListQuery) -> Result<Page<VmView>, AppError>;
    async fn get_vm(&self, req: &Parts, id: i64) -> Result<VmView, AppError>;
    async fn create_vm(&self, req: &Parts, input: NewVm) -> Result<VmView, AppError>;
    async fn update_vm(&self, req: &Parts, id: i64, patch: VmPatch) -> Result<VmView, AppError>;
    async fn delete_vm(&self, req: &Parts, id: i64, force: bool) -> Result<(), AppError>;
    async fn vm_action(&self, req: &Parts, id: i64, request: StateChangeRequest) -> Result<OperationView, AppError>;
    async fn list_disks(&self, req: &Parts) -> Result<Vec<DiskView>, AppError>;
    async fn create_disk(&self, req: &Parts, input: NewDisk) -> Result<DiskView, AppError>;
    async fn delete_disk(&self, req: &Parts, id: i64) -> Result<(), AppError>;
    async fn attach_disk(&self, req: &Parts, id: i64, vm_id: Option<i64>) -> Result<DiskView, AppError>;
    async fn list_isos(&self, req: &Parts) -> Result<Vec<IsoView>, AppError>;
    async fn system_overview(&self, req: &Parts) -> Result<SystemOverview, AppError>;
    async fn delete_iso(&self, req: &Parts, id: i64) -> Result<(), AppError>;
    async fn set_cdrom(&self, req: &Parts, vm_id: i64, iso_id: Option<i64>) -> Result<VmView, AppError>;
    async fn list_snapshots(&self, req: &Parts, vm_id: i64) -> Result<Vec<SnapshotView>, AppError>;
    async fn snapshot_action(&self, req: &Parts, vm_id: i64, action: SnapshotOp) -> Result<(), AppError>;
    async fn add_port_forward(&self, req: &Parts, vm_id: i64, input: NewPortForward) -> Result<PortForwardView, AppError>;
    async fn remove_port_forward(&self, req: &Parts, vm_id: i64, id: i64) -> Result<(), AppError>;
    // Classroom.
    async fn update_course(&self, req: &Parts, id: i64, patch: CoursePatch) -> Result<CourseView, AppError>;
    async fn user_quota(&self, req: &Parts, user_id: i64) -> Result<QuotaView, AppError>;
    async fn my_labs(&self, req: &Parts) -> Result<Vec<LabView>, AppError>;
    async fn open_lab(&self, req: &Parts, id: i64) -> Result<OpenedLab, AppError>;
    async fn list_courses(&self, req: &Parts, query: ListQuery) -> Result<Page<CourseView>, AppError>;
    async fn create_course(&self, req: &Parts, input: NewCourse) -> Result<CourseView, AppError>;
    async fn get_course(&self, req: &Parts, id: i64) -> Result<CourseView, AppError>;
    async fn course_members(&self, req: &Parts, id: i64) -> Result<Vec<MemberView>, AppError>;
    async fn add_member(&self, req: &Parts, id: i64, member: NewMember) -> Result<Vec<MemberView>, AppError>;
    async fn enrol_csv(&self, req: &Parts, id: i64, csv: String) -> Result<EnrolmentReport, AppError>;
    async fn list_templates(&self, req: &Parts, course_id: i64) -> Result<Vec<TemplateView>, AppError>;
    async fn create_template(&self, req: &Parts, course_id: i64, input: NewTemplate) -> Result<TemplateView, AppError>;
    async fn list_labs(&self, req: &Parts, course_id: i64) -> Result<Vec<LabView>, AppError>;
    async fn publish_lab(&self, req: &Parts, course_id: i64, input: NewLab) -> Result<Publication, AppError>;
    async fn get_lab(&self, req: &Parts, id: i64) -> Result<LabView, AppError>;
    async fn lab_seats(&self, req: &Parts, id: i64) -> Result<Vec<SeatView>, AppError>;
    async fn bulk_lab(&self, req: &Parts, id: i64, action: BulkAction) -> Result<Vec<BulkOutcome>, AppError>;
    async fn reset_vm(&self, req: &Parts, id: i64) -> Result<VmView, AppError>;
    async fn course_statistics(&self, req: &Parts, id: i64) -> Result<CourseStatistics, AppError>;
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
