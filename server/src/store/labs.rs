//! Labs and the linked clones handed out for them.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::{now, rfc3339};
use app::types::{LabView, SeatView};

#[derive(sqlx::FromRow)]
struct LabRow {
    id: i64,
    course_id: i64,
    course_code: String,
    name: String,
    description: String,
    template_id: i64,
    template_name: String,
    template_version_id: i64,
    version: i64,
    cpus: i64,
    memory_mib: i64,
    opens_at: Option<i64>,
    closes_at: Option<i64>,
    auto_start_minutes: Option<i64>,
    auto_stop_minutes: Option<i64>,
    idle_stop_minutes: Option<i64>,
    outbound: bool,
    vm_count: i64,
    my_vm_id: Option<i64>,
    my_vm_state: Option<String>,
    created_at: i64,
    node_id: Option<i64>,
}

impl LabRow {
    fn into_view(self) -> LabView {
        LabView {
            id: self.id,
            course_id: self.course_id,
            course_code: self.course_code,
            name: self.name,
            description: self.description,
            template_id: self.template_id,
            template_name: self.template_name,
            template_version_id: self.template_version_id,
            version: self.version as u32,
            cpus: self.cpus as u32,
            memory_mib: self.memory_mib as u32,
            opens_at: self.opens_at.map(rfc3339),
            closes_at: self.closes_at.map(rfc3339),
            auto_start_minutes: self.auto_start_minutes.map(|m| m as u32),
            auto_stop_minutes: self.auto_stop_minutes.map(|m| m as u32),
            idle_stop_minutes: self.idle_stop_minutes.map(|m| m as u32),
            outbound: self.outbound,
            vm_count: self.vm_count as u32,
            my_vm_id: self.my_vm_id,
            my_vm_state: self.my_vm_state,
            created_at: rfc3339(self.created_at),
            node_id: self.node_id,
        }
    }
}

/// Binds: viewer id (for `my_vm_*`).
const LAB_SELECT: &str = "SELECT l.id, l.course_id, c.code AS course_code, l.name, l.description, t.id AS template_id, \
    t.name AS template_name, l.template_version_id, tv.version, l.cpus, l.memory_mib, l.opens_at, l.closes_at, \
    l.auto_start_minutes, l.auto_stop_minutes, l.idle_stop_minutes, l.outbound, \
    (SELECT COUNT(*) FROM vms WHERE lab_id = l.id) AS vm_count, \
    mv.id AS my_vm_id, mv.state AS my_vm_state, l.created_at, l.node_id \
    FROM labs l JOIN courses c ON c.id = l.course_id JOIN template_versions tv ON tv.id = l.template_version_id \
    JOIN templates t ON t.id = tv.template_id LEFT JOIN vms mv ON mv.lab_id = l.id AND mv.owner_id = ?";

/// A lab's schedule and resources, as services need them.
#[derive(Debug, Clone)]
pub struct LabRecord {
    pub view: LabView,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
}

/// Everything needed to insert a lab.
pub struct NewLabRow<'a> {
    pub course_id: i64,
    pub template_version_id: i64,
    pub name: &'a str,
    pub description: &'a str,
    pub cpus: u32,
    pub memory_mib: u32,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub auto_start_minutes: Option<u32>,
    pub auto_stop_minutes: Option<u32>,
    pub idle_stop_minutes: Option<u32>,
    pub outbound: bool,
    pub created_by: i64,
    pub node_id: Option<i64>,
}

/// A lab VM to insert with its overlay disk.
pub struct NewCloneRow<'a> {
    pub uuid: &'a str,
    pub name: &'a str,
    pub owner_id: i64,
    pub lab_id: i64,
    pub cpus: u32,
    pub memory_mib: u32,
    pub disk_bus: &'a str,
    pub kernel: Option<&'a str>,
    pub version_id: i64,
    pub size_bytes: u64,
    pub outbound: bool,
    /// The node it lives on.
    pub node_id: i64,
}

