//! Reading the audit trail: admins read all of it; teachers read what was
//! done to their courses and what is in them (VMs, labs, templates).

use super::Paging;
use crate::auth::access::Teacher;
use crate::error::Result;
use crate::state::AppState;
use crate::store::audit::{AuditFilter, AuditRow};
use app::error::{AppError, FieldErrors};
use app::types::{AuditEntry, AuditQuery, AuditTarget, ListQuery, Page, Role};

/// The most rows one export holds (the newest).
pub const MAX_EXPORT_ROWS: u32 = 10_000;

fn filter(reader: &Teacher, q: &AuditQuery) -> Result<AuditFilter> {
    let mut fields = FieldErrors::new();
    let failed = match q.result.as_deref() {
        None => None,
        Some("ok") => Some(false),
        Some("error") => Some(true),
        Some(_) => {
            fields.insert("result".into(), "must be ok or error".into());
            None
        }
    };
    if q.target_kind.as_deref().is_some_and(|k| AuditTarget::parse(k).is_none()) {
        let kinds: Vec<&str> = AuditTarget::ALL.iter().map(|t| t.as_str()).collect();
        fields.insert("target_kind".into(), format!("must be one of {}", kinds.join(", ")));
    }
    if q.action.as_deref().is_some_and(|a| a.chars().count() > 64) {
        fields.insert("action".into(), "must be at most 64 characters".into());
    }
    let from = q.from.as_deref().and_then(|t| super::labs::parse_time("from", t, &mut fields));
    let to = q.to.as_deref().and_then(|t| super::labs::parse_time("to", t, &mut fields));
    if let Some(e) = AppError::from_fields(fields) {
        return Err(e.into());
    }
    Ok(AuditFilter {
        user_id: q.user_id,
        target_kind: q.target_kind.clone(),
        target_id: q.target_id,
        action: q.action.clone().filter(|a| !a.is_empty()),
        failed,
        from,
        to,
        teacher_id: (reader.user.role != Role::Admin).then_some(reader.id()),
    })
}

fn entry(r: AuditRow) -> AuditEntry {
    AuditEntry {
        id: r.id,
        at: crate::time::rfc3339(r.at),
        user_id: r.user_id,
        username: r.username,
        role: r.role,
        via: r.via,
        token_id: r.token_id,
        client: r.client,
        channel: r.channel,
        action: r.action,
        target_kind: r.target_kind,
        target_id: r.target_id,
        course_id: r.course_id,
        summary: r.summary,
        result: r.result,
        status: r.status.clamp(0, 999) as u16,
    }
}

/// A page of the trail, newest first.
pub async fn list(state: &AppState, reader: &Teacher, q: &AuditQuery, page: &ListQuery) -> Result<Page<AuditEntry>> {
    let paging = Paging::from_query(page)?;
    let f = filter(reader, q)?;
    let (rows, total) = state.store.list_audit(&f, paging.page_size, paging.offset()).await?;
    Ok(Page { items: rows.into_iter().map(entry).collect(), pagination: paging.describe(total) })
}

/// The trail as CSV (the newest `MAX_EXPORT_ROWS`), oldest first.
pub async fn export(state: &AppState, reader: &Teacher, q: &AuditQuery) -> Result<String> {
    let f = filter(reader, q)?;
    let (mut rows, _) = state.store.list_audit(&f, MAX_EXPORT_ROWS, 0).await?;
    rows.reverse();
    let mut out = String::from("id,at,user_id,username,role,via,token_id,client,channel,action,target_kind,target_id,course_id,summary,result,status\n");
    for r in rows.into_iter().map(entry) {
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let cells = [
            r.id.to_string(),
            r.at,
            opt(r.user_id),
            r.username.unwrap_or_default(),
            r.role.unwrap_or_default(),
            r.via,
            opt(r.token_id),
            r.client,
            r.channel,
            r.action,
            r.target_kind.unwrap_or_default(),
            opt(r.target_id),
            opt(r.course_id),
            r.summary,
            r.result,
            r.status.to_string(),
        ];
        out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    Ok(out)
}

/// A CSV cell: quoted when it must be, and never read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-` or `@` gets a `'`).
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(super::csv_cell("name=a,b"), "\"name=a,b\"");
        assert_eq!(super::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_cell("=cmd()"), "'=cmd()");
        assert_eq!(super::csv_cell("plain"), "plain");
    }
}
