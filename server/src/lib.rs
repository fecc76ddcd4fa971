//! vlab's server: REST API, web UI, and (later) the QEMU engine.

pub mod answers;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod config;
pub mod console;
pub mod cluster;
pub mod engine;
pub mod error;
pub mod events;
pub mod exposition;
pub mod guard;
pub mod http;
pub mod reserve;
pub mod serve;
pub mod service;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod time;
pub mod ui;

use anyhow::Context;
use auth::ratelimit::{LoginThrottle, RateLimiter};
use axum::routing::post;
use axum::Router;
use config::Config;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sha2::{Digest, Sha512};
use state::AppState;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

/// A configured, bound, not yet serving vlab.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Opens the data dir and database, creates the first admin if needed,
    /// and binds the listener (port 0 picks a free one).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        prepare_data_dir(&config.data_dir)?;
        reserve::keep(&config.data_dir, config.storage_reserve_mib << 20);
        let store = store::Store::open(&config.database_url)
            .await
            .with_context(|| format!("opening database {}", config.database_url))?;
        let cluster_secret = store
            .cluster_secret(&format!("{}{}", auth::token::generate(), auth::token::generate()))
            .await
            .context("reading the cluster key")?;
        let several_nodes = store.shared();
        let session_key = session_key(&config, several_nodes.then_some(cluster_secret.as_str()))?;

        let listener = TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;
        let hash_file = assets::hash_file(&config.site_root);
        let leptos = LeptosOptions::builder()
            .output_name("vlab")
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .hash_files(hash_file.is_some())
            .hash_file(hash_file.unwrap_or_default().into())
            .build();

        let confinement = engine::confine::Confinement::setup(config.qemu_memory_overhead_mib, &config.data_dir, &config.qemu_user);
        let run_root = confinement.run_root(&config.data_dir).map_err(anyhow::Error::msg)?;
        tracing::info!(confinement = %confinement.describe(), "QEMU confinement");
        if let engine::confine::QemuUser::Missing { name } = confinement.user() {
            tracing::error!("vlab runs as root and the account {name} does not exist, so no VM will start: run scripts/setup.sh");
        }
        let accel = engine::accel::resolve(
            config.accel,
            engine::accel::Probe {
                qemu_binary: &config.qemu_binary,
                guest: config.demo_guest.as_deref().and_then(engine::ProbeGuest::in_dir),
                timeout: Duration::from_secs(config.accel_probe_timeout_secs),
                data_dir: &config.data_dir,
                run_dir: &run_root.join("kvm-probe"),
                confinement: &confinement,
            },
        )
        .await;
        tracing::info!("guests run with {}: {}", accel.name(), accel.reason);
        let node_id = service::nodes::register(&store, &config, addr, accel.name()).await.context("registering this node")?;
        let guard = engine::netguard::setup(confinement.v2_group()).await;
        if guard.active {
            tracing::info!("guest network guard: {}", guard.reason);
        } else {
            tracing::warn!("guest network guard: {}", guard.reason);
        }
        let engine = engine::Engine::new(
            config.qemu_binary.clone(),
            config.data_dir.clone(),
            run_root,
            store.clone(),
            confinement,
            config.serial_log_max_kib << 10,
        );
        let (outbox, outgoing) = match cluster::outbox(&store) {
            Some((tx, rx)) => (Some(tx), Some(rx)),
            None => (None, None),
        };
        let state = AppState {
            node_id,
            cluster: Arc::new(cluster::Cluster::new(&cluster_secret).with_outbox(outbox)),
            guard: Arc::new(guard),
            engine,
            tickets: Arc::new(console::tickets::Tickets::new(Duration::from_secs(config.console_ticket_ttl_secs))),
            screenshots: Arc::new(console::screenshots::ScreenshotCache::new(Duration::from_secs(2))),
            answers: Arc::new(answers::Answers::new(config.list_cache_entries)),
            uploads: Default::default(),
            streams: Default::default(),
            waits: Default::default(),
            admission: Default::default(),
            serial_hubs: Default::default(),
            accel: Arc::new(accel),
            http_metrics: Default::default(),
            events: events::channel(),
            access_changes: auth::revoke::channel(),
            cancels: Default::default(),
            store: store.clone(),
            api_limiter: Arc::new(RateLimiter::new(config.api_rate_limit)),
            login_throttle: Arc::new(LoginThrottle::new(Duration::from_secs(config.login_window_secs))),
            config: Arc::new(config),
            leptos,
        };

        if let Some((admin_id, username, generated)) = service::users::ensure_first_admin(&state).await? {
            // A new data dir: the demo guest makes the first VM boot with no upload.
            if let Err(e) = service::system::install_demo_guest(&state, admin_id).await {
                tracing::warn!(error = %e, "could not install the demo guest");
            }
            announce_first_admin(&username, generated.as_deref());
        }
        service::operations::spawn_state_forwarder(state.clone());
        if let Some(outgoing) = outgoing {
            cluster::spawn_event_relay(state.clone(), outgoing);
        }
        service::nodes::spawn_heartbeat(state.clone());
        adopt_vms(&state).await?;
        // Console sessions of an earlier run ended with it.
        state.store.end_open_console_activity(state.node_id).await?;
        service::labs::spawn_scheduler(state.clone());
        service::metrics::spawn_sampler(state.clone());

        let session_store = store::sessions::Sessions::open(store.pool()).await.context("creating the session table")?;
        spawn_cleanup(state.clone(), session_store.clone());
        let sessions = SessionManagerLayer::new(session_store)
            .with_name(guard::SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(state.config.secure_cookies)
            .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::hours(12)))
            .with_signed(session_key);

        // Spans carry the path only: query strings hold console tickets.
        let trace = tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
        });
        let router = app_router(state.clone()).layer(sessions).layer(trace);
        Ok(Application { listener, router, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let addr = self.local_addr();
        tracing::info!(%addr, "vlab is listening; open http://{addr}");
        let config = &self.state.config;
        let limits = serve::Limits {
            header_read_timeout: std::time::Duration::from_secs(config.header_read_timeout_secs),
            max_connections: fit_connections(config.max_connections),
            trusted_proxies: config.trusted_proxies.clone(),
        };
        serve::serve(self.listener, self.router, limits, shutdown_signal()).await;
        tracing::info!("vlab stopped");
        Ok(())
    }
}

