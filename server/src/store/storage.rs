//! Disks and ISO images.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::{now, rfc3339};
use app::types::{DiskView, IsoView};

#[derive(sqlx::FromRow)]
struct DiskRow {
    id: i64,
    name: String,
    owner_id: i64,
    format: String,
    size_bytes: i64,
    vm_id: Option<i64>,
    created_at: i64,
    node_id: Option<i64>,
}

impl DiskRow {
    fn into_view(self) -> DiskView {
        DiskView {
            id: self.id,
            name: self.name,
            owner_id: self.owner_id,
            format: self.format,
            virtual_size: self.size_bytes as u64,
            actual_size: None,
            vm_id: self.vm_id,
            created_at: rfc3339(self.created_at),
            node_id: self.node_id,
        }
    }
}

const DISK_COLUMNS: &str = "id, name, owner_id, format, size_bytes, vm_id, created_at, node_id";

#[derive(sqlx::FromRow)]
struct IsoRow {
    id: i64,
    name: String,
    owner_id: i64,
    size_bytes: i64,
    sha256: String,
    received_bytes: i64,
    status: String,
    created_at: i64,
    demo: bool,
}

impl IsoRow {
    fn into_view(self) -> IsoView {
        IsoView {
            id: self.id,
            name: self.name,
            owner_id: self.owner_id,
            size_bytes: self.size_bytes as u64,
            sha256: self.sha256,
            received_bytes: self.received_bytes as u64,
            status: self.status,
            created_at: rfc3339(self.created_at),
            demo: self.demo,
        }
    }
}

const ISO_COLUMNS: &str = "id, name, owner_id, size_bytes, sha256, received_bytes, status, created_at, demo";

