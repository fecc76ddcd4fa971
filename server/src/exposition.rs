//! `GET /metrics`: this node in Prometheus' text format (OpenMetrics) —
//! its host, its VMs (by id and name), API requests by route template and
//! status with their latency, operations by kind and status, and open
//! console sessions. Who may read it is a setting (`prometheus`): nobody,
//! this host only (the default), or whoever has `prometheus_token`.

use crate::config::Prometheus;
use crate::engine::procfs;
use crate::engine::qemu::commands::{total_disk_io, QemuCommand};
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

type Labels = Vec<(&'static str, String)>;
type Seconds = Family<Labels, Histogram, fn() -> Histogram>;

/// What the API has answered since this process started.
#[derive(Debug)]
pub struct HttpMetrics {
    requests: Family<Labels, Counter>,
    latency: Seconds,
    started: Instant,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        fn latency() -> Histogram {
            // 1 ms to about 16 s.
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        }
        HttpMetrics { requests: Family::default(), latency: Family::new_with_constructor(latency), started: Instant::now() }
    }
}

/// Where the route an API request matched is noted, for `track`.
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<String>>);

/// Counts an API request and times it, by method, route template and status.
pub async fn track(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let slot = RouteSlot::default();
    req.extensions_mut().insert(slot.clone());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let resp = next.run(req).await;
    let route = slot.0.get().cloned().unwrap_or_else(|| "unmatched".into());
    let m = &state.http_metrics;
    m.latency.get_or_create(&vec![("method", method.clone()), ("route", route.clone())]).observe(started.elapsed().as_secs_f64());
    m.requests.get_or_create(&vec![("method", method), ("route", route), ("status", resp.status().as_u16().to_string())]).inc();
    resp
}

/// Notes the route template a request matched (runs inside routing).
pub async fn note_route(req: Request, next: Next) -> Response {
    if let (Some(slot), Some(path)) = (req.extensions().get::<RouteSlot>(), req.extensions().get::<MatchedPath>()) {
        let _ = slot.0.set(path.as_str().to_owned());
    }
    next.run(req).await
}

/// Why a scrape is refused, if it is.
fn refusal(state: &AppState, req_headers: &HeaderMap, peer: Option<std::net::IpAddr>) -> Option<(StatusCode, &'static str)> {
    match state.config.prometheus {
        Prometheus::Off => Some((StatusCode::NOT_FOUND, "not found\n")),
        Prometheus::Localhost => {
            // A proxy on this host would make every client look local: a
            // request that passed one is not.
            let proxied = ["x-forwarded-for", "forwarded", "x-real-ip"].iter().any(|h| req_headers.contains_key(*h));
            if peer.is_some_and(|ip| ip.is_loopback()) && !proxied {
                None
            } else {
                Some((StatusCode::FORBIDDEN, "metrics are served to this host only (prometheus = \"localhost\")\n"))
            }
        }
        Prometheus::Token => {
            let want = state.config.prometheus_token.as_ref().map(|t| t.expose().trim().as_bytes()).unwrap_or_default();
            let given = req_headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|v| v.trim().as_bytes())
                .unwrap_or_default();
            // Compared as digests: how long a match took says nothing of the token.
            use sha2::{Digest, Sha256};
            if !want.is_empty() && Sha256::digest(given) == Sha256::digest(want) {
                None
            } else {
                Some((StatusCode::UNAUTHORIZED, "metrics need the configured bearer token\n"))
            }
        }
    }
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, req: Request) -> Response {
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    if let Some((status, why)) = refusal(&state, req.headers(), peer) {
        let mut r = (status, why).into_response();
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return r;
    }
    match exposition(&state).await {
        Ok(text) => {
            ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics could not be gathered");
            (StatusCode::INTERNAL_SERVER_ERROR, "metrics could not be gathered\n").into_response()
        }
    }
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// A family of gauges or counters filled now.
struct Fill<M> {
    family: Family<Labels, M>,
}

impl<M: Default + prometheus_client::metrics::TypedMetric + prometheus_client::encoding::EncodeMetric + std::fmt::Debug + Send + Sync + 'static>
    Fill<M>
{
    fn new() -> Self {
        Fill { family: Family::default() }
    }
    fn at(&self, labels: Labels) -> impl std::ops::Deref<Target = M> + '_ {
        self.family.get_or_create(&labels)
    }
    fn into_registry(self, r: &mut Registry, name: &str, help: &str) {
        r.register(name, help, self.family);
    }
}

fn gauge(r: &mut Registry, name: &str, help: &str, value: f64) {
    let g = FloatGauge::default();
    g.set(value);
    r.register(name, help, g);
}

fn counter(r: &mut Registry, name: &str, help: &str, value: f64) {
    let c = Counter::<f64, AtomicU64>::default();
    c.inc_by(value);
    r.register(name, help, c);
}

