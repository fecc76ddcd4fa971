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

    /// Drops the buckets each tier no longer keeps; how many went.
    pub async fn prune_samples(&self, interval_secs: i64, now: i64) -> Result<u64, sqlx::Error> {
        let mut gone = 0;
        for (tier, (_, keep)) in tiers(interval_secs).into_iter().enumerate() {
            gone += on_db!(&self.pool, p, DB => {
                sqlx::query(&DB::sql("DELETE FROM vm_samples WHERE tier = ? AND at < ?"))
                    .bind(tier as i64)
                    .bind(now - keep)
                    .execute(p)
                    .await?
                    .rows_affected()
            });
        }
        Ok(gone)
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
}
