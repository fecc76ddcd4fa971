//! Charts drawn as SVG by the page itself (the same markup from the server
//! and after hydration, no script library): a VM's use over time, the host's,
//! and the class wall's CPU sparklines. Open charts refresh on a timer.

use super::{tr, use_lang, Loaded};
use crate::api::{get_host_history, get_vm_history};
use crate::i18n::t;
use crate::types::{ChartRange, HostHistory, VmHistory};
use leptos::prelude::*;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Width and height of a chart's drawing, in SVG units.
const W: f64 = 600.0;
const H: f64 = 120.0;

/// A counter that goes up every `secs` while the tab is visible (in the
/// browser; it stays 0 on the server).
pub fn use_tick(secs: u64) -> RwSignal<u64> {
    let tick = RwSignal::new(0u64);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let handle = set_interval_with_handle(
                move || {
                    let hidden = web_sys::window().and_then(|w| w.document()).map(|d| d.hidden()).unwrap_or(false);
                    if !hidden {
                        tick.update(|t| *t += 1);
                    }
                },
                std::time::Duration::from_secs(secs),
            );
            on_cleanup(move || {
                if let Ok(h) = handle {
                    h.clear();
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = secs;
    });
    tick
}

/// What a chart's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Bytes,
    BytesPerSec,
    Count,
}

/// `v` for people: `12.5 %`, `1.2 GiB`, `340 KiB/s`, `3`.
pub fn human(v: f64, unit: Unit) -> String {
    let bytes = |v: f64| {
        let mut v = v;
        for u in ["B", "KiB", "MiB", "GiB"] {
            if v.abs() < 1024.0 {
                return if u == "B" { format!("{v:.0} {u}") } else { format!("{v:.1} {u}") };
            }
            v /= 1024.0;
        }
        format!("{v:.1} TiB")
    };
    match unit {
        Unit::Percent => format!("{v:.1} %"),
        Unit::Bytes => bytes(v),
        Unit::BytesPerSec => format!("{}/s", bytes(v)),
        Unit::Count => format!("{v:.2}").trim_end_matches('0').trim_end_matches('.').to_owned(),
    }
}

/// Seconds since the epoch of an RFC 3339 time (0 if it is not one).
fn epoch(at: &str) -> i64 {
    OffsetDateTime::parse(at, &Rfc3339).map_or(0, |t| t.unix_timestamp())
}

/// `unix` as the axis shows it (UTC): the time of day, with the date over longer spans.
fn axis_label(unix: i64, with_date: bool) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(unix) else { return String::new() };
    let hm = format!("{:02}:{:02}", t.hour(), t.minute());
    if with_date {
        format!("{:02}-{:02} {hm}", u8::from(t.month()), t.day())
    } else {
        hm
    }
}

/// The smallest of 1, 2 or 5 times a power of ten at or above `v`.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|c| *c >= v).unwrap_or(10.0 * p)
}

/// One line of a chart: its legend's translation key and its points
/// (time in epoch seconds, value).
pub struct Line {
    pub key: &'static str,
    pub points: Vec<(i64, f64)>,
}

