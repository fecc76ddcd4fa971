//! Courses and their members. Who may see or manage a course is decided in
//! `load`, and nowhere else.

use super::operations::{self, Spec, Target};
use super::Paging;
use crate::auth::revoke::{announce, AccessChange};
use crate::auth::{password, token, Caller, Teacher};
use crate::error::{Result, ServerError};
use crate::state::AppState;
use crate::store::NewStudentRow;
use app::error::{AppError, FieldErrors};
use app::types::{CourseView, CoursePatch, CreatedAccount, EnrolmentReport, ListQuery, MemberView, NewCourse, NewMember, Page, Role};

/// What the caller may do with a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A student of it: sees it and its labs.
    Attend,
    /// A teacher of it, or an admin.
    Manage,
}

fn not_found(id: i64) -> AppError {
    AppError::not_found("COURSE_NOT_FOUND", format!("no course with id {id}"))
}

/// The one place course access is decided. Non-members get a 404, so a
/// course's existence does not leak; members who may not manage get a 403.
pub async fn load(state: &AppState, caller: &Caller, id: i64, need: Access) -> Result<CourseView> {
    let course = state.store.course(id, caller.id()).await?.ok_or_else(|| not_found(id))?;
    let access = match (caller.user.role, course.my_role.as_deref()) {
        (Role::Admin, _) => Access::Manage,
        (Role::Teacher, Some("teacher")) => Access::Manage,
        (_, Some(_)) => Access::Attend,
        (_, None) => return Err(not_found(id).into()),
    };
    if need == Access::Manage && access != Access::Manage {
        return Err(AppError::forbidden().into());
    }
    Ok(course)
}

/// Checks access to something that belongs to a course; a course the caller
/// may not see makes the thing itself missing (`missing`), not the course.
pub async fn load_within(state: &AppState, caller: &Caller, course_id: i64, need: Access, missing: AppError) -> Result<CourseView> {
    load(state, caller, course_id, need).await.map_err(|e| match e {
        ServerError::App(AppError::NotFound { .. }) => missing.into(),
        other => other,
    })
}

/// Whether the caller teaches the course (or is an admin).
pub async fn manages(state: &AppState, caller: &Caller, course_id: i64) -> Result<bool> {
    Ok(match caller.user.role {
        Role::Admin => true,
        Role::Teacher => state.store.member_role(course_id, caller.id()).await?.as_deref() == Some("teacher"),
        Role::Student => false,
    })
}

fn text_problem(s: &str, max: usize, blank_ok: bool) -> Option<String> {
    if !blank_ok && s.trim().is_empty() {
        Some("must not be blank".into())
    } else if s.chars().count() > max {
        Some(format!("must be at most {max} characters"))
    } else if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        Some("must not contain control characters".into())
    } else {
        None
    }
}

fn code_problem(code: &str) -> Option<&'static str> {
    let ok = (2..=32).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    (!ok).then_some("must be 2 to 32 letters, digits, '-', '_' or '.'")
}

