//! Templates and their versions.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::{now, rfc3339};
use app::types::{TemplateVersionView, TemplateView};

/// A template version with what a clone needs from its template.
#[derive(Debug, Clone)]
pub struct VersionRecord {
    pub view: TemplateVersionView,
    pub course_id: i64,
    pub disk_bus: String,
    pub kernel: Option<String>,
    pub sha256: Option<String>,
}

type VersionTuple = (i64, i64, i64, String, i64, String, i64, i64, i64, String, Option<String>, Option<String>);

const VERSION_SELECT: &str = "SELECT v.id, v.template_id, v.version, v.note, v.size_bytes, v.status, v.received_bytes, \
    v.created_at, t.course_id, t.disk_bus, t.kernel, v.sha256 FROM template_versions v JOIN templates t ON t.id = v.template_id";

type TemplateTuple = (i64, i64, String, String, i64, i64, String, Option<String>, i64);

const TEMPLATE_SELECT: &str = "SELECT id, course_id, name, description, cpus, memory_mib, disk_bus, kernel, created_at FROM templates";

fn template_view(row: TemplateTuple, versions: Vec<app::types::TemplateVersionView>) -> TemplateView {
    let (id, course_id, name, description, cpus, memory, disk_bus, kernel, created) = row;
    TemplateView {
        id,
        course_id,
        name,
        description,
        cpus: cpus as u32,
        memory_mib: memory as u32,
        disk_bus: app::types::DiskBus::parse(&disk_bus).unwrap_or_default(),
        kernel,
        versions,
        created_at: rfc3339(created),
    }
}

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
        on_db!(&self.pool, p, DB => {
            let t = now();
            sqlx::query_scalar(&DB::sql(
                "INSERT INTO templates (course_id, name, description, cpus, memory_mib, disk_bus, kernel, created_by, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            ))
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
            .fetch_one(p)
            .await
        })
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
        uploaded_by: Option<i64>,
    ) -> Result<VersionRecord, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let status = if upload_sha256.is_some() { "uploading" } else { "ready" };
            let id: i64 = sqlx::query_scalar(&DB::sql(
                "INSERT INTO template_versions (template_id, version, note, size_bytes, sha256, received_bytes, status, created_at, uploaded_by) \
                 VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM template_versions WHERE template_id = ?), ?, ?, ?, 0, ?, ?, ?) RETURNING id",
            ))
            .bind(template_id)
            .bind(template_id)
            .bind(note)
            .bind(size_bytes as i64)
            .bind(upload_sha256)
            .bind(status)
            .bind(now())
            .bind(uploaded_by)
            .fetch_one(p)
            .await?;
            Ok(self.template_version(id).await?.expect("just inserted"))
        })
    }

    pub async fn template_version(&self, id: i64) -> Result<Option<VersionRecord>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<VersionTuple> =
                sqlx::query_as(&DB::sql(&format!("{VERSION_SELECT} WHERE v.id = ?"))).bind(id).fetch_optional(p).await?;
            Ok(row.map(version_record))
        })
    }

    pub async fn set_version_received(&self, id: i64, received: u64, ready: bool) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql("UPDATE template_versions SET received_bytes = ?, status = CASE WHEN ? THEN 'ready' ELSE status END WHERE id = ?"))
                .bind(received as i64)
                .bind(ready)
                .bind(id)
                .execute(p)
                .await
                .map(|_| ())
        })
    }

    /// Deletes a version nothing uses (no lab, no disk).
    /// (version id, template id) of every unfinished template image upload.
    pub async fn unfinished_template_uploads(&self) -> Result<Vec<(i64, i64)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql("SELECT id, template_id FROM template_versions WHERE status = 'uploading'")).fetch_all(p).await
        })
    }

    pub async fn delete_template_version(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_unreferenced("template_versions", id, &[("labs", "template_version_id"), ("disks", "backing_version_id")]).await
    }

    pub async fn template(&self, id: i64) -> Result<Option<TemplateView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<TemplateTuple> = sqlx::query_as(&DB::sql(&format!("{TEMPLATE_SELECT} WHERE id = ?"))).bind(id).fetch_optional(p).await?;
            let Some(row) = row else { return Ok(None) };
            let versions: Vec<VersionTuple> =
                sqlx::query_as(&DB::sql(&format!("{VERSION_SELECT} WHERE v.template_id = ? ORDER BY v.version"))).bind(id).fetch_all(p).await?;
            Ok(Some(template_view(row, versions.into_iter().map(|v| version_record(v).view).collect())))
        })
    }

    pub async fn course_templates(&self, course_id: i64) -> Result<Vec<TemplateView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            // Two statements for the whole list: the templates, then all their versions.
            let rows: Vec<TemplateTuple> =
                sqlx::query_as(&DB::sql(&format!("{TEMPLATE_SELECT} WHERE course_id = ? ORDER BY name"))).bind(course_id).fetch_all(p).await?;
            let all: Vec<VersionTuple> = sqlx::query_as(&DB::sql(&format!("{VERSION_SELECT} WHERE t.course_id = ? ORDER BY v.version")))
                .bind(course_id)
                .fetch_all(p)
                .await?;
            let mut versions: std::collections::HashMap<i64, Vec<app::types::TemplateVersionView>> = Default::default();
            for v in all {
                let r = version_record(v);
                versions.entry(r.view.template_id).or_default().push(r.view);
            }
            Ok(rows.into_iter().map(|row| {
                let of = versions.remove(&row.0).unwrap_or_default();
                template_view(row, of)
            }).collect())
        })
    }
}
