//! Authentication and the role checks every resource goes through.

pub mod access;
pub mod extract;
pub mod identify;
pub mod password;
pub mod ratelimit;
pub mod revoke;
pub mod token;

pub use access::{Admin, AuthVia, Caller, Proof, Teacher};
pub use extract::{CurrentUser, RequireAdmin, RequireTeacher};
