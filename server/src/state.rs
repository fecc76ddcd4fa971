//! State shared by REST handlers and server functions.

use crate::auth::ratelimit::{LoginThrottle, RateLimiter};
use crate::config::Config;
use crate::store::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub api_limiter: Arc<RateLimiter>,
    pub login_throttle: Arc<LoginThrottle>,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos.clone()
    }
}
