//! Console tickets: random, single-use, short-lived, bound to one user, one
//! VM and one kind of console. Only their SHA-256 is kept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleKind {
    Vnc,
    Serial,
}

impl ConsoleKind {
    pub fn parse(s: &str) -> Option<ConsoleKind> {
        match s {
            "vnc" => Some(ConsoleKind::Vnc),
            "serial" => Some(ConsoleKind::Serial),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleKind::Vnc => "vnc",
            ConsoleKind::Serial => "serial",
        }
    }
}

/// What a ticket grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub user_id: i64,
    /// The credential the ticket was asked for with: the console ends when it does.
    pub via: crate::auth::AuthVia,
    pub vm_id: i64,
    pub kind: ConsoleKind,
    pub view_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("the console ticket is unknown or was used already")]
    Unknown,
    #[error("the console ticket has expired; ask for a new one")]
    Expired,
    #[error("the console ticket is for another VM, console or user")]
    Mismatch,
}

pub struct Tickets {
    ttl: Duration,
    live: Mutex<HashMap<String, (Grant, Instant)>>,
}

impl Tickets {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, live: Mutex::new(HashMap::new()) }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A new ticket for `grant`.
    pub fn mint(&self, grant: Grant, now: Instant) -> String {
        let ticket = crate::auth::token::generate();
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|_, (_, exp)| *exp > now);
        live.insert(crate::auth::token::hash(&ticket), (grant, now + self.ttl));
        ticket
    }

    /// Uses up a ticket. It is gone afterwards whatever the answer, so a
    /// ticket shown to the wrong party cannot be tried twice.
    pub fn redeem(
        &self,
        ticket: &str,
        vm_id: i64,
        kind: Option<ConsoleKind>,
        user_id: Option<i64>,
        now: Instant,
    ) -> Result<Grant, TicketError> {
        let (grant, expires) = self
            .live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&crate::auth::token::hash(ticket))
            .ok_or(TicketError::Unknown)?;
        if now >= expires {
            return Err(TicketError::Expired);
        }
        if grant.vm_id != vm_id || kind.is_some_and(|k| k != grant.kind) || user_id.is_some_and(|u| u != grant.user_id) {
            return Err(TicketError::Mismatch);
        }
        Ok(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant { user_id: 1, via: crate::auth::AuthVia::Internal, vm_id: 7, kind: ConsoleKind::Vnc, view_only: false }
    }

    #[test]
    fn single_use_short_lived_and_bound() {
        let t = Tickets::new(Duration::from_secs(60));
        let now = Instant::now();
        let a = t.mint(grant(), now);
        assert_eq!(t.redeem(&a, 7, Some(ConsoleKind::Vnc), Some(1), now), Ok(grant()));
        assert_eq!(t.redeem(&a, 7, None, None, now), Err(TicketError::Unknown), "single use");

        let b = t.mint(grant(), now);
        assert_eq!(t.redeem(&b, 7, None, None, now + Duration::from_secs(61)), Err(TicketError::Expired));
        for (vm, kind, user) in [(8, None, None), (7, Some(ConsoleKind::Serial), None), (7, None, Some(2))] {
            let c = t.mint(grant(), now);
            assert_eq!(t.redeem(&c, vm, kind, user, now), Err(TicketError::Mismatch));
            assert_eq!(t.redeem(&c, 7, None, None, now), Err(TicketError::Unknown), "a refused ticket is spent");
        }
        assert_eq!(t.redeem("vlab_made_up", 7, None, None, now), Err(TicketError::Unknown));
    }
}
