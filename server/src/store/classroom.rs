//! Courses, members, templates, labs, quotas and usage records.

use super::Store;
use crate::time::{now, rfc3339};
use app::types::{
    CourseView, LabView, MemberView, QuotaLimits, QuotaUsage, SeatView, StatRow, TemplateVersionView, TemplateView,
};
use sqlx::{Sqlite, Transaction};

#[derive(sqlx::FromRow)]
struct CourseRow {
    id: i64,
    code: String,
    title: String,
    term: String,
    description: String,
    archived: bool,
    keep_reset_disks: bool,
    my_role: Option<String>,
    teachers: i64,
    students: i64,
    created_at: i64,
    updated_at: i64,
}

impl CourseRow {
    fn into_view(self) -> CourseView {
        CourseView {
            id: self.id,
            code: self.code,
            title: self.title,
            term: self.term,
            description: self.description,
            archived: self.archived,
            keep_reset_disks: self.keep_reset_disks,
            my_role: self.my_role,
            teachers: self.teachers as u32,
            students: self.students as u32,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        }
    }
}

/// Binds: viewer id.
const COURSE_SELECT: &str = "SELECT c.id, c.code, c.title, c.term, c.description, c.archived, c.keep_reset_disks, \
    (SELECT role FROM course_members WHERE course_id = c.id AND user_id = ?) AS my_role, \
    (SELECT COUNT(*) FROM course_members WHERE course_id = c.id AND role = 'teacher') AS teachers, \
    (SELECT COUNT(*) FROM course_members WHERE course_id = c.id AND role = 'student') AS students, \
    c.created_at, c.updated_at FROM courses c";

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
    vm_count: i64,
    my_vm_id: Option<i64>,
    my_vm_state: Option<String>,
    created_at: i64,
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
            vm_count: self.vm_count as u32,
            my_vm_id: self.my_vm_id,
            my_vm_state: self.my_vm_state,
            created_at: rfc3339(self.created_at),
        }
    }
}

/// Binds: viewer id (for `my_vm_*`).
const LAB_SELECT: &str = "SELECT l.id, l.course_id, c.code AS course_code, l.name, l.description, t.id AS template_id, \
    t.name AS template_name, l.template_version_id, tv.version, l.cpus, l.memory_mib, l.opens_at, l.closes_at, \
    l.auto_start_minutes, l.auto_stop_minutes, l.idle_stop_minutes, \
    (SELECT COUNT(*) FROM vms WHERE lab_id = l.id) AS vm_count, \
    mv.id AS my_vm_id, mv.state AS my_vm_state, l.created_at \
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
    pub created_by: i64,
}

/// A template version with what a clone needs from its template.
#[derive(Debug, Clone)]
pub struct VersionRecord {
    pub view: TemplateVersionView,
    pub course_id: i64,
    pub disk_bus: String,
    pub kernel: Option<String>,
    pub sha256: Option<String>,
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
}

/// A new account made by a CSV enrolment.
pub struct NewStudentRow {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
}