impl Store {
    pub async fn insert_disk(&self, name: &str, owner_id: i64, format: &str, size_bytes: u64, node_id: i64) -> Result<DiskView, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            let row: DiskRow = sqlx::query_as(&DB::sql(&format!(
                "INSERT INTO disks (name, owner_id, format, size_bytes, created_at, updated_at, node_id) VALUES (?, ?, ?, ?, ?, ?, ?) \
                 RETURNING {DISK_COLUMNS}"
            )))
            .bind(name)
            .bind(owner_id)
            .bind(format)
            .bind(size_bytes as i64)
            .bind(t)
            .bind(t)
            .bind(node_id)
            .fetch_one(p)
            .await?;
            Ok(row.into_view())
        })
    }

    pub async fn disk(&self, id: i64) -> Result<Option<DiskView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<DiskRow> = sqlx::query_as(&DB::sql(&format!("SELECT {DISK_COLUMNS} FROM disks WHERE id = ?")))
                .bind(id)
                .fetch_optional(p)
                .await?;
            Ok(row.map(DiskRow::into_view))
        })
    }

    pub async fn list_disks(&self, owner_id: Option<i64>, limit: u32, offset: u64) -> Result<(Vec<DiskView>, u64), sqlx::Error> {
        let (rows, total) = self.owned_page::<DiskRow>(("disks", DISK_COLUMNS, "id"), owner_id, limit, offset).await?;
        Ok((rows.into_iter().map(DiskRow::into_view).collect(), total))
    }

    /// Disks of a VM with their formats, in attachment order.
    pub async fn vm_disks(&self, vm_id: i64) -> Result<Vec<DiskView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<DiskRow> = sqlx::query_as(&DB::sql(&format!(
                "SELECT {DISK_COLUMNS} FROM disks WHERE vm_id = ? ORDER BY updated_at, id"
            )))
            .bind(vm_id)
            .fetch_all(p)
            .await?;
            Ok(rows.into_iter().map(DiskRow::into_view).collect())
        })
    }

    pub async fn set_disk_size(&self, id: i64, size_bytes: u64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE disks SET size_bytes = ? WHERE id = ?")).bind(size_bytes as i64).bind(id).execute(p).await.map(|_| ())
        })
    }

    /// Attaches (Some) or detaches (None); only if the disk is in the
    /// expected attachment now, so two racing attaches cannot both win.
    pub async fn set_disk_vm(&self, id: i64, from: Option<i64>, to: Option<i64>) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("UPDATE disks SET vm_id = ?, updated_at = ? WHERE id = ? AND vm_id IS NOT DISTINCT FROM ?"))
                .bind(to)
                .bind(now())
                .bind(id)
                .bind(from)
                .execute(p)
                .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    pub async fn delete_disk(&self, id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("DELETE FROM disks WHERE id = ? AND vm_id IS NULL")).bind(id).execute(p).await?;
            Ok(r.rows_affected() == 1)
        })
    }

    pub async fn insert_iso(&self, name: &str, owner_id: i64, size_bytes: u64, sha256: &str) -> Result<IsoView, sqlx::Error> {
        self.insert_iso_as(name, owner_id, size_bytes, sha256, false).await
    }

    /// Like `insert_iso`, marking the demo guest.
    pub async fn insert_iso_as(&self, name: &str, owner_id: i64, size_bytes: u64, sha256: &str, demo: bool) -> Result<IsoView, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            let row: IsoRow = sqlx::query_as(&DB::sql(&format!(
                "INSERT INTO isos (name, owner_id, size_bytes, sha256, status, created_at, updated_at, demo) \
                 VALUES (?, ?, ?, ?, 'uploading', ?, ?, ?) RETURNING {ISO_COLUMNS}"
            )))
            .bind(name)
            .bind(owner_id)
            .bind(size_bytes as i64)
            .bind(sha256)
            .bind(t)
            .bind(t)
            .bind(demo)
            .fetch_one(p)
            .await?;
            Ok(row.into_view())
        })
    }

    pub async fn iso(&self, id: i64) -> Result<Option<IsoView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<IsoRow> = sqlx::query_as(&DB::sql(&format!("SELECT {ISO_COLUMNS} FROM isos WHERE id = ?")))
                .bind(id)
                .fetch_optional(p)
                .await?;
            Ok(row.map(IsoRow::into_view))
        })
    }

    /// Ready ISOs for everyone, plus unfinished uploads of `uploader` (all, for admins: None).
    pub async fn list_isos(&self, uploader: Option<i64>, limit: u32, offset: u64) -> Result<(Vec<IsoView>, u64), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let clause = "status = 'ready' OR ? IS NULL OR owner_id = ?";
            let total: i64 = sqlx::query_scalar(&DB::sql(&format!("SELECT COUNT(*) FROM isos WHERE {clause}")))
                .bind(uploader)
                .bind(uploader)
                .fetch_one(p)
                .await?;
            let rows: Vec<IsoRow> = sqlx::query_as(&DB::sql(&format!("SELECT {ISO_COLUMNS} FROM isos WHERE {clause} ORDER BY id LIMIT ? OFFSET ?")))
                .bind(uploader)
                .bind(uploader)
                .bind(limit as i64)
                .bind(offset as i64)
                .fetch_all(p)
                .await?;
            Ok((rows.into_iter().map(IsoRow::into_view).collect(), total as u64))
        })
    }

    /// ISO uploads that received nothing since `before` (unix seconds).
    pub async fn stale_iso_uploads(&self, before: i64) -> Result<Vec<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT id FROM isos WHERE status = 'uploading' AND updated_at < ?")).bind(before).fetch_all(p).await
        })
    }

    pub async fn set_iso_received(&self, id: i64, received: u64, ready: bool) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE isos SET received_bytes = ?, status = ?, updated_at = ? WHERE id = ?"))
                .bind(received as i64)
                .bind(if ready { "ready" } else { "uploading" })
                .bind(now())
                .bind(id)
                .execute(p)
                .await
                .map(|_| ())
        })
    }

    pub async fn iso_mounted_by(&self, id: i64) -> Result<Vec<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT id FROM vms WHERE iso_id = ?")).bind(id).fetch_all(p).await
        })
    }

    pub async fn delete_iso(&self, id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("DELETE FROM isos WHERE id = ? AND NOT EXISTS (SELECT 1 FROM vms WHERE iso_id = ?)"))
                .bind(id)
                .bind(id)
                .execute(p)
                .await?;
            Ok(r.rows_affected() == 1)
        })
    }
}

impl Store {
    /// The template version a disk is an overlay on.
    pub async fn disk_backing(&self, disk_id: i64) -> Result<Option<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT backing_version_id FROM disks WHERE id = ?")).bind(disk_id).fetch_one(p).await
        })
    }

    pub async fn set_disk_backing(&self, disk_id: i64, version_id: Option<i64>) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE disks SET backing_version_id = ?, updated_at = ? WHERE id = ?"))
                .bind(version_id)
                .bind(now())
                .bind(disk_id)
                .execute(p)
                .await
                .map(|_| ())
        })
    }
}
