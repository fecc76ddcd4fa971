//! VM samples, kept like a round-robin database: each sample goes into a
//! bucket of every tier, and each tier keeps its buckets for a fixed time,
//! so a VM's history has a known largest size (`max_rows_per_vm`).

use super::db::{on_db, Dialect};
use super::Store;

/// One reading of a VM (counters are cumulative since its QEMU started).
#[derive(Debug, Clone, Copy, PartialEq, Default, sqlx::FromRow)]
pub struct Sample {
    pub cpu_percent: f64,
    pub vcpu_percent: f64,
    pub rss_bytes: i64,
    pub read_bytes: i64,
    pub write_bytes: i64,
    pub rx_bytes: Option<i64>,
    pub tx_bytes: Option<i64>,
}

/// A stored bucket: its start (unix seconds) and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct Bucket {
    pub at: i64,
    #[sqlx(flatten)]
    pub sample: Sample,
}

/// One reading of a node's host.
#[derive(Debug, Clone, Copy, PartialEq, Default, sqlx::FromRow)]
pub struct HostSample {
    pub cpu_percent: f64,
    pub load_1m: f64,
    pub memory_used_bytes: i64,
    pub running_vms: i64,
}

/// A stored bucket of host samples.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct HostBucket {
    pub at: i64,
    #[sqlx(flatten)]
    pub sample: HostSample,
}

/// The tiers: (bucket seconds, seconds kept). The first tier's buckets are
/// the sampling interval.
pub fn tiers(interval_secs: i64) -> [(i64, i64); 4] {
    [(interval_secs.max(1), 3600), (60, 86_400), (600, 7 * 86_400), (3600, 30 * 86_400)]
}

/// The most rows one VM's history can hold.
pub fn max_rows_per_vm(interval_secs: i64) -> i64 {
    tiers(interval_secs).iter().map(|(step, keep)| keep / step + 1).sum()
}

