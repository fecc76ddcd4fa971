//! Courses: the list, one course (settings, members, templates, its labs) and its usage statistics.

use super::labs::CourseLabs;
use super::{param_id, tr, ErrorBox, Loaded, RequireUser};
use crate::api::*;
use crate::types::*;
use leptos::prelude::*;
use leptos_router::components::A;

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
    view! { <RequireUser signed_in=move |me: UserView| view! { <Course id admin=me.role == Role::Admin/> }/> }
}

#[component]
fn Course(id: i64, admin: bool) -> impl IntoView {
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
                        <CourseLabs id manage=true admin/>
                        <CourseTemplates id/>
                        <CourseMembers id/>
                    }.into_any()
                } else {
                    view! { <CourseLabs id manage=false admin=false/> }.into_any()
                }}
            }
        }}/>
    }
}

#[component]
fn CourseMembers(id: i64) -> impl IntoView {
    let add = ServerAction::<AddMember>::new();
    let enrol = ServerAction::<EnrolCsv>::new();
    let live = super::live::use_live();
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
            {move || enrol.pending().get().then(|| {
                // A large class is made as an operation on the course: its progress.
                let percent = live.operations.with(|ops| {
                    ops.values()
                        .filter(|o| o.kind == "enrol" && o.target_kind == "course" && o.target_id == id && o.finished_at.is_none())
                        .map(|o| o.progress)
                        .max()
                });
                view! {
                    <p class="muted" data-testid="enrol-progress">{tr("course.enrolling")}" "
                        {percent.map(|p| view! { <progress max="100" value=p.to_string()></progress>" "{format!("{p}%")} })}
                    </p>
                }
            })}
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