/// A line chart over `from`..`to` (RFC 3339). `top` keeps the scale at
/// least that high (100 % for CPU, the RAM for memory). `data-points` on
/// the SVG counts what it drew.
#[component]
pub fn Chart(
    testid: &'static str,
    title: &'static str,
    from: String,
    to: String,
    lines: Vec<Line>,
    unit: Unit,
    #[prop(optional)] top: Option<f64>,
    #[prop(optional_no_strip)] note: Option<&'static str>,
) -> impl IntoView {
    let (t0, t1) = (epoch(&from), epoch(&to));
    let span = (t1 - t0).max(1) as f64;
    let highest = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)).fold(0.0, f64::max);
    let ceiling = nice_ceiling(highest.max(top.unwrap_or(0.0)));
    let drawn: usize = lines.iter().map(|l| l.points.len()).sum();
    let with_date = t1 - t0 > 12 * 3600;
    let lang = use_lang();
    let legend: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (key, last) = (l.key, l.points.last().map(|p| human(p.1, unit)));
            view! {
                <span class=format!("legend c{i}")>
                    <i aria-hidden="true"></i>{move || t(lang.get(), key)}
                    {last.map(|v| view! { ": "<strong>{v}</strong> })}
                </span>
            }
        })
        .collect();
    let paths: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let xy: Vec<(f64, f64)> =
                l.points.iter().map(|&(at, v)| (((at - t0) as f64 / span * W).clamp(0.0, W), H - (v / ceiling * H).clamp(0.0, H))).collect();
            let points: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            // A lone point is drawn as a dot.
            let dot = match xy[..] {
                [(x, y)] => Some(view! { <circle class=format!("c{i}") cx=format!("{x:.1}") cy=format!("{y:.1}") r="3"/> }),
                _ => None,
            };
            view! {
                <polyline class=format!("c{i}") points=points.join(" ") data-series=l.key/>
                {dot}
            }
        })
        .collect();
    let gridlines: Vec<_> = [0.25, 0.5, 0.75].into_iter().map(|f| view! { <line class="grid" x1="0" x2=W.to_string() y1=(H * f).to_string() y2=(H * f).to_string()/> }).collect();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>
                <strong>{move || t(lang.get(), title)}</strong>
                {legend}
            </figcaption>
            <div class="plot">
                <span class="ymax muted small">{human(ceiling, unit)}</span>
                <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img" aria-label=move || t(lang.get(), title) data-points=drawn>
                    {gridlines}
                    <line class="axis" x1="0" x2=W.to_string() y1=H.to_string() y2=H.to_string()/>
                    {paths}
                </svg>
                <span class="xaxis muted small"><span>{axis_label(t0, with_date)}</span><span>{axis_label(t1, with_date)}" UTC"</span></span>
            </div>
            {match (drawn, note) {
                (_, Some(key)) => Some(view! { <p class="muted small" data-testid="chart-note">{move || t(lang.get(), key)}</p> }.into_any()),
                (0, None) => Some(view! { <p class="muted small">{tr("chart.empty")}</p> }.into_any()),
                _ => None,
            }}
        </figure>
    }
}

/// 1h / 24h / 7d buttons that set `range`.
#[component]
pub fn RangePicker(range: RwSignal<ChartRange>) -> impl IntoView {
    view! {
        <div class="range-picker row" role="group" data-testid="range-picker">
            {ChartRange::ALL.into_iter().map(|r| view! {
                <button type="button" class:primary=move || range.get() == r aria-pressed=move || (range.get() == r).to_string()
                    data-range=r.label() on:click=move |_| range.set(r)>{r.label()}</button>
            }).collect_view()}
        </div>
    }
}

/// "Usage" and the range picker, above a set of charts.
#[component]
fn UsageTitle(range: RwSignal<ChartRange>) -> impl IntoView {
    view! {
        <div class="row spread">
            <h2>{tr("usage.title")}</h2>
            <RangePicker range/>
        </div>
    }
}

/// What a chart's resource is keyed on: the range, and the timer's ticks
/// (every 10 s over the last hour, every minute over longer spans).
fn refresh_key(range: RwSignal<ChartRange>, tick: RwSignal<u64>) -> (ChartRange, u64) {
    let r = range.get();
    (r, if r == ChartRange::Hour { tick.get() } else { tick.get() / 6 })
}

/// A VM's CPU, memory, disk and network over the chosen range, updating.
#[component]
pub fn VmUsage(id: i64) -> impl IntoView {
    let range = RwSignal::new(ChartRange::Hour);
    let tick = use_tick(10);
    let history = Resource::new(move || refresh_key(range, tick), move |(r, _)| get_vm_history(id, r));
    view! {
        <section class="card" data-testid="vm-usage">
            <UsageTitle range/>
            <Loaded resource=history view=move |h: VmHistory| {
                let at = |p: &crate::types::HistoryPoint| epoch(&p.at);
                let line = |key, f: fn(&crate::types::HistoryPoint) -> Option<f64>| Line {
                    key,
                    points: h.points.iter().filter_map(|p| f(p).map(|v| (at(p), v))).collect(),
                };
                // No counters (user-mode or no network): said, not drawn as zeros.
                let (network, no_network) = if !h.points.is_empty() && h.points.iter().all(|p| p.rx_bytes_per_sec.is_none()) {
                    (vec![], Some("usage.no_network"))
                } else {
                    (vec![line("usage.rx", |p| p.rx_bytes_per_sec), line("usage.tx", |p| p.tx_bytes_per_sec)], None)
                };
                view! {
                    <div class="charts">
                        <Chart testid="chart-cpu" title="usage.cpu" from=h.from.clone() to=h.to.clone() unit=Unit::Percent top=100.0
                            lines=vec![line("usage.cpu_process", |p| Some(p.cpu_percent)), line("usage.cpu_guest", |p| Some(p.vcpu_percent))]/>
                        <Chart testid="chart-memory" title="usage.memory" from=h.from.clone() to=h.to.clone() unit=Unit::Bytes
                            lines=vec![line("usage.rss", |p| Some(p.rss_bytes as f64))]/>
                        <Chart testid="chart-disk" title="usage.disk" from=h.from.clone() to=h.to.clone() unit=Unit::BytesPerSec
                            lines=vec![line("usage.read", |p| Some(p.read_bytes_per_sec)), line("usage.write", |p| Some(p.write_bytes_per_sec))]/>
                        <Chart testid="chart-network" title="usage.network" from=h.from.clone() to=h.to.clone() unit=Unit::BytesPerSec
                            lines=network note=no_network/>
                    </div>
                }
            }/>
        </section>
    }
}