pub async fn create(state: &AppState, caller: &Teacher, input: NewCourse) -> Result<CourseView> {
    let code = input.code.trim().to_owned();
    let title = input.title.trim().to_owned();
    let term = input.term.unwrap_or_default().trim().to_owned();
    let description = input.description.unwrap_or_default();
    let mut fields = FieldErrors::new();
    if let Some(p) = code_problem(&code) {
        fields.insert("code".into(), p.into());
    }
    for (name, value, max, blank_ok) in [("title", &title, 200, false), ("term", &term, 64, true), ("description", &description, 4000, true)] {
        if let Some(p) = text_problem(value, max, blank_ok) {
            fields.insert(name.into(), p);
        }
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    // A teacher who makes a course teaches it.
    let first_teacher = (caller.user.role == Role::Teacher).then_some(caller.id());
    let id = state
        .store
        .insert_course((&code, &title, &term, &description), input.keep_reset_disks.unwrap_or(false), caller.id(), first_teacher)
        .await
        .map_err(crate::error::unique_as(|| AppError::conflict("COURSE_CODE_TAKEN", format!("a course with code '{code}' exists already"))))?;
    tracing::info!(course_id = id, user_id = caller.id(), "course created");
    load(state, caller, id, Access::Manage).await
}

pub async fn list(state: &AppState, caller: &Caller, q: ListQuery) -> Result<Page<CourseView>> {
    let paging = Paging::from_query(&q)?;
    let member = (caller.user.role != Role::Admin).then_some(caller.id());
    let search = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (items, total) = state.store.list_courses(caller.id(), member, search, paging.page_size, paging.offset()).await?;
    Ok(Page { items, pagination: paging.describe(total) })
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<CourseView> {
    load(state, caller, id, Access::Attend).await
}

pub async fn update(state: &AppState, caller: &Caller, id: i64, patch: CoursePatch) -> Result<CourseView> {
    load(state, caller, id, Access::Manage).await?;
    let mut fields = FieldErrors::new();
    let title = patch.title.map(|t| t.trim().to_owned());
    let term = patch.term.map(|t| t.trim().to_owned());
    for (name, value, max, blank_ok) in
        [("title", &title, 200, false), ("term", &term, 64, true), ("description", &patch.description, 4000, true)]
    {
        if let Some(p) = value.as_deref().and_then(|v| text_problem(v, max, blank_ok)) {
            fields.insert(name.into(), p);
        }
    }
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    state
        .store
        .update_course(id, (title.as_deref(), term.as_deref(), patch.description.as_deref()), patch.archived, patch.keep_reset_disks)
        .await?;
    load(state, caller, id, Access::Manage).await
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<()> {
    load(state, caller, id, Access::Manage).await?;
    if !state.store.delete_course(id).await? {
        return Err(AppError::conflict("COURSE_IN_USE", "the course still has labs or templates; delete them first, or archive the course").into());
    }
    announce(state, AccessChange::Everyone);
    tracing::info!(course_id = id, user_id = caller.id(), "course deleted");
    Ok(())
}

pub async fn members(state: &AppState, caller: &Caller, id: i64) -> Result<Vec<MemberView>> {
    load(state, caller, id, Access::Manage).await?;
    Ok(state.store.members(id).await?)
}

pub async fn add_member(state: &AppState, caller: &Caller, id: i64, m: NewMember) -> Result<Vec<MemberView>> {
    load(state, caller, id, Access::Manage).await?;
    let role = match m.role.as_str() {
        "teacher" | "student" => m.role.as_str(),
        _ => return Err(AppError::invalid("role", "must be teacher or student").into()),
    };
    let user = state
        .store
        .credentials_by_username(m.username.trim())
        .await?
        .ok_or_else(|| AppError::invalid("username", format!("no user named '{}'", m.username.trim())))?;
    if role == "teacher" && user.user.role == Role::Student {
        return Err(AppError::invalid("role", format!("'{}' is a student account and cannot teach", user.user.username)).into());
    }
    // A student of a course is watched by its teachers: an admin or a
    // teacher enrolled as one would be too.
    if role == "student" && user.user.role != Role::Student {
        return Err(AppError::invalid("role", format!("'{}' is a {} account and cannot be enrolled as a student", user.user.username, user.user.role.as_str())).into());
    }
    state.store.add_member(id, user.user.id, role).await?;
    // A teacher made a student of the course loses what teaching gave.
    announce(state, AccessChange::User(user.user.id));
    state.store.members(id).await.map_err(Into::into)
}

pub async fn remove_member(state: &AppState, caller: &Caller, id: i64, user_id: i64) -> Result<()> {
    load(state, caller, id, Access::Manage).await?;
    if !state.store.remove_member(id, user_id).await? {
        return Err(AppError::not_found("MEMBER_NOT_FOUND", format!("user {user_id} is not a member of this course")).into());
    }
    announce(state, AccessChange::User(user_id));
    Ok(())
}

/// One parsed CSV line: username, display name, optional email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvStudent {
    pub line: usize,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
}

/// Splits one CSV line, honouring double quotes ("" inside quotes is a quote).
fn split_csv_line(line: &str) -> std::result::Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return Err("has an unclosed quote");
    }
    out.push(cur);
    Ok(out.into_iter().map(|f| f.trim().to_owned()).collect())
}

