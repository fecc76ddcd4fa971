//! Operations: long-running work with status and progress.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::{now, rfc3339};
use app::types::OperationView;

#[derive(sqlx::FromRow)]
struct OpRow {
    id: i64,
    kind: String,
    target_kind: String,
    target_id: i64,
    owner_id: Option<i64>,
    status: String,
    progress: i64,
    error: Option<String>,
    requested_by: Option<i64>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

/// An operation and who may see it.
#[derive(Debug, Clone)]
pub struct OpRecord {
    pub view: OperationView,
    pub owner_id: Option<i64>,
}

impl OpRow {
    fn into_record(self) -> OpRecord {
        OpRecord {
            owner_id: self.owner_id,
            view: OperationView {
                id: self.id,
                kind: self.kind,
                target_kind: self.target_kind,
                target_id: self.target_id,
                status: self.status,
                progress: self.progress.clamp(0, 100) as u8,
                error: self.error,
                requested_by: self.requested_by,
                created_at: rfc3339(self.created_at),
                updated_at: rfc3339(self.updated_at),
                finished_at: self.finished_at.map(rfc3339),
            },
        }
    }
}

const OP_COLUMNS: &str = "id, kind, target_kind, target_id, owner_id, status, progress, error, requested_by, \
    created_at, updated_at, finished_at";

impl Store {
    pub async fn insert_operation(
        &self,
        kind: &str,
        target_kind: &str,
        target_id: i64,
        owner_id: Option<i64>,
        requested_by: i64,
        node_id: i64,
    ) -> Result<OpRecord, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            let row: OpRow = sqlx::query_as(&DB::sql(&format!(
                "INSERT INTO operations (kind, target_kind, target_id, owner_id, status, requested_by, created_at, updated_at, node_id) \
                 VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?) RETURNING {OP_COLUMNS}"
            )))
            .bind(kind)
            .bind(target_kind)
            .bind(target_id)
            .bind(owner_id)
            .bind(requested_by)
            .bind(t)
            .bind(t)
            .bind(node_id)
            .fetch_one(p)
            .await?;
            Ok(row.into_record())
        })
    }

    /// Records progress (0..=100) of a running operation.
    pub async fn set_operation_progress(&self, id: i64, progress: u8) -> Result<OpRecord, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: OpRow = sqlx::query_as(&DB::sql(&format!(
                "UPDATE operations SET status = 'running', progress = ?, updated_at = ? WHERE id = ? RETURNING {OP_COLUMNS}"
            )))
            .bind(progress as i64)
            .bind(now())
            .bind(id)
            .fetch_one(p)
            .await?;
            Ok(row.into_record())
        })
    }

    /// Marks an operation finished (`succeeded`, `failed`, `cancelled`);
    /// one that has finished already keeps its end.
    pub async fn finish_operation(&self, id: i64, status: &str, error: Option<&str>) -> Result<OpRecord, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            let row: Option<OpRow> = sqlx::query_as(&DB::sql(&format!(
                "UPDATE operations SET status = ?, error = ?, progress = CASE WHEN ? = 'succeeded' THEN 100 ELSE progress END, \
                 updated_at = ?, finished_at = ? WHERE id = ? AND finished_at IS NULL RETURNING {OP_COLUMNS}"
            )))
            .bind(status)
            .bind(error)
            .bind(status)
            .bind(t)
            .bind(t)
            .bind(id)
            .fetch_optional(p)
            .await?;
            match row {
                Some(row) => Ok(row.into_record()),
                None => self.operation(id).await?.ok_or(sqlx::Error::RowNotFound),
            }
        })
    }

    pub async fn operation(&self, id: i64) -> Result<Option<OpRecord>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<OpRow> = sqlx::query_as(&DB::sql(&format!("SELECT {OP_COLUMNS} FROM operations WHERE id = ?")))
                .bind(id)
                .fetch_optional(p)
                .await?;
            Ok(row.map(OpRow::into_record))
        })
    }

    /// Newest first; `viewer` limits to the operations they asked for or
    /// whose target they own.
    /// (kind, status, created_at, finished_at) of the operations asked for since `since`.
    pub async fn operations_since(&self, since: i64) -> Result<Vec<(String, String, i64, Option<i64>)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql("SELECT kind, status, created_at, finished_at FROM operations WHERE created_at >= ? ORDER BY kind"))
                .bind(since)
                .fetch_all(p)
                .await
        })
    }

    /// (kind, status, created_at) of the operations not finished.
    pub async fn unfinished_operations(&self) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql("SELECT kind, status, created_at FROM operations WHERE status IN ('pending', 'running') ORDER BY kind"))
                .fetch_all(p)
                .await
        })
    }

    pub async fn list_operations(&self, viewer: Option<i64>, limit: u32, offset: u64) -> Result<(Vec<OpRecord>, u64), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let clause = "? IS NULL OR owner_id = ? OR requested_by = ?";
            let total: i64 = sqlx::query_scalar(&DB::sql(&format!("SELECT COUNT(*) FROM operations WHERE {clause}")))
                .bind(viewer)
                .bind(viewer)
                .bind(viewer)
                .fetch_one(p)
                .await?;
            let rows: Vec<OpRow> = sqlx::query_as(&DB::sql(&format!("SELECT {OP_COLUMNS} FROM operations WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?")))
                .bind(viewer)
                .bind(viewer)
                .bind(viewer)
                .bind(limit as i64)
                .bind(offset as i64)
                .fetch_all(p)
                .await?;
            Ok((rows.into_iter().map(OpRow::into_record).collect(), total as u64))
        })
    }

    /// Who besides admins may see a VM: its owner and the teachers of the
    /// course whose lab it belongs to.
    pub async fn vm_audience(&self, vm_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql(
                "SELECT owner_id FROM vms WHERE id = ? UNION \
                 SELECT m.user_id FROM vms v JOIN labs l ON l.id = v.lab_id \
                 JOIN course_members m ON m.course_id = l.course_id AND m.role = 'teacher' \
                 JOIN users u ON u.id = m.user_id AND u.role = 'teacher' WHERE v.id = ?",
            ))
            .bind(vm_id)
            .bind(vm_id)
            .fetch_all(p)
            .await
        })
    }

    /// Who besides admins may see a lab: the members of its course.
    pub async fn lab_audience(&self, lab_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT m.user_id FROM labs l JOIN course_members m ON m.course_id = l.course_id WHERE l.id = ?"))
                .bind(lab_id)
                .fetch_all(p)
                .await
        })
    }

    /// The teachers of a course: who hears about work on the course itself.
    pub async fn course_teachers(&self, course_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT m.user_id FROM course_members m JOIN users u ON u.id = m.user_id AND u.role = 'teacher' \
                 WHERE m.course_id = ? AND m.role = 'teacher'"))
                .bind(course_id)
                .fetch_all(p)
                .await
        })
    }

    /// Operations left running by a previous process can never finish.
    pub async fn fail_orphaned_operations(&self, node_id: i64) -> Result<u64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            let r = sqlx::query(&DB::sql(
                "UPDATE operations SET status = 'failed', error = 'vlab restarted while this was running', \
                 updated_at = ?, finished_at = ? WHERE status IN ('pending', 'running') \
                 AND (node_id = ? OR node_id IS NULL)",
            ))
            .bind(t)
            .bind(t)
            .bind(node_id)
            .execute(p)
            .await?;
            Ok(r.rows_affected())
        })
    }
}