impl Store {
    pub async fn insert_lab(&self, l: NewLabRow<'_>) -> Result<i64, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            sqlx::query_scalar(&DB::sql(
                "INSERT INTO labs (course_id, template_version_id, name, description, cpus, memory_mib, opens_at, closes_at, \
                 auto_start_minutes, auto_stop_minutes, idle_stop_minutes, outbound, created_by, created_at, updated_at, node_id) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            ))
            .bind(l.course_id)
            .bind(l.template_version_id)
            .bind(l.name)
            .bind(l.description)
            .bind(l.cpus as i64)
            .bind(l.memory_mib as i64)
            .bind(l.opens_at)
            .bind(l.closes_at)
            .bind(l.auto_start_minutes.map(|m| m as i64))
            .bind(l.auto_stop_minutes.map(|m| m as i64))
            .bind(l.idle_stop_minutes.map(|m| m as i64))
            .bind(l.outbound)
            .bind(l.created_by)
            .bind(t)
            .bind(t)
            .bind(l.node_id)
            .fetch_one(p)
            .await
        })
    }

    /// Labs matching `clause`, whose placeholders take `binds` in order.
    async fn lab_rows(&self, viewer: i64, clause: &str, binds: &[i64]) -> Result<Vec<LabRecord>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let sql = format!("{LAB_SELECT} {clause}");
            let sql = DB::sql(&sql);
            let mut q = sqlx::query_as::<_, LabRow>(&sql).bind(viewer);
            for b in binds {
                q = q.bind(*b);
            }
            Ok(q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| LabRecord { opens_at: r.opens_at, closes_at: r.closes_at, view: r.into_view() })
                .collect())
        })
    }

    pub async fn lab(&self, id: i64, viewer: i64) -> Result<Option<LabRecord>, sqlx::Error> {
        Ok(self.lab_rows(viewer, "WHERE l.id = ?", &[id]).await?.pop())
    }

    pub async fn course_labs(&self, course_id: i64, viewer: i64) -> Result<Vec<LabRecord>, sqlx::Error> {
        self.lab_rows(viewer, "WHERE l.course_id = ? ORDER BY l.id", &[course_id]).await
    }

    /// Labs of the (not archived) courses a student is enrolled in.
    pub async fn student_labs(&self, user_id: i64) -> Result<Vec<LabRecord>, sqlx::Error> {
        self.lab_rows(
            user_id,
            "WHERE NOT c.archived AND EXISTS (SELECT 1 FROM course_members m WHERE m.course_id = l.course_id \
             AND m.user_id = ? AND m.role = 'student') ORDER BY c.code, l.id",
            &[user_id],
        )
        .await
    }

    /// Labs with a schedule, for the scheduler.
    pub async fn scheduled_labs(&self) -> Result<Vec<LabRecord>, sqlx::Error> {
        self.lab_rows(
            0,
            "WHERE l.auto_start_minutes IS NOT NULL OR l.auto_stop_minutes IS NOT NULL OR l.idle_stop_minutes IS NOT NULL",
            &[],
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn update_lab(
        &self,
        id: i64,
        description: Option<&str>,
        template_version_id: Option<i64>,
        opens_at: Option<Option<i64>>,
        closes_at: Option<Option<i64>>,
        minutes: [Option<Option<u32>>; 3],
        outbound: Option<bool>,
    ) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            // Option<Option<_>>: outer none = unchanged, inner none = cleared.
            let set = |v: &Option<Option<i64>>| v.is_some();
            let get = |v: &Option<Option<i64>>| v.flatten();
            let m: Vec<Option<Option<i64>>> = minutes.iter().map(|o| o.map(|i| i.map(|x| x as i64))).collect();
            let mut tx = p.begin().await?;
            sqlx::query(&DB::sql(
                "UPDATE labs SET description = COALESCE(?, description), template_version_id = COALESCE(?, template_version_id), \
                 opens_at = CASE WHEN ? THEN ? ELSE opens_at END, closes_at = CASE WHEN ? THEN ? ELSE closes_at END, \
                 auto_start_minutes = CASE WHEN ? THEN ? ELSE auto_start_minutes END, \
                 auto_stop_minutes = CASE WHEN ? THEN ? ELSE auto_stop_minutes END, \
                 idle_stop_minutes = CASE WHEN ? THEN ? ELSE idle_stop_minutes END, outbound = COALESCE(?, outbound), \
                 updated_at = ? WHERE id = ?",
            ))
            .bind(description)
            .bind(template_version_id)
            .bind(set(&opens_at))
            .bind(get(&opens_at))
            .bind(set(&closes_at))
            .bind(get(&closes_at))
            .bind(set(&m[0]))
            .bind(get(&m[0]))
            .bind(set(&m[1]))
            .bind(get(&m[1]))
            .bind(set(&m[2]))
            .bind(get(&m[2]))
            .bind(outbound)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if let Some(outbound) = outbound {
                // The lab's VMs follow; a running one takes it at its next start.
                sqlx::query(&DB::sql(
                    "UPDATE vms SET needs_restart = CASE WHEN outbound != ? AND state NOT IN ('stopped', 'crashed') THEN TRUE \
                     ELSE needs_restart END, outbound = ?, updated_at = ? WHERE lab_id = ?",
                ))
                .bind(outbound)
                .bind(outbound)
                .bind(now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })
    }

    /// Pins the lab to a node, or (None) unpins it.
    pub async fn set_lab_node(&self, id: i64, node_id: Option<i64>) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE labs SET node_id = ?, updated_at = ? WHERE id = ?"))
                .bind(node_id)
                .bind(now())
                .bind(id)
                .execute(p)
                .await?;
            Ok(())
        })
    }

    /// Deletes a lab whose VMs are all gone.
    pub async fn delete_lab(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_unreferenced("labs", id, &[("vms", "lab_id")]).await
    }

    /// A student's VM in a lab.
    pub async fn lab_vm_of(&self, lab_id: i64, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT id FROM vms WHERE lab_id = ? AND owner_id = ?")).bind(lab_id).bind(user_id).fetch_optional(p).await
        })
    }

    pub async fn lab_vm_ids(&self, lab_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT id FROM vms WHERE lab_id = ? ORDER BY id")).bind(lab_id).fetch_all(p).await
        })
    }

    /// Every student of the lab's course with their VM, if made yet.
    pub async fn seats(&self, lab_id: i64) -> Result<Vec<SeatView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<(i64, String, String, Option<i64>, Option<String>, Option<i64>)> = sqlx::query_as(&DB::sql(
                "SELECT u.id, u.username, u.display_name, v.id, v.state, \
                 (SELECT MAX(COALESCE(a.ended_at, a.started_at)) FROM vm_activity a WHERE a.vm_id = v.id) \
                 FROM labs l JOIN course_members m ON m.course_id = l.course_id AND m.role = 'student' \
                 JOIN users u ON u.id = m.user_id LEFT JOIN vms v ON v.lab_id = l.id AND v.owner_id = u.id \
                 WHERE l.id = ? ORDER BY u.username",
            ))
            .bind(lab_id)
            .fetch_all(p)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(user_id, username, display_name, vm_id, state, last)| SeatView {
                    user_id,
                    username,
                    display_name,
                    vm_id,
                    state,
                    last_activity: last.map(rfc3339),
                    cpu_recent: Vec::new(),
                })
                .collect())
        })
    }

    /// The CPU of the lab's VMs at each finest-tier sample since `since`:
    /// (vm id, percent), by VM and then time.
    pub async fn lab_cpu_since(&self, lab_id: i64, since: i64) -> Result<Vec<(i64, f64)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql(
                "SELECT s.vm_id, s.cpu_percent FROM vm_samples s JOIN vms v ON v.id = s.vm_id \
                 WHERE v.lab_id = ? AND s.tier = 0 AND s.at >= ? ORDER BY s.vm_id, s.at",
            ))
            .bind(lab_id)
            .bind(since)
            .fetch_all(p)
            .await
        })
    }

    /// Inserts a lab VM and its overlay disk row together; (vm id, disk id).
    pub async fn insert_clone(&self, c: NewCloneRow<'_>) -> Result<(i64, i64), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            let mut tx = p.begin().await?;
            let vm_id: i64 = sqlx::query_scalar(&DB::sql(
                "INSERT INTO vms (uuid, name, description, owner_id, cpus, memory_mib, boot_order, disk_bus, network, kernel, \
                 lab_id, outbound, created_at, updated_at, node_id) VALUES (?, ?, '', ?, ?, ?, 'c', ?, 'user', ?, ?, ?, ?, ?, ?) RETURNING id",
            ))
            .bind(c.uuid)
            .bind(c.name)
            .bind(c.owner_id)
            .bind(c.cpus as i64)
            .bind(c.memory_mib as i64)
            .bind(c.disk_bus)
            .bind(c.kernel)
            .bind(c.lab_id)
            .bind(c.outbound)
            .bind(t)
            .bind(t)
            .bind(c.node_id)
            .fetch_one(&mut *tx)
            .await?;
            let disk_id: i64 = sqlx::query_scalar(&DB::sql(
                "INSERT INTO disks (name, owner_id, format, size_bytes, vm_id, backing_version_id, created_at, updated_at, node_id) \
                 VALUES (?, ?, 'qcow2', ?, ?, ?, ?, ?, ?) RETURNING id",
            ))
            .bind(c.name)
            .bind(c.owner_id)
            .bind(c.size_bytes as i64)
            .bind(vm_id)
            .bind(c.version_id)
            .bind(t)
            .bind(t)
            .bind(c.node_id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok((vm_id, disk_id))
        })
    }

    /// Who published a lab.
    pub async fn lab_creator(&self, lab_id: i64) -> Result<Option<i64>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            Ok(sqlx::query_scalar::<_, Option<i64>>(&DB::sql("SELECT created_by FROM labs WHERE id = ?"))
                .bind(lab_id)
                .fetch_optional(p)
                .await?
                .flatten())
        })
    }

}
