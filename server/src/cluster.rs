//! Nodes working together. Any node answers any request: the work on a VM
//! happens on the node its disks and QEMU live on, and the node a request
//! reaches asks that one over a small internal HTTP API:
//!
//! - `POST /internal/v1/call`: one service call (`NodeCall`) made for a
//!   user; the owning node authorizes it again with the same service code
//!   and answers `{"ok": …}` or `{"err": AppError}`.
//! - The console websocket is relayed byte for byte to the owning node's
//!   own `/api/v1/vms/{id}/console/ws`, where the ticket it issued is
//!   redeemed.
//!
//! Calls are signed with HMAC-SHA256 under a key kept in the shared
//! database (`cluster_keys`): the signature covers the calling node, the
//! time, a nonce, the path and the body; a call older than 30 s or whose
//! nonce was seen already is refused. Events (VM states, operations) cross
//! nodes through PostgreSQL's `LISTEN/NOTIFY`.

use crate::auth::access::{AuthVia, Caller};
use crate::error::{error_response, Result, ServerError};
use crate::events::Event;
use crate::state::AppState;
use crate::store::NodeRoute;
use app::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// How far a call's time may be from ours.
const MAX_SKEW_SECS: i64 = 30;
/// Largest call or answer body between nodes.
const MAX_CALL_BYTES: usize = 8 << 20;
/// The header that carries a call's signature.
const AUTH_HEADER: &str = "x-vlab-node-auth";
/// The PostgreSQL channel events travel on.
const EVENTS_CHANNEL: &str = "vlab_events";

/// This node's part in the cluster: the signing key and the nonces seen.
pub struct Cluster {
    key: Vec<u8>,
    seen: Mutex<HashMap<String, i64>>,
    /// VMs of this node whose disks are being copied to another: they do
    /// not start meanwhile.
    pub moving: Mutex<std::collections::HashSet<i64>>,
    /// Events made here, for the other nodes (PostgreSQL only).
    outbox: Option<tokio::sync::mpsc::UnboundedSender<String>>,
}

impl Cluster {
    pub fn new(secret: &str) -> Cluster {
        Cluster { key: secret.as_bytes().to_vec(), seen: Mutex::new(HashMap::new()), moving: Mutex::default(), outbox: None }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length")
    }

    /// The value of `AUTH_HEADER` for a call from `from` at `time`.
    fn sign(&self, from: i64, time: i64, nonce: &str, path: &str, body: &[u8]) -> String {
        let mut mac = self.mac();
        mac.update(message(from, time, nonce, path, body).as_bytes());
        format!("{from}:{time}:{nonce}:{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// The calling node, if the header is a fresh, unused, good signature
    /// of this path and body.
    fn verify(&self, header: &str, path: &str, body: &[u8], now: i64) -> std::result::Result<i64, &'static str> {
        let mut parts = header.splitn(4, ':');
        let (Some(from), Some(time), Some(nonce), Some(sig)) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err("malformed");
        };
        let from: i64 = from.parse().map_err(|_| "malformed")?;
        let time: i64 = time.parse().map_err(|_| "malformed")?;
        if nonce.len() < 16 || nonce.len() > 64 {
            return Err("malformed");
        }
        let sig = hex::decode(sig).map_err(|_| "malformed")?;
        let mut mac = self.mac();
        mac.update(message(from, time, nonce, path, body).as_bytes());
        mac.verify_slice(&sig).map_err(|_| "bad signature")?;
        if (now - time).abs() > MAX_SKEW_SECS {
            return Err("too old or too far ahead");
        }
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, t| now - *t <= 2 * MAX_SKEW_SECS);
        if seen.insert(nonce.to_owned(), now).is_some() {
            return Err("replayed");
        }
        Ok(from)
    }
}

fn message(from: i64, time: i64, nonce: &str, path: &str, body: &[u8]) -> String {
    format!("vlab-node-call\n{from}\n{time}\n{nonce}\n{path}\n{}", hex::encode(Sha256::digest(body)))
}

