//! Limits: a token bucket per API client, and a failure counter per login
//! key. Both answer with how long to wait. One node counts in memory;
//! nodes sharing PostgreSQL count there together (`store::limits`), so
//! spreading requests or guesses over nodes gains nothing.

use crate::store::Store;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A node leases whole tokens from a shared bucket this many to a
/// minute's budget, so most requests are counted without a round trip;
/// all nodes together pass at most the budget plus one lease each.
const LEASE_PARTS: f64 = 40.0;

/// Token bucket: `per_minute` requests a minute, bursts up to the same.
pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
    leases: Mutex<HashMap<String, Lease>>,
}

/// Tokens this node took from a shared bucket and has not used yet, or
/// until when the bucket said it was empty.
#[derive(Debug, Default)]
struct Lease {
    tokens: f64,
    empty_until: Option<Instant>,
}

/// Wall-clock seconds, as nodes compare them.
fn wall_secs() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or_default()
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1) as f64,
            buckets: Mutex::new(HashMap::new()),
            leases: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket: this node's, or with several
    /// nodes the one they share. Err(seconds to wait).
    pub async fn take(&self, store: &Store, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        if !store.shared() {
            return self.check(key, now);
        }
        {
            let mut leases = self.leases.lock().unwrap_or_else(|p| p.into_inner());
            if leases.len() > 50_000 {
                // Unused leased tokens are lost: the limit only tightens.
                leases.clear();
            }
            let lease = leases.entry(key.to_owned()).or_default();
            if lease.tokens >= 1.0 {
                lease.tokens -= 1.0;
                return Ok(());
            }
            if let Some(until) = lease.empty_until.filter(|u| *u > now) {
                return Err((until - now).as_secs_f64().ceil().max(1.0) as u64);
            }
        }
        let rate = self.per_minute / 60.0;
        let want = (self.per_minute / LEASE_PARTS).floor().max(1.0);
        let took = store.take_tokens(key, self.per_minute, rate, want, wall_secs()).await;
        let mut leases = self.leases.lock().unwrap_or_else(|p| p.into_inner());
        let lease = leases.entry(key.to_owned()).or_default();
        match took {
            Ok(t) if t.taken >= 1.0 => {
                lease.tokens += t.taken - 1.0;
                lease.empty_until = None;
                Ok(())
            }
            Ok(t) => {
                let wait = ((1.0 - t.left) / rate).max(0.0);
                lease.empty_until = Some(now + Duration::from_secs_f64(wait));
                Err(wait.ceil().max(1.0) as u64)
            }
            Err(e) => {
                drop(leases);
                tracing::warn!(error = %e, "shared rate limit unavailable; counting on this node alone");
                self.check(key, now)
            }
        }
    }

    /// Takes one request from `key`'s bucket, or says how many seconds
    /// until one is available.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let rate = self.per_minute / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 50_000 {
            // Drop full buckets so idle clients cannot grow the map forever.
            let cap = self.per_minute;
            buckets.retain(|_, (tokens, at)| *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < cap);
        }
        let (tokens, at) = buckets.entry(key.to_owned()).or_insert((self.per_minute, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate).min(self.per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

/// Counts failed logins per key inside a sliding window.
pub struct LoginThrottle {
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

/// The marks a reservation made: at an instant in this node's memory, or
/// rows of the shared table (one per key, in order).
#[derive(Debug)]
pub enum Marks {
    Local(Instant),
    Shared(Vec<i64>),
}

impl LoginThrottle {
    pub fn new(window: Duration) -> Self {
        Self { window, failures: Mutex::new(HashMap::new()) }
    }

    /// [`LoginThrottle::reserve`] on this node, or with several nodes in
    /// the database they share.
    pub async fn reserve_in(&self, store: &Store, keys: &[(&str, u32)]) -> crate::error::Result<Marks> {
        let limited = |s: u64| app::error::AppError::RateLimited { retry_after_secs: s }.into();
        if !store.shared() {
            let now = Instant::now();
            return self.reserve(keys, now).map(|()| Marks::Local(now)).map_err(limited);
        }
        let window = self.window.as_secs_f64();
        let now = wall_secs();
        match store.reserve_login(keys, window, now).await? {
            Ok(ids) => Ok(Marks::Shared(ids)),
            Err(oldest) => {
                let wait = oldest.iter().map(|o| window - (now - o)).fold(1.0, f64::max);
                Err(limited(wait.ceil() as u64))
            }
        }
    }

    /// Takes back the mark of `keys[index]` that `marks` made.
    pub async fn forgive_in(&self, store: &Store, marks: &Marks, index: usize, key: &str) {
        match marks {
            Marks::Local(at) => self.forgive(key, *at),
            Marks::Shared(ids) => {
                if let Some(id) = ids.get(index) {
                    if let Err(e) = store.forgive_login(*id).await {
                        tracing::warn!(error = %e, "could not take back a login mark");
                    }
                }
            }
        }
    }

    /// Forgets every failure of `key`.
    pub async fn clear_in(&self, store: &Store, key: &str) {
        if !store.shared() {
            return self.clear(key);
        }
        if let Err(e) = store.clear_login(key).await {
            tracing::warn!(error = %e, "could not clear login marks");
        }
    }

    /// With several nodes: drops shared marks and buckets nobody needs.
    pub async fn prune_shared(&self, store: &Store, idle_bucket_secs: f64) {
        if store.shared() {
            if let Err(e) = store.prune_limits(self.window.as_secs_f64(), idle_bucket_secs, wall_secs()).await {
                tracing::warn!(error = %e, "could not prune shared limits");
            }
        }
    }

    /// Err(seconds to wait) when `key` has had `max_failures` inside the window.
    pub fn check(&self, key: &str, max_failures: u32, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(list) = map.get_mut(key) else { return Ok(()) };
        list.retain(|t| now.saturating_duration_since(*t) < self.window);
        if list.len() as u32 >= max_failures.max(1) {
            let oldest = list.iter().min().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.saturating_duration_since(oldest));
            Err(wait.as_secs().max(1))
        } else {
            Ok(())
        }
    }

    /// Checks every `(key, max_failures)` and, only if all have room, counts
    /// this attempt as a failure on each at once, so parallel attempts
    /// cannot all pass the check before any is recorded. A successful
    /// attempt takes its mark back with [`LoginThrottle::forgive`].
    pub fn reserve(&self, keys: &[(&str, u32)], now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = 0;
        for (key, max) in keys {
            if let Some(list) = map.get_mut(*key) {
                list.retain(|t| now.saturating_duration_since(*t) < self.window);
                if list.len() as u32 >= (*max).max(1) {
                    let oldest = list.iter().min().copied().unwrap_or(now);
                    wait = wait.max(self.window.saturating_sub(now.saturating_duration_since(oldest)).as_secs().max(1));
                }
            }
        }
        if wait > 0 {
            return Err(wait);
        }
        for (key, _) in keys {
            map.entry((*key).to_owned()).or_default().push(now);
        }
        Ok(())
    }

    /// Takes back the mark `reserve` made at `at` for `key`.
    pub fn forgive(&self, key: &str, at: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = map.get_mut(key) {
            if let Some(i) = list.iter().position(|t| *t == at) {
                list.swap_remove(i);
            }
        }
    }

    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 50_000 {
            let window = self.window;
            map.retain(|_, l| l.iter().any(|t| now.saturating_duration_since(*t) < window));
        }
        map.entry(key.to_owned()).or_default().push(now);
    }

    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_refills() {
        let rl = RateLimiter::new(3);
        let t0 = Instant::now();
        assert!(rl.check("a", t0).is_ok());
        assert!(rl.check("a", t0).is_ok());
        assert!(rl.check("a", t0).is_ok());
        let wait = rl.check("a", t0).unwrap_err();
        assert_eq!(wait, 20, "3/min refills one every 20 s");
        assert!(rl.check("b", t0).is_ok(), "keys are independent");
        assert!(rl.check("a", t0 + Duration::from_secs(21)).is_ok());
    }

    #[test]
    fn throttle_blocks_after_max_failures_until_window_passes() {
        let th = LoginThrottle::new(Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(th.check("k", 2, t0).is_ok());
        th.record_failure("k", t0);
        th.record_failure("k", t0 + Duration::from_secs(10));
        assert_eq!(th.check("k", 2, t0 + Duration::from_secs(10)), Err(50));
        assert!(th.check("k", 3, t0 + Duration::from_secs(10)).is_ok(), "a wider budget still has room");
        assert!(th.check("k", 2, t0 + Duration::from_secs(61)).is_ok(), "first failure aged out");
        th.clear("k");
        assert!(th.check("k", 2, t0 + Duration::from_secs(11)).is_ok());
    }
}

/// How many long-lived requests (event streams, operation waits) each user
/// has open at once; one user cannot hold the server's connections.
#[derive(Debug, Default)]
pub struct PerUser {
    open: Mutex<HashMap<i64, usize>>,
}

/// One open request; gives its place back when dropped.
pub struct Held {
    owner: std::sync::Arc<PerUser>,
    user: i64,
}

impl PerUser {
    /// A place for `user`, unless `limit` are open already.
    pub fn take(self: &std::sync::Arc<Self>, user: i64, limit: usize) -> Option<Held> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(user).or_insert(0);
        if *n >= limit {
            return None;
        }
        *n += 1;
        Some(Held { owner: self.clone(), user })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self.owner.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod per_user_tests {
    use super::PerUser;
    use std::sync::Arc;

    #[test]
    fn places_are_per_user_and_come_back() {
        let p = Arc::new(PerUser::default());
        let a: Vec<_> = (0..3).map(|_| p.take(1, 3).expect("a place")).collect();
        assert!(p.take(1, 3).is_none(), "a fourth for user 1");
        assert!(p.take(2, 3).is_some(), "user 2 has their own");
        drop(a);
        assert!(p.take(1, 3).is_some(), "places came back");
    }
}

/// Named async locks, made on first use and dropped when nobody holds them.
#[derive(Debug, Default)]
pub struct Locks {
    held: Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

/// A held lock of `Locks`.
pub struct LockGuard<'a> {
    owner: &'a Locks,
    name: String,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Locks {
    pub async fn lock(&self, name: &str) -> LockGuard<'_> {
        let m = {
            let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
            held.entry(name.to_owned()).or_default().clone()
        };
        let guard = m.lock_owned().await;
        LockGuard { owner: self, name: name.to_owned(), guard: Some(guard) }
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        self.guard.take();
        let mut held = self.owner.held.lock().unwrap_or_else(|p| p.into_inner());
        // Nobody else holds or waits for it: forget it.
        if held.get(&self.name).is_some_and(|m| std::sync::Arc::strong_count(m) == 1) {
            held.remove(&self.name);
        }
    }
}
