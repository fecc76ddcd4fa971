//! vlab's web UI: pages and server functions shared by SSR and hydration.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod error;
pub mod i18n;
pub mod lifecycle;
pub mod types;
mod pages;

use error::AppError;
use i18n::{t, Lang};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};
use types::UserView;

/// The whole HTML document, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The current user as the page knows it, shared through context.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<UserView>, AppError>>,
}

/// The router and the frame every page shares.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);
    let user = Resource::new(|| (), |_| api::current_user());
    provide_context(Auth { user });
    // Owned by the app, so pushed states outlive the pages that show them.
    pages::provide_live();

    view! {
        <Title text="vlab"/>
        <Router>
            <pages::TopBar/>
            <main class="page">
                <Routes fallback=move || view! { <p class="notice">{move || t(lang.get(), "common.not_found")}</p> }>
                    <Route path=path!("/login") view=pages::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/") view=pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={Lazy::<pages::lazy::UsersPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/nodes") view={Lazy::<pages::lazy::NodesPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/system") view={Lazy::<pages::lazy::SystemPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view={Lazy::<pages::lazy::AuditPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/profile") view={Lazy::<pages::lazy::ProfilePage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/machines") view={Lazy::<pages::lazy::MachinesPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/machines/:id") view={Lazy::<pages::lazy::MachinePage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/machines/:id/console") view=pages::ConsolePage ssr=SsrMode::Async/>
                    <Route path=path!("/disks") view={Lazy::<pages::lazy::DisksPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/isos") view={Lazy::<pages::lazy::IsosPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/courses") view={Lazy::<pages::lazy::CoursesPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/courses/:id") view={Lazy::<pages::lazy::CoursePage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/courses/:id/statistics") view={Lazy::<pages::lazy::StatisticsPage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/labs/:id/wall") view={Lazy::<pages::lazy::LabWallPage>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// The language the page starts in: negotiated from the request on the
/// server, read back from `<html lang>` in the browser so hydration agrees.
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| {
                let cookie = parts
                    .headers
                    .get_all(http::header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(';'))
                    .find_map(|kv| kv.trim().strip_prefix(i18n::LANG_COOKIE)?.strip_prefix('='))
                    .map(str::to_owned);
                let accept = parts
                    .headers
                    .get(http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok());
                Lang::negotiate(cookie.as_deref(), accept)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::from_code(&l))
            .unwrap_or_default()
    }
}