/// What one node asks another to do for a user.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum NodeCall {
    /// Make the VM here (placement already chose this node).
    CreateVm { input: app::types::NewVm },
    ChangeState { vm_id: i64, request: app::types::StateChangeRequest },
    DeleteVm { vm_id: i64, force: bool, delete_disks: bool },
    OpenConsole { vm_id: i64, kind: String, view_only: bool },
    /// The PNG, base64.
    Screenshot { vm_id: i64, width: Option<u32> },
    VmMetrics { vm_id: i64 },
    VmLog { vm_id: i64, source: app::types::LogSource, offset: Option<u64>, limit: Option<u64> },
    /// Make a student's lab VM here (a roll-out spread over nodes).
    Provision { lab_id: i64, user_id: i64 },
    ResetVm { vm_id: i64, request: app::types::ResetRequest },
    CreateDisk { input: app::types::NewDisk },
    GetDisk { disk_id: i64 },
    ResizeDisk { disk_id: i64, resize: app::types::DiskResize },
    DeleteDisk { disk_id: i64 },
    CreateSnapshot { vm_id: i64, input: app::types::NewSnapshot },
    RevertSnapshot { vm_id: i64, snapshot_id: i64 },
    DeleteSnapshot { vm_id: i64, snapshot_id: i64 },
    AddPortForward { vm_id: i64, input: app::types::NewPortForward },
    RemovePortForward { vm_id: i64, forward_id: i64 },
    ChangeCdrom { vm_id: i64, change: app::types::CdromChange },
    CreateTemplate { course_id: i64, input: app::types::NewTemplate },
    AddTemplateVersion { template_id: i64, input: app::types::NewTemplateVersion },
    /// Send a detached disk to node `to` (to join a VM there).
    CarryDisk { disk_id: i64, to: i64 },
    /// Copy the (stopped) VM's disks to `node_id` and hand the VM over.
    MoveVm { vm_id: i64, node_id: i64 },
    /// Remove the files a move or carry that did not finish sent here
    /// (only of disks that still belong to another node).
    DropReceived { disk_ids: Vec<i64> },
}

/// How the user proved who they are on the node the request reached.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
enum Via {
    Session { id: Option<String>, epoch: i64 },
    Token { token_id: i64 },
    Internal,
}

#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    user_id: i64,
    #[serde(flatten)]
    via: Via,
    #[serde(rename = "do")]
    call: NodeCall,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Answer {
    Ok(serde_json::Value),
    Err(AppError),
}

fn unreachable(node: &NodeRoute, why: impl std::fmt::Display) -> ServerError {
    AppError::unavailable("NODE_UNREACHABLE", format!("node '{}' does not answer ({why}); try again when it is back", node.name)).into()
}

/// Held while quotas are checked and what they allow is recorded: one at a
/// time on this node and, with PostgreSQL, one at a time over all nodes (a
/// PostgreSQL advisory lock on a connection of its own), so quotas hold
/// however many nodes take requests.
pub struct Admission {
    _local: tokio::sync::OwnedMutexGuard<()>,
    shared: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
}

/// The advisory lock's key ("vlab admission").
const ADMISSION_LOCK: i64 = 0x766c_6162_6164_6d69;

/// Waits for admission (see `Admission`).
pub async fn admit(state: &AppState) -> Result<Admission> {
    let local = state.admission.clone().lock_owned().await;
    let shared = match state.store.pool() {
        crate::store::db::Pool::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            sqlx::query("SELECT pg_advisory_lock($1)").bind(ADMISSION_LOCK).execute(&mut *conn).await?;
            Some(conn)
        }
        crate::store::db::Pool::Sqlite(_) => None,
    };
    Ok(Admission { _local: local, shared })
}

impl Drop for Admission {
    fn drop(&mut self) {
        let Some(mut conn) = self.shared.take() else { return };
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            // A closed connection lets go of its locks.
            conn.close_on_drop();
            return;
        };
        rt.spawn(async move {
            if sqlx::query("SELECT pg_advisory_unlock($1)").bind(ADMISSION_LOCK).execute(&mut *conn).await.is_err() {
                conn.close_on_drop();
            }
        });
    }
}

