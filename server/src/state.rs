//! State shared by REST handlers and server functions.

use crate::auth::ratelimit::{LoginThrottle, RateLimiter};
use crate::config::Config;
use crate::engine::Engine;
use crate::engine::accel::AccelChoice;
use crate::store::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// This process's node (`service::nodes`).
    pub node_id: i64,
    /// Whether guests are kept off this host's own addresses, and why (not).
    pub guard: Arc<crate::engine::netguard::NetGuard>,
    pub config: Arc<Config>,
    pub api_limiter: Arc<RateLimiter>,
    pub login_throttle: Arc<LoginThrottle>,
    pub leptos: LeptosOptions,
    pub engine: Engine,
    pub tickets: Arc<crate::console::tickets::Tickets>,
    /// Shared serial connections, so several viewers can watch one port.
    pub serial_hubs: Arc<crate::console::serial_hub::SerialHubs>,
    pub screenshots: Arc<crate::console::screenshots::ScreenshotCache>,
    /// Serialized list pages, good until a table they read changes.
    pub answers: Arc<crate::answers::Answers>,
    /// Serialises quota checks with the creates and starts they allow.
    pub admission: Arc<tokio::sync::Mutex<()>>,
    /// One lock per upload (ISO or template version) while a chunk is written
    /// and checked: uploads of different files go on side by side.
    pub uploads: Arc<crate::auth::ratelimit::Locks>,
    /// Event streams open per user.
    pub streams: Arc<crate::auth::ratelimit::PerUser>,
    /// Operation waits open per user.
    pub waits: Arc<crate::auth::ratelimit::PerUser>,
    /// VM state changes and operation progress, for event streams.
    pub events: tokio::sync::broadcast::Sender<crate::events::Event>,
    /// Whose access may have changed, for open streams and consoles to re-check.
    pub access_changes: tokio::sync::broadcast::Sender<crate::auth::revoke::AccessChange>,
    /// Cancel flags of running operations that can stop half-way.
    pub cancels: Arc<std::sync::Mutex<std::collections::HashMap<i64, Arc<std::sync::atomic::AtomicBool>>>>,
    /// Signing calls to other nodes, and events for them.
    pub cluster: Arc<crate::cluster::Cluster>,
    /// The accelerator guests get, resolved at start-up, and why.
    pub accel: Arc<AccelChoice>,
    /// API requests answered, for `/metrics`.
    pub http_metrics: Arc<crate::exposition::HttpMetrics>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos.clone()
    }
}
