//! Quotas and the usage they are checked against.

use super::db::{on_db, Dialect};
use super::Store;
use app::types::{QuotaLimits, QuotaUsage};

/// Which VMs a usage sum covers.
#[derive(Debug, Clone, Copy)]
pub enum QuotaScope {
    User(i64),
    Course(i64),
}

impl QuotaScope {
    fn key(self) -> (&'static str, i64) {
        match self {
            QuotaScope::User(id) => ("user", id),
            QuotaScope::Course(id) => ("course", id),
        }
    }
}

impl Store {
    pub async fn quota(&self, scope: QuotaScope) -> Result<QuotaLimits, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let (s, id) = scope.key();
            type Row = (Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
            let row: Option<Row> = sqlx::query_as(&DB::sql(
                "SELECT max_vms, max_vcpus, max_memory_mib, max_disk_mib, max_running_vms, max_running_vcpus, max_running_memory_mib \
                 FROM quotas WHERE scope = ? AND scope_id = ?",
            ))
            .bind(s)
            .bind(id)
            .fetch_optional(p)
            .await?;
            let u = |v: Option<i64>| v.map(|x| x.max(0) as u64);
            Ok(row
                .map(|r| QuotaLimits {
                    max_vms: u(r.0),
                    max_vcpus: u(r.1),
                    max_memory_mib: u(r.2),
                    max_disk_mib: u(r.3),
                    max_running_vms: u(r.4),
                    max_running_vcpus: u(r.5),
                    max_running_memory_mib: u(r.6),
                })
                .unwrap_or_default())
        })
    }

    pub async fn set_quota(&self, scope: QuotaScope, l: &QuotaLimits) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            set_quota_on::<DB, _>(p, scope, l).await
        })
    }

    /// What the scope's VMs and disks use now. Running = a QEMU process exists.
    pub async fn usage(&self, scope: QuotaScope) -> Result<QuotaUsage, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let (vm_filter, disk_filter) = match scope {
                QuotaScope::User(_) => ("v.owner_id = ?", "d.owner_id = ?"),
                QuotaScope::Course(_) => (
                    "v.lab_id IN (SELECT id FROM labs WHERE course_id = ?)",
                    "d.vm_id IN (SELECT id FROM vms WHERE lab_id IN (SELECT id FROM labs WHERE course_id = ?))",
                ),
            };
            let id = scope.key().1;
            let (vms, vcpus, memory, rvms, rvcpus, rmemory): (i64, i64, i64, i64, i64, i64) = sqlx::query_as(&DB::sql(&format!(
                "SELECT COUNT(*), CAST(COALESCE(SUM(cpus), 0) AS BIGINT), CAST(COALESCE(SUM(memory_mib), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(CASE WHEN state IN ('starting', 'running', 'paused', 'stopping') THEN 1 ELSE 0 END), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(CASE WHEN state IN ('starting', 'running', 'paused', 'stopping') THEN cpus ELSE 0 END), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(CASE WHEN state IN ('starting', 'running', 'paused', 'stopping') THEN memory_mib ELSE 0 END), 0) AS BIGINT) \
                 FROM vms v WHERE {vm_filter}"
            )))
            .bind(id)
            .fetch_one(p)
            .await?;
            // A user's disk space: their disks, and the ISOs and template images
            // they uploaded (an unfinished upload by its declared size).
            let uploads = match scope {
                QuotaScope::User(_) => {
                    " + (SELECT COALESCE(SUM(size_bytes), 0) FROM isos WHERE owner_id = ?1) \
                     + (SELECT COALESCE(SUM(size_bytes), 0) FROM template_versions WHERE uploaded_by = ?1)"
                }
                QuotaScope::Course(_) => "",
            };
            // Snapshots hold what their disks had written when they were taken.
            let disk: i64 = sqlx::query_scalar(&DB::sql(&format!(
                "SELECT CAST((SELECT COALESCE(SUM(size_bytes), 0) FROM disks d WHERE {}) \
                 + (SELECT COALESCE(SUM(s.bytes), 0) FROM vm_snapshots s JOIN vms v ON v.id = s.vm_id WHERE {}){uploads} AS BIGINT)",
                disk_filter.replace('?', "?1"),
                vm_filter.replace('?', "?1")
            )))
            .bind(id)
            .fetch_one(p)
            .await?;
            let u = |x: i64| x.max(0) as u64;
            Ok(QuotaUsage {
                vms: u(vms),
                vcpus: u(vcpus),
                memory_mib: u(memory),
                disk_mib: u(disk).div_ceil(1 << 20),
                running_vms: u(rvms),
                running_vcpus: u(rvcpus),
                running_memory_mib: u(rmemory),
            })
        })
    }

    /// Memory of every VM with a process, host-wide.
    pub async fn running_memory_mib(&self) -> Result<u64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let m: i64 = sqlx::query_scalar(&DB::sql(
                "SELECT CAST(COALESCE(SUM(memory_mib), 0) AS BIGINT) FROM vms WHERE state IN ('starting', 'running', 'paused', 'stopping')",
            ))
            .fetch_one(p)
            .await?;
            Ok(m.max(0) as u64)
        })
    }
}

/// Sets a scope's limits on a pool or inside a transaction.
pub(super) async fn set_quota_on<'e, DB, E>(e: E, scope: QuotaScope, l: &QuotaLimits) -> Result<(), sqlx::Error>
where
    DB: Dialect + sqlx::Database,
    E: sqlx::Executor<'e, Database = DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
{
    let (s, id) = scope.key();
    let i = |v: Option<u64>| v.map(|x| x.min(i64::MAX as u64) as i64);
    sqlx::query(&DB::sql(
        "INSERT INTO quotas (scope, scope_id, max_vms, max_vcpus, max_memory_mib, max_disk_mib, max_running_vms, \
         max_running_vcpus, max_running_memory_mib) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (scope, scope_id) DO UPDATE SET max_vms = excluded.max_vms, max_vcpus = excluded.max_vcpus, \
         max_memory_mib = excluded.max_memory_mib, max_disk_mib = excluded.max_disk_mib, \
         max_running_vms = excluded.max_running_vms, max_running_vcpus = excluded.max_running_vcpus, \
         max_running_memory_mib = excluded.max_running_memory_mib",
    ))
    .bind(s.to_owned())
    .bind(id)
    .bind(i(l.max_vms))
    .bind(i(l.max_vcpus))
    .bind(i(l.max_memory_mib))
    .bind(i(l.max_disk_mib))
    .bind(i(l.max_running_vms))
    .bind(i(l.max_running_vcpus))
    .bind(i(l.max_running_memory_mib))
    .execute(e)
    .await
    .map(|_| ())
}