/// Whether the node heartbeat recently enough to be asked.
pub fn online(state: &AppState, node: &NodeRoute) -> bool {
    heartbeat_recent(state, node.heartbeat_at)
}

/// Whether a heartbeat at `at` is within `node_timeout_secs`.
pub fn heartbeat_recent(state: &AppState, at: i64) -> bool {
    crate::time::now() - at <= state.config.node_timeout_secs as i64
}

/// The node that must do the work on a VM of `node_id`: `None` for this
/// one; 503 `NODE_UNREACHABLE` when that node does not heartbeat.
pub async fn elsewhere(state: &AppState, node_id: Option<i64>) -> Result<Option<NodeRoute>> {
    let Some(id) = node_id.filter(|n| *n != state.node_id) else { return Ok(None) };
    let Some(node) = state.store.node_route(id).await? else {
        return Err(AppError::unavailable("NODE_UNREACHABLE", format!("the VM's node {id} is not registered")).into());
    };
    if !online(state, &node) {
        return Err(unreachable(&node, "no heartbeat"));
    }
    Ok(Some(node))
}

/// Shows VMs whose node does not heartbeat as `unknown`.
pub async fn mark_unknown(state: &AppState, views: &mut [app::types::VmView]) -> Result<()> {
    if views.iter().all(|v| v.node_id.is_none_or(|n| n == state.node_id)) {
        return Ok(());
    }
    let offline: std::collections::HashSet<i64> =
        state.store.node_routes().await?.into_iter().filter(|(r, _)| !online(state, r)).map(|(r, _)| r.id).collect();
    for v in views {
        if v.node_id.is_some_and(|n| n != state.node_id && offline.contains(&n)) {
            v.state = app::lifecycle::VmState::Unknown;
        }
    }
    Ok(())
}

/// Opens an HTTP/1.1 connection to `node`.
async fn connect<B>(state: &AppState, node: &NodeRoute) -> Result<hyper::client::conn::http1::SendRequest<B>>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let timeout = Duration::from_secs(state.config.node_call_timeout_secs);
    let tcp = tokio::time::timeout(timeout, tokio::net::TcpStream::connect(&node.address))
        .await
        .map_err(|_| unreachable(node, "connect timed out"))?
        .map_err(|e| unreachable(node, e))?;
    let _ = tcp.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.map_err(|e| unreachable(node, e))?;
    tokio::spawn(async move {
        let _ = conn.with_upgrades().await;
    });
    Ok(sender)
}

fn signed(state: &AppState, path: &str, body: &[u8]) -> String {
    let nonce = format!("{}{}", crate::auth::token::short_id(), crate::auth::token::short_id());
    state.cluster.sign(state.node_id, crate::time::now(), &nonce, path, body)
}

/// For work on something of `node_id`: when that is another node, has it
/// make the call (`Some(answer)`); `None` means go on here.
pub async fn route<T: DeserializeOwned>(
    state: &AppState,
    node_id: Option<i64>,
    caller: &Caller,
    make: impl FnOnce() -> NodeCall,
) -> Result<Option<T>> {
    match elsewhere(state, node_id).await? {
        Some(node) => Ok(Some(call(state, &node, caller, make()).await?)),
        None => Ok(None),
    }
}

/// `route` for a call that answers nothing.
pub async fn route_unit(state: &AppState, node_id: Option<i64>, caller: &Caller, make: impl FnOnce() -> NodeCall) -> Result<bool> {
    Ok(route::<serde_json::Value>(state, node_id, caller, make).await?.is_some())
}

