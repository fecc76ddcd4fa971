//! Wire types shared by the UI, server functions and the REST API.

pub use crate::lifecycle::{Action, VmState};

/// The names enums have on the wire and in the database.
macro_rules! wire_names {
    ($t:ty { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)+ _ => None }
            }
        }
    };
}

mod accounts;
mod audit;
mod lists;
mod vms;
mod operations;
mod storage;
mod courses;
mod templates;
mod labs;
mod quotas;
mod system;
mod nodes;
mod metrics;

pub use accounts::*;
pub use lists::*;
pub use vms::*;
pub use operations::*;
pub use storage::*;
pub use courses::*;
pub use templates::*;
pub use labs::*;
pub use quotas::*;
pub use system::*;
pub use audit::*;
pub use nodes::*;
pub use metrics::*;
