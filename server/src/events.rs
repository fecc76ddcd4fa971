//! What event streams carry: VM state changes and operation progress. Each
//! event names its audience (besides admins) when it is made, so a stream
//! filters without asking the database per event and viewer.

use crate::auth::Caller;
use app::types::{OperationView, Role};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::broadcast;

/// The users (besides admins) who may see an event.
pub type Audience = Arc<[i64]>;

/// Something the UI or an API client may want to hear about at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    VmState {
        vm_id: i64,
        owner_id: i64,
        state: String,
        reason: Option<String>,
        #[serde(skip)]
        audience: Audience,
    },
    Operation {
        owner_id: Option<i64>,
        operation: OperationView,
        #[serde(skip)]
        audience: Audience,
    },
}

impl Event {
    /// The name of the event in a server-sent stream.
    pub fn name(&self) -> &'static str {
        match self {
            Event::VmState { .. } => "vm_state",
            Event::Operation { .. } => "operation",
        }
    }

    /// Whether `caller` may see this event.
    pub fn visible_to(&self, caller: &Caller) -> bool {
        caller.user.role == Role::Admin || self.audience().contains(&caller.id())
    }

    /// The users (besides admins) who may see it.
    pub fn audience(&self) -> &Audience {
        match self {
            Event::VmState { audience, .. } | Event::Operation { audience, .. } => audience,
        }
    }

    /// The event addressed to `to` (an event from another node arrives
    /// with its audience beside it).
    pub fn with_audience(mut self, to: Audience) -> Event {
        match &mut self {
            Event::VmState { audience, .. } | Event::Operation { audience, .. } => *audience = to,
        }
        self
    }
}

/// The one broadcast channel for events.
pub fn channel() -> broadcast::Sender<Event> {
    broadcast::channel(1024).0
}
