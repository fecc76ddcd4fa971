//! The VM lifecycle as data: which user actions and engine events move a VM
//! from which state to which.

pub use app::lifecycle::{next, Action, InvalidTransition, VmState};

/// Something the engine observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineEvent {
    /// QEMU is up and the guest CPUs run.
    Booted,
    /// QMP `STOP`: the guest CPUs were paused.
    CpusStopped,
    /// QMP `RESUME`.
    CpusResumed,
    /// The QEMU process is gone; `expected` when a stop was asked for or
    /// the guest powered itself off.
    Exited { expected: bool },
}

/// The state after the engine observed `event` in `state`.
pub fn observe(state: VmState, event: EngineEvent) -> VmState {
    use EngineEvent as E;
    use VmState as S;
    match (state, event) {
        (S::Starting, E::Booted) => S::Running,
        (S::Running, E::CpusStopped) => S::Paused,
        (S::Paused, E::CpusResumed) => S::Running,
        (_, E::Exited { expected: true }) => S::Stopped,
        (S::Stopped, E::Exited { .. }) => S::Stopped,
        (_, E::Exited { expected: false }) => S::Crashed,
        (s, _) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use VmState as S;

    #[test]
    fn every_state_action_pair() {
        const ACTIONS: [Action; 7] = [A::Start, A::Stop, A::Shutdown, A::Restart, A::Pause, A::Resume, A::Reset];
        // (state, action) -> expected; anything not listed must be refused.
        let allowed: &[(S, A, S)] = &[
            (S::Stopped, A::Start, S::Starting),
            (S::Crashed, A::Start, S::Starting),
            (S::Running, A::Stop, S::Stopping),
            (S::Paused, A::Stop, S::Stopping),
            (S::Starting, A::Stop, S::Stopping),
            (S::Stopping, A::Stop, S::Stopping),
            (S::Running, A::Shutdown, S::Stopping),
            (S::Running, A::Restart, S::Stopping),
            (S::Paused, A::Restart, S::Stopping),
            (S::Running, A::Pause, S::Paused),
            (S::Paused, A::Resume, S::Running),
            (S::Running, A::Reset, S::Running),
            (S::Paused, A::Reset, S::Paused),
        ];
        for s in VmState::ALL {
            for a in ACTIONS {
                let want = allowed.iter().find(|(fs, fa, _)| *fs == s && *fa == a).map(|t| t.2);
                match (next(s, a), want) {
                    (Ok(got), Some(w)) => assert_eq!(got, w, "{s:?} + {a:?}"),
                    (Err(e), None) => assert_eq!(e.to_string(), format!("cannot {} a VM that is {}", a.as_str(), s.as_str())),
                    (got, want) => panic!("{s:?} + {a:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn events_drive_the_lifecycle() {
        assert_eq!(observe(S::Starting, EngineEvent::Booted), S::Running);
        assert_eq!(observe(S::Running, EngineEvent::CpusStopped), S::Paused);
        assert_eq!(observe(S::Paused, EngineEvent::CpusResumed), S::Running);
        assert_eq!(observe(S::Stopping, EngineEvent::Exited { expected: true }), S::Stopped);
        for s in [S::Starting, S::Running, S::Paused, S::Stopping] {
            assert_eq!(observe(s, EngineEvent::Exited { expected: false }), S::Crashed, "{s:?}");
        }
        assert_eq!(observe(S::Running, EngineEvent::Booted), S::Running, "stray events change nothing");
        for s in VmState::ALL {
            assert_eq!(VmState::parse(s.as_str()), Some(s));
            assert_eq!(s.has_process(), !matches!(s, S::Stopped | S::Crashed));
        }
    }
}
