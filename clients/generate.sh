#!/usr/bin/env bash
# Generates the API clients from the OpenAPI document the server serves
# (`vlab --print-openapi`): clients/python/vlab_client (openapi-python-client)
# and clients/typescript/schema.d.ts (openapi-typescript, used through
# openapi-fetch by clients/typescript/index.ts).
#   generate.sh           regenerate in place
#   generate.sh --check   fail if the committed clients differ from a fresh generation
# Needs scripts/setup.sh test and a built target/debug/vlab.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
bin=${VLAB_BIN:-target/debug/vlab}
# The generator formats its output with ruff (from the same place).
export PATH="$PWD/.tools/py/bin:$PATH"
doc=target/contract-openapi.json
"$bin" --print-openapi > "$doc"

out=$(mktemp -d /tmp/vlab-clients.XXXXXX)
trap 'rm -rf "$out"' EXIT
.tools/py/bin/openapi-python-client generate --path "$doc" --meta none --config clients/python-config.yaml \
  --output-path "$out/python/vlab_client" --overwrite > "$out/python.log" 2>&1 || { cat "$out/python.log"; exit 1; }
# ruff's cache is no part of the client.
rm -rf "$out/python/vlab_client/.ruff_cache"
mkdir -p "$out/typescript"
npx openapi-typescript "$doc" --output "$out/typescript/schema.d.ts" --root-types > "$out/ts.log" 2>&1 || { cat "$out/ts.log"; exit 1; }

if [ "${1:-}" = --check ]; then
  if ! diff -r clients/python/vlab_client "$out/python/vlab_client" > "$out/diff" \
     || ! diff clients/typescript/schema.d.ts "$out/typescript/schema.d.ts" >> "$out/diff"; then
    head -50 "$out/diff"
    echo "the committed clients differ from the document: run clients/generate.sh and commit" >&2
    exit 1
  fi
  say "clients match the document"
else
  rm -rf clients/python/vlab_client
  mkdir -p clients/python clients/typescript
  cp -r "$out/python/vlab_client" clients/python/vlab_client
  cp "$out/typescript/schema.d.ts" clients/typescript/schema.d.ts
  say "clients regenerated"
fi
