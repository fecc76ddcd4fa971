#!/usr/bin/env bash
# Builds the site (WebAssembly, JS glue, CSS, static assets) into
# target/site and the server binary. Usage: scripts/build.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

profile=dev
[ "${1:-}" = --release ] && profile=release
wasm_profile=${VLAB_WASM_PROFILE:-wasm-release}
site=target/site

# A release build is split at its lazy routes (app/src/pages/mod.rs): the
# student's pages stay in the main module, the others become chunks loaded
# when first opened. Splitting needs the linker's relocations.
split=
if [ "$wasm_profile" != dev ] && [ "${VLAB_WASM_SPLIT:-1}" = 1 ]; then
  command -v vlab-wasm-split >/dev/null || { echo "vlab-wasm-split is missing: run scripts/setup.sh" >&2; exit 1; }
  split=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Clink-args=--emit-relocs"
fi
say "building the browser half ($wasm_profile${split:+, split})"
wasm_cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile"
wasm_dir=$wasm_profile
[ "$wasm_profile" = dev ] && wasm_dir=debug
wasm="target/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"
rm -rf "$site/pkg.new" && mkdir -p "$site/pkg.new"
bindgen_flags=()
if [ -n "$split" ]; then
  vlab-wasm-split "$wasm" "${wasm%.wasm}_split.wasm" "$site/pkg.new" vlab >/dev/null
  wasm="${wasm%.wasm}_split.wasm"
  bindgen_flags=(--keep-lld-exports --no-demangle)
fi
wasm-bindgen --target web --no-typescript "${bindgen_flags[@]}" --out-name vlab --out-dir "$site/pkg.new" "$wasm"
if [ "$wasm_profile" != dev ]; then
  for f in "$site"/pkg.new/*.wasm; do
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$f" -o "$f.opt"
    mv "$f.opt" "$f"
  done
fi
cp style/main.css "$site/pkg.new/vlab.css"
# Name the bundle after its content (the server caches such names for a
# year and finds them through hash.txt).
: > "$site/pkg.new/hash.txt"
for f in js:vlab.js wasm:vlab_bg.wasm css:vlab.css; do
  kind=${f%%:*} file=${f#*:}
  h=$(sha256sum "$site/pkg.new/$file" | cut -c1-16)
  mv "$site/pkg.new/$file" "$site/pkg.new/vlab.$h.$kind"
  echo "$kind: $h" >> "$site/pkg.new/hash.txt"
  # The chunk loader imports the main module by name.
  if [ "$kind" = js ] && [ -n "$split" ]; then
    sed -i "s#\./vlab\.js#./vlab.$h.js#g" "$site/pkg.new/__wasm_split.______________________.js"
  fi
done
# Swap in whole, so a failed build never leaves a half-empty pkg dir.
rm -rf "$site/pkg" && mv "$site/pkg.new" "$site/pkg"

say "copying static assets"
cp -r public/. "$site/"
mkdir -p "$site/vendor/swagger-ui" "$site/vendor/novnc" "$site/vendor/xterm"
cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js "$site/vendor/swagger-ui/"
cp -r node_modules/@novnc/novnc/core node_modules/@novnc/novnc/vendor "$site/vendor/novnc/"
cp node_modules/@xterm/xterm/lib/xterm.mjs node_modules/@xterm/xterm/css/xterm.css node_modules/@xterm/addon-fit/lib/addon-fit.mjs "$site/vendor/xterm/"

say "compressing static assets (brotli, gzip)"
# Stored beside each file; the server sends the one the browser accepts.
find "$site" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.svg' -o -name '*.html' -o -name '*.json' \) -print0 |
  while IFS= read -r -d '' f; do
    if [ ! -f "$f.br" ] || [ "$f" -nt "$f.br" ]; then
      brotli -f -q 11 -o "$f.br" "$f"
      gzip -9 -n -k -f "$f"
    fi
  done

say "building the server ($profile)"
if [ "$profile" = release ]; then host_cargo build -p server --release; else host_cargo build -p server; fi