impl Store {
    pub async fn insert_course(
        &self,
        (code, title, term, description): (&str, &str, &str, &str),
        keep_reset_disks: bool,
        created_by: i64,
        first_teacher: Option<i64>,
    ) -> Result<i64, sqlx::Error> {
        let t = now();
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO courses (code, title, term, description, keep_reset_disks, created_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(code)
        .bind(title)
        .bind(term)
        .bind(description)
        .bind(keep_reset_disks)
        .bind(created_by)
        .bind(t)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(teacher) = first_teacher {
            add_member_tx(&mut tx, id, teacher, "teacher", t).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn course(&self, id: i64, viewer: i64) -> Result<Option<CourseView>, sqlx::Error> {
        let row: Option<CourseRow> = sqlx::query_as(&format!("{COURSE_SELECT} WHERE c.id = ?"))
            .bind(viewer)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(CourseRow::into_view))
    }

    /// Courses, all of them (`member` none) or those `member` belongs to.
    pub async fn list_courses(
        &self,
        viewer: i64,
        member: Option<i64>,
        search: Option<&str>,
        limit: u32,
        offset: u64,
    ) -> Result<(Vec<CourseView>, u64), sqlx::Error> {
        let filter = " WHERE (? IS NULL OR c.id IN (SELECT course_id FROM course_members WHERE user_id = ?)) \
            AND (? IS NULL OR c.code LIKE ? ESCAPE '\\' OR c.title LIKE ? ESCAPE '\\')";
        let pattern = search.map(|s| format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM courses c{filter}"))
            .bind(member)
            .bind(member)
            .bind(&pattern)
            .bind(&pattern)
            .bind(&pattern)
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<CourseRow> = sqlx::query_as(&format!("{COURSE_SELECT}{filter} ORDER BY c.archived, c.code LIMIT ? OFFSET ?"))
            .bind(viewer)
            .bind(member)
            .bind(member)
            .bind(&pattern)
            .bind(&pattern)
            .bind(&pattern)
            .bind(limit as i64)
            .bind(offset as i64)
            .fetch_all(&self.pool)
            .await?;
        Ok((rows.into_iter().map(CourseRow::into_view).collect(), total as u64))
    }

    pub async fn update_course(
        &self,
        id: i64,
        (title, term, description): (Option<&str>, Option<&str>, Option<&str>),
        archived: Option<bool>,
        keep_reset_disks: Option<bool>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE courses SET title = COALESCE(?, title), term = COALESCE(?, term), description = COALESCE(?, description), \
             archived = COALESCE(?, archived), keep_reset_disks = COALESCE(?, keep_reset_disks), updated_at = ? WHERE id = ?",
        )
        .bind(title)
        .bind(term)
        .bind(description)
        .bind(archived)
        .bind(keep_reset_disks)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Deletes a course with no templates or labs left.
    pub async fn delete_course(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_unreferenced("courses", id, &[("templates", "course_id"), ("labs", "course_id")]).await
    }

    /// Deletes row `id` of `table` unless a row of one of `refs` (table,
    /// column) points at it. Names are this module's constants.
    async fn delete_unreferenced(&self, table: &str, id: i64, refs: &[(&str, &str)]) -> Result<bool, sqlx::Error> {
        let mut sql = format!("DELETE FROM {table} WHERE id = ?");
        for (t, c) in refs {
            sql.push_str(&format!(" AND NOT EXISTS (SELECT 1 FROM {t} WHERE {c} = ?)"));
        }
        let mut q = sqlx::query(&sql).bind(id);
        for _ in refs {
            q = q.bind(id);
        }
        Ok(q.execute(&self.pool).await?.rows_affected() == 1)
    }

    /// The user's role in the course, if a member.
    pub async fn member_role(&self, course_id: i64, user_id: i64) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT role FROM course_members WHERE course_id = ? AND user_id = ?")
            .bind(course_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn members(&self, course_id: i64) -> Result<Vec<MemberView>, sqlx::Error> {
        let rows: Vec<(i64, String, String, Option<String>, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.email, m.role, m.added_at FROM course_members m \
             JOIN users u ON u.id = m.user_id WHERE m.course_id = ? ORDER BY m.role DESC, u.username",
        )
        .bind(course_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, username, display_name, email, role, t)| MemberView {
                user_id,
                username,
                display_name,
                email,
                role,
                added_at: rfc3339(t),
            })
            .collect())
    }

    /// Adds a member or changes their role.
    pub async fn add_member(&self, course_id: i64, user_id: i64, role: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        add_member_tx(&mut tx, course_id, user_id, role, now()).await?;
        tx.commit().await
    }

    pub async fn remove_member(&self, course_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
        let r = sqlx::query("DELETE FROM course_members WHERE course_id = ? AND user_id = ?")
            .bind(course_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Enrols existing users and creates new ones, all or nothing.
    pub async fn enrol(&self, course_id: i64, existing: &[i64], new: &[NewStudentRow]) -> Result<(), sqlx::Error> {
        let t = now();
        let mut tx = self.pool.begin().await?;
        for u in new {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, display_name, email, role, password_hash, created_at, updated_at) \
                 VALUES (?, ?, ?, 'student', ?, ?, ?) RETURNING id",
            )
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.email)
            .bind(&u.password_hash)
            .bind(t)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            add_member_tx(&mut tx, course_id, id, "student", t).await?;
        }
        for id in existing {
            add_member_tx(&mut tx, course_id, *id, "student", t).await?;
        }
        tx.commit().await
    }

    /// (id, username) of each student of a course.
    pub async fn course_students(&self, course_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT u.id, u.username FROM course_members m JOIN users u ON u.id = m.user_id \
             WHERE m.course_id = ? AND m.role = 'student' ORDER BY u.username",
        )
        .bind(course_id)
        .fetch_all(&self.pool)
        .await
    }
}

