//! Courses, members and usage statistics.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// A course. `my_role` is the caller's role in it (`teacher`, `student`),
/// none for admins who are not members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CourseView {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub term: String,
    pub description: String,
    pub archived: bool,
    /// Keep a student's old disk for the teacher when the VM is reset.
    pub keep_reset_disks: bool,
    pub my_role: Option<String>,
    pub teachers: u32,
    pub students: u32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    /// Short unique code, e.g. `NET-101`.
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub term: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub keep_reset_disks: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoursePatch {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub term: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub archived: Option<bool>,
    #[serde(default)]
    pub keep_reset_disks: Option<bool>,
}

/// A teacher or student of a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MemberView {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    /// `teacher` or `student`.
    pub role: String,
    pub added_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub username: String,
    /// `teacher` or `student`.
    pub role: String,
}

/// An account made by a CSV enrolment, with its one-time password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreatedAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
}

/// What a CSV enrolment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct EnrolmentReport {
    /// Existing accounts newly enrolled.
    pub enrolled: Vec<String>,
    /// Already students of the course.
    pub unchanged: Vec<String>,
    /// New accounts; each password is shown this once.
    pub created: Vec<CreatedAccount>,
    /// The operation that showed the enrolment's progress, when it took
    /// longer than a moment (its progress came as events meanwhile).
    #[serde(default)]
    pub operation_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub lab_id: i64,
    pub lab_name: String,
    pub vm_id: i64,
    pub running_hours: f64,
    pub console_minutes: f64,
    pub starts: u32,
    pub resets: u32,
    pub last_activity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct StatTotals {
    pub students: u32,
    pub vms: u32,
    pub running_hours: f64,
    pub console_minutes: f64,
    pub starts: u32,
    pub resets: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CourseStatistics {
    pub course_id: i64,
    pub rows: Vec<StatRow>,
    pub totals: StatTotals,
}