/// Has `node` make `call` for `caller`; its answer.
pub async fn call<T: DeserializeOwned>(state: &AppState, node: &NodeRoute, caller: &Caller, call: NodeCall) -> Result<T> {
    const PATH: &str = "/internal/v1/call";
    let via = match caller.via {
        AuthVia::Session { id, epoch } => Via::Session { id: id.map(|i| i.to_string()), epoch },
        AuthVia::Token { token_id } => Via::Token { token_id },
        AuthVia::Internal => Via::Internal,
    };
    let body = serde_json::to_vec(&Envelope { user_id: caller.id(), via, call })
        .map_err(|e| ServerError::internal(format!("encoding a node call: {e}")))?;
    let request = http::Request::post(PATH)
        .header(http::header::HOST, &node.address)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(AUTH_HEADER, signed(state, PATH, &body))
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| ServerError::internal(format!("building a node call: {e}")))?;
    let timeout = Duration::from_secs(state.config.node_call_timeout_secs);
    let exchange = async {
        let mut sender = connect(state, node).await?;
        let response = sender.send_request(request).await.map_err(|e| unreachable(node, e))?;
        let status = response.status();
        let bytes = Limited::new(response.into_body(), MAX_CALL_BYTES)
            .collect()
            .await
            .map_err(|e| unreachable(node, e))?
            .to_bytes();
        if !status.is_success() {
            return Err(ServerError::internal(format!(
                "node '{}' refused a call ({status}): {}",
                node.name,
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            )));
        }
        serde_json::from_slice::<Answer>(&bytes).map_err(|e| ServerError::internal(format!("node '{}' answered badly: {e}", node.name)))
    };
    let answer = tokio::time::timeout(timeout, exchange).await.map_err(|_| unreachable(node, "the call timed out"))??;
    match answer {
        Answer::Ok(v) => serde_json::from_value(v).map_err(|e| ServerError::internal(format!("node '{}' answered badly: {e}", node.name))),
        Answer::Err(e) => Err(e.into()),
    }
}

/// The internal API, outside `/api/v1` (and its docs).
pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/internal/v1/call", axum::routing::post(take_call))
        .route("/internal/v1/disks/{id}", axum::routing::post(take_disk))
}

/// Largest disk file a node takes from another.
pub const MAX_DISK_BYTES: usize = 4 << 40;

/// Sends a disk's file to `node`, which keeps it only if its SHA-256 and
/// size match; `sent` is told the bytes sent so far.
pub async fn send_disk(
    state: &AppState,
    node: &NodeRoute,
    disk_id: i64,
    path: &std::path::Path,
    sent: impl Fn(u64) + Send + Sync + 'static,
) -> std::result::Result<(), String> {
    let size = std::fs::metadata(path).map_err(|e| format!("reading disk {disk_id}: {e}"))?.len();
    let sha256 = crate::service::storage::sha256_file(path).await.map_err(|e| format!("reading disk {disk_id}: {e}"))?;
    let target = format!("/internal/v1/disks/{disk_id}?sha256={sha256}&size={size}");
    let file = tokio::fs::File::open(path).await.map_err(|e| format!("opening disk {disk_id}: {e}"))?;
    let sent = std::sync::Arc::new(sent);
    let chunks = futures_util::stream::unfold((file, 0u64), move |(mut file, done)| {
        let sent = sent.clone();
        async move {
            use tokio::io::AsyncReadExt;
            let mut buf = vec![0u8; 1 << 20];
            match file.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    sent(done + n as u64);
                    Some((Ok::<_, std::io::Error>(hyper::body::Frame::data(Bytes::from(buf))), (file, done + n as u64)))
                }
                Err(e) => Some((Err(e), (file, done))),
            }
        }
    });
    let request = http::Request::post(&target)
        .header(http::header::HOST, &node.address)
        .header(http::header::CONTENT_LENGTH, size)
        .header(AUTH_HEADER, signed(state, &target, b""))
        .body(http_body_util::StreamBody::new(chunks))
        .map_err(|e| e.to_string())?;
    let mut sender = connect(state, node).await.map_err(|e| crate::error::describe(&e))?;
    let response = sender.send_request(request).await.map_err(|e| format!("sending disk {disk_id} to node '{}': {e}", node.name))?;
    let status = response.status();
    let body = Limited::new(response.into_body(), 64 * 1024).collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    if !status.is_success() {
        return Err(format!("node '{}' did not keep disk {disk_id} ({status}): {}", node.name, String::from_utf8_lossy(&body)));
    }
    Ok(())
}

