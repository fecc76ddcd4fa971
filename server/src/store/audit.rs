//! The audit trail's rows.

use super::db::{on_db, Dialect};
use super::Store;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub via: String,
    pub token_id: Option<i64>,
    pub client: String,
    pub channel: String,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    pub course_id: Option<i64>,
    pub summary: String,
    pub result: String,
    pub status: i64,
}

/// Which rows a reader asks for, and which they may see.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    /// Actions starting with this.
    pub action: Option<String>,
    /// `ok`, or any error (`error`).
    pub failed: Option<bool>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// A teacher: only rows on the courses this user teaches and what is in them.
    pub teacher_id: Option<i64>,
}

const COLUMNS: &str = "id, at, user_id, username, role, via, token_id, client, channel, action, target_kind, target_id, course_id, summary, result, status";

/// The WHERE clause of a filter (binds in `bind_filter`'s order).
const WHERE: &str = "(? IS NULL OR user_id = ?) AND (? IS NULL OR target_kind = ?) AND (? IS NULL OR target_id = ?) \
     AND (? IS NULL OR substr(action, 1, length(?)) = ?) AND (? IS NULL OR (result = 'ok') = (? = 0)) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at <= ?) \
     AND (? IS NULL OR course_id IN (SELECT course_id FROM course_members WHERE user_id = ? AND role = 'teacher'))";

macro_rules! bind_filter {
    ($q:expr, $f:expr) => {{
        let f = $f;
        let action = f.action.clone();
        let failed = f.failed.map(i64::from);
        $q.bind(f.user_id)
            .bind(f.user_id)
            .bind(f.target_kind.clone())
            .bind(f.target_kind.clone())
            .bind(f.target_id)
            .bind(f.target_id)
            .bind(action.clone())
            .bind(action.clone())
            .bind(action)
            .bind(failed)
            .bind(failed)
            .bind(f.from)
            .bind(f.from)
            .bind(f.to)
            .bind(f.to)
            .bind(f.teacher_id)
            .bind(f.teacher_id)
    }};
}

impl Store {
    pub async fn insert_audit(&self, r: &AuditRow) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql(
                "INSERT INTO audit_events (at, user_id, username, role, via, token_id, client, channel, action, target_kind, \
                 target_id, course_id, summary, result, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(r.at)
            .bind(r.user_id)
            .bind(&r.username)
            .bind(&r.role)
            .bind(&r.via)
            .bind(r.token_id)
            .bind(&r.client)
            .bind(&r.channel)
            .bind(&r.action)
            .bind(&r.target_kind)
            .bind(r.target_id)
            .bind(r.course_id)
            .bind(&r.summary)
            .bind(&r.result)
            .bind(r.status)
            .execute(p)
            .await
            .map(|_| ())
        })
    }

    /// A page of rows, newest first, and how many match.
    pub async fn list_audit(&self, f: &AuditFilter, limit: u32, offset: u64) -> Result<(Vec<AuditRow>, u64), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let count_sql = format!("SELECT COUNT(*) FROM audit_events WHERE {WHERE}");
            let count_sql = DB::sql(&count_sql);
            let total: i64 = bind_filter!(sqlx::query_scalar(&count_sql), f).fetch_one(p).await?;
            let sql = format!("SELECT {COLUMNS} FROM audit_events WHERE {WHERE} ORDER BY id DESC LIMIT ? OFFSET ?");
            let sql = DB::sql(&sql);
            let rows = bind_filter!(sqlx::query_as(&sql), f).bind(limit as i64).bind(offset as i64).fetch_all(p).await?;
            Ok((rows, total.max(0) as u64))
        })
    }

    /// Drops rows recorded before `before`; how many went.
    pub async fn prune_audit(&self, before: i64) -> Result<u64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            Ok(sqlx::query(&DB::sql("DELETE FROM audit_events WHERE at < ?")).bind(before).execute(p).await?.rows_affected())
        })
    }

    /// The course a VM, lab, template or course belongs to (a VM through its lab).
    pub async fn course_of(&self, kind: &str, id: i64) -> Result<Option<i64>, sqlx::Error> {
        let sql = match kind {
            "course" => return Ok(Some(id)),
            "vm" => "SELECT l.course_id FROM vms v JOIN labs l ON l.id = v.lab_id WHERE v.id = ?",
            "lab" => "SELECT course_id FROM labs WHERE id = ?",
            "template" => "SELECT course_id FROM templates WHERE id = ?",
            _ => return Ok(None),
        };
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql(sql)).bind(id).fetch_optional(p).await
        })
    }
}