/// Parses an enrolment CSV: `username,name[,email]` per line, an optional
/// header line, blank lines skipped. Every problem is reported by line.
pub fn parse_csv(text: &str) -> std::result::Result<Vec<CsvStudent>, FieldErrors> {
    let mut rows = Vec::new();
    let mut problems = FieldErrors::new();
    let mut seen = std::collections::HashSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim_start_matches('\u{feff}');
        if raw.trim().is_empty() {
            continue;
        }
        let fields = match split_csv_line(raw) {
            Ok(f) => f,
            Err(p) => {
                problems.insert(format!("line {line}"), p.into());
                continue;
            }
        };
        if rows.is_empty() && problems.is_empty() && fields.first().is_some_and(|f| f.eq_ignore_ascii_case("username")) {
            continue; // header
        }
        if !(2..=3).contains(&fields.len()) {
            problems.insert(format!("line {line}"), "needs username,name and optionally email".into());
            continue;
        }
        let username = fields[0].clone();
        let display_name = fields[1].clone();
        let email = fields.get(2).cloned().filter(|e| !e.is_empty());
        let problem = super::users::username_problem(&username)
            .map(|p| format!("username {p}"))
            .or_else(|| super::users::display_name_problem(&display_name).map(|p| format!("name {p}")))
            .or_else(|| email.as_deref().and_then(super::users::email_problem).map(|p| format!("email {p}")))
            .or_else(|| (!seen.insert(username.to_ascii_lowercase())).then(|| format!("username '{username}' appears twice")));
        match problem {
            Some(p) => {
                problems.insert(format!("line {line}"), p);
            }
            None => rows.push(CsvStudent { line, username, display_name, email }),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(rows)
}

const MAX_CSV_ROWS: usize = 2000;

/// Enrols students from CSV, creating accounts for unknown usernames. All
/// or nothing: any bad line refuses the whole file.
pub async fn enrol_csv(state: &AppState, caller: &Caller, id: i64, text: &str) -> Result<EnrolmentReport> {
    load(state, caller, id, Access::Manage).await?;
    let rows = parse_csv(text).map_err(|fields| AppError::Validation { message: "the CSV has problems; nothing was enrolled".into(), fields })?;
    if rows.is_empty() {
        return Err(AppError::invalid("csv", "has no students").into());
    }
    if rows.len() > MAX_CSV_ROWS {
        return Err(AppError::invalid("csv", format!("has more than {MAX_CSV_ROWS} students")).into());
    }
    let names: Vec<&str> = rows.iter().map(|r| r.username.as_str()).collect();
    let accounts = state.store.accounts_for_enrolment(id, &names).await?;
    let mut existing = Vec::new();
    let mut report = EnrolmentReport { enrolled: vec![], unchanged: vec![], created: vec![], operation_id: None };
    let mut new = Vec::new();
    let mut problems = FieldErrors::new();
    for r in &rows {
        match accounts.get(&r.username.to_lowercase()) {
            Some(a) if a.role != Role::Student => {
                problems.insert(format!("line {}", r.line), format!("'{}' is a {} account, not a student", r.username, a.role.as_str()));
            }
            Some(a) if a.member_role.as_deref() == Some("student") => report.unchanged.push(a.username.clone()),
            Some(a) => {
                existing.push(a.id);
                report.enrolled.push(a.username.clone());
            }
            None => new.push(r),
        }
    }
    if let Some(e) = AppError::from_fields(problems) {
        return Err(e.into());
    }
    let passwords: Vec<String> = new.iter().map(|_| token::generate_password()).collect();
    // Hashing a class's passwords takes a while: past a moment it is shown
    // as an operation on the course, with progress. Nothing is stored until
    // every hash is made; then all of it in one transaction.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut hashing = tokio::spawn(password::hash_many(passwords.clone(), done.clone()));
    let _stop_if_dropped = AbortOnDrop(hashing.abort_handle());
    let mut tracked: Option<Tracked> = None;
    let hashes = loop {
        let wait = if tracked.is_some() { ENROL_PROGRESS_EVERY } else { std::time::Duration::from_millis(state.config.enrol_progress_after_ms) };
        match tokio::time::timeout(wait, &mut hashing).await {
            Ok(r) => break r.map_err(|e| ServerError::internal(format!("hash task: {e}")))?,
            Err(_) => match &tracked {
                None => {
                    let spec = Spec { kind: "enrol", target: Target::Course(id), owner_id: None, cancellable: false };
                    tracked = Some(Tracked(Some(operations::start(state, caller, spec).await?)));
                }
                Some(t) => {
                    let n = done.load(std::sync::atomic::Ordering::Relaxed);
                    t.progress((n * 100 / new.len().max(1)) as u8).await;
                }
            },
        }
    };
    let result = match hashes {
        Ok(hashes) => {
            let accounts: Vec<NewStudentRow> = new
                .iter()
                .zip(hashes)
                .map(|(r, password_hash)| NewStudentRow { username: r.username.clone(), display_name: r.display_name.clone(), email: r.email.clone(), password_hash })
                .collect();
            state.store.enrol(id, &existing, &accounts, &state.config.student_quota).await.map_err(crate::error::unique_as(|| {
                AppError::conflict("USERNAME_TAKEN", "an account in the CSV was created meanwhile; send the CSV again")
            }))
        }
        Err(e) => Err(e),
    };
    if let Some(t) = tracked.as_mut() {
        report.operation_id = t.0.as_ref().map(|r| r.view.id);
        t.end(result.as_ref().map(|_| ()).map_err(|e| format!("nothing was enrolled: {}", crate::error::describe(e)))).await;
    }
    result?;
    report.created = new
        .iter()
        .zip(passwords)
        .map(|(r, password)| CreatedAccount { username: r.username.clone(), display_name: r.display_name.clone(), password })
        .collect();
    tracing::info!(course_id = id, user_id = caller.id(), enrolled = report.enrolled.len(), created = report.created.len(), "CSV enrolment");
    Ok(report)
}

/// How often a slow enrolment records its progress.
const ENROL_PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// An enrolment's operation. Should the request be dropped half-way (the
/// client went away), nothing is enrolled and the operation says so.
struct Tracked(Option<operations::Running>);

impl Tracked {
    async fn progress(&self, percent: u8) {
        if let Some(r) = &self.0 {
            r.progress.set(percent).await;
        }
    }
    async fn end(&mut self, result: std::result::Result<(), String>) {
        if let Some(r) = self.0.take() {
            r.finish(&result).await;
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if let Some(r) = self.0.take() {
            tokio::spawn(async move { r.finish(&Err("the request was abandoned before it finished; nothing was enrolled".into())).await });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_are_parsed_with_header_quotes_and_blanks() {
        let rows = parse_csv("username,name,email\n\nalice,\"Smith, Alice\",a@x.org\nbob,Bob\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].display_name, "Smith, Alice");
        assert_eq!(rows[0].email.as_deref(), Some("a@x.org"));
        assert_eq!((rows[1].username.as_str(), rows[1].email.as_deref()), ("bob", None));
    }

    #[test]
    fn csv_problems_are_named_by_line() {
        let e = parse_csv("alice,Alice\nb!d,Bad\ncarol\nalice,Again\ndave,Dave,not-an-email\neve,\"Eve\n").unwrap_err();
        assert!(e["line 2"].contains("username"), "{e:?}");
        assert!(e["line 3"].contains("needs"), "{e:?}");
        assert!(e["line 4"].contains("twice"), "{e:?}");
        assert!(e["line 5"].contains("email"), "{e:?}");
        assert!(e["line 6"].contains("quote"), "{e:?}");
        assert!(!e.contains_key("line 1"));
    }
}
