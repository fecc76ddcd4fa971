//! The web UI's server side: the service behind its server functions, and
//! the no-JavaScript sign-in form.

pub mod login_form;
pub mod server_fns;
