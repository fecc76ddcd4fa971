//! Machines: the list with live state badges, creating one, and one
//! machine's page.

use super::live::{use_live, LiveState, StateBadge};
use crate::lifecycle::{self, Action, VmState};
use super::{page_query, tr, ErrorBox, Loaded, Pager, RequireUser};
use crate::api::*;
use crate::types::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The translation key of an action's button.
fn action_key(a: Action) -> &'static str {
    match a {
        Action::Start => "vm.start",
        Action::Stop => "vm.stop",
        Action::Shutdown => "vm.shutdown",
        Action::Restart => "vm.restart",
        Action::Pause => "vm.pause",
        Action::Resume => "vm.resume",
        Action::Reset => "vm.reset",
    }
}

/// Lists the caller's machines (admins: all), with start/stop buttons.
#[component]
pub fn MachineList() -> impl IntoView {
    let action = ServerAction::<VmAction>::new();
    let create = use_context::<ServerAction<CreateVm>>();
    let page = RwSignal::new(1u32);
    let vms = Resource::new(
        move || (create.map(|c| c.version().get()), action.version().get(), page.get()),
        |(_, _, p)| list_vms(page_query(p)),
    );
    let live = use_live();
    view! {
        {move || action.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
        <Loaded resource=vms view={move |v: Page<VmView>| match v {
            p if p.items.is_empty() => view! { <p class="muted">{tr("vm.none")}</p> }.into_any(),
            p => view! {
                <Pager page of=p.pagination.clone()/>
                <table class="grid" data-testid="vm-table">
                    <thead><tr>
                        <th>{tr("vm.name")}</th><th>{tr("vm.state")}</th><th>{tr("vm.cpus")}</th>
                        <th>{tr("vm.memory")}</th><th>{tr("vm.owner")}</th><th></th>
                    </tr></thead>
                    <tbody>
                        {p.items.into_iter().map(|vm| {
                            let id = vm.id;
                            let act = move |a: Action| {
                                let request = StateChangeRequest { action: a, force: None, timeout: None };
                                move |_| { action.dispatch(VmAction { id, request: request.clone() }); }
                            };
                            let (row_name, link_name) = (vm.name.clone(), vm.name.clone());
                            let first = vm.state.as_str().to_owned();
                            view! {
                                <tr data-vm=row_name>
                                    <td><A href=format!("/machines/{id}")>{link_name}</A></td>
                                    <td><StateBadge id initial=vm.state.as_str().to_owned()/></td>
                                    <td>{vm.cpus}</td>
                                    <td>{vm.memory_mib}</td>
                                    <td>{vm.owner.clone()}</td>
                                    <td class="row">
                                        {move || {
                                            let state = live.vms.with(|m| m.get(&id).map(|s| s.state.clone())).unwrap_or_else(|| first.clone());
                                            let state = VmState::parse(&state).unwrap_or(VmState::Stopped);
                                            let can = |a: Action| lifecycle::next(state, a).is_ok();
                                            view! {
                                                {can(Action::Start).then(|| view! { <button type="button" on:click=act(Action::Start) data-testid="vm-start">{tr("vm.start")}</button> })}
                                                {can(Action::Stop).then(|| view! { <button type="button" on:click=act(Action::Stop) data-testid="vm-stop">{tr("vm.stop")}</button> })}
                                            }
                                        }}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}/>
    }
}

#[component]
pub fn MachinesPage() -> impl IntoView {
    view! {
        <RequireUser signed_in=move |me: UserView| view! {
            <h1>{tr("vm.title")}</h1>
            <NewMachine admin=me.role == Role::Admin/>
            <section class="card"><MachineList/></section>
        }/>
    }
}

/// The nodes an admin may pick from, when there is more than one.
pub(super) fn node_choice(admin: bool) -> Resource<Vec<NodeView>> {
    Resource::new(move || admin, |admin| async move {
        if !admin {
            return Vec::new();
        }
        list_nodes().await.ok().filter(|n| n.len() > 1).unwrap_or_default()
    })
}

/// A choice of enabled node (or none: vlab places it), shown only when
/// `nodes` offers some.
#[component]
pub(super) fn NodePick(nodes: Resource<Vec<NodeView>>, value: RwSignal<String>, label: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = nodes.await;
                (!list.is_empty()).then(|| view! {
                    <label class="inline-label">{tr(label)}
                        <select name="node" bind:value=value data-testid=testid>
                            <option value="">{tr("nodes.automatic")}</option>
                            {list.into_iter().filter(|n| n.enabled).map(|n| view! {
                                <option value=n.id.to_string()>{n.name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })
            })}
        </Suspense>
    }
}

#[component]
fn NewMachine(admin: bool) -> impl IntoView {
    let create = ServerAction::<CreateVm>::new();
    provide_context(create);
    let nodes = node_choice(admin);
    let node = RwSignal::new(String::new());
    // The create form offers ready ISOs from the library's first page.
    let isos = Resource::new(|| (), |_| list_isos(ListQuery { page_size: Some(100), ..Default::default() }));
    let name = RwSignal::new(String::new());
    let cpus = RwSignal::new("1".to_string());
    let memory = RwSignal::new("512".to_string());
    let kernel = RwSignal::new(String::new());
    let iso = RwSignal::new(String::new());
    let boot = RwSignal::new("cdn".to_string());
    let network = RwSignal::new("user".to_string());
    let forward = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let forward_port = forward.get_untracked().trim().parse::<u16>().ok();
        let input = NewVm {
            name: name.get_untracked(),
            description: None,
            cpus: cpus.get_untracked().trim().parse().ok(),
            memory_mib: memory.get_untracked().trim().parse().ok(),
            boot_order: Some(boot.get_untracked()),
            disk_bus: None,
            network: NetworkMode::parse(&network.get_untracked()),
            outbound: None,
            kernel: Some(kernel.get_untracked().trim().to_owned()).filter(|k| !k.is_empty()),
            port_forwards: forward_port
                .map(|g| vec![NewPortForward { protocol: "tcp".into(), host_port: None, guest_port: g }])
                .unwrap_or_default(),
            iso_id: iso.get_untracked().parse().ok(),
            bridge: None,
            owner_id: None,
            node_id: node.get_untracked().parse().ok(),
        };
        create.dispatch(CreateVm { input });
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
        }
    });
    // A new library holds the demo guest: offer it until the user picks.
    Effect::new(move |_| {
        if let Some(Ok(list)) = isos.get() {
            if iso.get_untracked().is_empty() {
                if let Some(demo) = list.items.iter().find(|i| i.demo && i.status == "ready") {
                    iso.set(demo.id.to_string());
                }
            }
        }
    });
    view! {
        <section class="card">
            <h2>{tr("vm.new")}</h2>
            <form class="row" on:submit=on_submit data-testid="new-vm-form">
                <input name="name" placeholder=tr("vm.name") bind:value=name required/>
                <label class="inline-label">{tr("vm.cpus")}<input name="cpus" bind:value=cpus size="3" inputmode="numeric"/></label>
                <label class="inline-label">{tr("vm.memory")}<input name="memory" bind:value=memory size="6" inputmode="numeric"/></label>
                <input name="kernel" placeholder=tr("vm.kernel") bind:value=kernel size="14"/>
                <label class="inline-label">{tr("vm.iso")}
                    <select name="iso" bind:value=iso>
                        <option value="">{tr("vm.no_iso")}</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                isos.await.map(|p| p.items).unwrap_or_default().into_iter().filter(|i| i.status == "ready")
                                    .map(|i| {
                                        let v = i.id.to_string();
                                        let mine = v.clone();
                                        view! { <option value=v selected=move || iso.get() == mine>{i.name}</option> }
                                    }).collect_view()
                            })}
                        </Suspense>
                    </select>
                </label>
                <label class="inline-label">{tr("vm.boot_order")}<input name="boot" bind:value=boot size="3"/></label>
                <label class="inline-label">{tr("vm.network")}
                    <select name="network" bind:value=network>
                        <option value="user">"user (NAT)"</option>
                        <option value="none">"none"</option>
                    </select>
                </label>
                <input name="forward" placeholder=tr("vm.forward") bind:value=forward size="14" inputmode="numeric"/>
                <NodePick nodes value=node label="nodes.node" testid="vm-node"/>
                <button type="submit" class="primary">{tr("vm.create")}</button>
            </form>
            {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
        </section>
    }
}

/// One machine: power, configuration, CD-ROM, disks, snapshots, forwards.
#[component]
pub fn MachinePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    view! {
        <RequireUser signed_in=move |me: UserView| view! { <MachineDetail id=id() admin=me.role == Role::Admin/> }/>
    }
}

#[component]
fn MachineDetail(id: i64, admin: bool) -> impl IntoView {
    let action = ServerAction::<VmAction>::new();
    let relocate = ServerAction::<MoveVm>::new();
    let nodes = node_choice(admin);
    let live_ops = use_live();
    // The move this page asked for, as it progresses; its end reloads the VM.
    let move_op = Memo::new(move |_| {
        let asked = relocate.value().get().and_then(|r| r.ok())?;
        Some(live_ops.operations.with(|m| m.get(&asked.id).cloned()).unwrap_or(asked))
    });
    let moved = Memo::new(move |_| move_op.get().is_some_and(|o| o.finished_at.is_some()));
    let update = ServerAction::<UpdateVm>::new();
    let cdrom = ServerAction::<SetCdrom>::new();
    let attach = ServerAction::<AttachDisk>::new();
    let detach = ServerAction::<DetachDisk>::new();
    let snap_create = ServerAction::<CreateSnapshot>::new();
    let snap_revert = ServerAction::<RevertSnapshot>::new();
    let snap_delete = ServerAction::<DeleteSnapshot>::new();
    let add_fw = ServerAction::<AddPortForward>::new();
    let rm_fw = ServerAction::<RemovePortForward>::new();
    let delete = ServerAction::<DeleteVm>::new();
    let delete_disks = RwSignal::new(false);
    let baseline = ServerAction::<ResetVm>::new();
    // What the host allows guests' networks, whatever the VM says.
    let host_net = Resource::new(|| (), |_| get_guest_network());
    let vm = Resource::new(
        move || (action.version().get(), update.version().get(), cdrom.version().get(), attach.version().get(), detach.version().get(),
                 add_fw.version().get(), rm_fw.version().get(), baseline.version().get(), moved.get()),
        move |_| get_vm(id),
    );
    let extras = Resource::new(
        move || (attach.version().get(), detach.version().get(), snap_create.version().get(), snap_revert.version().get(), snap_delete.version().get()),
        // The pickers offer the first 100 disks and ISOs the caller may use.
        move |_| async move {
            let first = || ListQuery { page_size: Some(100), ..Default::default() };
            (list_disks(first()).await.map(|p| p.items), list_isos(first()).await.map(|p| p.items), list_snapshots(id).await)
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/machines");
            }
        }
    });
    let errors = move || {
        action.value().get().and_then(|r| r.err())
            .or_else(|| update.value().get().and_then(|r| r.err()))
            .or_else(|| cdrom.value().get().and_then(|r| r.err()))
            .or_else(|| attach.value().get().and_then(|r| r.err()))
            .or_else(|| detach.value().get().and_then(|r| r.err()))
            .or_else(|| snap_create.value().get().and_then(|r| r.err()))
            .or_else(|| snap_revert.value().get().and_then(|r| r.err()))
            .or_else(|| snap_delete.value().get().and_then(|r| r.err()))
            .or_else(|| add_fw.value().get().and_then(|r| r.err()))
            .or_else(|| rm_fw.value().get().and_then(|r| r.err()))
            .or_else(|| delete.value().get().and_then(|r| r.err()))
            .or_else(|| baseline.value().get().and_then(|r| r.err()))
            .or_else(|| relocate.value().get().and_then(|r| r.err()))
    };
    let confirm_reset = tr("wall.confirm_reset");
    let power = move |a: Action| {
        move |_| {
            action.dispatch(VmAction { id, request: StateChangeRequest { action: a, force: None, timeout: None } });
        }
    };
    let confirm_text = tr("vm.confirm_delete");
    view! {
        <Transition fallback=move || view! { <p class="muted">{tr("common.loading")}</p> }>
            {move || Suspend::new(async move {
                let vm = match vm.await {
                    Ok(vm) => vm,
                    Err(e) => return view! { <ErrorBox error=e/> }.into_any(),
                };
                let host_closed = host_net.await.ok().filter(|n| !n.outbound && vm.network == NetworkMode::User);
                let name = RwSignal::new(vm.name.clone());
                let cpus = RwSignal::new(vm.cpus.to_string());
                let memory = RwSignal::new(vm.memory_mib.to_string());
                let boot = RwSignal::new(vm.boot_order.clone());
                let outbound = RwSignal::new(vm.outbound);
                let save = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    update.dispatch(UpdateVm { id, patch: VmPatch {
                        name: Some(name.get_untracked()),
                        description: None,
                        cpus: cpus.get_untracked().trim().parse().ok(),
                        memory_mib: memory.get_untracked().trim().parse().ok(),
                        boot_order: Some(boot.get_untracked()),
                        outbound: Some(outbound.get_untracked()),
                    }});
                };
                let fw_port = RwSignal::new(String::new());
                let fw_proto = RwSignal::new("tcp".to_string());
                let snap_name = RwSignal::new(String::new());
                let current_iso = vm.iso_id.map(|i| i.to_string()).unwrap_or_default();
                let live = use_live();
                let (first_state, first_reason) = (vm.state.as_str().to_owned(), vm.state_reason.clone());
                let now = Memo::new(move |_| {
                    live.vms.with(|m| m.get(&id).cloned()).unwrap_or_else(|| LiveState { state: first_state.clone(), reason: first_reason.clone() })
                });
                // The operation this page asked for, as it progresses.
                let op = Memo::new(move |_| {
                    let asked = action.value().get().and_then(|r| r.ok())?;
                    Some(live.operations.with(|m| m.get(&asked.id).cloned()).unwrap_or(asked))
                });
                let busy = move || op.get().is_some_and(|o| o.finished_at.is_none());
                let screen = Memo::new(move |_| matches!(now.get().state.as_str(), "running" | "paused"));
                let is_lab = vm.lab_id.is_some();
                view! {
                    <h1>{vm.name.clone()}" "<StateBadge id initial=vm.state.as_str().to_owned()/></h1>
                    {move || {
                        let n = now.get();
                        n.reason.filter(|_| n.state != "running").map(|r| view! {
                            <p class="error" role="status" data-testid="state-reason">{tr("vm.why_not_running")}" "{r}</p>
                        })
                    }}
                    {move || errors().map(|e| view! { <ErrorBox error=e/> })}
                    <section class="card row" data-testid="power">
                        {move || {
                            let state = VmState::parse(&now.get().state).unwrap_or(VmState::Stopped);
                            lifecycle::allowed(state).map(|a| {
                                let primary = matches!(a, Action::Start | Action::Resume);
                                view! {
                                    <button type="button" class:primary=primary data-testid=format!("power-{}", a.as_str())
                                        disabled=busy on:click=power(a)>{tr(action_key(a))}</button>
                                }
                            }).collect_view()
                        }}
                        {is_lab.then(|| view! {
                            <button type="button" class="danger" data-testid="reset-baseline" on:click=move |_| {
                                if super::users::confirm(confirm_reset()) { baseline.dispatch(ResetVm { id, request: ResetRequest { confirm: true } }); }
                            }>{tr("wall.reset")}</button>
                        })}
                        <button type="button" class="danger" on:click=move |_| {
                            if super::users::confirm(confirm_text()) {
                                delete.dispatch(DeleteVm { id, force: true, delete_disks: delete_disks.get_untracked() });
                            }
                        }>{tr("vm.delete")}</button>
                        <label class="inline-label"><input type="checkbox" bind:checked=delete_disks/>{tr("vm.delete_disks")}</label>
                        {move || op.get().map(|o| {
                            let key = match (o.status.as_str(), o.finished_at.is_some()) {
                                ("failed", _) => "op.failed",
                                (_, true) => "op.done",
                                _ => "op.running",
                            };
                            view! {
                                <span class=format!("op op-{}", o.status) data-testid="operation" data-status=o.status.clone()>
                                    {o.finished_at.is_none().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                                    {o.kind.clone()}": "{tr(key)}
                                    {o.error.clone().map(|e| view! { " — "{e} })}
                                </span>
                            }
                        })}
                    </section>
                    <section class="card">
                        <p class="row">
                            <a href=format!("/machines/{id}/console") rel="external" data-testid="open-console">{tr("console.open")}</a>
                            " · "
                            <a href=format!("/machines/{id}/console?kind=serial") rel="external">{tr("console.serial")}</a>
                        </p>
                        {move || if screen.get() {
                            view! { <super::console::ConsoleView vm_id=id kind="vnc"/> }.into_any()
                        } else {
                            view! { <p class="muted" data-testid="no-screen">{tr("vm.screen_when_running")}</p> }.into_any()
                        }}
                    </section>
                    {
                        let here = vm.node_id;
                        let target = RwSignal::new(String::new());
                        view! {
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    let list = nodes.await;
                                    (!list.is_empty()).then(|| {
                                        let current = list.iter().find(|n| Some(n.id) == here).map(|n| n.name.clone()).unwrap_or_default();
                                        let others: Vec<NodeView> = list.into_iter().filter(|n| Some(n.id) != here && n.enabled && n.status == "online").collect();
                                        view! {
                                            <section class="card row" data-testid="vm-placement">
                                                <span>{tr("nodes.node")}": "<strong data-testid="vm-node-name">{current}</strong></span>
                                                <select bind:value=target data-testid="move-target">
                                                    <option value="">{tr("nodes.move")}"…"</option>
                                                    {others.into_iter().map(|n| view! { <option value=n.id.to_string()>{n.name}</option> }).collect_view()}
                                                </select>
                                                <button type="button" data-testid="move-vm" on:click=move |_| {
                                                    if let Ok(node_id) = target.get_untracked().parse() {
                                                        relocate.dispatch(MoveVm { id, to: VmMove { node_id } });
                                                    }
                                                }>{tr("nodes.move")}</button>
                                                <span class="muted">{tr("nodes.move_hint")}</span>
                                                {move || move_op.get().map(|o| view! {
                                                    <span class=format!("op op-{}", o.status) data-testid="move-operation" data-status=o.status.clone()>
                                                        {o.finished_at.is_none().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                                                        {format!("{} {}%", o.kind, o.progress)}
                                                        {o.error.clone().map(|e| view! { " — "{e} })}
                                                    </span>
                                                })}
                                            </section>
                                        }
                                    })
                                })}
                            </Suspense>
                        }
                    }
                    <section class="card">
                        <h2>{tr("vm.config")}</h2>
                        <form class="row" on:submit=save>
                            <label class="inline-label">{tr("vm.name")}<input bind:value=name/></label>
                            <label class="inline-label">{tr("vm.cpus")}<input bind:value=cpus size="3"/></label>
                            <label class="inline-label">{tr("vm.memory")}<input bind:value=memory size="6"/></label>
                            <label class="inline-label">{tr("vm.boot_order")}<input bind:value=boot size="3"/></label>
                            <label class="check"><input type="checkbox" bind:checked=outbound data-testid="outbound"/>{tr("vm.outbound")}</label>
                            <button type="submit" class="primary">{tr("vm.save")}</button>
                        </form>
                        {host_closed.map(|n| view! { <p class="notice" data-testid="host-network">{n.reason}</p> })}
                        {vm.needs_restart.then(|| view! { <p class="muted">{tr("vm.needs_restart")}</p> })}
                        <p class="muted">{format!("uuid {} · {} · {} · kernel {}", vm.uuid, vm.disk_bus.as_str(), vm.network.as_str(), vm.kernel.clone().unwrap_or_else(|| "—".into()))}</p>
                    </section>
                    <section class="card">
                        <h2>{tr("vm.forwards")}</h2>
                        <table class="grid">
                            <thead><tr><th>{tr("vm.host")}</th><th>{tr("vm.guest")}</th><th></th></tr></thead>
                            <tbody>
                                {vm.port_forwards.iter().map(|f| {
                                    let fid = f.id;
                                    view! { <tr>
                                        <td><code>{format!("127.0.0.1:{}", f.host_port)}</code></td>
                                        <td>{format!("{}/{}", f.guest_port, f.protocol)}</td>
                                        <td><button type="button" on:click=move |_| { rm_fw.dispatch(RemovePortForward { vm_id: id, id: fid }); }>{tr("vm.remove")}</button></td>
                                    </tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <form class="row" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            if let Ok(g) = fw_port.get_untracked().trim().parse::<u16>() {
                                add_fw.dispatch(AddPortForward { vm_id: id, input: NewPortForward { protocol: fw_proto.get_untracked(), host_port: None, guest_port: g } });
                            }
                        }>
                            <input placeholder=tr("vm.guest") bind:value=fw_port size="8" inputmode="numeric"/>
                            <select bind:value=fw_proto><option value="tcp">"tcp"</option><option value="udp">"udp"</option></select>
                            <button type="submit">{tr("vm.add_forward")}</button>
                        </form>
                    </section>
                    <Suspense fallback=|| ()>
                        {move || {
                            let current_iso = current_iso.clone();
                            Suspend::new(async move {
                                let (disks, isos, snaps) = extras.await;
                                let disks = disks.unwrap_or_default();
                                let mine: Vec<DiskView> = disks.iter().filter(|d| d.vm_id == Some(id)).cloned().collect();
                                let free: Vec<DiskView> = disks.into_iter().filter(|d| d.vm_id.is_none()).collect();
                                let pick = RwSignal::new(free.first().map(|d| d.id.to_string()).unwrap_or_default());
                                view! {
                                    <section class="card">
                                        <h2>{tr("vm.iso")}</h2>
                                        <select on:change:target=move |ev| {
                                            cdrom.dispatch(SetCdrom { vm_id: id, change: CdromChange { iso_id: ev.target().value().parse().ok() } });
                                        }>
                                            <option value="" selected=current_iso.is_empty()>{tr("vm.no_iso")}</option>
                                            {isos.unwrap_or_default().into_iter().filter(|i| i.status == "ready").map(|i| {
                                                let v = i.id.to_string();
                                                view! { <option value=v.clone() selected=v == current_iso>{i.name}</option> }
                                            }).collect_view()}
                                        </select>
                                    </section>
                                    <section class="card">
                                        <h2>{tr("vm.disks")}</h2>
                                        <ul>
                                            {mine.into_iter().map(|d| {
                                                let did = d.id;
                                                view! { <li>{format!("{} ({} MiB, {}) ", d.name, d.virtual_size >> 20, d.format)}
                                                    <button type="button" on:click=move |_| { detach.dispatch(DetachDisk { id: did }); }>{tr("vm.detach")}</button>
                                                </li> }
                                            }).collect_view()}
                                        </ul>
                                        <div class="row">
                                            <select bind:value=pick>
                                                {free.into_iter().map(|d| view! { <option value=d.id.to_string()>{d.name}</option> }).collect_view()}
                                            </select>
                                            <button type="button" on:click=move |_| {
                                                if let Ok(did) = pick.get_untracked().parse() { attach.dispatch(AttachDisk { id: did, to: DiskAttach { vm_id: id } }); }
                                            }>{tr("vm.attach")}</button>
                                        </div>
                                    </section>
                                    <section class="card">
                                        <h2>{tr("vm.snapshots")}</h2>
                                        <ul>
                                            {snaps.unwrap_or_default().into_iter().map(|s| {
                                                let sid = s.id;
                                                view! { <li>{format!("{} · {} ", s.name, s.created_at)}
                                                    <button type="button" on:click=move |_| { snap_revert.dispatch(RevertSnapshot { vm_id: id, id: sid }); }>{tr("vm.revert")}</button>
                                                    <button type="button" class="danger" on:click=move |_| { snap_delete.dispatch(DeleteSnapshot { vm_id: id, id: sid }); }>{tr("vm.remove")}</button>
                                                </li> }
                                            }).collect_view()}
                                        </ul>
                                        <form class="row" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                            ev.prevent_default();
                                            snap_create.dispatch(CreateSnapshot { vm_id: id, input: NewSnapshot { name: snap_name.get_untracked() } });
                                        }>
                                            <input placeholder=tr("vm.snapshot_name") bind:value=snap_name required/>
                                            <button type="submit">{tr("vm.take_snapshot")}</button>
                                        </form>
                                    </section>
                                }
                            })
                        }}
                    </Suspense>
                }.into_any()
            })}
        </Transition>
        <super::charts::VmUsage id/>
        <super::logs::VmLogs id/>
    }
}