#[derive(Deserialize)]
struct DiskDigest {
    sha256: String,
    size: u64,
}

/// Takes a disk's file from another node (a VM moving here): written beside
/// its place, checked against the SHA-256 and size the sender signed, then
/// put in place.
async fn take_disk(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(digest): axum::extract::Query<DiskDigest>,
    req: Request,
) -> Response {
    use tokio::io::AsyncWriteExt;
    let (parts, mut body) = req.into_parts();
    let header = parts.headers.get(AUTH_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or_default();
    if let Err(why) = state.cluster.verify(header, target, b"", crate::time::now()) {
        tracing::warn!(why, client = %crate::serve::ClientAddr::of(&parts.extensions), "disk transfer refused");
        return error_response(AppError::unauthorized("NODE_AUTH_INVALID", format!("the node signature is {why}")));
    }
    let disk = match state.store.disk(id).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_response(AppError::not_found("DISK_NOT_FOUND", format!("no disk with id {id}"))),
        Err(e) => return ServerError::from(e).into_response(),
    };
    if disk.node_id == Some(state.node_id) {
        // Its file here may be in use: nothing overwrites it.
        return error_response(AppError::conflict("DISK_HERE", format!("disk {id} belongs to this node already")));
    }
    if let Err(e) = crate::service::storage::ensure_pool(&state, "disks") {
        return e.into_response();
    }
    let path = crate::service::storage::disk_path(&state, &disk);
    let part = path.with_extension("incoming");
    let result: std::result::Result<(), AppError> = async {
        let mut file = tokio::fs::File::create(&part).await.map_err(|e| AppError::conflict("DISK_WRITE_FAILED", e.to_string()))?;
        let mut hash = Sha256::new();
        let mut size = 0u64;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| AppError::bad_request("TRANSFER_BROKEN", e.to_string()))?;
            if let Ok(data) = frame.into_data() {
                size += data.len() as u64;
                if size > digest.size {
                    return Err(AppError::bad_request("DISK_MISMATCH", "more bytes than announced"));
                }
                hash.update(&data);
                file.write_all(&data).await.map_err(|e| AppError::InsufficientStorage { message: format!("writing the disk: {e}") })?;
            }
        }
        file.sync_all().await.map_err(|e| AppError::conflict("DISK_WRITE_FAILED", e.to_string()))?;
        if size != digest.size || hex::encode(hash.finalize()) != digest.sha256 {
            return Err(AppError::bad_request("DISK_MISMATCH", "the received disk's SHA-256 or size differs from the sender's"));
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => match std::fs::rename(&part, &path) {
            Ok(()) => {
                tracing::info!(disk_id = id, bytes = digest.size, "disk received from another node");
                crate::http::done("disk received")
            }
            Err(e) => error_response(AppError::conflict("DISK_WRITE_FAILED", e.to_string())),
        },
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            error_response(e)
        }
    }
}

/// Runs a signed call from another node.
async fn take_call(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let header = parts.headers.get(AUTH_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let Ok(body) = Limited::new(body, MAX_CALL_BYTES).collect().await.map(|b| b.to_bytes()) else {
        return error_response(AppError::bad_request("BODY_TOO_LARGE", "a node call is at most 8 MiB"));
    };
    let Some(header) = header else {
        return error_response(AppError::unauthorized("NODE_AUTH_MISSING", "only vlab nodes call this"));
    };
    let from = match state.cluster.verify(&header, parts.uri.path(), &body, crate::time::now()) {
        Ok(from) => from,
        Err(why) => {
            tracing::warn!(why, client = %crate::serve::ClientAddr::of(&parts.extensions), "node call refused");
            return error_response(AppError::unauthorized("NODE_AUTH_INVALID", format!("the node signature is {why}")));
        }
    };
    let envelope: Envelope = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(e) => return error_response(AppError::bad_request("INVALID_CALL", format!("not a node call: {e}"))),
    };
    let answer = match run(&state, envelope).await {
        Ok(v) => Answer::Ok(v),
        Err(e) => Answer::Err(AppError::from(e)),
    };
    tracing::debug!(from, "node call answered");
    axum::Json(answer).into_response()
}

