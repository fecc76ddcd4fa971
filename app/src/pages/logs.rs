//! Logs in the UI: a VM's serial and QEMU logs on its page, followed while
//! the page is open and downloadable whole; vlab's own recent log on the
//! admins' System page, filtered by level and text.

use super::charts::use_tick;
use super::{tr, ErrorBox, Loaded};
use crate::api::{get_system_log, get_vm_log};
use crate::error::AppError;
use crate::types::{LogSource, SystemLog, VmLog};
use leptos::prelude::*;

/// The most of a log the page holds; older text goes as new text comes.
const KEEP_BYTES: usize = 256 << 10;
/// Ranges read one after another when a log has more than one range new.
const CATCH_UP_RANGES: usize = 4;
/// The newest entries of vlab's log the System page shows.
const SYSTEM_LOG_SHOWN: usize = 200;

/// What the page shows of a VM's log, and where to read on.
#[derive(Debug, Clone, Default, PartialEq)]
struct Followed {
    /// The log shown; `None` before the first range arrives.
    source: Option<LogSource>,
    text: String,
    /// Where the next range starts.
    next: u64,
    /// The log's size when last read.
    size: u64,
}

impl Followed {
    /// Where to ask `source` from: on from the last range when it is the
    /// log shown, else its tail.
    fn offset_for(&self, source: LogSource) -> Option<u64> {
        (self.source == Some(source)).then_some(self.next)
    }

    /// Takes in a range asked from `asked`: appended when it carries on
    /// from what is shown, else shown instead (a first read, another log, or
    /// a log that shrank because the VM started again or its oldest part was
    /// dropped). Whether anything shown changed: most reads of a followed
    /// log bring nothing new.
    fn take(&mut self, asked: Option<u64>, range: VmLog) -> bool {
        let carries_on = asked.is_some() && self.source == Some(range.source) && range.offset == self.next && range.size >= self.size;
        if carries_on && range.text.is_empty() && range.size == self.size {
            return false;
        }
        let text = printable(&range.text);
        if carries_on {
            self.text.push_str(&text);
        } else {
            self.text = text;
        }
        self.source = Some(range.source);
        self.next = range.next_offset;
        self.size = range.size;
        keep_tail(&mut self.text, KEEP_BYTES);
        true
    }
}

/// `text` without terminal control: escape sequences (colours, cursor
/// moves) and control characters other than newlines and tabs go.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                // CSI: `ESC [`, parameters, then a final byte from `@` to `~`.
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Drops the start of `text` so at most `keep` bytes stay, from a line's
/// start when one begins nearby.
fn keep_tail(text: &mut String, keep: usize) {
    if text.len() <= keep {
        return;
    }
    let mut cut = text.len() - keep;
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    if let Some(n) = text[cut..].find('\n').filter(|&n| n < 4096) {
        cut += n + 1;
    }
    text.drain(..cut);
}

/// Reads `source` on from where `shown` is, a few ranges at most; a range
/// that arrives after the page moved on (another log chosen, or another read
/// already taken in) is dropped rather than shown twice.
async fn read_on(id: i64, source: LogSource, chosen: RwSignal<LogSource>, shown: RwSignal<Followed>, error: RwSignal<Option<AppError>>) {
    for _ in 0..CATCH_UP_RANGES {
        let from = shown.with_untracked(|f| f.offset_for(source));
        match get_vm_log(id, source, from).await {
            Ok(range) => {
                error.set(None);
                let more = range.next_offset < range.size;
                let current = chosen.get_untracked() == source && shown.with_untracked(|f| f.offset_for(source)) == from;
                if !current {
                    return;
                }
                shown.maybe_update(|f| f.take(from, range));
                if !more {
                    return;
                }
            }
            // Asked past the end: the log began again; read its tail.
            Err(AppError::Validation { .. }) if from.is_some() => shown.update(|f| {
                if f.offset_for(source) == from {
                    *f = Followed::default();
                }
            }),
            Err(e) => {
                error.set(Some(e));
                return;
            }
        }
    }
}

