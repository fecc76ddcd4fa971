//! Usage statistics of a course: per student and lab VM, running hours,
//! console minutes, starts, resets and last activity; totals; CSV.

use super::courses::{self, Access};
use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use app::types::{CourseStatistics, StatTotals};

pub async fn course(state: &AppState, caller: &Caller, course_id: i64) -> Result<CourseStatistics> {
    courses::load(state, caller, course_id, Access::Manage).await?;
    let rows = state.store.course_statistics(course_id).await?;
    let mut students: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    students.sort_unstable();
    students.dedup();
    let totals = StatTotals {
        students: students.len() as u32,
        vms: rows.len() as u32,
        running_hours: rows.iter().map(|r| r.running_hours).sum(),
        console_minutes: rows.iter().map(|r| r.console_minutes).sum(),
        starts: rows.iter().map(|r| r.starts).sum(),
        resets: rows.iter().map(|r| r.resets).sum(),
    };
    Ok(CourseStatistics { course_id, rows, totals })
}

/// A CSV field, quoted when it needs to be; a leading formula character is
/// neutralised so spreadsheets do not run it.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn to_csv(stats: &CourseStatistics) -> String {
    let mut out = String::from("username,name,lab,vm_id,running_hours,console_minutes,starts,resets,last_activity\n");
    for r in &stats.rows {
        out.push_str(&format!(
            "{},{},{},{},{:.3},{:.1},{},{},{}\n",
            field(&r.username),
            field(&r.display_name),
            field(&r.lab_name),
            r.vm_id,
            r.running_hours,
            r.console_minutes,
            r.starts,
            r.resets,
            r.last_activity.as_deref().unwrap_or("")
        ));
    }
    let t = &stats.totals;
    out.push_str(&format!("TOTAL,,,,{:.3},{:.1},{},{},\n", t.running_hours, t.console_minutes, t.starts, t.resets));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("Smith, Al"), "\"Smith, Al\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
    }
}
