//! Admin: the hosts vlab runs on, their state, and draining them.

use super::{tr, ErrorBox, Loaded, RequireUser};
use crate::api::{list_nodes, UpdateNode};
use crate::types::{NodePatch, NodeView, Role, UserView};
use leptos::prelude::*;

#[component]
pub fn NodesPage() -> impl IntoView {
    view! {
        <RequireUser min_role=Role::Admin signed_in=move |_me: UserView| view! { <NodesAdmin/> }/>
    }
}

fn gib(mib: u64) -> String {
    format!("{:.1} GiB", mib as f64 / 1024.0)
}

#[component]
fn NodesAdmin() -> impl IntoView {
    let update = ServerAction::<UpdateNode>::new();
    let nodes = Resource::new(move || update.version().get(), |_| list_nodes());
    view! {
        <h1>{tr("nodes.title")}</h1>
        <p class="muted">{tr("nodes.intro")}</p>
        {move || update.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
        <section class="card">
            <Loaded resource=nodes view={move |list: Vec<NodeView>| view! {
                <table class="grid" data-testid="nodes-table">
                    <thead><tr>
                        <th>{tr("nodes.name")}</th>
                        <th>{tr("nodes.status")}</th>
                        <th>{tr("nodes.cpus")}</th>
                        <th>{tr("nodes.memory")}</th>
                        <th>{tr("nodes.pool")}</th>
                        <th>{tr("nodes.vms")}</th>
                        <th>{tr("nodes.software")}</th>
                        <th>{tr("nodes.heartbeat")}</th>
                        <th>{tr("nodes.enabled")}</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|n| {
                            let id = n.id;
                            let enabled = n.enabled;
                            let online = n.status == "online";
                            view! {
                                <tr data-node=n.name.clone() data-status=n.status.clone() data-enabled=enabled.to_string()>
                                    <td>
                                        <strong>{n.name.clone()}</strong>
                                        {n.this_node.then(|| view! { " " <span class="badge">{tr("nodes.this")}</span> })}
                                        <br/><span class="muted">{n.address.clone()}</span>
                                    </td>
                                    <td>
                                        <span class=if online { "badge state-running" } else { "badge state-crashed" }>
                                            {if online { tr("nodes.online")() } else { tr("nodes.unreachable")() }}
                                        </span>
                                    </td>
                                    <td>{n.cpus}" · "{format!("{:.2}", n.load)}</td>
                                    <td>{gib(n.memory_free_mib)}" / "{gib(n.memory_mib)}</td>
                                    <td>{gib(n.pool_free_bytes >> 20)}" / "{gib(n.pool_bytes >> 20)}</td>
                                    <td>{n.vms}" ("{n.running_vms}")"</td>
                                    <td class="muted">{n.accelerator.clone()}" · "{n.qemu_version.clone()}" · "{n.vlab_version.clone()}</td>
                                    <td class="muted">{n.heartbeat_at.clone()}</td>
                                    <td>
                                        <button type="button" class=if enabled { "danger" } else { "primary" } data-testid="node-toggle"
                                            on:click=move |_| { update.dispatch(UpdateNode { id, patch: NodePatch { enabled: !enabled } }); }>
                                            {if enabled { tr("nodes.disable")() } else { tr("nodes.enable")() }}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()}/>
        </section>
    }
}
