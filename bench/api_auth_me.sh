#!/usr/bin/env bash
# Benchmark: idle server RSS, and requests/s + p50/p99 latency of
# GET /api/v1/auth/me with a bearer token on loopback (wrk), against two
# anchors measured in the same run on the same server:
#   - GET /favicon.svg   a static file: the server's floor with no auth, no DB
#   - GET /api/v1/health one trivial DB query, no auth
# Prints medians over ROUNDS rounds. Not a test: it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
CONNS=${CONNS:-32}
PORT=${PORT:-3291}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/setup.sh test installs it" >&2; exit 1; }
[ -x target/release/vlab ] || bash scripts/build.sh --release >&2

data=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
VLAB_ADMIN_PASSWORD=bench-admin-pass VLAB_API_RATE_LIMIT=100000000 VLAB_LOG=warn \
  ./target/release/vlab --data-dir "$data" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done
sleep 2
rss_idle=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
token=$(curl -fs -XPOST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"bench-admin-pass"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')

# wrk --latency prints "50% 1.23ms" lines; normalise to microseconds.
run() { # path [header]
  local out
  if [ -n "${2:-}" ]; then out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -H "$2" "http://127.0.0.1:$PORT$1")
  else out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$1"); fi
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def us(v):
    n, u = re.match(r'([\d.]+)(us|ms|s)', v).groups()
    return float(n) * {'us': 1, 'ms': 1e3, 's': 1e6}[u]
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
p50 = us(re.search(r'^\s+50%\s+(\S+)', out, re.M).group(1))
p99 = us(re.search(r'^\s+99%\s+(\S+)', out, re.M).group(1))
non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
print(f"{rps:.0f} {p50:.0f} {p99:.0f} {non2xx.group(1) if non2xx else 0}")
PY
}
median() { python3 -c 'import statistics,sys; print(f"{statistics.median(map(float, sys.argv[1:])):.0f}")' "$@"; }

declare -A R50 R99 RPS
for name in static health auth_me; do RPS[$name]=""; R50[$name]=""; R99[$name]=""; done
for r in $(seq "$ROUNDS"); do
  for name in static health auth_me; do
    case $name in
      static) set -- $(run /favicon.svg) ;;
      health) set -- $(run /api/v1/health) ;;
      auth_me) set -- $(run /api/v1/auth/me "Authorization: Bearer $token") ;;
    esac
    [ "$4" = 0 ] || { echo "$name: $4 non-2xx responses" >&2; exit 1; }
    RPS[$name]+="$1 "; R50[$name]+="$2 "; R99[$name]+="$3 "
  done
done
rss_after=$(awk '/VmRSS/{print $2}' /proc/$pid/status)

echo "vlab API benchmark: $ROUNDS rounds x $DURATION, wrk -t2 -c$CONNS, loopback, $(nproc) cores"
echo "server RSS idle after start: $((rss_idle / 1024)) MiB ($rss_idle KiB); after the load: $((rss_after / 1024)) MiB"
printf '%-34s %12s %10s %10s\n' "endpoint (median of rounds)" "requests/s" "p50 us" "p99 us"
for name in static health auth_me; do
  case $name in
    static) label="GET /favicon.svg (anchor: floor)" ;;
    health) label="GET /api/v1/health (anchor: 1 query)" ;;
    auth_me) label="GET /api/v1/auth/me (bearer)" ;;
  esac
  printf '%-34s %12s %10s %10s\n' "$label" "$(median ${RPS[$name]})" "$(median ${R50[$name]})" "$(median ${R99[$name]})"
done
