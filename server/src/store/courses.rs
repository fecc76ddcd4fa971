//! Courses and their members.

use super::db::{on_db, Dialect};
use super::Store;
use crate::time::{now, rfc3339};
use app::types::{CourseView, MemberView, Role};
use sqlx::Transaction;

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

/// An existing account named in a CSV enrolment.
pub struct EnrolmentAccount {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// Its role in the course, if a member.
    pub member_role: Option<String>,
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
        on_db!(&self.pool, p, DB => {
            let t = now();
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(&DB::sql(
                "INSERT INTO courses (code, title, term, description, keep_reset_disks, created_by, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            ))
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
        })
    }

    pub async fn course(&self, id: i64, viewer: i64) -> Result<Option<CourseView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<CourseRow> = sqlx::query_as(&DB::sql(&format!("{COURSE_SELECT} WHERE c.id = ?")))
                .bind(viewer)
                .bind(id)
                .fetch_optional(p)
                .await?;
            Ok(row.map(CourseRow::into_view))
        })
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
        on_db!(&self.pool, p, DB => {
            let like = DB::ILIKE;
            let filter = format!(
                " WHERE (? IS NULL OR c.id IN (SELECT course_id FROM course_members WHERE user_id = ?)) \
                 AND (? IS NULL OR c.code {like} ? ESCAPE '\\' OR c.title {like} ? ESCAPE '\\')"
            );
            let pattern = search.map(super::db::like_pattern);
            let total: i64 = sqlx::query_scalar(&DB::sql(&format!("SELECT COUNT(*) FROM courses c{filter}")))
                .bind(member)
                .bind(member)
                .bind(&pattern)
                .bind(&pattern)
                .bind(&pattern)
                .fetch_one(p)
                .await?;
            let rows: Vec<CourseRow> = sqlx::query_as(&DB::sql(&format!("{COURSE_SELECT}{filter} ORDER BY c.archived, c.code LIMIT ? OFFSET ?")))
                .bind(viewer)
                .bind(member)
                .bind(member)
                .bind(&pattern)
                .bind(&pattern)
                .bind(&pattern)
                .bind(limit as i64)
                .bind(offset as i64)
                .fetch_all(p)
                .await?;
            Ok((rows.into_iter().map(CourseRow::into_view).collect(), total as u64))
        })
    }

    pub async fn update_course(
        &self,
        id: i64,
        (title, term, description): (Option<&str>, Option<&str>, Option<&str>),
        archived: Option<bool>,
        keep_reset_disks: Option<bool>,
    ) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query(&DB::sql(
                "UPDATE courses SET title = COALESCE(?, title), term = COALESCE(?, term), description = COALESCE(?, description), \
                 archived = COALESCE(?, archived), keep_reset_disks = COALESCE(?, keep_reset_disks), updated_at = ? WHERE id = ?",
            ))
            .bind(title)
            .bind(term)
            .bind(description)
            .bind(archived)
            .bind(keep_reset_disks)
            .bind(now())
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
        })
    }

    /// Deletes a course with no templates or labs left.
    pub async fn delete_course(&self, id: i64) -> Result<bool, sqlx::Error> {
        self.delete_unreferenced("courses", id, &[("templates", "course_id"), ("labs", "course_id")]).await
    }

    /// The user's role in the course, if a member.
    pub async fn member_role(&self, course_id: i64, user_id: i64) -> Result<Option<String>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_scalar(&DB::sql("SELECT role FROM course_members WHERE course_id = ? AND user_id = ?"))
                .bind(course_id)
                .bind(user_id)
                .fetch_optional(p)
                .await
        })
    }

    /// The accounts among `usernames` (matched as usernames are, without
    /// case) with their role and their role in the course: one statement
    /// for a whole CSV. Keyed by lower-case username.
    pub async fn accounts_for_enrolment(&self, course_id: i64, usernames: &[&str]) -> Result<std::collections::HashMap<String, EnrolmentAccount>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let list = serde_json::to_string(usernames).unwrap_or_else(|_| "[]".into());
            let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(&DB::sql(&format!(
                "SELECT u.id, u.username, u.role, m.role FROM users u \
                 LEFT JOIN course_members m ON m.course_id = ? AND m.user_id = u.id \
                 WHERE u.username IN ({})",
                DB::json_strings("?")
            )))
            .bind(course_id)
            .bind(list)
            .fetch_all(p)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, username, role, member_role)| {
                    (username.to_lowercase(), EnrolmentAccount { id, username, role: Role::parse(&role).unwrap_or(Role::Student), member_role })
                })
                .collect())
        })
    }

    /// Whether `student` is a student of a course `teacher` teaches.
    pub async fn teaches(&self, teacher: i64, student: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let row: Option<(i64,)> = sqlx::query_as(&DB::sql(
                "SELECT CAST(1 AS BIGINT) FROM course_members t JOIN course_members s ON s.course_id = t.course_id \
                 WHERE t.user_id = ? AND t.role = 'teacher' AND s.user_id = ? AND s.role = 'student' LIMIT 1",
            ))
            .bind(teacher)
            .bind(student)
            .fetch_optional(p)
            .await?;
            Ok(row.is_some())
        })
    }

    pub async fn members(&self, course_id: i64) -> Result<Vec<MemberView>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let rows: Vec<(i64, String, String, Option<String>, String, i64)> = sqlx::query_as(&DB::sql(
                "SELECT u.id, u.username, u.display_name, u.email, m.role, m.added_at FROM course_members m \
                 JOIN users u ON u.id = m.user_id WHERE m.course_id = ? ORDER BY m.role DESC, u.username",
            ))
            .bind(course_id)
            .fetch_all(p)
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
        })
    }

    /// Adds a member or changes their role.
    pub async fn add_member(&self, course_id: i64, user_id: i64, role: &str) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let mut tx = p.begin().await?;
            add_member_tx(&mut tx, course_id, user_id, role, now()).await?;
            tx.commit().await
        })
    }

    pub async fn remove_member(&self, course_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let r = sqlx::query(&DB::sql("DELETE FROM course_members WHERE course_id = ? AND user_id = ?"))
                .bind(course_id)
                .bind(user_id)
                .execute(p)
                .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Enrols existing users and creates new ones, all or nothing.
    /// New accounts start with `quota`.
    pub async fn enrol(
        &self,
        course_id: i64,
        existing: &[i64],
        new: &[NewStudentRow],
        quota: &app::types::QuotaLimits,
    ) -> Result<(), sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            let t = now();
            let mut tx = p.begin().await?;
            for u in new {
                let id: i64 = sqlx::query_scalar(&DB::sql(
                    "INSERT INTO users (username, display_name, email, role, password_hash, created_at, updated_at, must_change_password) \
                     VALUES (?, ?, ?, 'student', ?, ?, ?, TRUE) RETURNING id",
                ))
                .bind(&u.username)
                .bind(&u.display_name)
                .bind(&u.email)
                .bind(&u.password_hash)
                .bind(t)
                .bind(t)
                .fetch_one(&mut *tx)
                .await?;
                super::quotas::set_quota_on::<DB, _>(&mut *tx, super::QuotaScope::User(id), quota).await?;
                add_member_tx(&mut tx, course_id, id, "student", t).await?;
            }
            for id in existing {
                add_member_tx(&mut tx, course_id, *id, "student", t).await?;
            }
            tx.commit().await
        })
    }

    /// (id, username) of each student of a course.
    pub async fn course_students(&self, course_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
        on_db!(&self.pool, p, DB => {
            sqlx::query_as(&DB::sql(
                "SELECT u.id, u.username FROM course_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.course_id = ? AND m.role = 'student' ORDER BY u.username",
            ))
            .bind(course_id)
            .fetch_all(p)
            .await
        })
    }
}

async fn add_member_tx<DB>(tx: &mut Transaction<'_, DB>, course_id: i64, user_id: i64, role: &str, t: i64) -> Result<(), sqlx::Error>
where
    DB: Dialect + sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
{
    sqlx::query(&DB::sql(
        "INSERT INTO course_members (course_id, user_id, role, added_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role",
    ))
    .bind(course_id)
    .bind(user_id)
    .bind(role.to_owned())
    .bind(t)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}
