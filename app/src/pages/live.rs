//! What the server pushes while a page is open: VM states (with the reason
//! for the state) and operations, from the one event stream.

use super::use_lang;
use crate::i18n::t;
use crate::types::OperationView;
use leptos::prelude::*;
use std::collections::HashMap;

/// A VM's state as last pushed, with why it is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveState {
    pub state: String,
    pub reason: Option<String>,
}

/// Latest pushed VM states (by VM id) and operations (by operation id).
#[derive(Clone, Copy)]
pub struct Live {
    pub vms: RwSignal<HashMap<i64, LiveState>>,
    pub operations: RwSignal<HashMap<i64, OperationView>>,
    /// Goes up each time the event stream (re)opens: what changed before
    /// then was not pushed, so states shown from earlier may be stale.
    pub opened: RwSignal<u64>,
    /// Whether the event stream has been opened.
    listening: RwSignal<bool>,
}

/// Makes the live maps, once, for the whole app (so they are not disposed
/// with the page that first used them while the stream still writes).
pub fn provide_live() {
    provide_context(Live {
        vms: RwSignal::new(HashMap::new()),
        operations: RwSignal::new(HashMap::new()),
        opened: RwSignal::new(0),
        listening: RwSignal::new(false),
    });
}

/// The live maps; the first caller in the browser opens the event stream.
pub fn use_live() -> Live {
    let live = use_context::<Live>().unwrap_or_else(|| {
        provide_live();
        expect_context::<Live>()
    });
    if !live.listening.get_untracked() {
        live.listening.set(true);
        listen(live);
    }
    live
}

#[cfg(feature = "hydrate")]
fn listen(live: Live) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(source) = web_sys::EventSource::new("/api/v1/events") else { return };
    let on_state = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let Some(text) = e.data().as_string() else { return };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return };
        if let (Some(id), Some(state)) = (v["vm_id"].as_i64(), v["state"].as_str()) {
            let reason = v["reason"].as_str().map(str::to_owned);
            live.vms.try_update(|m| {
                m.insert(id, LiveState { state: state.to_owned(), reason });
            });
        }
    });
    let on_operation = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let Some(text) = e.data().as_string() else { return };
        let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text) else { return };
        if let Ok(op) = serde_json::from_value::<OperationView>(v["operation"].take()) {
            live.operations.try_update(|m| {
                m.insert(op.id, op);
            });
        }
    });
    let on_open = Closure::<dyn FnMut()>::new(move || {
        live.opened.try_update(|n| *n += 1);
    });
    let _ = source.add_event_listener_with_callback("vm_state", on_state.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("operation", on_operation.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
    // The stream lives as long as the page.
    on_state.forget();
    on_operation.forget();
    on_open.forget();
    std::mem::forget(source);
}

#[cfg(not(feature = "hydrate"))]
fn listen(_: Live) {}

/// The translation key of a state's name.
pub fn state_key(state: &str) -> &'static str {
    match state {
        "running" => "state.running",
        "starting" => "state.starting",
        "paused" => "state.paused",
        "stopping" => "state.stopping",
        "crashed" => "state.crashed",
        "unknown" => "state.unknown",
        _ => "state.stopped",
    }
}

/// A state badge that follows live updates.
#[component]
pub fn StateBadge(id: i64, initial: String) -> impl IntoView {
    let live = use_live();
    let lang = use_lang();
    let state = Memo::new(move |_| live.vms.with(|m| m.get(&id).map(|s| s.state.clone())).unwrap_or_else(|| initial.clone()));
    // A state on its way to another may have arrived there before the
    // stream opened: asked again each time it opens.
    Effect::new(move |_| {
        let seen = state.get_untracked();
        if live.opened.get() == 0 || !matches!(seen.as_str(), "starting" | "stopping") {
            return;
        }
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Ok(vm) = crate::api::get_vm(id).await {
                live.vms.try_update(|m| {
                    // Unless a push came meanwhile.
                    if m.get(&id).is_none_or(|s| s.state == seen) {
                        m.insert(id, LiveState { state: vm.state.as_str().to_owned(), reason: vm.state_reason });
                    }
                });
            }
        });
    });
    view! {
        <span class=move || format!("state state-{}", state.get()) data-testid="vm-state" data-state=state>
            {move || t(lang.get(), state_key(&state.get()))}
        </span>
    }
}
