//! Who is calling, and proof types for roles. A service that needs an admin
//! takes `&Admin`, which only `Caller::admin` can make: the check lives here.

use app::error::AppError;
use app::types::{Role, UserView};

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVia {
    /// A browser session (its id, and the user's auth epoch it was made in).
    Session { id: Option<tower_sessions::session::Id>, epoch: i64 },
    Token { token_id: i64 },
    /// vlab acting for a user (the lab scheduler).
    Internal,
}

/// An authenticated user.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserView,
    pub via: AuthVia,
}

/// A caller known to be an admin.
#[derive(Debug, Clone)]
pub struct Admin(Caller);

/// A caller known to be a teacher or an admin.
#[derive(Debug, Clone)]
pub struct Teacher(Caller);

impl Caller {
    pub fn id(&self) -> i64 {
        self.user.id
    }

    pub fn admin(self) -> Result<Admin, AppError> {
        if self.user.role == Role::Admin {
            Ok(Admin(self))
        } else {
            Err(AppError::forbidden())
        }
    }

    pub fn teacher(self) -> Result<Teacher, AppError> {
        if self.user.role >= Role::Teacher {
            Ok(Teacher(self))
        } else {
            Err(AppError::forbidden())
        }
    }
}

/// Who a call must come from: any caller, a teacher or an admin. The REST
/// extractors and the UI's server functions both ask `prove`, so a role is
/// checked in one place whichever way a request arrives.
pub trait Proof: Sized {
    fn prove(caller: Caller) -> Result<Self, AppError>;
}

impl Proof for Caller {
    fn prove(caller: Caller) -> Result<Self, AppError> {
        Ok(caller)
    }
}

impl Proof for Admin {
    fn prove(caller: Caller) -> Result<Self, AppError> {
        caller.admin()
    }
}

impl Proof for Teacher {
    fn prove(caller: Caller) -> Result<Self, AppError> {
        caller.teacher()
    }
}

impl std::ops::Deref for Admin {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.0
    }
}

impl std::ops::Deref for Teacher {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            user: UserView {
                id: 1,
                username: "u".into(),
                display_name: "u".into(),
                email: None,
                role,
                created_at: String::new(),
                updated_at: String::new(),
                must_change_password: false,
            },
            via: AuthVia::Internal,
        }
    }

    #[test]
    fn role_proofs_follow_the_hierarchy() {
        assert!(caller(Role::Admin).admin().is_ok());
        assert_eq!(caller(Role::Teacher).admin().unwrap_err().status(), 403);
        assert_eq!(caller(Role::Student).admin().unwrap_err().status(), 403);
        assert!(caller(Role::Admin).teacher().is_ok());
        assert!(caller(Role::Teacher).teacher().is_ok());
        assert_eq!(caller(Role::Student).teacher().unwrap_err().status(), 403);
    }
}
