//! Access that ends while a connection is open. An event stream or console
//! keeps the credential it was opened with; whenever something may have
//! changed a user's access (logout, password change or reset, role change,
//! token revocation, course membership, deletion) the service that changed
//! it says so here, and every open connection of that user checks its
//! credential again: it ends, or goes on as the caller is now. A periodic
//! re-check catches what expires by time.

use super::{AuthVia, Caller};
use crate::state::AppState;
use std::time::Duration;
use tokio::sync::broadcast;

/// How often an open connection re-checks its credential without a signal.
pub const RECHECK_EVERY: Duration = Duration::from_secs(60);

/// Whose access may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessChange {
    User(i64),
    Everyone,
}

pub fn channel() -> broadcast::Sender<AccessChange> {
    broadcast::channel(256).0
}

/// Tells open connections that `change` may have ended or narrowed access.
pub fn announce(state: &AppState, change: AccessChange) {
    crate::cluster::announce_access(state, change);
}

/// User `user_id` as credential `via` still proves them, if it does.
pub async fn recheck(state: &AppState, user_id: i64, via: AuthVia) -> Option<Caller> {
    let now = crate::time::now();
    match via {
        AuthVia::Token { token_id } => {
            let owner = state.store.token_owner_by_id(token_id, now).await.ok()??;
            (owner.user.id == user_id).then_some(Caller { user: owner.user, via })
        }
        AuthVia::Session { id, epoch } => {
            if !state.store.session_exists(&id?.to_string()).await.ok()? {
                return None;
            }
            let creds = state.store.credentials_by_id(user_id).await.ok()??;
            (creds.auth_epoch == epoch).then_some(Caller { user: creds.user, via })
        }
        AuthVia::Internal => state.store.user(user_id).await.ok()?.map(|user| Caller { user, via }),
    }
}

/// Follows the access of one open connection, opened by `user_id` with `via`.
pub struct Watch {
    state: AppState,
    user_id: i64,
    via: AuthVia,
    changes: broadcast::Receiver<AccessChange>,
    tick: tokio::time::Interval,
}

impl Watch {
    pub fn new(state: &AppState, user_id: i64, via: AuthVia) -> Watch {
        let mut tick = tokio::time::interval(RECHECK_EVERY);
        tick.reset();
        Watch { changes: state.access_changes.subscribe(), state: state.clone(), user_id, via, tick }
    }

    /// Waits until this user's access may have changed and checks it: the
    /// caller as they are now, or `None` when the credential no longer holds.
    pub async fn changed(&mut self) -> Option<Caller> {
        loop {
            tokio::select! {
                c = self.changes.recv() => match c {
                    Ok(AccessChange::User(id)) if id != self.user_id => continue,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = self.tick.tick() => {}
            }
            return recheck(&self.state, self.user_id, self.via).await;
        }
    }

    /// Resolves when this user may no longer do what `still_allowed` checks
    /// (given the caller as they are now), with the reason to tell them.
    pub async fn until_lost<F, Fut>(mut self, still_allowed: F) -> &'static str
    where
        F: Fn(Caller) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        loop {
            match self.changed().await {
                None => return "signed out or access revoked",
                Some(caller) => {
                    if !still_allowed(caller).await {
                        return "access to this VM ended";
                    }
                }
            }
        }
    }
}