async fn add_member_tx(tx: &mut Transaction<'_, Sqlite>, course_id: i64, user_id: i64, role: &str, t: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO course_members (course_id, user_id, role, added_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(course_id)
    .bind(user_id)
    .bind(role)
    .bind(t)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

type VersionTuple = (i64, i64, i64, String, i64, String, i64, i64, i64, String, Option<String>, Option<String>);

const VERSION_SELECT: &str = "SELECT v.id, v.template_id, v.version, v.note, v.size_bytes, v.status, v.received_bytes, \
    v.created_at, t.course_id, t.disk_bus, t.kernel, v.sha256 FROM template_versions v JOIN templates t ON t.id = v.template_id";

fn version_record(r: VersionTuple) -> VersionRecord {
    let (id, template_id, version, note, size, status, received, created, course_id, disk_bus, kernel, sha256) = r;
    VersionRecord {
        view: TemplateVersionView {
            id,
            template_id,
            version: version as u32,
            note,
            size_bytes: size as u64,
            status,
            received_bytes: received as u64,
            created_at: rfc3339(created),
        },
        course_id,
        disk_bus,
        kernel,
        sha256,
    }
}

impl Store {
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_template(
        &self,
        course_id: i64,
        name: &str,
        description: &str,
        cpus: u32,
        memory_mib: u32,
        disk_bus: &str,
        kernel: Option<&str>,
        created_by: i64,
    ) -> Result<i64, sqlx::Error> {
        let t = now();
        sqlx::query_scalar(
            "INSERT INTO templates (course_id, name, description, cpus, memory_mib, disk_bus, kernel, created_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(course_id)
        .bind(name)
        .bind(description)
        .bind(cpus as i64)
        .bind(memory_mib as i64)
        .bind(disk_bus)
        .bind(kernel)
        .bind(created_by)
        .bind(t)
        .bind(t)
        .fetch_one(&self.pool)
        .await
    }

    pub async fn delete_template(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_unreferenced("templates", id, &[("template_versions", "template_id")]).await
    }

    /// Adds the next version of a template.
    pub async fn insert_template_version(
        &self,
        template_id: i64,
        note: &str,
        size_bytes: u64,
        upload_sha256: Option<&str>,
    ) -> Result<VersionRecord, sqlx::Error> {
        let status = if upload_sha256.is_some() { "uploading" } else { "ready" };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO template_versions (template_id, version, note, size_bytes, sha256, received_bytes, status, created_at) \
             VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM template_versions WHERE template_id = ?), ?, ?, ?, 0, ?, ?) RETURNING id",
        )
        .bind(template_id)
        .bind(template_id)
        .bind(note)
        .bind(size_bytes as i64)
        .bind(upload_sha256)
        .bind(status)
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        Ok(self.template_version(id).await?.expect("just inserted"))
    }

    pub async fn template_version(&self, id: i64) -> Result<Option<VersionRecord>, sqlx::Error> {
        let row: Option<VersionTuple> =
            sqlx::query_as(&format!("{VERSION_SELECT} WHERE v.id = ?")).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(version_record))
    }

    pub async fn set_version_received(&self, id: i64, received: u64, ready: bool) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE template_versions SET received_bytes = ?, status = CASE WHEN ? THEN 'ready' ELSE status END WHERE id = ?")
            .bind(received as i64)
            .bind(ready)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Deletes a version nothing uses (no lab, no disk).
    pub async fn delete_template_version(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_unreferenced("template_versions", id, &[("labs", "template_version_id"), ("disks", "backing_version_id")]).await
    }

    pub async fn template(&self, id: i64) -> Result<Option<TemplateView>, sqlx::Error> {
        let row: Option<(i64, i64, String, String, i64, i64, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, course_id, name, description, cpus, memory_mib, disk_bus, kernel, created_at FROM templates WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, course_id, name, description, cpus, memory, disk_bus, kernel, created)) = row else {
            return Ok(None);
        };
        let versions: Vec<VersionTuple> =
            sqlx::query_as(&format!("{VERSION_SELECT} WHERE v.template_id = ? ORDER BY v.version")).bind(id).fetch_all(&self.pool).await?;
        Ok(Some(TemplateView {
            id,
            course_id,
            name,
            description,
            cpus: cpus as u32,
            memory_mib: memory as u32,
            disk_bus: app::types::DiskBus::parse(&disk_bus).unwrap_or_default(),
            kernel,
            versions: versions.into_iter().map(|v| version_record(v).view).collect(),
            created_at: rfc3339(created),
        }))
    }

    pub async fn course_templates(&self, course_id: i64) -> Result<Vec<TemplateView>, sqlx::Error> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM templates WHERE course_id = ? ORDER BY name")
            .bind(course_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(t) = self.template(id).await? {
                out.push(t);
            }
        }
        Ok(out)
    }
}

