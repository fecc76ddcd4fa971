//! Log set-up: human-readable text or one JSON object a line on stderr,
//! filtered by `VLAB_LOG`; and the recent log (info and above, whatever
//! `VLAB_LOG` says) kept in memory within `RECENT_MAX_BYTES`, for admins
//! (`GET /api/v1/system/logs`).

use crate::config::LogFormat;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The recent log holds at most this much text; the oldest goes first.
pub const RECENT_MAX_BYTES: usize = 2 << 20;
/// One entry's message is cut at this many bytes.
const ENTRY_MAX_BYTES: usize = 4096;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_env("VLAB_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let _ = match format {
        LogFormat::Json => tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().json().with_writer(std::io::stderr).with_filter(filter))
            .with(Recent.with_filter(recent_filter()))
            .try_init(),
        LogFormat::Text => {
            tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter)).with(Recent.with_filter(recent_filter())).try_init()
        }
    };
}

/// For tests: the recent log always, the log itself (to the test's output)
/// only with a filter.
pub fn init_for_tests(filter: Option<&str>) {
    let shown = filter.map(|f| tracing_subscriber::fmt::layer().with_test_writer().with_filter(EnvFilter::new(f)));
    let _ = tracing_subscriber::registry().with(shown).with(Recent.with_filter(recent_filter())).try_init();
}

fn recent_filter() -> tracing_subscriber::filter::Targets {
    tracing_subscriber::filter::Targets::new().with_default(LevelFilter::INFO).with_target("sqlx", LevelFilter::WARN)
}

/// One event of the recent log.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Unix milliseconds.
    pub at_ms: i64,
    pub level: Level,
    pub target: String,
    /// The message, then its fields as `name=value`.
    pub message: String,
}

impl Entry {
    fn bytes(&self) -> usize {
        self.target.len() + self.message.len() + 32
    }
}

#[derive(Default)]
struct Ring {
    entries: VecDeque<Entry>,
    bytes: usize,
    /// Entries dropped to stay within the bound, since the start.
    dropped: u64,
}

fn ring() -> &'static Mutex<Ring> {
    static RING: OnceLock<Mutex<Ring>> = OnceLock::new();
    RING.get_or_init(Default::default)
}

/// The recent log's entries that `keep` lets through, newest last, at most
/// `limit` (the newest); and how many older ones the bound dropped so far.
pub fn recent(keep: impl Fn(&Entry) -> bool, limit: usize) -> (Vec<Entry>, u64) {
    let r = ring().lock().unwrap_or_else(|p| p.into_inner());
    let mut out: Vec<Entry> = r.entries.iter().rev().filter(|e| keep(e)).take(limit).cloned().collect();
    out.reverse();
    (out, r.dropped)
}

struct Recent;

impl<S: Subscriber> Layer<S> for Recent {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut text = Text::default();
        event.record(&mut text);
        let mut message = text.message;
        if !text.fields.is_empty() {
            if !message.is_empty() {
                message.push(' ');
            }
            message.push_str(&text.fields);
        }
        if message.len() > ENTRY_MAX_BYTES {
            let mut cut = ENTRY_MAX_BYTES;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        let meta = event.metadata();
        let entry = Entry { at_ms: crate::time::now_ms(), level: *meta.level(), target: meta.target().to_owned(), message };
        let mut r = ring().lock().unwrap_or_else(|p| p.into_inner());
        r.bytes += entry.bytes();
        r.entries.push_back(entry);
        while r.bytes > RECENT_MAX_BYTES {
            let Some(old) = r.entries.pop_front() else { break };
            r.bytes -= old.bytes();
            r.dropped += 1;
        }
    }
}

#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.record_debug(field, &value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recent_log_stays_within_its_bound() {
        init_for_tests(None);
        let big = "x".repeat(3000);
        for i in 0..2000 {
            tracing::info!(i, "filler {big}");
        }
        tracing::warn!(code = "E42", "the last word");
        let (all, dropped) = recent(|_| true, usize::MAX);
        let held: usize = all.iter().map(Entry::bytes).sum();
        assert!(held <= RECENT_MAX_BYTES, "{held}");
        assert!(dropped > 0);
        let last = all.last().unwrap();
        assert_eq!(last.level, Level::WARN);
        assert_eq!(last.message, "the last word code=\"E42\"");
        let (warnings, _) = recent(|e| e.level <= Level::WARN, 10);
        assert!(warnings.iter().all(|e| e.level <= Level::WARN) && !warnings.is_empty());
        tracing::debug!("not kept");
        assert!(recent(|e| e.message == "not kept", 1).0.is_empty());
    }
}