async fn run(state: &AppState, envelope: Envelope) -> Result<serde_json::Value> {
    use crate::service::{forwards, snapshots, storage, templates};
    let user = state
        .store
        .user(envelope.user_id)
        .await?
        .ok_or_else(|| AppError::unauthorized("UNAUTHENTICATED", "the user is gone"))?;
    let via = match envelope.via {
        Via::Session { id, epoch } => AuthVia::Session { id: id.and_then(|i| i.parse().ok()), epoch },
        Via::Token { token_id } => AuthVia::Token { token_id },
        Via::Internal => AuthVia::Internal,
    };
    let caller = Caller { user, via };
    let s = state;
    let json = |v: std::result::Result<serde_json::Value, serde_json::Error>| v.map_err(|e| ServerError::internal(format!("encoding an answer: {e}")));
    match envelope.call {
        NodeCall::CreateVm { input } => json(serde_json::to_value(crate::service::vms::create_here(s, &caller, input).await?)),
        NodeCall::ChangeState { vm_id, request } => {
            json(serde_json::to_value(crate::service::vms::change_state(s, &caller, vm_id, request).await?))
        }
        NodeCall::DeleteVm { vm_id, force, delete_disks } => {
            crate::service::vms::delete(s, &caller, vm_id, force, delete_disks).await?;
            Ok(serde_json::Value::Null)
        }
        NodeCall::OpenConsole { vm_id, kind, view_only } => {
            let req = crate::service::console::ConsoleRequest { kind, view_only };
            json(serde_json::to_value(crate::service::console::open(s, &caller, vm_id, req).await?))
        }
        NodeCall::Provision { lab_id, user_id } => {
            json(serde_json::to_value(crate::service::labs::provision_here(s, &caller, lab_id, user_id).await?))
        }
        NodeCall::ResetVm { vm_id, request } => {
            json(serde_json::to_value(crate::service::labs::reset(s, &caller, vm_id, request).await?))
        }
        NodeCall::CreateDisk { input } => json(serde_json::to_value(storage::create_disk(s, &caller, input).await?)),
        NodeCall::GetDisk { disk_id } => json(serde_json::to_value(storage::get_disk(s, &caller, disk_id).await?)),
        NodeCall::ResizeDisk { disk_id, resize } => json(serde_json::to_value(storage::resize_disk(s, &caller, disk_id, resize).await?)),
        NodeCall::CarryDisk { disk_id, to } => storage::carry_disk(s, &caller, disk_id, to).await.map(|_| serde_json::Value::Null),
        NodeCall::DeleteDisk { disk_id } => storage::delete_disk(s, &caller, disk_id).await.map(|_| serde_json::Value::Null),
        NodeCall::CreateSnapshot { vm_id, input } => json(serde_json::to_value(snapshots::create_snapshot(s, &caller, vm_id, input).await?)),
        NodeCall::RevertSnapshot { vm_id, snapshot_id } => {
            json(serde_json::to_value(snapshots::revert_snapshot(s, &caller, vm_id, snapshot_id).await?))
        }
        NodeCall::DeleteSnapshot { vm_id, snapshot_id } => {
            snapshots::delete_snapshot(s, &caller, vm_id, snapshot_id).await.map(|_| serde_json::Value::Null)
        }
        NodeCall::AddPortForward { vm_id, input } => json(serde_json::to_value(forwards::add_port_forward(s, &caller, vm_id, input).await?)),
        NodeCall::RemovePortForward { vm_id, forward_id } => {
            forwards::remove_port_forward(s, &caller, vm_id, forward_id).await.map(|_| serde_json::Value::Null)
        }
        NodeCall::ChangeCdrom { vm_id, change } => json(serde_json::to_value(storage::change_cdrom(s, &caller, vm_id, change).await?)),
        NodeCall::CreateTemplate { course_id, input } => json(serde_json::to_value(templates::create(s, &caller, course_id, input).await?)),
        NodeCall::AddTemplateVersion { template_id, input } => json(serde_json::to_value(templates::add(s, &caller, template_id, input).await?)),
        NodeCall::DropReceived { disk_ids } => storage::drop_received(s, &disk_ids).await.map(|_| serde_json::Value::Null),
        NodeCall::MoveVm { vm_id, node_id } => {
            let input = app::types::VmMove { node_id };
            json(serde_json::to_value(crate::service::vms::move_vm(s, &caller, vm_id, input).await?))
        }
        NodeCall::VmMetrics { vm_id } => json(serde_json::to_value(crate::service::metrics::vm_now(s, &caller, vm_id).await?)),
        NodeCall::VmLog { vm_id, source, offset, limit } => {
            json(serde_json::to_value(crate::service::logs::vm_log(s, &caller, vm_id, source, offset, limit).await?))
        }
        NodeCall::Screenshot { vm_id, width } => {
            use base64::Engine as _;
            let png = crate::service::console::screenshot(s, &caller, vm_id, width).await?;
            Ok(serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(png)))
        }
    }
}