impl Store {
    pub async fn insert_lab(&self, l: NewLabRow<'_>) -> Result<i64, sqlx::Error> {
        let t = now();
        sqlx::query_scalar(
            "INSERT INTO labs (course_id, template_version_id, name, description, cpus, memory_mib, opens_at, closes_at, \
             auto_start_minutes, auto_stop_minutes, idle_stop_minutes, created_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
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
        .bind(l.created_by)
        .bind(t)
        .bind(t)
        .fetch_one(&self.pool)
        .await
    }

    /// Labs matching `clause`, whose placeholders take `binds` in order.
    async fn lab_rows(&self, viewer: i64, clause: &str, binds: &[i64]) -> Result<Vec<LabRecord>, sqlx::Error> {
        let sql = format!("{LAB_SELECT} {clause}");
        let mut q = sqlx::query_as::<_, LabRow>(&sql).bind(viewer);
        for b in binds {
            q = q.bind(*b);
        }
        Ok(q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| LabRecord { opens_at: r.opens_at, closes_at: r.closes_at, view: r.into_view() })
            .collect())
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
            "WHERE c.archived = 0 AND EXISTS (SELECT 1 FROM course_members m WHERE m.course_id = l.course_id \
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
    ) -> Result<(), sqlx::Error> {
        // Option<Option<_>>: outer none = unchanged, inner none = cleared.
        let set = |v: &Option<Option<i64>>| v.is_some();
        let get = |v: &Option<Option<i64>>| v.flatten();
        let m: Vec<Option<Option<i64>>> = minutes.iter().map(|o| o.map(|i| i.map(|x| x as i64))).collect();
        sqlx::query(
            "UPDATE labs SET description = COALESCE(?, description), template_version_id = COALESCE(?, template_version_id), \
             opens_at = CASE WHEN ? THEN ? ELSE opens_at END, closes_at = CASE WHEN ? THEN ? ELSE closes_at END, \
             auto_start_minutes = CASE WHEN ? THEN ? ELSE auto_start_minutes END, \
             auto_stop_minutes = CASE WHEN ? THEN ? ELSE auto_stop_minutes END, \
             idle_stop_minutes = CASE WHEN ? THEN ? ELSE idle_stop_minutes END, updated_at = ? WHERE id = ?",
        )
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
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Deletes a lab whose VMs are all gone.
    pub async fn delete_lab(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_unreferenced("labs", id, &[("vms", "lab_id")]).await
    }

    /// A student's VM in a lab.
    pub async fn lab_vm_of(&self, lab_id: i64, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT id FROM vms WHERE lab_id = ? AND owner_id = ?").bind(lab_id).bind(user_id).fetch_optional(&self.pool).await
    }

    pub async fn lab_vm_ids(&self, lab_id: i64) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT id FROM vms WHERE lab_id = ? ORDER BY id").bind(lab_id).fetch_all(&self.pool).await
    }

