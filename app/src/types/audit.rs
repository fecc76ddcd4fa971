//! The audit trail as readers see it.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use utoipa::ToSchema;

/// One change asked of vlab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who asked: the user (none for a failed login or the scheduler)...
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub role: Option<String>,
    /// ...how they proved it (`session`, `token`, `password` for a login, `scheduler`, `none`)...
    pub via: String,
    pub token_id: Option<i64>,
    /// ...from which address, through which door (`api`, `ui`, `scheduler`).
    pub client: String,
    pub channel: String,
    /// What: e.g. `vm.create`, `vm.start`, `vm.snapshots.revert`, `auth.login`.
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    /// The course the target belonged to.
    pub course_id: Option<i64>,
    /// A few of the request's fields (names, the action), never a secret.
    pub summary: String,
    /// `ok`, or the error code it was refused with.
    pub result: String,
    /// The HTTP status of the answer.
    pub status: u16,
}

/// Which events a reader asks for (all optional).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub user_id: Option<i64>,
    /// An `AuditTarget` name, e.g. `vm`.
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    /// Actions starting with this.
    pub action: Option<String>,
    /// `ok` or `error`.
    pub result: Option<String>,
    /// RFC 3339.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What an audit event can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AuditTarget {
    Vm,
    Lab,
    Course,
    Template,
    TemplateVersion,
    Disk,
    Iso,
    User,
    Node,
    Operation,
}

impl AuditTarget {
    pub const ALL: [AuditTarget; 10] = [
        AuditTarget::Vm,
        AuditTarget::Lab,
        AuditTarget::Course,
        AuditTarget::Template,
        AuditTarget::TemplateVersion,
        AuditTarget::Disk,
        AuditTarget::Iso,
        AuditTarget::User,
        AuditTarget::Node,
        AuditTarget::Operation,
    ];

    pub fn parse(name: &str) -> Option<AuditTarget> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AuditTarget::Vm => "vm",
            AuditTarget::Lab => "lab",
            AuditTarget::Course => "course",
            AuditTarget::Template => "template",
            AuditTarget::TemplateVersion => "template-version",
            AuditTarget::Disk => "disk",
            AuditTarget::Iso => "iso",
            AuditTarget::User => "user",
            AuditTarget::Node => "node",
            AuditTarget::Operation => "operation",
        }
    }
}
