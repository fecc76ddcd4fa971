//! Admin: how this node's host is now (CPU, memory, pools, QEMU, VMs, what
//! they hold) and over time.

use super::charts::{human, use_tick, HostUsage, Unit};
use super::{live::state_key, tr, use_lang, Loaded, RequireUser};
use crate::api::get_host_status;
use crate::i18n::t;
use crate::types::{HostStatus, Role, UserView};
use leptos::prelude::*;

#[component]
pub fn SystemPage() -> impl IntoView {
    view! {
        <RequireUser min_role=Role::Admin signed_in=move |_me: UserView| view! { <SystemAdmin/> }/>
    }
}

/// `3 d 4 h`, `5 h 12 min`, `40 s`.
fn duration(secs: u64) -> String {
    match secs {
        s if s >= 86_400 => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
        s if s >= 3600 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s if s >= 60 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

#[component]
fn SystemAdmin() -> impl IntoView {
    let tick = use_tick(10);
    let status = Resource::new(move || tick.get(), |_| get_host_status());
    let lang = use_lang();
    view! {
        <h1>{tr("system.title")}</h1>
        <Loaded resource=status view=move |s: HostStatus| {
            let bytes = |v: u64| human(v as f64, Unit::Bytes);
            let held = s.capacity;
            view! {
                <section class="card" data-testid="host-status" data-node=s.node.clone() data-accelerator=s.accelerator.clone()>
                    <dl class="facts">
                        <dt>{tr("system.node")}</dt><dd>{s.node.clone()}</dd>
                        <dt>{tr("usage.cpu")}</dt>
                        <dd data-testid="host-cpu">{human(s.cpu.percent, Unit::Percent)}" · "{s.cpu.cores}" "{tr("system.cores")}
                            " · "{tr("system.load")}" "{format!("{:.2} / {:.2} / {:.2}", s.cpu.load_1m, s.cpu.load_5m, s.cpu.load_15m)}</dd>
                        <dt>{tr("usage.memory")}</dt>
                        <dd data-testid="host-memory">{bytes(s.memory.used_bytes)}" / "{bytes(s.memory.total_bytes)}
                            " ("{bytes(s.memory.available_bytes)}" "{tr("system.available")}")"</dd>
                        <dt>{tr("system.held")}</dt>
                        <dd data-testid="host-capacity">{held.running_vcpus}" vCPU / "{held.cores}" "{tr("system.cores")}" · "
                            {held.running_memory_mib}" MiB / "{held.allowed_memory_mib}" MiB ("{format!("× {}", held.host_memory_ratio)}")"</dd>
                        <dt>{tr("system.accelerator")}</dt>
                        <dd data-testid="host-accelerator"><strong>{s.accelerator.to_uppercase()}</strong>" — "<span class="muted">{s.accelerator_reason.clone()}</span></dd>
                        <dt>"QEMU"</dt><dd data-testid="host-qemu">{s.qemu_version.clone()}</dd>
                        <dt>"vlab"</dt><dd>{s.vlab_version.clone()}" · "{tr("system.up")}" "{duration(s.uptime_secs)}</dd>
                    </dl>
                    <h3>{tr("system.vms")}</h3>
                    <ul class="counts" data-testid="host-vms">
                        {s.vms.iter().map(|c| {
                            let (state, count) = (c.state.as_str(), c.count);
                            view! { <li data-state=state>{move || t(lang.get(), state_key(state))}": "{count}</li> }
                        }).collect_view()}
                    </ul>
                    <h3>{tr("system.pools")}</h3>
                    <table class="grid" data-testid="host-pools">
                        <thead><tr><th>{tr("system.pool")}</th><th>{tr("system.free")}</th><th>{tr("system.size")}</th></tr></thead>
                        <tbody>
                            {s.pools.iter().map(|p| view! {
                                <tr data-pool=p.pool.clone()>
                                    <td>{p.pool.clone()}{p.shared.then(|| view! { " "<span class="badge">{tr("system.shared")}</span> })}</td>
                                    <td>{bytes(p.free_bytes)}</td>
                                    <td>{bytes(p.total_bytes)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="muted small">{tr("system.sampled")}" "{s.sampled_at.clone()}</p>
                </section>
            }
        }/>
        <HostUsage/>
        <super::logs::SystemLogs/>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_in_their_largest_units() {
        assert_eq!(super::duration(40), "40 s");
        assert_eq!(super::duration(600), "10 min");
        assert_eq!(super::duration(3 * 3600 + 120), "3 h 2 min");
        assert_eq!(super::duration(2 * 86_400 + 7200), "2 d 2 h");
    }
}
