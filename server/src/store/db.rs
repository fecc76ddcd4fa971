//! The two databases vlab keeps its state in: SQLite (one host, the
//! default) and PostgreSQL (several hosts sharing one database).
//!
//! Store code is written once. `on_db!` runs a body against whichever pool
//! the store has, compiled once for each backend with `DB` naming it, and
//! `DB::sql` turns SQL written with SQLite's `?` placeholders into
//! PostgreSQL's numbered ones. SQL both accept is preferred (`ON CONFLICT`,
//! `RETURNING`, `TRUE`/`FALSE`, `CAST(… AS BIGINT)`); where the two differ
//! (JSON, case-insensitive matching) `Dialect` says how.

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use std::borrow::Cow;

/// The store's connection pool.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// What differs between the two SQL dialects.
pub trait Dialect {
    /// `sql`, written with `?` placeholders, as this database wants it.
    fn sql(sql: &str) -> Cow<'_, str>;
    /// Case-insensitive `LIKE`.
    const ILIKE: &'static str;
    /// Aggregates JSON values into an array (`NULL` over no rows).
    const JSON_AGG: &'static str;
    /// Builds a JSON object from name, value pairs.
    const JSON_OBJECT: &'static str;
    /// Builds a JSON array from values.
    const JSON_ARRAY: &'static str;
    /// Whether this is PostgreSQL.
    const POSTGRES: bool;
    /// The browser sessions' table (`store::sessions`).
    const SESSIONS: &'static str;
    /// What goes around a JSON expression to read it as text.
    const AS_TEXT: (&'static str, &'static str);
    /// A JSON value (an object made in a subquery) put inside another.
    fn json_nested(expr: &str) -> String;
    /// A JSON array aggregated by a subquery, `[]` if it had no rows, put
    /// inside another JSON value.
    fn json_array_of(subquery: &str) -> String;
    /// The strings of the JSON array `param` as rows, compared as
    /// usernames are (without case).
    fn json_strings(param: &str) -> String;
}

impl Dialect for Sqlite {
    fn sql(sql: &str) -> Cow<'_, str> {
        Cow::Borrowed(sql)
    }
    // SQLite's LIKE ignores ASCII case already.
    const ILIKE: &'static str = "LIKE";
    const JSON_AGG: &'static str = "json_group_array";
    const JSON_OBJECT: &'static str = "json_object";
    const JSON_ARRAY: &'static str = "json_array";
    const POSTGRES: bool = false;
    const SESSIONS: &'static str = "sessions";
    const AS_TEXT: (&'static str, &'static str) = ("", "");
    // SQLite's JSON functions return text, which `json()` marks as JSON.
    fn json_nested(expr: &str) -> String {
        format!("json({expr})")
    }
    fn json_array_of(subquery: &str) -> String {
        format!("json({subquery})")
    }
    fn json_strings(param: &str) -> String {
        format!("SELECT value FROM json_each({param})")
    }
}

impl Dialect for Postgres {
    fn sql(sql: &str) -> Cow<'_, str> {
        Cow::Owned(numbered(sql))
    }
    const ILIKE: &'static str = "ILIKE";
    const JSON_AGG: &'static str = "json_agg";
    const JSON_OBJECT: &'static str = "json_build_object";
    const JSON_ARRAY: &'static str = "json_build_array";
    const POSTGRES: bool = true;
    // tower-sessions keeps its PostgreSQL table in a schema of its own.
    const SESSIONS: &'static str = "tower_sessions.sessions";
    const AS_TEXT: (&'static str, &'static str) = ("CAST(", " AS TEXT)");
    fn json_nested(expr: &str) -> String {
        expr.to_owned()
    }
    // json_agg over no rows is NULL.
    fn json_array_of(subquery: &str) -> String {
        format!("COALESCE({subquery}, '[]'::json)")
    }
    fn json_strings(param: &str) -> String {
        format!("SELECT CAST(value AS CITEXT) FROM json_array_elements_text(CAST({param} AS json))")
    }
}

/// A `LIKE … ESCAPE '\'` pattern matching `s` anywhere, its wildcards taken
/// literally.
pub fn like_pattern(s: &str) -> String {
    format!("%{}%", s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// `?` placeholders numbered `$1, $2, …`, leaving quoted strings, quoted
/// names and comments alone.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '?' => {
                // `?NNN` names its parameter; a bare `?` is the next one.
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                n = match digits.parse::<usize>() {
                    Ok(k) => {
                        out.push('$');
                        out.push_str(&digits);
                        n.max(k)
                    }
                    Err(_) => {
                        out.push('$');
                        out.push_str(&(n + 1).to_string());
                        n + 1
                    }
                };
            }
            '\'' | '"' => {
                out.push(c);
                // To the closing quote; a doubled quote stays inside.
                for d in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Runs `$body` with `$p` the store's pool and `$DB` its sqlx database
/// type; the body is compiled once for each backend.
macro_rules! on_db {
    ($pool:expr, $p:ident, $DB:ident => $body:expr) => {
        match $pool {
            $crate::store::db::Pool::Sqlite($p) => {
                #[allow(dead_code)]
                type $DB = sqlx::Sqlite;
                $body
            }
            $crate::store::db::Pool::Postgres($p) => {
                #[allow(dead_code)]
                type $DB = sqlx::Postgres;
                $body
            }
        }
    };
}
pub(crate) use on_db;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes_and_comments() {
        assert_eq!(numbered("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"), "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
        assert_eq!(numbered("SELECT '?', \"a?\" FROM t WHERE x = ?"), "SELECT '?', \"a?\" FROM t WHERE x = $1");
        assert_eq!(numbered("SELECT 'it''s ?' WHERE y = ?"), "SELECT 'it''s ?' WHERE y = $1");
        assert_eq!(numbered("SELECT 1 -- why?\nWHERE z = ?"), "SELECT 1 -- why?\nWHERE z = $1");
        assert_eq!(numbered("SELECT x - ? - 1"), "SELECT x - $1 - 1");
        assert_eq!(numbered("no placeholders"), "no placeholders");
        assert_eq!(numbered("WHERE a = ?1 OR b = ?1 AND c = ?"), "WHERE a = $1 OR b = $1 AND c = $2");
    }
}
