//! Nodes: each vlab process registers the host it runs on, heartbeats, and
//! takes new VMs only while enabled. Admins list, enable, disable (drain)
//! and delete them.

use crate::engine::procfs;
use crate::auth::access::Admin;
use crate::error::Result;
use crate::state::AppState;
use crate::store::{NodeFacts, NodePulse, NodeRecord, Store};
use crate::time::{now, rfc3339};
use app::error::AppError;
use app::types::{NodePatch, NodeView};
use std::path::Path;
use std::time::Duration;

/// What this host has, as the node registers.
pub async fn facts(config: &crate::config::Config, address: String, accelerator: &str) -> NodeFacts {
    let qemu_version = tokio::process::Command::new(&config.qemu_binary)
        .arg("--version")
        .output()
        .await
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or_default().trim().to_owned())
        .unwrap_or_default();
    NodeFacts {
        name: config.node_name.clone(),
        address,
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()) as i64,
        memory_mib: meminfo_mib("MemTotal:").unwrap_or(0) as i64,
        pool_bytes: crate::reserve::total_bytes(&config.data_dir).unwrap_or(0) as i64,
        accelerator: accelerator.to_owned(),
        qemu_version,
        vlab_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// How this host is now.
pub fn pulse(data_dir: &Path) -> NodePulse {
    NodePulse {
        load_1m: procfs::load_average().map_or(0.0, |l| l.0),
        memory_free_mib: meminfo_mib("MemAvailable:").unwrap_or(0) as i64,
        pool_free_bytes: crate::reserve::free_bytes(data_dir).unwrap_or(0) as i64,
    }
}

/// A /proc/meminfo field, in MiB.
pub(crate) fn meminfo_mib(field: &str) -> Option<u64> {
    procfs::meminfo(field).map(|b| b >> 20)
}

/// Registers this node, listening on `bound`; its id.
pub async fn register(store: &Store, config: &crate::config::Config, bound: std::net::SocketAddr, accelerator: &str) -> Result<i64> {
    let address = config.node_address.clone().unwrap_or_else(|| bound.to_string());
    let f = facts(config, address, accelerator).await;
    Ok(store.register_node(&f, pulse(&config.data_dir), now()).await?)
}

/// Heartbeats every `heartbeat_secs`; registers again if an admin deleted
/// the node's row meanwhile (it was disabled and empty, and still runs).
pub fn spawn_heartbeat(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(state.config.heartbeat_secs));
        loop {
            tick.tick().await;
            match state.store.node_heartbeat(state.node_id, pulse(&state.config.data_dir), now()).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(node_id = state.node_id, "this node's row is gone; restart vlab to register it again"),
                Err(e) => tracing::warn!(error = %e, "heartbeat failed"),
            }
            // A bucket untouched for two minutes is full again: dropping it
            // changes nothing.
            state.login_throttle.prune_shared(&state.store, 120.0).await;
        }
    });
}

/// New VMs are made on this node only while it is enabled.
pub async fn check_takes_new_vms(state: &AppState) -> Result<()> {
    if state.store.node_enabled(state.node_id).await? {
        return Ok(());
    }
    Err(AppError::conflict(
        "NODE_DISABLED",
        format!("node '{}' is disabled and takes no new VMs; an admin can enable it again", state.config.node_name),
    )
    .into())
}

fn view(state: &AppState, r: NodeRecord) -> NodeView {
    let online = crate::cluster::heartbeat_recent(state, r.heartbeat_at);
    NodeView {
        id: r.id,
        this_node: r.id == state.node_id,
        status: if online { "online" } else { "unreachable" }.into(),
        name: r.name,
        address: r.address,
        enabled: r.enabled,
        cpus: r.cpus.max(0) as u32,
        memory_mib: r.memory_mib.max(0) as u64,
        memory_free_mib: r.memory_free_mib.max(0) as u64,
        load: r.load_1m,
        pool_bytes: r.pool_bytes.max(0) as u64,
        pool_free_bytes: r.pool_free_bytes.max(0) as u64,
        accelerator: r.accelerator,
        qemu_version: r.qemu_version,
        vlab_version: r.vlab_version,
        vms: r.vms.max(0) as u64,
        running_vms: r.running_vms.max(0) as u64,
        started_at: rfc3339(r.started_at),
        heartbeat_at: rfc3339(r.heartbeat_at),
    }
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("NODE_NOT_FOUND", format!("no node with id {id}"))
}

pub async fn list(state: &AppState, _admin: &Admin) -> Result<Vec<NodeView>> {
    Ok(state.store.nodes().await?.into_iter().map(|r| view(state, r)).collect())
}

pub async fn get(state: &AppState, _admin: &Admin, id: i64) -> Result<NodeView> {
    let r = state.store.node(id).await?.ok_or_else(|| not_found(id))?;
    Ok(view(state, r))
}

pub async fn update(state: &AppState, admin: &Admin, id: i64, patch: NodePatch) -> Result<NodeView> {
    if !state.store.set_node_enabled(id, patch.enabled).await? {
        return Err(not_found(id).into());
    }
    tracing::info!(node_id = id, enabled = patch.enabled, "node enabled or disabled");
    get(state, admin, id).await
}

/// Deletes a node that is disabled, holds no VM and no longer heartbeats.
pub async fn delete(state: &AppState, admin: &Admin, id: i64) -> Result<()> {
    let node = get(state, admin, id).await?;
    if node.enabled {
        return Err(AppError::conflict("NODE_ENABLED", "disable the node before deleting it").into());
    }
    if node.vms > 0 {
        return Err(AppError::conflict("NODE_IN_USE", format!("the node still holds {} VMs", node.vms)).into());
    }
    if node.status == "online" {
        return Err(AppError::conflict("NODE_ONLINE", "the node's vlab is still running; stop it first").into());
    }
    if !state.store.delete_idle_node(id).await? {
        return Err(AppError::conflict("NODE_IN_USE", "the node was enabled or given a VM meanwhile").into());
    }
    tracing::info!(node_id = id, "node deleted");
    Ok(())
}