/// The host's CPU, load, memory and running VMs over the chosen range.
#[component]
pub fn HostUsage() -> impl IntoView {
    let range = RwSignal::new(ChartRange::Hour);
    let tick = use_tick(10);
    let history = Resource::new(move || refresh_key(range, tick), move |(r, _)| get_host_history(r));
    view! {
        <section class="card" data-testid="host-usage">
            <UsageTitle range/>
            <Loaded resource=history view=move |h: HostHistory| {
                let line = |key, f: fn(&crate::types::HostPoint) -> f64| Line { key, points: h.points.iter().map(|p| (epoch(&p.at), f(p))).collect() };
                view! {
                    <div class="charts">
                        <Chart testid="chart-host-cpu" title="usage.cpu" from=h.from.clone() to=h.to.clone() unit=Unit::Percent top=100.0
                            lines=vec![line("system.cpu_busy", |p| p.cpu_percent)]/>
                        <Chart testid="chart-host-memory" title="usage.memory" from=h.from.clone() to=h.to.clone() unit=Unit::Bytes
                            lines=vec![line("system.memory_used", |p| p.memory_used_bytes as f64)]/>
                        <Chart testid="chart-host-load" title="system.load" from=h.from.clone() to=h.to.clone() unit=Unit::Count
                            lines=vec![line("system.load_1m", |p| p.load_1m)]/>
                        <Chart testid="chart-host-vms" title="system.running_vms" from=h.from.clone() to=h.to.clone() unit=Unit::Count
                            lines=vec![line("system.running_vms", |p| p.running_vms as f64)]/>
                    </div>
                }
            }/>
        </section>
    }
}

/// A small CPU line for a seat on the class wall (0 to 100 % of a core, or
/// higher when the VM used more).
#[component]
pub fn Sparkline(values: Vec<f64>) -> impl IntoView {
    let (w, h) = (100.0, 24.0);
    let ceiling = values.iter().copied().fold(100.0, f64::max);
    let n = values.len();
    let xy: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = if n > 1 { i as f64 / (n - 1) as f64 * w } else { w };
            format!("{x:.1},{:.1}", h - (v / ceiling * h).clamp(0.0, h))
        })
        .collect();
    let last = values.last().map(|v| human(*v, Unit::Percent)).unwrap_or_default();
    let title = format!("CPU {last}");
    view! {
        <span class="sparkline" data-testid="sparkline" title=title>
            <svg viewBox=format!("0 0 {w} {h}") preserveAspectRatio="none" data-points=n aria-hidden="true">
                <polyline points=xy.join(" ")/>
            </svg>
            <span class="small muted">{last}</span>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_say_them() {
        assert_eq!(human(12.345, Unit::Percent), "12.3 %");
        assert_eq!(human(512.0, Unit::Bytes), "512 B");
        assert_eq!(human(3.5 * 1024.0 * 1024.0, Unit::Bytes), "3.5 MiB");
        assert_eq!(human(2048.0, Unit::BytesPerSec), "2.0 KiB/s");
        assert_eq!(human(3.0, Unit::Count), "3");
        assert_eq!(human(1.25, Unit::Count), "1.25");
    }

    #[test]
    fn scales_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
        assert_eq!(nice_ceiling(101.0), 200.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
    }

    #[test]
    fn times_are_read_and_labelled_in_utc() {
        assert_eq!(epoch("1970-01-01T01:00:00Z"), 3600);
        assert_eq!(epoch("not a time"), 0);
        let at = epoch("2026-12-03T09:05:00Z");
        assert_eq!(axis_label(at, false), "09:05");
        assert_eq!(axis_label(at, true), "12-03 09:05");
    }
}
