//! Nodes: the hosts vlab runs on.

use super::db::{on_db, Dialect};
use super::Store;

/// A node's row with its VM counts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NodeRecord {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub enabled: bool,
    pub cpus: i64,
    pub memory_mib: i64,
    pub memory_free_mib: i64,
    pub load_1m: f64,
    pub pool_bytes: i64,
    pub pool_free_bytes: i64,
    pub accelerator: String,
    pub qemu_version: String,
    pub vlab_version: String,
    pub started_at: i64,
    pub heartbeat_at: i64,
    pub vms: i64,
    pub running_vms: i64,
}

const NODE_SELECT: &str = "SELECT n.id, n.name, n.address, n.enabled, n.cpus, n.memory_mib, n.memory_free_mib, n.load_1m, \
    n.pool_bytes, n.pool_free_bytes, n.accelerator, n.qemu_version, n.vlab_version, n.started_at, n.heartbeat_at, \
    (SELECT COUNT(*) FROM vms v WHERE v.node_id = n.id) AS vms, \
    (SELECT COUNT(*) FROM vms v WHERE v.node_id = n.id AND v.state IN ('starting', 'running', 'paused', 'stopping')) AS running_vms \
    FROM nodes n";

/// What a node says about itself as it starts.
#[derive(Debug, Clone)]
pub struct NodeFacts {
    pub name: String,
    pub address: String,
    pub cpus: i64,
    pub memory_mib: i64,
    pub pool_bytes: i64,
    pub accelerator: String,
    pub qemu_version: String,
    pub vlab_version: String,
}

/// How a node is now, at a heartbeat.
#[derive(Debug, Clone, Copy)]
pub struct NodePulse {
    pub load_1m: f64,
    pub memory_free_mib: i64,
    pub pool_free_bytes: i64,
}

impl Store {
    /// Registers the node (or, by name, takes its row back) and gives it
    /// the VMs no node has yet; its id.
    pub async fn register_node(&self, f: &NodeFacts, pulse: NodePulse, now: i64) -> Result<i64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(&DB::sql(
                "INSERT INTO nodes (name, address, cpus, memory_mib, pool_bytes, accelerator, qemu_version, vlab_version, \
                 load_1m, memory_free_mib, pool_free_bytes, started_at, heartbeat_at, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (name) DO UPDATE SET address = excluded.address, cpus = excluded.cpus, \
                 memory_mib = excluded.memory_mib, pool_bytes = excluded.pool_bytes, accelerator = excluded.accelerator, \
                 qemu_version = excluded.qemu_version, vlab_version = excluded.vlab_version, load_1m = excluded.load_1m, \
                 memory_free_mib = excluded.memory_free_mib, pool_free_bytes = excluded.pool_free_bytes, \
                 started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at \
                 RETURNING id",
            ))
            .bind(&f.name)
            .bind(&f.address)
            .bind(f.cpus)
            .bind(f.memory_mib)
            .bind(f.pool_bytes)
            .bind(&f.accelerator)
            .bind(&f.qemu_version)
            .bind(&f.vlab_version)
            .bind(pulse.load_1m)
            .bind(pulse.memory_free_mib)
            .bind(pulse.pool_free_bytes)
            .bind(now)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(&DB::sql("UPDATE vms SET node_id = ? WHERE node_id IS NULL")).bind(id).execute(&mut *tx).await?;
            sqlx::query(&DB::sql("UPDATE disks SET node_id = ? WHERE node_id IS NULL")).bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Records a heartbeat; false if the node's row is gone.
    pub async fn node_heartbeat(&self, id: i64, pulse: NodePulse, now: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql(
                "UPDATE nodes SET load_1m = ?, memory_free_mib = ?, pool_free_bytes = ?, heartbeat_at = ? WHERE id = ?",
            ))
            .bind(pulse.load_1m)
            .bind(pulse.memory_free_mib)
            .bind(pulse.pool_free_bytes)
            .bind(now)
            .bind(id)
            .execute(p)
            .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    pub async fn nodes(&self) -> Result<Vec<NodeRecord>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql(&format!("{NODE_SELECT} ORDER BY n.name"))).fetch_all(p).await
        })
    }

    pub async fn node(&self, id: i64) -> Result<Option<NodeRecord>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql(&format!("{NODE_SELECT} WHERE n.id = ?"))).bind(id).fetch_optional(p).await
        })
    }

    pub async fn set_node_enabled(&self, id: i64, enabled: bool) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("UPDATE nodes SET enabled = ? WHERE id = ?")).bind(enabled).bind(id).execute(p).await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Whether the node takes new VMs.
    pub async fn node_enabled(&self, id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let e: Option<bool> = sqlx::query_scalar(&DB::sql("SELECT enabled FROM nodes WHERE id = ?")).bind(id).fetch_optional(p).await?;
            Ok(e.unwrap_or(false))
        })
    }

    /// Deletes a disabled node that holds no VM; false if it is not one.
    pub async fn delete_idle_node(&self, id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql(
                "DELETE FROM nodes WHERE id = ? AND NOT enabled AND NOT EXISTS (SELECT 1 FROM vms WHERE node_id = ?)",
            ))
            .bind(id)
            .bind(id)
            .execute(p)
            .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// A node's name, address and last heartbeat: where calls for its VMs go.
    pub async fn node_route(&self, id: i64) -> Result<Option<NodeRoute>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql("SELECT id, name, address, enabled, heartbeat_at FROM nodes WHERE id = ?"))
                .bind(id)
                .fetch_optional(p)
                .await
        })
    }

    /// Every node's route, for placement.
    pub async fn node_routes(&self) -> Result<Vec<(NodeRoute, Room)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<(i64, String, String, bool, i64, i64, i64, f64)> = sqlx::query_as(&DB::sql(
                "SELECT id, name, address, enabled, heartbeat_at, memory_free_mib, cpus, load_1m FROM nodes ORDER BY id",
            ))
            .fetch_all(p)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, name, address, enabled, heartbeat_at, free, cpus, load)| {
                    let room = Room { memory_free_mib: free, idle_cpus: (cpus as f64 - load).max(0.0).floor() as i64 };
                    (NodeRoute { id, name, address, enabled, heartbeat_at }, room)
                })
                .collect())
        })
    }

    /// The node a VM lives on; `None` when there is no such VM.
    pub async fn vm_node(&self, vm_id: i64) -> Result<Option<Option<i64>>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT node_id FROM vms WHERE id = ?")).bind(vm_id).fetch_optional(p).await
        })
    }

    /// The cluster's signing key: the stored one, else `fresh`, stored now.
    pub async fn cluster_secret(&self, fresh: &str) -> Result<String, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("INSERT INTO cluster_keys (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING"))
                .bind(fresh)
                .execute(p)
                .await?;
            sqlx::query_scalar(&DB::sql("SELECT secret FROM cluster_keys WHERE id = 1")).fetch_one(p).await
        })
    }
}

/// What a node has free, as of its last heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    pub memory_free_mib: i64,
    /// CPUs less the 1-minute load, in whole CPUs.
    pub idle_cpus: i64,
}

/// Where a node is reached.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NodeRoute {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub enabled: bool,
    pub heartbeat_at: i64,
}