    /// Every student of the lab's course with their VM, if made yet.
    pub async fn seats(&self, lab_id: i64) -> Result<Vec<SeatView>, sqlx::Error> {
        let rows: Vec<(i64, String, String, Option<i64>, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, v.id, v.state, \
             (SELECT MAX(COALESCE(a.ended_at, a.started_at)) FROM vm_activity a WHERE a.vm_id = v.id) \
             FROM labs l JOIN course_members m ON m.course_id = l.course_id AND m.role = 'student' \
             JOIN users u ON u.id = m.user_id LEFT JOIN vms v ON v.lab_id = l.id AND v.owner_id = u.id \
             WHERE l.id = ? ORDER BY u.username",
        )
        .bind(lab_id)
        .fetch_all(&self.pool)
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
            })
            .collect())
    }

    /// Inserts a lab VM and its overlay disk row together; (vm id, disk id).
    pub async fn insert_clone(&self, c: NewCloneRow<'_>) -> Result<(i64, i64), sqlx::Error> {
        let t = now();
        let mut tx = self.pool.begin().await?;
        let vm_id: i64 = sqlx::query_scalar(
            "INSERT INTO vms (uuid, name, description, owner_id, cpus, memory_mib, boot_order, disk_bus, network, kernel, \
             lab_id, created_at, updated_at) VALUES (?, ?, '', ?, ?, ?, 'c', ?, 'user', ?, ?, ?, ?) RETURNING id",
        )
        .bind(c.uuid)
        .bind(c.name)
        .bind(c.owner_id)
        .bind(c.cpus as i64)
        .bind(c.memory_mib as i64)
        .bind(c.disk_bus)
        .bind(c.kernel)
        .bind(c.lab_id)
        .bind(t)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        let disk_id: i64 = sqlx::query_scalar(
            "INSERT INTO disks (name, owner_id, format, size_bytes, vm_id, backing_version_id, created_at, updated_at) \
             VALUES (?, ?, 'qcow2', ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(c.name)
        .bind(c.owner_id)
        .bind(c.size_bytes as i64)
        .bind(vm_id)
        .bind(c.version_id)
        .bind(t)
        .bind(t)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((vm_id, disk_id))
    }

    /// The template version a disk is an overlay on.
    pub async fn disk_backing(&self, disk_id: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT backing_version_id FROM disks WHERE id = ?").bind(disk_id).fetch_one(&self.pool).await
    }

    pub async fn set_disk_backing(&self, disk_id: i64, version_id: Option<i64>) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE disks SET backing_version_id = ?, updated_at = ? WHERE id = ?")
            .bind(version_id)
            .bind(now())
            .bind(disk_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Who published a lab.
    pub async fn lab_creator(&self, lab_id: i64) -> Result<Option<i64>, sqlx::Error> {
        Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT created_by FROM labs WHERE id = ?")
            .bind(lab_id)
            .fetch_optional(&self.pool)
            .await?
            .flatten())
    }

    /// Forgets a VM's snapshots (their disk was replaced).
    pub async fn forget_snapshots(&self, vm_id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM vm_snapshots WHERE vm_id = ?").bind(vm_id).execute(&self.pool).await.map(|_| ())
    }

    /// The course of a lab VM.
    pub async fn vm_course(&self, vm_id: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT l.course_id FROM vms v JOIN labs l ON l.id = v.lab_id WHERE v.id = ?")
            .bind(vm_id)
            .fetch_optional(&self.pool)
            .await
    }
}

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
        let (s, id) = scope.key();
        type Row = (Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT max_vms, max_vcpus, max_memory_mib, max_disk_mib, max_running_vms, max_running_vcpus, max_running_memory_mib \
             FROM quotas WHERE scope = ? AND scope_id = ?",
        )
        .bind(s)
        .bind(id)
        .fetch_optional(&self.pool)
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
    }

    pub async fn set_quota(&self, scope: QuotaScope, l: &QuotaLimits) -> Result<(), sqlx::Error> {
        let (s, id) = scope.key();
        let i = |v: Option<u64>| v.map(|x| x.min(i64::MAX as u64) as i64);
        sqlx::query(
            "INSERT INTO quotas (scope, scope_id, max_vms, max_vcpus, max_memory_mib, max_disk_mib, max_running_vms, \
             max_running_vcpus, max_running_memory_mib) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (scope, scope_id) DO UPDATE SET max_vms = excluded.max_vms, max_vcpus = excluded.max_vcpus, \
             max_memory_mib = excluded.max_memory_mib, max_disk_mib = excluded.max_disk_mib, \
             max_running_vms = excluded.max_running_vms, max_running_vcpus = excluded.max_running_vcpus, \
             max_running_memory_mib = excluded.max_running_memory_mib",
        )
        .bind(s)
        .bind(id)
        .bind(i(l.max_vms))
        .bind(i(l.max_vcpus))
        .bind(i(l.max_memory_mib))
        .bind(i(l.max_disk_mib))
        .bind(i(l.max_running_vms))
        .bind(i(l.max_running_vcpus))
        .bind(i(l.max_running_memory_mib))
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// What the scope's VMs and disks use now. Running = a QEMU process exists.
    pub async fn usage(&self, scope: QuotaScope) -> Result<QuotaUsage, sqlx::Error> {
        let (vm_filter, disk_filter) = match scope {
            QuotaScope::User(_) => ("v.owner_id = ?", "d.owner_id = ?"),
            QuotaScope::Course(_) => (
                "v.lab_id IN (SELECT id FROM labs WHERE course_id = ?)",
                "d.vm_id IN (SELECT id FROM vms WHERE lab_id IN (SELECT id FROM labs WHERE course_id = ?))",
            ),
        };
        let id = scope.key().1;
        let (vms, vcpus, memory, rvms, rvcpus, rmemory): (i64, i64, i64, i64, i64, i64) = sqlx::query_as(&format!(
            "SELECT COUNT(*), COALESCE(SUM(cpus), 0), COALESCE(SUM(memory_mib), 0), \
             COALESCE(SUM(state IN ('starting', 'running', 'paused', 'stopping')), 0), \
             COALESCE(SUM(CASE WHEN state IN ('starting', 'running', 'paused', 'stopping') THEN cpus ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN state IN ('starting', 'running', 'paused', 'stopping') THEN memory_mib ELSE 0 END), 0) \
             FROM vms v WHERE {vm_filter}"
        ))
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let disk: i64 = sqlx::query_scalar(&format!("SELECT COALESCE(SUM(size_bytes), 0) FROM disks d WHERE {disk_filter}"))
            .bind(id)
            .fetch_one(&self.pool)
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
    }

    /// Memory of every VM with a process, host-wide.
    pub async fn running_memory_mib(&self) -> Result<u64, sqlx::Error> {
        let m: i64 = sqlx::query_scalar(
            "SELECT COALESCE(SUM(memory_mib), 0) FROM vms WHERE state IN ('starting', 'running', 'paused', 'stopping')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(m.max(0) as u64)
    }
}

impl Store {
    pub async fn begin_console_activity(&self, vm_id: i64, user_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("INSERT INTO vm_activity (vm_id, kind, user_id, started_at) VALUES (?, 'console', ?, ?) RETURNING id")
            .bind(vm_id)
            .bind(user_id)
            .bind(now())
            .fetch_one(&self.pool)
            .await
    }

    pub async fn end_activity(&self, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE vm_activity SET ended_at = ? WHERE id = ?").bind(now()).bind(id).execute(&self.pool).await.map(|_| ())
    }

    pub async fn end_open_console_activity(&self) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE vm_activity SET ended_at = started_at WHERE kind = 'console' AND ended_at IS NULL")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn record_reset(&self, vm_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
        let t = now();
        sqlx::query("INSERT INTO vm_activity (vm_id, kind, user_id, started_at, ended_at) VALUES (?, 'reset', ?, ?, ?)")
            .bind(vm_id)
            .bind(user_id)
            .bind(t)
            .bind(t)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// When someone last used the VM's console (open sessions count as now)
    /// or the VM last started.
    pub async fn last_activity(&self, vm_id: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT MAX(CASE WHEN kind = 'console' AND ended_at IS NULL THEN ? WHEN kind = 'console' THEN ended_at ELSE started_at END) \
             FROM vm_activity WHERE vm_id = ? AND kind IN ('console', 'run')",
        )
        .bind(now())
        .bind(vm_id)
        .fetch_one(&self.pool)
        .await
    }

    /// Per student and lab VM of a course: hours running, minutes of the
    /// student's own console use (a teacher watching does not count),
    /// starts, resets, last activity.
    pub async fn course_statistics(&self, course_id: i64) -> Result<Vec<StatRow>, sqlx::Error> {
        type Row = (i64, String, String, i64, String, i64, i64, i64, i64, i64, Option<i64>);
        let t = now();
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, l.id, l.name, v.id, \
             COALESCE(SUM(CASE WHEN a.kind = 'run' THEN COALESCE(a.ended_at, ?) - a.started_at END), 0), \
             COALESCE(SUM(CASE WHEN a.kind = 'console' AND a.user_id = v.owner_id THEN COALESCE(a.ended_at, ?) - a.started_at END), 0), \
             COUNT(CASE WHEN a.kind = 'run' THEN 1 END), COUNT(CASE WHEN a.kind = 'reset' THEN 1 END), \
             MAX(COALESCE(a.ended_at, a.started_at)) \
             FROM vms v JOIN labs l ON l.id = v.lab_id JOIN users u ON u.id = v.owner_id \
             LEFT JOIN vm_activity a ON a.vm_id = v.id WHERE l.course_id = ? \
             GROUP BY v.id ORDER BY u.username, l.id",
        )
        .bind(t)
        .bind(t)
        .bind(course_id)
        .fetch_all(&self.pool)
        .await?;
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
    }
}