impl Store {
    /// Adds one round of samples taken at `at` (unix seconds) to every tier.
    pub async fn record_samples(&self, interval_secs: i64, at: i64, samples: &[(i64, Sample)]) -> Result<(), sqlx::Error> {
        if samples.is_empty() {
            return Ok(());
        }
        on_db!(&self.pool, p, DB => {
            let sql = DB::sql(
                "INSERT INTO vm_samples (vm_id, tier, at, n, cpu_percent, vcpu_percent, rss_bytes, read_bytes, write_bytes, rx_bytes, tx_bytes) \
                 VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (vm_id, tier, at) DO UPDATE SET \
                 cpu_percent = (vm_samples.cpu_percent * vm_samples.n + excluded.cpu_percent) / (vm_samples.n + 1), \
                 vcpu_percent = (vm_samples.vcpu_percent * vm_samples.n + excluded.vcpu_percent) / (vm_samples.n + 1), \
                 rss_bytes = excluded.rss_bytes, read_bytes = excluded.read_bytes, write_bytes = excluded.write_bytes, \
                 rx_bytes = excluded.rx_bytes, tx_bytes = excluded.tx_bytes, n = vm_samples.n + 1",
            );
            let mut tx = p.begin().await?;
            for (vm_id, s) in samples {
                for (tier, (step, _)) in tiers(interval_secs).into_iter().enumerate() {
                    sqlx::query(&sql)
                        .bind(vm_id)
                        .bind(tier as i64)
                        .bind(at - at.rem_euclid(step))
                        .bind(s.cpu_percent)
                        .bind(s.vcpu_percent)
                        .bind(s.rss_bytes)
                        .bind(s.read_bytes)
                        .bind(s.write_bytes)
                        .bind(s.rx_bytes)
                        .bind(s.tx_bytes)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await
        })
    }

    /// Adds a reading of node `node_id`'s host taken at `at` to every tier.
    pub async fn record_host_sample(&self, interval_secs: i64, node_id: i64, at: i64, s: &HostSample) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let sql = DB::sql(
                "INSERT INTO host_samples (node_id, tier, at, n, cpu_percent, load_1m, memory_used_bytes, running_vms) \
                 VALUES (?, ?, ?, 1, ?, ?, ?, ?) \
                 ON CONFLICT (node_id, tier, at) DO UPDATE SET \
                 cpu_percent = (host_samples.cpu_percent * host_samples.n + excluded.cpu_percent) / (host_samples.n + 1), \
                 load_1m = (host_samples.load_1m * host_samples.n + excluded.load_1m) / (host_samples.n + 1), \
                 memory_used_bytes = excluded.memory_used_bytes, running_vms = excluded.running_vms, n = host_samples.n + 1",
            );
            let mut tx = p.begin().await?;
            for (tier, (step, _)) in tiers(interval_secs).into_iter().enumerate() {
                sqlx::query(&sql)
                    .bind(node_id)
                    .bind(tier as i64)
                    .bind(at - at.rem_euclid(step))
                    .bind(s.cpu_percent)
                    .bind(s.load_1m)
                    .bind(s.memory_used_bytes)
                    .bind(s.running_vms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })
    }

    /// Drops the buckets (of VMs and hosts) each tier no longer keeps; how many went.
    pub async fn prune_samples(&self, interval_secs: i64, now: i64) -> Result<u64, sqlx::Error> {
        let mut gone = 0;
        for table in ["vm_samples", "host_samples"] {
            for (tier, (_, keep)) in tiers(interval_secs).into_iter().enumerate() {
                gone += on_db!(&self.pool, p, DB => {
                    sqlx::query(&DB::sql(&format!("DELETE FROM {table} WHERE tier = ? AND at < ?")))
                        .bind(tier as i64)
                        .bind(now - keep)
                        .execute(p)
                        .await?
                        .rows_affected()
                });
            }
        }
        Ok(gone)
    }

    /// A node's host buckets of one tier from `from` to `to`, oldest first.
    pub async fn host_buckets(&self, node_id: i64, tier: usize, from: i64, to: i64) -> Result<Vec<HostBucket>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql(
                "SELECT at, cpu_percent, load_1m, memory_used_bytes, running_vms \
                 FROM host_samples WHERE node_id = ? AND tier = ? AND at >= ? AND at <= ? ORDER BY at",
            ))
            .bind(node_id)
            .bind(tier as i64)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await
        })
    }

    /// This node's VMs per state, and the vCPUs and memory of those with a QEMU process.
    pub async fn node_vm_load(&self, node_id: i64) -> Result<(Vec<(String, u64)>, u64, u64), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(&DB::sql(
                "SELECT state, COUNT(*), CAST(COALESCE(SUM(cpus), 0) AS BIGINT), CAST(COALESCE(SUM(memory_mib), 0) AS BIGINT) \
                 FROM vms WHERE node_id = ? GROUP BY state ORDER BY state",
            ))
            .bind(node_id)
            .fetch_all(p)
            .await?;
            let live = |s: &str| matches!(s, "starting" | "running" | "paused" | "stopping");
            let vcpus = rows.iter().filter(|r| live(&r.0)).map(|r| r.2.max(0) as u64).sum();
            let memory = rows.iter().filter(|r| live(&r.0)).map(|r| r.3.max(0) as u64).sum();
            Ok((rows.into_iter().map(|r| (r.0, r.1.max(0) as u64)).collect(), vcpus, memory))
        })
    }

    /// A VM's buckets of one tier from `from` to `to` (unix seconds), oldest first.
    pub async fn vm_buckets(&self, vm_id: i64, tier: usize, from: i64, to: i64) -> Result<Vec<Bucket>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql(
                "SELECT at, cpu_percent, vcpu_percent, rss_bytes, read_bytes, write_bytes, rx_bytes, tx_bytes \
                 FROM vm_samples WHERE vm_id = ? AND tier = ? AND at >= ? AND at <= ? ORDER BY at",
            ))
            .bind(vm_id)
            .bind(tier as i64)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await
        })
    }

    /// This node's VMs: (id, name, state).
    pub async fn node_vm_names(&self, node_id: i64) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql("SELECT id, name, state FROM vms WHERE node_id = ? ORDER BY id")).bind(node_id).fetch_all(p).await
        })
    }

    /// Operations per (kind, status).
    pub async fn operation_counts(&self) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql("SELECT kind, status, COUNT(*) FROM operations GROUP BY kind, status ORDER BY kind, status"))
                .fetch_all(p)
                .await
        })
    }

    /// Console sessions open to this node's VMs.
    pub async fn open_console_sessions(&self, node_id: i64) -> Result<i64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql(
                "SELECT COUNT(*) FROM vm_activity WHERE kind = 'console' AND ended_at IS NULL \
                 AND vm_id IN (SELECT id FROM vms WHERE node_id = ?)",
            ))
            .bind(node_id)
            .fetch_one(p)
            .await
        })
    }
}
