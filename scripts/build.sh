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

say "building the browser half ($wasm_profile)"
wasm_cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile"
wasm_dir=$wasm_profile
[ "$wasm_profile" = dev ] && wasm_dir=debug
mkdir -p "$site/pkg.new"
wasm-bindgen --target web --no-typescript --out-name vlab --out-dir "$site/pkg.new" \
  "target/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"
if [ "$wasm_profile" != dev ]; then
  wasm-opt -Oz "$site/pkg.new/vlab_bg.wasm" -o "$site/pkg.new/vlab_bg.wasm.opt"
  mv "$site/pkg.new/vlab_bg.wasm.opt" "$site/pkg.new/vlab_bg.wasm"
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
