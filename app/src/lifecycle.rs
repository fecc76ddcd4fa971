//! The VM lifecycle's states and user actions, and which action is allowed
//! in which state. Shared by the server's engine (which enforces it) and the
//! UI (which offers only the actions the state allows).

use serde::{Deserialize, Serialize};

/// Where a VM is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum VmState {
    Stopped,
    Starting,
    Running,
    Paused,
    Stopping,
    Crashed,
    /// Its node does not answer: it may still run there. Shown, never
    /// stored; nothing can be asked of the VM until the node is back.
    Unknown,
}

impl VmState {
    pub const ALL: [VmState; 6] = [
        VmState::Stopped,
        VmState::Starting,
        VmState::Running,
        VmState::Paused,
        VmState::Stopping,
        VmState::Crashed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VmState::Stopped => "stopped",
            VmState::Starting => "starting",
            VmState::Running => "running",
            VmState::Paused => "paused",
            VmState::Stopping => "stopping",
            VmState::Crashed => "crashed",
            VmState::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<VmState> {
        VmState::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A QEMU process exists (or should) in this state.
    pub fn has_process(self) -> bool {
        matches!(self, VmState::Starting | VmState::Running | VmState::Paused | VmState::Stopping)
    }
}

/// What a user can ask of a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Start,
    /// Power off now.
    Stop,
    /// ACPI power button, then power off after a timeout.
    Shutdown,
    Restart,
    Pause,
    Resume,
    Reset,
}

impl Action {
    pub const ALL: [Action; 7] =
        [Action::Start, Action::Stop, Action::Shutdown, Action::Restart, Action::Pause, Action::Resume, Action::Reset];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Shutdown => "shutdown",
            Action::Restart => "restart",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Reset => "reset",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a VM that is {state}")]
pub struct InvalidTransition {
    pub state: &'static str,
    pub action: &'static str,
}

/// The state right after `action` is accepted in `state`.
pub fn next(state: VmState, action: Action) -> Result<VmState, InvalidTransition> {
    use Action as A;
    use VmState as S;
    let to = match (state, action) {
        (S::Stopped | S::Crashed, A::Start) => S::Starting,
        (S::Running | S::Paused | S::Starting | S::Stopping, A::Stop) => S::Stopping,
        (S::Running, A::Shutdown) => S::Stopping,
        (S::Running | S::Paused, A::Restart) => S::Stopping,
        (S::Running, A::Pause) => S::Paused,
        (S::Paused, A::Resume) => S::Running,
        (S::Running | S::Paused, A::Reset) => state,
        _ => return Err(InvalidTransition { state: state.as_str(), action: action.as_str() }),
    };
    Ok(to)
}


/// The actions `state` allows, in the order the UI shows them.
pub fn allowed(state: VmState) -> impl Iterator<Item = Action> {
    Action::ALL.into_iter().filter(move |a| next(state, *a).is_ok())
}
