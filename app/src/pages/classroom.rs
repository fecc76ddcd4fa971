//! Courses, labs, the class wall, statistics, and the student's "my labs".

use super::{tr, ErrorBox, Loaded, RequireUser};
use crate::api::*;
use crate::types::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn param_id(name: &'static str) -> i64 {
    use_params_map().with_untracked(|p| p.get(name).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
}

/// Goes to `url` in the browser.
fn go(url: String) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(&url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

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

/// `/courses`: the caller's courses, and a form to make one.
#[component]
pub fn CoursesPage() -> impl IntoView {
    view! { <RequireUser signed_in=move |me: UserView| view! { <Courses me/> }/> }
}

#[component]
fn Courses(me: UserView) -> impl IntoView {
    let create = ServerAction::<CreateCourse>::new();
    let courses = Resource::new(move || create.version().get(), |_| list_courses(ListQuery { page_size: Some(100), ..Default::default() }));
    let code = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let term = RwSignal::new(String::new());
    let teaches = me.role != Role::Student;
    view! {
        <h1>{tr("course.title")}</h1>
        {teaches.then(|| view! {
            <section class="card">
                <form class="row" data-testid="new-course" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    create.dispatch(CreateCourse { input: NewCourse {
                        code: code.get_untracked(), title: title.get_untracked(),
                        term: Some(term.get_untracked()), description: None, keep_reset_disks: None,
                    }});
                }>
                    <input placeholder=tr("course.code") bind:value=code required size="10"/>
                    <input placeholder=tr("course.name") bind:value=title required/>
                    <input placeholder=tr("course.term") bind:value=term size="12"/>
                    <button type="submit" class="primary">{tr("course.create")}</button>
                </form>
                {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
            </section>
        })}
        <section class="card">
            <Loaded resource=courses view={|page: Page<CourseView>| view! {
                <table class="grid" data-testid="course-table">
                    <thead><tr><th>{tr("course.code")}</th><th>{tr("course.name")}</th><th>{tr("course.term")}</th><th>{tr("course.students")}</th><th></th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|c| view! {
                            <tr class:archived=c.archived>
                                <td><A href=format!("/courses/{}", c.id)>{c.code.clone()}</A></td>
                                <td>{c.title.clone()}</td><td>{c.term.clone()}</td><td>{c.students}</td>
                                <td class="muted">{c.my_role.clone().unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }}/>
        </section>
    }
}

/// `/courses/:id`: members, templates, labs.
#[component]
pub fn CoursePage() -> impl IntoView {
    let id = param_id("id");
    view! { <RequireUser signed_in=move |_me: UserView| view! { <Course id/> }/> }
}

#[component]
fn Course(id: i64) -> impl IntoView {
    let update = ServerAction::<UpdateCourse>::new();
    let course = Resource::new(move || update.version().get(), move |_| get_course(id));
    let set = move |patch: CoursePatch| {
        update.dispatch(UpdateCourse { id, patch });
    };
    view! {
        <Loaded resource=course view={move |c: CourseView| {
            let manage = c.my_role.as_deref() != Some("student");
            view! {
                <h1>{c.code.clone()}" · "{c.title.clone()}</h1>
                <p class="muted">{c.term.clone()}" "{c.description.clone()}</p>
                {if manage {
                    view! {
                        <p><A href=format!("/courses/{id}/statistics")>{tr("stats.title")}" →"</A></p>
                        <section class="card row" data-testid="course-settings">
                            <label class="inline-label">
                                <input type="checkbox" prop:checked=c.keep_reset_disks
                                    on:change=move |ev| set(CoursePatch { keep_reset_disks: Some(event_target_checked(&ev)), ..Default::default() })/>
                                {tr("course.keep_reset")}
                            </label>
                            <label class="inline-label">
                                <input type="checkbox" prop:checked=c.archived
                                    on:change=move |ev| set(CoursePatch { archived: Some(event_target_checked(&ev)), ..Default::default() })/>
                                {tr("course.archived")}
                            </label>
                            {move || update.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
                        </section>
                        <CourseLabs id manage=true/>
                        <CourseTemplates id/>
                        <CourseMembers id/>
                    }.into_any()
                } else {
                    view! { <CourseLabs id manage=false/> }.into_any()
                }}
            }
        }}/>
    }
}

#[component]
fn CourseMembers(id: i64) -> impl IntoView {
    let add = ServerAction::<AddMember>::new();
    let enrol = ServerAction::<EnrolCsv>::new();
    let members = Resource::new(move || (add.version().get(), enrol.version().get()), move |_| course_members(id));
    let username = RwSignal::new(String::new());
    let role = RwSignal::new("student".to_string());
    let csv = RwSignal::new(String::new());
    view! {
        <section class="card" data-testid="members">
            <h2>{tr("course.members")}</h2>
            <form class="row" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                add.dispatch(AddMember { id, member: NewMember { username: username.get_untracked(), role: role.get_untracked() } });
            }>
                <input placeholder=tr("login.username") bind:value=username required/>
                <select bind:value=role>
                    <option value="student">{tr("role.student")}</option>
                    <option value="teacher">{tr("role.teacher")}</option>
                </select>
                <button type="submit">{tr("course.add_member")}</button>
            </form>
            {move || add.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
            <form class="stack" data-testid="csv-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                enrol.dispatch(EnrolCsv { id, csv: csv.get_untracked() });
            }>
                <label>{tr("course.csv")}
                    <textarea rows="5" bind:value=csv placeholder="username,name,email"></textarea>
                </label>
                <button type="submit">{tr("course.enrol")}</button>
            </form>
            {move || enrol.value().get().map(|r| match r {
                Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                Ok(report) => view! {
                    <div class="notice" data-testid="enrol-report">
                        <p>{tr("course.enrolled")}": "{report.enrolled.len() + report.created.len()}</p>
                        {(!report.created.is_empty()).then(|| view! {
                            <p>{tr("course.passwords")}</p>
                            <table class="grid"><tbody>
                                {report.created.iter().map(|a| view! {
                                    <tr><td>{a.username.clone()}</td><td>{a.display_name.clone()}</td><td><code>{a.password.clone()}</code></td></tr>
                                }).collect_view()}
                            </tbody></table>
                        })}
                    </div>
                }.into_any(),
            })}
            <Loaded resource=members view={|list: Vec<MemberView>| view! {
                <table class="grid">
                    <tbody>
                        {list.into_iter().map(|m| view! {
                            <tr><td>{m.username.clone()}</td><td>{m.display_name.clone()}</td><td>{m.email.clone().unwrap_or_default()}</td><td>{m.role.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }}/>
        </section>
    }
}

#[component]
fn CourseTemplates(id: i64) -> impl IntoView {
    let create = ServerAction::<CreateTemplate>::new();
    let templates = Resource::new(move || create.version().get(), move |_| list_templates(id));
    let machines = Resource::new(|| (), |_| list_vms(ListQuery { page_size: Some(100), ..Default::default() }));
    let name = RwSignal::new(String::new());
    let vm = RwSignal::new(String::new());
    view! {
        <section class="card" data-testid="templates">
            <h2>{tr("template.title")}</h2>
            <form class="row" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(CreateTemplate { course_id: id, input: NewTemplate {
                    name: name.get_untracked(), description: None, vm_id: vm.get_untracked().parse().ok(),
                    upload: None, cpus: None, memory_mib: None, kernel: None,
                }});
            }>
                <input placeholder=tr("vm.name") bind:value=name required/>
                <select bind:value=vm required>
                    <option value="">{tr("template.from_vm")}</option>
                    <Loaded resource=machines view={|p: Page<VmView>| p.items.into_iter().filter(|v| v.lab_id.is_none()).map(|v| view! {
                        <option value=v.id.to_string()>{format!("#{} {}", v.id, v.name)}</option>
                    }).collect_view()}/>
                </select>
                <button type="submit">{tr("template.create")}</button>
            </form>
            {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorBox error=e/> })}
            <Loaded resource=templates view={|list: Vec<TemplateView>| view! {
                <table class="grid">
                    <tbody>
                        {list.into_iter().map(|t| view! {
                            <tr><td>{t.name.clone()}</td><td>{format!("{} vCPU, {} MiB", t.cpus, t.memory_mib)}</td>
                                <td>{t.versions.iter().map(|v| format!("v{} ({})", v.version, v.status)).collect::<Vec<_>>().join(", ")}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }}/>
        </section>
    }
}

#[component]
fn CourseLabs(id: i64, manage: bool) -> impl IntoView {
    let publish = ServerAction::<PublishLab>::new();
    let labs = Resource::new(move || publish.version().get(), move |_| list_labs(id));
    let templates = Resource::new(|| (), move |_| list_templates(id));
    let name = RwSignal::new(String::new());
    let version = RwSignal::new(String::new());
    let closes = RwSignal::new(String::new());
    let idle = RwSignal::new(String::new());
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
    let tick = RwSignal::new(0u64);
    // Refresh every 5 s, but not while the tab is hidden.
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
                std::time::Duration::from_secs(5),
            );
            on_cleanup(move || {
                if let Ok(h) = handle {
                    h.clear();
                }
            });
        }
    });
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

/// `/courses/:id/statistics`: a table, a bar chart of running hours, CSV.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let id = param_id("id");
    let stats = Resource::new(|| (), move |_| get_course_statistics(id));
    view! {
        <RequireUser min_role=Role::Teacher signed_in=move |_me: UserView| view! {
            <h1>{tr("stats.title")}</h1>
            <p><A href=format!("/courses/{id}")>"← "{tr("course.title")}</A>" · "
               <a href=format!("/api/v1/courses/{id}/statistics.csv") rel="external" download>{tr("stats.csv")}</a></p>
            <Loaded resource=stats view={|s: CourseStatistics| {
                let max = s.rows.iter().map(|r| r.running_hours).fold(0.0_f64, f64::max).max(0.001);
                let bar_h = 22;
                let height = (s.rows.len() as i32 * bar_h).max(bar_h);
                view! {
                    <section class="card">
                        <p>{tr("stats.totals")}": "{s.totals.students}" "{tr("course.students")}", "
                           {format!("{:.2} h", s.totals.running_hours)}", "{format!("{:.0} min", s.totals.console_minutes)}", "
                           {s.totals.starts}" "{tr("stats.starts")}", "{s.totals.resets}" "{tr("stats.resets")}</p>
                        <svg class="chart" data-testid="stats-chart" viewBox=format!("0 0 600 {height}") width="600" height=height>
                            {s.rows.iter().enumerate().map(|(i, r)| {
                                let w = (r.running_hours / max * 440.0).max(1.0);
                                let y = i as i32 * bar_h;
                                view! {
                                    <text x="0" y=y + 15 font-size="12">{r.username.clone()}</text>
                                    <rect x="120" y=y + 3 width=format!("{w:.1}") height="16" class="bar"/>
                                    <text x=format!("{:.1}", 125.0 + w) y=y + 15 font-size="12">{format!("{:.2} h", r.running_hours)}</text>
                                }
                            }).collect_view()}
                        </svg>
                    </section>
                    <section class="card">
                        <table class="grid" data-testid="stats-table">
                            <thead><tr><th>{tr("login.username")}</th><th>{tr("lab.title")}</th><th>{tr("stats.hours")}</th><th>{tr("stats.console")}</th><th>{tr("stats.starts")}</th><th>{tr("stats.resets")}</th><th>{tr("stats.last")}</th></tr></thead>
                            <tbody>
                                {s.rows.into_iter().map(|r| view! {
                                    <tr><td>{r.username}</td><td>{r.lab_name}</td><td>{format!("{:.2}", r.running_hours)}</td>
                                        <td>{format!("{:.0}", r.console_minutes)}</td><td>{r.starts}</td><td>{r.resets}</td>
                                        <td>{r.last_activity.unwrap_or_default()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }
            }}/>
        }/>
    }
}
