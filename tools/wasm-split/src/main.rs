//! Splits the WebAssembly built with `-Clink-args=--emit-relocs` at its
//! lazy routes: writes the main module (for wasm-bindgen), one file per
//! chunk, the loader `__wasm_split.______________________.js` that imports
//! the main module, and `__wasm_split_manifest.json`, which the server's
//! hydration script reads to preload a page's chunks.
//!
//! Usage: vlab-wasm-split <input.wasm> <main-out.wasm> <pkg-dir> <main-module-name>

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, main_out, pkg, name] = args.as_slice() else {
        eprintln!("usage: vlab-wasm-split <input.wasm> <main-out.wasm> <pkg-dir> <main-module-name>");
        std::process::exit(2);
    };
    let wasm = std::fs::read(input).unwrap_or_else(|e| fail(&format!("reading {input}: {e}")));
    let main_module = format!("./{name}.js");
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = Path::new(pkg);
    opts.main_out_path = Path::new(main_out);
    opts.main_module = &main_module;
    opts.link_name = "./__wasm_split.______________________.js";
    let split = wasm_split_cli_support::transform(opts).unwrap_or_else(|e| fail(&format!("splitting: {e:?}")));
    let manifest = serde_json::to_string(&split.prefetch_map).unwrap_or_else(|e| fail(&e.to_string()));
    std::fs::write(Path::new(pkg).join("__wasm_split_manifest.json"), manifest).unwrap_or_else(|e| fail(&e.to_string()));
    for m in &split.split_modules {
        println!("{}", m.display());
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("vlab-wasm-split: {msg}");
    std::process::exit(1);
}
