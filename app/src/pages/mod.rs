//! The pages of the UI.

mod audit;
pub mod charts;
mod logs;
mod console;
mod courses;
mod labs;
mod live;
mod machines;
mod nodes;
mod profile;
mod storage;
mod system;
mod upload;
mod users;

pub use courses::{CoursePage, CoursesPage, StatisticsPage};
pub use labs::{LabWallPage, MyLabs};
pub use console::ConsolePage;
pub use live::provide_live;
pub use machines::{MachineList, MachinePage, MachinesPage};
pub use nodes::NodesPage;
pub use profile::ProfilePage;
pub use audit::AuditPage;
pub use storage::{DisksPage, IsosPage};
pub use system::SystemPage;
pub use users::UsersPage;

/// The pages off the student's path (login, my labs, a console), each split
/// into a WebAssembly chunk of its own that the browser loads when the page
/// is first opened (or preloads when the server renders it).
pub mod lazy {
    use leptos::prelude::*;
    use leptos_router::{lazy_route, LazyRoute};

    macro_rules! lazy_pages {
        ($($page:ident),* $(,)?) => {$(
            pub struct $page;

            #[lazy_route]
            impl LazyRoute for $page {
                fn data() -> Self {
                    $page
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    view! { <super::$page/> }.into_any()
                }
            }
        )*};
    }

    lazy_pages!(
        UsersPage, NodesPage, SystemPage, AuditPage, ProfilePage, MachinesPage, MachinePage, DisksPage, IsosPage, CoursesPage, CoursePage,
        StatisticsPage, LabWallPage,
    );
}

use crate::api::Logout;
use crate::i18n::{t, Lang};
use crate::types::{Role, UserView};
use crate::{error::AppError, Auth};
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_query_map;

/// The number in the route parameter `name` (0 when missing).
fn param_id(name: &'static str) -> i64 {
    leptos_router::hooks::use_params_map().with_untracked(|p| p.get(name).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
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

/// The UI language signal.
pub fn use_lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::En))
}

/// A reactive translation of `key`.
pub fn tr(key: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || t(lang.get(), key)
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Student => "role.student",
        Role::Teacher => "role.teacher",
        Role::Admin => "role.admin",
    }
}

/// Shows an error the way every page does.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    view! { <p class="error" role="alert" data-code=error.code().to_owned()>{error.to_string()}</p> }
}

/// Shows a resource's value through `f`, or its error, or "loading".
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, view: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="muted">{tr("common.loading")}</p> }>
            {
                let view = view.clone();
                move || {
                    let view = view.clone();
                    Suspend::new(async move {
                        match resource.await {
                            Ok(v) => view(v).into_any(),
                            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        }
                    })
                }
            }
        </Transition>
    }
}

/// Items per page in the UI's lists.
pub const PAGE_SIZE: u32 = 50;

/// The query for page `page` of a list.
pub fn page_query(page: u32) -> crate::types::ListQuery {
    crate::types::ListQuery { page: Some(page), page_size: Some(PAGE_SIZE), ..Default::default() }
}

/// "Page 2 of 5 (213)" with previous/next buttons that move `page`.
#[component]
pub fn Pager(page: RwSignal<u32>, of: crate::types::Pagination) -> impl IntoView {
    let last = of.total_pages.max(1);
    let here = of.page;
    view! {
        <p class="row muted pager" data-testid="pager">
            <button type="button" disabled=here <= 1 on:click=move |_| page.set(here.saturating_sub(1).max(1))>"‹"</button>
            {format!("{here} / {last} ({})", of.total)}
            <button type="button" disabled=here >= last on:click=move |_| page.set(here + 1)>"›"</button>
        </p>
    }
}

/// Renders `signed_in` for a logged-in user (optionally of a minimum role),
/// else sends the visitor to the login page. An account that still has its
/// one-time password is sent to the Profile page (`one_time_ok` there).
#[component]
pub fn RequireUser<F, V>(#[prop(optional)] min_role: Option<Role>, #[prop(optional)] one_time_ok: bool, signed_in: F) -> impl IntoView
where
    F: Fn(UserView) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let auth = expect_context::<Auth>();
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr("common.loading")}</p> }>
            {
                let signed_in = signed_in.clone();
                move || {
                    let signed_in = signed_in.clone();
                    Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(u)) if u.must_change_password && !one_time_ok => view! { <Redirect path="/profile"/> }.into_any(),
                            Ok(Some(u)) if min_role.is_none_or(|r| u.role >= r) => signed_in(u).into_any(),
                            Ok(Some(_)) => view! { <ErrorBox error=AppError::forbidden()/> }.into_any(),
                            Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                            Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

/// Top bar: where you are, who you are, language, log out.
#[component]
pub fn TopBar() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let lang = use_lang();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if logout.value().get().is_some() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/login");
            }
        }
    });
    let switch_lang = move |_| {
        let next = lang.get_untracked().other();
        lang.set(next);
        #[cfg(feature = "hydrate")]
        {
            use crate::i18n::LANG_COOKIE;
            use wasm_bindgen::JsCast;
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Some(el) = doc.document_element() {
                    let _ = el.set_attribute("lang", next.code());
                }
                if let Ok(html) = doc.dyn_into::<web_sys::HtmlDocument>() {
                    let _ = html.set_cookie(&format!(
                        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                        next.code()
                    ));
                }
            }
        }
    };
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="logo">"vlab"</span>
                <span class="tagline">{tr("app.tagline")}</span>
            </A>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    auth.user.await.ok().flatten().map(|u| {
                        let is_admin = u.role == Role::Admin;
                        let may_audit = u.role >= Role::Teacher;
                        view! {
                            <nav class="nav">
                                <A href="/">{tr("nav.home")}</A>
                                <A href="/courses">{tr("nav.courses")}</A>
                                <A href="/machines">{tr("nav.machines")}</A>
                                <A href="/disks">{tr("nav.disks")}</A>
                                <A href="/isos">{tr("nav.isos")}</A>
                                {is_admin.then(|| view! { <A href="/admin/users">{tr("nav.users")}</A> })}
                                {is_admin.then(|| view! { <A href="/admin/nodes">{tr("nav.nodes")}</A> })}
                                {is_admin.then(|| view! { <A href="/admin/system">{tr("nav.system")}</A> })}
                                {may_audit.then(|| view! { <A href="/audit">{tr("nav.audit")}</A> })}
                                <A href="/profile">{tr("nav.profile")}</A>
                                <a href="/api/v1/docs" rel="external">{tr("nav.api_docs")}</a>
                            </nav>
                            <div class="who">
                                <span class="user" data-testid="current-user">{u.display_name.clone()}</span>
                                <span class="badge">{tr(role_key(u.role))}</span>
                                <ActionForm action=logout attr:class="inline">
                                    <button type="submit" class="link">{tr("nav.logout")}</button>
                                </ActionForm>
                            </div>
                        }
                    })
                })}
            </Transition>
            <button type="button" class="lang-switch" data-testid="lang-switch" on:click=switch_lang>
                {tr("lang.switch")}
            </button>
        </header>
    }
}

