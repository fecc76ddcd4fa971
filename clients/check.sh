#!/usr/bin/env bash
# The API contract, checked against a live server on a fresh data dir:
#   1. the committed clients are what the document generates now;
#   2. the Python and TypeScript clients run a real workflow;
#   3. schemathesis finds no failure (clients/schemathesis.toml);
#   4. /metrics then parses with a strict OpenMetrics parser.
# Needs scripts/setup.sh test and a built target/debug/vlab.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
bin=${VLAB_BIN:-target/debug/vlab}
port=${VLAB_CONTRACT_PORT:-3190}
base=http://127.0.0.1:$port
data=target/contract-data
password=contract-admin-password

stop_guests() {
  for pidfile in "$data"/run/*/qemu.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$data/run/"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
}
stop_guests
rm -rf "$data"
mkdir -p "$data/pools/kernels/test-guest"
for f in vmlinux initrd.img; do ln -s "$PWD/guests/out/$f" "$data/pools/kernels/test-guest/$f"; done
echo "console=ttyS0 quiet panic=-1 no_timer_check clocksource=hpet" > "$data/pools/kernels/test-guest/cmdline"
VLAB_ADMIN_PASSWORD=$password VLAB_LOG=${VLAB_LOG:-warn} "$bin" --data-dir "$data" --listen "127.0.0.1:$port" \
  --site-root target/site --accel tcg --api-rate-limit 1000000 > target/contract-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; stop_guests' EXIT
for _ in $(seq 100); do curl -fs "$base/api/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done

say "the committed clients match the document"
bash clients/generate.sh --check

say "the Python client's workflow"
PYTHONPATH=clients/python .tools/py/bin/python clients/tests/workflow.py "$base" "$password"

say "the TypeScript client's workflow"
npx tsc -p clients/tests/tsconfig.json
node target/clients-ts/tests/workflow.js "$base" "$password"

say "schemathesis against the live server"
token=$(.tools/py/bin/python clients/tests/seed.py "$base" "$password")
# Left out: what would end the fuzzer's own login (logging out, changing or
# resetting passwords, revoking tokens); the cargo tests cover those.
.tools/py/bin/st --config-file clients/schemathesis.toml --no-color run target/contract-openapi.json \
  --url "$base" -H "Authorization: Bearer $token" --phases examples,coverage,fuzzing,stateful \
  --exclude-path-regex '^/api/v1/(auth/(password|logout|tokens/\{id\})|users/\{id\}/password)$'

say "/metrics parses as OpenMetrics"
.tools/py/bin/python clients/tests/scrape.py "$base"
