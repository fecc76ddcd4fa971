//! The browser half of vlab: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: some pages are WebAssembly chunks loaded when first shown.
    leptos::mount::hydrate_lazy(app::App);
}