/// Sign-in form. A plain HTML form posted to `/login`, so it works before
/// (or without) the WebAssembly.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let auth = expect_context::<Auth>();
    let error_key = move || {
        query.with(|q| match q.get("error").as_deref() {
            Some("rate_limited") => Some("login.throttled"),
            Some("invalid") => Some("login.invalid"),
            Some(_) => Some("login.failed"),
            None => None,
        })
    };
    let lang = use_lang();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                if let Ok(Some(_)) = auth.user.await {
                    return view! { <Redirect path="/"/> }.into_any();
                }
                view! {
                    <section class="card narrow">
                        <h1>{tr("login.title")}</h1>
                        {move || error_key().map(|k| view! { <p class="error" role="alert">{t(lang.get(), k)}</p> })}
                        <form method="post" action="/login" class="stack">
                            <label>{tr("login.username")}
                                <input name="username" autocomplete="username" required autofocus/>
                            </label>
                            <label>{tr("login.password")}
                                <input name="password" type="password" autocomplete="current-password" required/>
                            </label>
                            <button type="submit" class="primary">{tr("login.submit")}</button>
                        </form>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// Home: what each role comes here for.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <RequireUser signed_in=move |u: UserView| {
            let role = u.role;
            view! {
                <h1>{tr("home.welcome")}", " {u.display_name.clone()}</h1>
                {match role {
                    Role::Student => view! {
                        <MyLabs/>
                        <section class="card" data-testid="home-student">
                            <h2>{tr("home.student")}</h2>
                            <MachineList/>
                        </section>
                    }.into_any(),
                    Role::Teacher => view! {
                        <section class="card" data-testid="home-teacher">
                            <h2>{tr("home.teacher")}</h2>
                            <p><A href="/courses">{tr("nav.courses")}" →"</A></p>
                        </section>
                    }.into_any(),
                    Role::Admin => view! { <AdminHome/> }.into_any(),
                }}
            }
        }/>
    }
}

/// The admin's start: what exists, how guests run, and what to do next.
#[component]
fn AdminHome() -> impl IntoView {
    let overview = Resource::new(|| (), |_| crate::api::get_system_overview());
    view! {
        <section class="card" data-testid="home-admin">
            <h2>{tr("home.admin")}</h2>
            <Loaded resource=overview view=move |o: crate::types::SystemOverview| {
                let step = |done: bool, key: &'static str, href: &'static str, testid: &'static str| view! {
                    <li class:done=done data-testid=testid>
                        <A href=href>{tr(key)}</A>
                        {done.then(|| view! { " ✓ "<span class="muted">{tr("home.next.done")}</span> })}
                    </li>
                };
                let uploaded = o.isos > u64::from(o.demo_iso_id.is_some());
                view! {
                    <p data-testid="accel" data-accel=o.accelerator.clone()>
                        {tr("home.admin.accel")}" "<strong>{o.accelerator.to_uppercase()}</strong>
                        " — "<span class="muted">{o.accelerator_reason.clone()}</span>
                    </p>
                    <h3>{tr("home.admin.exists")}</h3>
                    <ul class="counts">
                        <li><A href="/admin/users">{tr("home.admin.users")}</A>": "{o.users}</li>
                        <li><A href="/machines">{tr("home.admin.vms")}</A>": "{o.vms}" ("{o.running_vms}" "{tr("home.admin.running")}")"</li>
                        <li><A href="/isos">{tr("home.admin.isos")}</A>": "{o.isos}</li>
                        <li><A href="/courses">{tr("home.admin.courses")}</A>": "{o.courses}" · "{tr("home.admin.labs")}": "{o.labs}</li>
                    </ul>
                    <h3>{tr("home.next")}</h3>
                    <ol class="next-steps" data-testid="next-steps">
                        {o.demo_iso_id.map(|_| step(o.vms > 0, "home.next.demo_vm", "/machines", "next-demo-vm"))}
                        {step(uploaded, "home.next.iso", "/isos", "next-iso")}
                        {step(o.courses > 0, "home.next.course", "/courses", "next-course")}
                        {step(o.labs > 0, "home.next.lab", "/courses", "next-lab")}
                    </ol>
                }
            }/>
        </section>
    }
}
