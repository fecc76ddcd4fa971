//! Usage records: runs, console sessions, resets, and the statistics made of them.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::{now, rfc3339};
use app::types::StatRow;

impl Store {
    pub async fn begin_console_activity(&self, vm_id: i64, user_id: i64) -> Result<i64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("INSERT INTO vm_activity (vm_id, kind, user_id, started_at) VALUES (?, 'console', ?, ?) RETURNING id"))
                .bind(vm_id)
                .bind(user_id)
                .bind(now())
                .fetch_one(p)
                .await
        })
    }

    pub async fn end_activity(&self, id: i64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE vm_activity SET ended_at = ? WHERE id = ?")).bind(now()).bind(id).execute(p).await.map(|_| ())
        })
    }

    /// Ends the console activity a node's earlier run left open.
    pub async fn end_open_console_activity(&self, node_id: i64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql(
                "UPDATE vm_activity SET ended_at = started_at WHERE kind = 'console' AND ended_at IS NULL \
                 AND vm_id IN (SELECT id FROM vms WHERE node_id = ?)",
            ))
            .bind(node_id)
            .execute(p)
                .await
                .map(|_| ())
        })
    }

    pub async fn record_reset(&self, vm_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            sqlx::query(&DB::sql("INSERT INTO vm_activity (vm_id, kind, user_id, started_at, ended_at) VALUES (?, 'reset', ?, ?, ?)"))
                .bind(vm_id)
                .bind(user_id)
                .bind(t)
                .bind(t)
                .execute(p)
                .await
                .map(|_| ())
        })
    }

    /// When someone last used the VM's console (open sessions count as now)
    /// or the VM last started.
    pub async fn last_activity(&self, vm_id: i64) -> Result<Option<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql(
                "SELECT MAX(CASE WHEN kind = 'console' AND ended_at IS NULL THEN ? WHEN kind = 'console' THEN ended_at ELSE started_at END) \
                 FROM vm_activity WHERE vm_id = ? AND kind IN ('console', 'run')",
            ))
            .bind(now())
            .bind(vm_id)
            .fetch_one(p)
            .await
        })
    }

    /// Per student and lab VM of a course: hours running, minutes of the
    /// student's own console use (a teacher watching does not count),
    /// starts, resets, last activity.
    pub async fn course_statistics(&self, course_id: i64) -> Result<Vec<StatRow>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            type Row = (i64, String, String, i64, String, i64, i64, i64, i64, i64, Option<i64>);
            let t = now();
            // One row of JSON for the whole course, as for a page of VMs: a row
            // per VM would cost a hand-off between threads each (2000 for a
            // class of 200 with 10 labs).
            let ((text_open, text_close), agg, array) = (DB::AS_TEXT, DB::JSON_AGG, DB::JSON_ARRAY);
            let (json,): (String,) = sqlx::query_as(&DB::sql(&format!(
                "SELECT COALESCE({text_open}{agg}({array}(s.uid, s.username, s.display_name, s.lab_id, s.lab_name, s.vm_id, \
                 s.run_s, s.console_s, s.starts, s.resets, s.last)){text_close}, '[]') FROM (\
                 SELECT u.id AS uid, u.username, u.display_name, l.id AS lab_id, l.name AS lab_name, v.id AS vm_id, \
                 COALESCE(SUM(CASE WHEN a.kind = 'run' THEN COALESCE(a.ended_at, ?) - a.started_at END), 0) AS run_s, \
                 COALESCE(SUM(CASE WHEN a.kind = 'console' AND a.user_id = v.owner_id THEN COALESCE(a.ended_at, ?) - a.started_at END), 0) AS console_s, \
                 COUNT(CASE WHEN a.kind = 'run' THEN 1 END) AS starts, COUNT(CASE WHEN a.kind = 'reset' THEN 1 END) AS resets, \
                 MAX(COALESCE(a.ended_at, a.started_at)) AS last \
                 FROM vms v JOIN labs l ON l.id = v.lab_id JOIN users u ON u.id = v.owner_id \
                 LEFT JOIN vm_activity a ON a.vm_id = v.id WHERE l.course_id = ? \
                 GROUP BY v.id, u.id, l.id ORDER BY u.username, l.id) s",
            )))
            .bind(t)
            .bind(t)
            .bind(course_id)
            .fetch_one(p)
            .await?;
            let mut rows: Vec<Row> = serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            // Usernames sort without case, as the column compares them.
            rows.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()).then(a.3.cmp(&b.3)));
            Ok(rows
                .into_iter()
                .map(|(user_id, username, display_name, lab_id, lab_name, vm_id, run_s, console_s, starts, resets, last)| StatRow {
                    user_id,
                    username,
                    display_name,
                    lab_id,
                    lab_name,
                    vm_id,
                    running_hours: run_s.max(0) as f64 / 3600.0,
                    console_minutes: console_s.max(0) as f64 / 60.0,
                    starts: starts as u32,
                    resets: resets as u32,
                    last_activity: last.map(rfc3339),
                })
                .collect())
        })
    }
}