/// Raises the open-file limit to what the system allows and keeps the
/// connection cap within it (each connection is a descriptor, a console one
/// more), so a full house is refused by the cap, not by `accept` failing.
fn fit_connections(wanted: usize) -> usize {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    let soft = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return wanted;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim.rlim_cur = lim.rlim_max;
            }
        }
        lim.rlim_cur
    };
    let room = (soft.saturating_sub(256) / 2).max(16) as usize;
    if wanted > room {
        tracing::warn!(wanted, room, "max_connections is more than the open-file limit allows; serving at most {room}");
    }
    wanted.min(room)
}

fn app_router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let leptos = state.leptos.clone();
    let backend: app::backend::SharedBackend = Arc::new(ui::server_fns::ServerFns(state.clone()));
    Router::new()
        .nest("/api/v1", http::router(state.clone()))
        .merge(cluster::router())
        .route("/metrics", axum::routing::get(exposition::scrape))
        .route("/login", post(ui::login_form::post_login))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                leptos::prelude::provide_context(backend.clone());
                guard::page_policy();
            },
            move || app::shell(leptos.clone()),
        )
        .fallback(assets::file_or_page)
        .layer(axum::middleware::from_fn(guard::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(state.clone(), audit::layer))
        .layer(compression())
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::front_door))
        .with_state(state)
}