/// Relays a websocket upgrade for a VM of `node` to that node's own
/// console endpoint (the same path and query, whose ticket it issued), and
/// then the bytes both ways.
pub async fn relay_upgrade(state: &AppState, node: &NodeRoute, mut parts: http::request::Parts) -> Response {
    let Some(client_side) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
        return error_response(AppError::bad_request("NOT_A_WEBSOCKET", "this connection cannot be upgraded"));
    };
    let path = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map(|o| o.0.clone())
        .unwrap_or_else(|| parts.uri.clone());
    let path = path.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let mut request = http::Request::get(&path).body(Full::new(Bytes::new())).expect("a GET with a path is a request");
    for (name, value) in parts.headers.iter() {
        request.headers_mut().append(name, value.clone());
    }
    request.headers_mut().insert(AUTH_HEADER, signed(state, &path, b"").parse().expect("the signature is header-safe"));
    let mut response = match async {
        let mut sender = connect(state, node).await?;
        sender.send_request(request).await.map_err(|e| unreachable(node, e))
    }
    .await
    {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if response.status() != http::StatusCode::SWITCHING_PROTOCOLS {
        let (head, body) = response.into_parts();
        let body = Limited::new(body, 64 * 1024).collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        return Response::from_parts(head, Body::from(body));
    }
    let node_side = hyper::upgrade::on(&mut response);
    let mut answer = Response::new(Body::empty());
    *answer.status_mut() = response.status();
    *answer.headers_mut() = response.headers().clone();
    let vm_node = node.name.clone();
    tokio::spawn(async move {
        let (client, node) = match tokio::try_join!(client_side, node_side) {
            Ok(both) => both,
            Err(e) => {
                tracing::info!(node = %vm_node, error = %e, "console relay did not start");
                return;
            }
        };
        let (mut client, mut node) = (TokioIo::new(client), TokioIo::new(node));
        let _ = tokio::io::copy_bidirectional(&mut client, &mut node).await;
    });
    answer
}

/// Events of this node for the others, and theirs for this one, through
/// PostgreSQL's `LISTEN/NOTIFY`. Nothing to do with SQLite (one node).
pub fn outbox(store: &crate::store::Store) -> Option<(tokio::sync::mpsc::UnboundedSender<String>, tokio::sync::mpsc::UnboundedReceiver<String>)> {
    store.shared().then(tokio::sync::mpsc::unbounded_channel)
}

impl Cluster {
    pub fn with_outbox(mut self, outbox: Option<tokio::sync::mpsc::UnboundedSender<String>>) -> Cluster {
        self.outbox = outbox;
        self
    }
}

/// What travels between nodes: an event, or word that someone's access
/// may have changed (so consoles and streams on every node check again).
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Travelling {
    Event { from: i64, audience: Vec<i64>, event: Event },
    Access { from: i64, user_id: Option<i64> },
}

fn send_out(state: &AppState, t: &Travelling) {
    if let Some(outbox) = &state.cluster.outbox {
        if let Ok(text) = serde_json::to_string(t) {
            let _ = outbox.send(text);
        }
    }
}