/// A VM's serial log (what the guest wrote to its serial port) or QEMU's
/// own, its newest part, followed every few seconds.
#[component]
pub fn VmLogs(id: i64) -> impl IntoView {
    let source = RwSignal::new(LogSource::Serial);
    let shown = RwSignal::new(Followed::default());
    let error = RwSignal::new(None::<AppError>);
    let tick = use_tick(5);
    Effect::new(move |_| {
        let (s, _) = (source.get(), tick.get());
        leptos::task::spawn_local(read_on(id, s, source, shown, error));
    });
    // Kept at its end as text arrives, unless scrolled up to read.
    let pre = NodeRef::<leptos::html::Pre>::new();
    let at_end = StoredValue::new(true);
    Effect::new(move |_| {
        shown.track();
        if let (Some(el), true) = (pre.get(), at_end.get_value()) {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let on_scroll = move |_| {
        if let Some(el) = pre.get_untracked() {
            at_end.set_value(el.scroll_top() + el.client_height() >= el.scroll_height() - 16);
        }
    };
    let choice = |s: LogSource, label: &'static str| {
        view! {
            <button type="button" class:primary=move || source.get() == s aria-pressed=move || (source.get() == s).to_string()
                data-source=s.as_str() on:click=move |_| source.set(s)>{tr(label)}</button>
        }
    };
    view! {
        <section class="card" data-testid="vm-logs">
            <div class="row spread">
                <h2>{tr("logs.title")}</h2>
                <div class="row" role="group">
                    {choice(LogSource::Serial, "logs.serial")}
                    {choice(LogSource::Qemu, "logs.qemu")}
                    <a href=move || format!("/api/v1/vms/{id}/logs/download?source={}", source.get().as_str())
                        rel="external" download="" data-testid="log-download">{tr("logs.download")}</a>
                </div>
            </div>
            <p class="muted small">{move || if source.get() == LogSource::Serial { tr("logs.serial_intro")() } else { tr("logs.qemu_intro")() }}</p>
            {move || error.get().map(|e| view! { <ErrorBox error=e/> })}
            <pre class="log" node_ref=pre on:scroll=on_scroll data-testid="vm-log"
                data-source=move || shown.with(|f| f.source.map_or("", LogSource::as_str))
                data-size=move || shown.with(|f| f.size.to_string())>
                {move || shown.with(|f| match f.source {
                    Some(s) if s == source.get() && f.text.is_empty() => tr("logs.empty")().to_owned(),
                    Some(s) if s == source.get() => f.text.clone(),
                    _ => tr("common.loading")().to_owned(),
                })}
            </pre>
        </section>
    }
}

/// vlab's own recent log on this node, newest first: at a level or worse,
/// holding a text.
#[component]
pub fn SystemLogs() -> impl IntoView {
    let level = RwSignal::new("info".to_owned());
    let search = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let tick = use_tick(10);
    let log = Resource::new(move || (level.get(), asked.get(), tick.get()), |(l, q, _)| get_system_log(l, q, SYSTEM_LOG_SHOWN));
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        asked.set(search.get_untracked().trim().to_owned());
    };
    view! {
        <section class="card" data-testid="system-logs">
            <div class="row spread">
                <h2>{tr("logs.vlab")}</h2>
                <form class="row filters" data-testid="system-log-filters" on:submit=apply>
                    <label>{tr("logs.level")}
                        <select name="level" bind:value=level>
                            <option value="info">"info"</option>
                            <option value="warn">"warn"</option>
                            <option value="error">"error"</option>
                        </select>
                    </label>
                    <input name="q" type="search" maxlength="100" bind:value=search/>
                    <button type="submit">{tr("logs.search")}</button>
                </form>
            </div>
            <Loaded resource=log view=move |l: SystemLog| {
                let dropped = l.dropped;
                view! {
                    <table class="grid" data-testid="system-log">
                        <thead><tr><th>{tr("audit.when")}</th><th>{tr("logs.level")}</th><th>{tr("logs.target")}</th><th>{tr("logs.message")}</th></tr></thead>
                        <tbody>
                            {l.entries.into_iter().rev().map(|e| {
                                let badge = match e.level.as_str() {
                                    "error" => "badge state-crashed",
                                    "warn" => "badge state-starting",
                                    _ => "badge",
                                };
                                let level = e.level.clone();
                                view! {
                                    <tr data-level=e.level>
                                        <td class="small nowrap">{e.at}</td>
                                        <td><span class=badge>{level}</span></td>
                                        <td class="small muted">{e.target}</td>
                                        <td class="small">{e.message}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="muted small">{tr("logs.node")}" "{l.node}
                        {(dropped > 0).then(|| view! { " · "{dropped}" "{tr("logs.dropped")} })}</p>
                }
            }/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(source: LogSource, offset: u64, text: &str, size: u64) -> VmLog {
        VmLog { vm_id: 1, source, size, offset, text: text.into(), next_offset: offset + text.len() as u64 }
    }

    #[test]
    fn a_followed_log_appends_what_carries_on_and_starts_over_otherwise() {
        let mut f = Followed::default();
        assert_eq!(f.offset_for(LogSource::Serial), None);
        f.take(None, range(LogSource::Serial, 10, "boot\n", 15));
        assert_eq!((f.text.as_str(), f.offset_for(LogSource::Serial), f.offset_for(LogSource::Qemu)), ("boot\n", Some(15), None));
        assert!(f.take(Some(15), range(LogSource::Serial, 15, "ready\n", 21)));
        assert_eq!(f.text, "boot\nready\n");
        // Nothing new: nothing to show again.
        assert!(!f.take(Some(21), range(LogSource::Serial, 21, "", 21)));
        assert_eq!(f.text, "boot\nready\n");
        // The VM started again: its log is shorter than what was read.
        assert!(f.take(Some(21), range(LogSource::Serial, 0, "again\n", 6)));
        assert_eq!((f.text.as_str(), f.next), ("again\n", 6));
        // Another log replaces what is shown.
        f.take(None, range(LogSource::Qemu, 0, "qemu\n", 5));
        assert_eq!((f.text.as_str(), f.source), ("qemu\n", Some(LogSource::Qemu)));
    }

    #[test]
    fn terminal_control_is_left_out() {
        assert_eq!(printable("\x1b[1;32mOK\x1b[0m done\r\n\tnext\x07\x1bc"), "OK done\n\tnext");
        assert_eq!(printable("plain é"), "plain é");
    }

    #[test]
    fn the_kept_tail_is_bounded_and_starts_on_a_character_and_a_line() {
        let mut t = "é".repeat(10) + "\nline two\n";
        keep_tail(&mut t, 13);
        assert_eq!(t, "line two\n");
        let mut long = "x".repeat(10_000);
        keep_tail(&mut long, 100);
        assert_eq!(long.len(), 100);
        let mut short = "short".to_owned();
        keep_tail(&mut short, 100);
        assert_eq!(short, "short");
    }
}
