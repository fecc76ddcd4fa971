//! Console views: the screen (noVNC) or the serial port (xterm.js), driven
//! by /console.js once the page is live.

use super::{tr, RequireUser};
use crate::types::UserView;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Loads /console.js after hydration, so the scripts never race Leptos for
/// the same DOM.
fn load_console_script() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Ok(s) = doc.create_element("script") {
                let _ = s.set_attribute("type", "module");
                let _ = s.set_attribute("src", "/console.js");
                if let Some(body) = doc.body() {
                    let _ = body.append_child(&s);
                }
            }
        }
    });
}

/// One console with its controls.
#[component]
pub fn ConsoleView(vm_id: i64, kind: &'static str, #[prop(optional)] full: bool, #[prop(optional)] view_only: bool) -> impl IntoView {
    load_console_script();
    let vnc = kind == "vnc";
    view! {
        <leptos_meta::Stylesheet id="xterm" href="/vendor/xterm/xterm.css"/>
        <div class=if full { "console full" } else { "console" } data-console data-vm=vm_id.to_string() data-kind=kind data-view-only=view_only.to_string() data-testid="console">
            <div class="console-bar row">
                <span class="console-status" data-status>{tr("console.connecting")}</span>
                {vnc.then(|| view! {
                    <button type="button" data-action="ctrl-alt-del">"Ctrl+Alt+Del"</button>
                    <label class="inline-label"><input type="checkbox" data-action="scale" data-scale checked/>{tr("console.scale")}</label>
                    <button type="button" data-action="fullscreen">{tr("console.fullscreen")}</button>
                })}
                <button type="button" data-action="view-only" aria-pressed=view_only.to_string()>{tr("console.view_only")}</button>
                <form class="row inline" data-send-text>
                    <input placeholder=tr("console.send_text") size="16"/>
                    <button type="submit">{tr("console.send")}</button>
                </form>
                <button type="button" data-action="disconnect">{tr("console.disconnect")}</button>
                <button type="button" data-action="connect">{tr("console.connect")}</button>
            </div>
            <div class="console-screen" data-screen></div>
        </div>
    }
}

/// `/machines/:id/console?kind=vnc|serial`: the console alone, full page.
#[component]
pub fn ConsolePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let kind: &'static str = if query.with_untracked(|q| q.get("kind").as_deref() == Some("serial")) { "serial" } else { "vnc" };
    // A teacher watching a student's screen from the class wall.
    let view_only = query.with_untracked(|q| q.get("view_only").as_deref() == Some("1"));
    view! {
        <RequireUser signed_in=move |_me: UserView| view! {
            <p><a href=format!("/machines/{id}")>"← "{tr("console.back")}</a>" · "
               <a href=format!("/machines/{id}/console?kind={}", if kind == "vnc" { "serial" } else { "vnc" }) rel="external">
                   {if kind == "vnc" { tr("console.serial") } else { tr("console.screen") }}
               </a>
            </p>
            <ConsoleView vm_id=id kind full=true view_only/>
        }/>
    }
}
