//! Labs: the student's "my labs", a course's labs and publishing them, and the class wall.

use super::{param_id, go, tr, ErrorBox, Loaded, RequireUser};
use crate::api::*;
use crate::types::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// The student's labs, each with one button that opens it: the VM is made
/// and started if needed, then the console opens.
#[component]
pub fn MyLabs() -> impl IntoView {
    let labs = Resource::new(|| (), |_| my_labs());
    let open = ServerAction::<OpenLab>::new();
    Effect::new(move |_| {
        if let Some(Ok(opened)) = open.value().get() {
            go(format!("/machines/{}/console", opened.vm.id));
        }
    });
    view! {
        <section class="card" data-testid="my-labs">
            <h2>{tr("lab.mine")}</h2>
            {move || open.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
            <Loaded resource=labs view={move |list: Vec<LabView>| {
                if list.is_empty() {
                    return view! { <p class="muted">{tr("lab.none")}</p> }.into_any();
                }
                view! {
                    <ul class="lab-list">
                        {list.into_iter().map(|l| {
                            let id = l.id;
                            let state = l.my_vm_state.clone().unwrap_or_else(|| "new".into());
                            view! {
                                <li class="lab-item" data-lab=l.name.clone()>
                                    <div>
                                        <strong>{l.name.clone()}</strong>" · "<span class="muted">{l.course_code.clone()}</span>
                                        <p class="muted">{l.description.clone()}</p>
                                        {l.closes_at.clone().map(|c| view! { <p class="muted">{tr("lab.closes")}" "{c}</p> })}
                                    </div>
                                    <span class=format!("state state-{state}")>{state.clone()}</span>
                                    <button type="button" class="primary big" data-testid="open-lab"
                                        disabled=move || open.pending().get()
                                        on:click=move |_| { open.dispatch(OpenLab { id }); }>
                                        {tr("lab.open")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}/>
        </section>
    }
}

#[component]
pub(super) fn CourseLabs(id: i64, manage: bool, admin: bool) -> impl IntoView {
    let publish = ServerAction::<PublishLab>::new();
    let nodes = super::machines::node_choice(admin);
    let node = RwSignal::new(String::new());
    let labs = Resource::new(move || publish.version().get(), move |_| list_labs(id));
    let templates = Resource::new(|| (), move |_| list_templates(id));
    let name = RwSignal::new(String::new());
    let version = RwSignal::new(String::new());
    let closes = RwSignal::new(String::new());
    let idle = RwSignal::new(String::new());
    let outbound = RwSignal::new(true);
    view! {
        <section class="card" data-testid="labs">
            <h2>{tr("lab.title")}</h2>
            {manage.then(|| view! {
                <form class="row" data-testid="publish-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let closes_at = closes.get_untracked();
                    publish.dispatch(PublishLab { course_id: id, input: NewLab {
                        name: name.get_untracked(),
                        template_version_id: version.get_untracked().parse().unwrap_or(0),
                        closes_at: (!closes_at.trim().is_empty()).then_some(closes_at),
                        idle_stop_minutes: idle.get_untracked().trim().parse().ok(),
                        outbound: Some(outbound.get_untracked()),
                        node_id: node.get_untracked().parse().ok(),
                        ..Default::default()
                    }});
                }>
                    <input placeholder=tr("vm.name") bind:value=name required/>
                    <select bind:value=version required>
                        <option value="">{tr("lab.version")}</option>
                        <Loaded resource=templates view={|list: Vec<TemplateView>| list.into_iter().flat_map(|t| {
                            t.versions.into_iter().filter(|v| v.status == "ready").map(move |v| (t.name.clone(), v))
                        }).map(|(n, v)| view! { <option value=v.id.to_string()>{format!("{n} v{}", v.version)}</option> }).collect_view()}/>
                    </select>
                    <input placeholder=tr("lab.closes_at") bind:value=closes size="22"/>
                    <input placeholder=tr("lab.idle") bind:value=idle size="6"/>
                    <label class="check"><input type="checkbox" bind:checked=outbound data-testid="lab-outbound"/>{tr("vm.outbound")}</label>
                    <super::machines::NodePick nodes value=node label="nodes.pin" testid="lab-node"/>
                    <button type="submit" class="primary">{tr("lab.publish")}</button>
                </form>
                {move || publish.value().get().map(|r| match r {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(p) => view! { <p class="notice">{tr("lab.publishing")}" "{p.lab.name}</p> }.into_any(),
                })}
            })}
            <Loaded resource=labs view={move |list: Vec<LabView>| view! {
                <table class="grid">
                    <thead><tr><th>{tr("vm.name")}</th><th>{tr("template.title")}</th><th>{tr("lab.vms")}</th><th>{tr("lab.closes")}</th><th></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|l| view! {
                            <tr data-lab=l.name.clone()>
                                <td>{l.name.clone()}</td>
                                <td>{format!("{} v{}", l.template_name, l.version)}</td>
                                <td>{l.vm_count}</td>
                                <td>{l.closes_at.clone().unwrap_or_default()}</td>
                                <td>{manage.then(|| view! { <A href=format!("/labs/{}/wall", l.id)>{tr("wall.title")}</A> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }}/>
        </section>
    }
}

/// `/labs/:id/wall`: every student's screen in the lab, refreshed every few
/// seconds while the tab is visible; select students for bulk actions.
#[component]
pub fn LabWallPage() -> impl IntoView {
    let id = param_id("id");
    view! { <RequireUser min_role=Role::Teacher signed_in=move |_me: UserView| view! { <LabWall id/> }/> }
}

#[component]
fn LabWall(id: i64) -> impl IntoView {
    // Refresh every 5 s, but not while the tab is hidden.
    let tick = super::charts::use_tick(5);
    let bulk = ServerAction::<BulkLab>::new();
    let lab = Resource::new(|| (), move |_| get_lab(id));
    let seats = Resource::new(move || (tick.get(), bulk.version().get()), move |_| lab_seats(id));
    let selected = RwSignal::new(std::collections::BTreeSet::<i64>::new());
    let act = move |action: BulkKind| {
        let vm_ids: Vec<i64> = selected.get_untracked().into_iter().collect();
        if action == BulkKind::Reset && !super::users::confirm(tr("wall.confirm_reset")()) {
            return;
        }
        bulk.dispatch(BulkLab { id, action: BulkAction { action, vm_ids } });
    };
    view! {
        <Loaded resource=lab view={|l: LabView| view! {
            <h1>{tr("wall.title")}": "{l.name.clone()}</h1>
            <p><A href=format!("/courses/{}", l.course_id)>"← "{l.course_code.clone()}</A></p>
        }}/>
        <section class="card row">
            <button type="button" on:click=move |_| act(BulkKind::Start)>{tr("vm.start")}</button>
            <button type="button" on:click=move |_| act(BulkKind::Stop)>{tr("vm.stop")}</button>
            <button type="button" class="danger" on:click=move |_| act(BulkKind::Reset)>{tr("wall.reset")}</button>
            <span class="muted">{move || selected.get().len()}" "{tr("wall.selected")}</span>
            {move || bulk.value().get().map(|r| match r {
                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                Ok(out) => {
                    let failed: Vec<String> = out.iter().filter(|o| !o.ok).map(|o| format!("#{}: {}", o.vm_id, o.error.clone().unwrap_or_default())).collect();
                    (!failed.is_empty()).then(|| view! { <p class="error">{failed.join("; ")}</p> }).into_any()
                }
            })}
        </section>
        <Loaded resource=seats view={move |list: Vec<SeatView>| view! {
            <div class="wall" data-testid="class-wall">
                {list.into_iter().map(|s| {
                    let state = s.state.clone().unwrap_or_else(|| "none".into());
                    let running = state == "running" || state == "paused";
                    let vm = s.vm_id;
                    view! {
                        <figure class="seat" data-student=s.username.clone() data-state=state.clone()>
                            {match (vm, running) {
                                (Some(v), true) => view! {
                                    <a href=format!("/machines/{v}/console?view_only=1") rel="external">
                                        <img class="thumb" alt=s.username.clone() data-testid="thumb"
                                            src=format!("/api/v1/vms/{v}/screenshot?width=320&t={}", tick.get_untracked())/>
                                    </a>
                                }.into_any(),
                                _ => view! { <div class="thumb off">{state.clone()}</div> }.into_any(),
                            }}
                            <figcaption>
                                {vm.map(|v| view! {
                                    <input type="checkbox" prop:checked=move || selected.with(|s| s.contains(&v))
                                        on:change=move |_| selected.update(|s| { if !s.remove(&v) { s.insert(v); } })/>
                                })}
                                <strong>{s.display_name.clone()}</strong>
                                <span class=format!("state state-{state}")>{state.clone()}</span>
                                {s.last_activity.clone().map(|a| view! { <span class="muted small">{a}</span> })}
                                {(!s.cpu_recent.is_empty()).then(|| view! { <super::charts::Sparkline values=s.cpu_recent.clone()/> })}
                                {(vm.is_some() && running).then(|| view! {
                                    <a href=format!("/machines/{}/console", vm.unwrap_or_default()) rel="external">{tr("wall.take_over")}</a>
                                })}
                            </figcaption>
                        </figure>
                    }
                }).collect_view()}
            </div>
        }}/>
    }
}