/// Tells this node's and, with PostgreSQL, the other nodes' open consoles
/// and streams that `change` may have ended or narrowed access.
pub fn announce_access(state: &AppState, change: crate::auth::revoke::AccessChange) {
    use crate::auth::revoke::AccessChange;
    let user_id = match change {
        AccessChange::User(id) => Some(id),
        AccessChange::Everyone => None,
    };
    send_out(state, &Travelling::Access { from: state.node_id, user_id });
    let _ = state.access_changes.send(change);
}

/// Sends an event to this node's streams and, with PostgreSQL, to the
/// other nodes'.
pub fn publish(state: &AppState, event: Event) {
    if state.cluster.outbox.is_some() {
        send_out(state, &Travelling::Event { from: state.node_id, audience: event.audience().to_vec(), event: event.clone() });
    }
    let _ = state.events.send(event);
}

/// Sends this node's events out and hands the other nodes' to this node's
/// streams.
pub fn spawn_event_relay(state: AppState, mut outgoing: tokio::sync::mpsc::UnboundedReceiver<String>) {
    let crate::store::db::Pool::Postgres(pool) = state.store.pool().clone() else { return };
    let sender = pool.clone();
    tokio::spawn(async move {
        while let Some(text) = outgoing.recv().await {
            // NOTIFY payloads stop short of 8000 bytes.
            if text.len() >= 7900 {
                tracing::warn!(bytes = text.len(), "an event too large to cross nodes stays on this one");
                continue;
            }
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)").bind(EVENTS_CHANNEL).bind(&text).execute(&sender).await {
                tracing::warn!(error = %e, "could not send an event to the other nodes");
            }
        }
    });
    tokio::spawn(async move {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for other nodes' events; trying again");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(EVENTS_CHANNEL).await {
                tracing::warn!(error = %e, "cannot listen for other nodes' events; trying again");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
            loop {
                let n = match listener.recv().await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the other nodes' events; listening again");
                        break;
                    }
                };
                match serde_json::from_str::<Travelling>(n.payload()) {
                    Ok(Travelling::Event { from, audience, event }) if from != state.node_id => {
                        let _ = state.events.send(event.with_audience(audience.into()));
                    }
                    Ok(Travelling::Access { from, user_id }) if from != state.node_id => {
                        use crate::auth::revoke::AccessChange;
                        let _ = state.access_changes.send(user_id.map_or(AccessChange::Everyone, AccessChange::User));
                    }
                    _ => {}
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_node_path_body_and_time_and_are_single_use() {
        let a = Cluster::new("k".repeat(40).as_str());
        let h = a.sign(7, 1000, "0123456789abcdef", "/internal/v1/call", b"{}");
        assert_eq!(a.verify(&h, "/internal/v1/call", b"{}", 1010), Ok(7));
        // The same nonce again is a replay.
        assert_eq!(a.verify(&h, "/internal/v1/call", b"{}", 1011), Err("replayed"));
        let h = a.sign(7, 1000, "0123456789abcdeg", "/internal/v1/call", b"{}");
        assert_eq!(a.verify(&h, "/internal/v1/call", b"{ }", 1000), Err("bad signature"));
        assert_eq!(a.verify(&h, "/internal/v1/other", b"{}", 1000), Err("bad signature"));
        assert_eq!(a.verify(&h, "/internal/v1/call", b"{}", 1100), Err("too old or too far ahead"));
        assert_eq!(a.verify(&h.replacen("7:", "8:", 1), "/internal/v1/call", b"{}", 1000), Err("bad signature"));
        let other = Cluster::new("x".repeat(40).as_str());
        let h = other.sign(7, 1000, "0123456789abcdeh", "/internal/v1/call", b"{}");
        assert_eq!(a.verify(&h, "/internal/v1/call", b"{}", 1000), Err("bad signature"));
        assert_eq!(a.verify("7:1000:short:00", "/internal/v1/call", b"{}", 1000), Err("malformed"));
    }
}