/// Everything `/metrics` says, gathered now.
async fn exposition(state: &AppState) -> Result<String, crate::error::ServerError> {
    let mut r = Registry::with_prefix("vlab");
    let info = Fill::<FloatGauge>::new();
    info.at(vec![("version", env!("CARGO_PKG_VERSION").into()), ("node", state.config.node_name.clone())]).set(1.0);
    info.into_registry(&mut r, "build_info", "This vlab's version and node name");
    gauge(&mut r, "uptime_seconds", "Seconds since this vlab process started", state.http_metrics.started.elapsed().as_secs_f64());

    // The host.
    let ticks = procfs::ticks_per_sec() as f64;
    if let Some((busy, total)) = procfs::host_cpu() {
        counter(&mut r, "host_cpu_busy_seconds", "CPU time the host's cores spent busy, summed over cores", busy as f64 / ticks);
        counter(&mut r, "host_cpu_seconds", "CPU time of the host's cores, busy or not, summed over cores", total as f64 / ticks);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    gauge(&mut r, "host_cpu_cores", "The host's CPU cores", cores as f64);
    if let Some((l1, l5, l15)) = procfs::load_average() {
        let load = Fill::<FloatGauge>::new();
        for (window, v) in [("1m", l1), ("5m", l5), ("15m", l15)] {
            load.at(vec![("window", window.into())]).set(v);
        }
        load.into_registry(&mut r, "host_load", "The host's load average");
    }
    if let Some((total, available)) = procfs::host_memory() {
        gauge(&mut r, "host_memory_bytes", "The host's RAM", total as f64);
        gauge(&mut r, "host_memory_available_bytes", "RAM programs can still get without swapping", available as f64);
    }
    let (size, free) = (Fill::<FloatGauge>::new(), Fill::<FloatGauge>::new());
    for pool in crate::service::metrics::POOLS {
        let (total, available) = crate::service::metrics::pool_space(&state.config, pool);
        size.at(vec![("pool", pool.into())]).set(total as f64);
        free.at(vec![("pool", pool.into())]).set(available as f64);
    }
    size.into_registry(&mut r, "pool_size_bytes", "Size of the filesystem that holds a pool");
    free.into_registry(&mut r, "pool_free_bytes", "Free space of the filesystem that holds a pool");

    // This node's VMs.
    let vms = state.store.node_vm_names(state.node_id).await?;
    let by_state = Fill::<FloatGauge>::new();
    for s in app::lifecycle::VmState::ALL {
        by_state.at(vec![("state", s.as_str().into())]).set(vms.iter().filter(|v| v.2 == s.as_str()).count() as f64);
    }
    by_state.into_registry(&mut r, "vms", "This node's VMs in each state");
    let cpu = Fill::<Counter<f64, AtomicU64>>::new();
    let vcpu = Fill::<Counter<f64, AtomicU64>>::new();
    let rss = Fill::<FloatGauge>::new();
    let up = Fill::<FloatGauge>::new();
    let read = Fill::<Counter<f64, AtomicU64>>::new();
    let written = Fill::<Counter<f64, AtomicU64>>::new();
    let received = Fill::<Counter<f64, AtomicU64>>::new();
    let sent = Fill::<Counter<f64, AtomicU64>>::new();
    for (vm, pid) in state.engine.live().await {
        let Some((_, name, _)) = vms.iter().find(|v| v.0 == vm.0) else { continue };
        let Some(s) = procfs::sample(pid) else { continue };
        let labels = || vec![("vm_id", vm.0.to_string()), ("name", name.clone())];
        cpu.at(labels()).inc_by(s.cpu_ticks as f64 / ticks);
        vcpu.at(labels()).inc_by(s.vcpu_ticks as f64 / ticks);
        rss.at(labels()).set(s.rss_bytes as f64);
        up.at(labels()).set(s.age_secs as f64);
        if let Ok(stats) = state.engine.ask(vm, QemuCommand::BlockStats).await {
            let (rd, wr) = total_disk_io(&stats);
            read.at(labels()).inc_by(rd as f64);
            written.at(labels()).inc_by(wr as f64);
        }
        if let Some((rx, tx)) = procfs::guest_traffic(pid) {
            received.at(labels()).inc_by(rx as f64);
            sent.at(labels()).inc_by(tx as f64);
        }
    }
    cpu.into_registry(&mut r, "vm_cpu_seconds", "CPU time of a running VM's QEMU process");
    vcpu.into_registry(&mut r, "vm_vcpu_seconds", "CPU time of a running VM's vCPU threads");
    rss.into_registry(&mut r, "vm_resident_memory_bytes", "Resident memory of a running VM's QEMU process");
    up.into_registry(&mut r, "vm_uptime_seconds", "Seconds since a running VM's QEMU started");
    read.into_registry(&mut r, "vm_disk_read_bytes", "Bytes a running VM read from its disks since it started");
    written.into_registry(&mut r, "vm_disk_written_bytes", "Bytes a running VM wrote to its disks since it started");
    received.into_registry(&mut r, "vm_network_receive_bytes", "Bytes a bridged VM received since it started");
    sent.into_registry(&mut r, "vm_network_transmit_bytes", "Bytes a bridged VM sent since it started");

    // Work and people.
    let ops = Fill::<FloatGauge>::new();
    for (kind, status, n) in state.store.operation_counts().await? {
        ops.at(vec![("kind", kind), ("status", status)]).set(n as f64);
    }
    ops.into_registry(&mut r, "operations", "Operations by kind and status");
    gauge(&mut r, "console_sessions_open", "Console sessions open to this node's VMs", state.store.open_console_sessions(state.node_id).await? as f64);
    r.register("http_requests", "API requests by method, route template and status", state.http_metrics.requests.clone());
    r.register("http_request_duration_seconds", "API request latency by method and route template", state.http_metrics.latency.clone());

    let mut text = String::new();
    encode(&mut text, &r).map_err(|_| crate::error::ServerError::internal("encoding metrics"))?;
    Ok(text)
}