/// Allocations of 1 MiB and more get pages of their own that go back to
/// the system when freed. Without this, glibc raises that threshold to the
/// largest block freed so far, and every password hash's 19 MiB stays in the
/// heap afterwards: after a class signed in, vlab held hundreds of MiB.
pub fn keep_large_allocations_returnable() {
    // SAFETY: mallopt only sets an allocator parameter (under glibc's own
    // lock); it touches no memory of ours.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Answers of 1 KiB and more are compressed when the client accepts it
/// (brotli or gzip, fast settings); images, event streams, websocket
/// upgrades and files stored compressed are sent as they are.
fn compression() -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
    use axum::http::{Extensions, HeaderMap, StatusCode, Version};
    let not_upgrade = |status: StatusCode, _: Version, _: &HeaderMap, _: &Extensions| status != StatusCode::SWITCHING_PROTOCOLS;
    tower_http::compression::CompressionLayer::new()
        .quality(tower_http::compression::CompressionLevel::Precise(4))
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(1024)).and(not_upgrade))
}

/// QEMU processes outlive vlab: take charge of those the database says
/// exist, and record how the others ended.
async fn adopt_vms(state: &AppState) -> anyhow::Result<()> {
    let orphaned = state.store.fail_orphaned_operations(state.node_id).await?;
    if orphaned > 0 {
        tracing::warn!(orphaned, "operations left unfinished by the previous run were marked failed");
    }
    for (id, uuid, stored) in state.store.vms_not_stopped(state.node_id).await? {
        state.engine.adopt(engine::VmId(id), stored, &uuid).await;
    }
    Ok(())
}

fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating data dir {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The cookie-signing key: from the configured secret, else from a random
/// secret generated once into the data dir (mode 0600).
fn session_key(config: &Config, cluster_secret: Option<&str>) -> anyhow::Result<Key> {
    let secret = match (&config.session_secret, cluster_secret) {
        (Some(s), _) => s.expose().to_owned(),
        // Several nodes: one key for all, so a session works on any of them.
        (None, Some(cluster)) => format!("vlab session cookies\n{cluster}"),
        (None, None) => {
            let path = config.data_dir.join("session.key");
            match std::fs::read_to_string(&path) {
                Ok(s) if s.trim().len() >= 32 => s.trim().to_owned(),
                _ => {
                    let s = format!("{}{}", auth::token::generate(), auth::token::generate());
                    write_private(&path, &s)?;
                    s
                }
            }
        }
    };
    Ok(Key::from(&Sha512::digest(secret.as_bytes())[..]))
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).with_context(|| format!("writing {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    Ok(())
}

/// Shown once, on the terminal, not through the log.
fn announce_first_admin(username: &str, generated: Option<&str>) {
    match generated {
        Some(password) => eprintln!(
            "\n  vlab: created the first admin account\n    username: {username}\n    password: {password}\n  \
             This password is shown only now. Change it under Profile after logging in.\n"
        ),
        None => eprintln!("\n  vlab: created the first admin account '{username}' with the configured password.\n"),
    }
}

fn spawn_cleanup(state: AppState, sessions: store::sessions::Sessions) {
    let uploads = state.clone();
    tokio::spawn(async move {
        let every = Duration::from_secs(uploads.config.scheduler_interval_secs.min(600));
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            reserve::keep(&uploads.config.data_dir, uploads.config.storage_reserve_mib << 20);
            if let Err(e) = service::storage::sweep_abandoned_uploads(&uploads).await {
                tracing::warn!(error = %e, "abandoned upload clean-up failed");
            }
        }
    });
    tokio::spawn(async move {
        use tower_sessions::ExpiredDeletion;
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = sessions.delete_expired().await {
                tracing::warn!(error = %e, "expired session clean-up failed");
            }
            if let Err(e) = state.store.delete_expired_tokens(time::now()).await {
                tracing::warn!(error = %e, "expired token clean-up failed");
            }
            if state.config.audit_retention_days > 0 {
                let before = time::now() - state.config.audit_retention_days as i64 * 86_400;
                if let Err(e) = state.store.prune_audit(before).await {
                    tracing::warn!(error = %e, "audit trail clean-up failed");
                }
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
