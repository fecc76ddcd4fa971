#!/usr/bin/env bash
# Starts vlab for the browser tests, on a fresh data dir.
#   start-server.sh          the suite's server: TCG, the test guest kernel in
#                            the kernel pool
#   start-server.sh fresh    as ./run.sh leaves a newcomer: default settings
#                            (--accel auto), the demo guest, nothing else
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-suite}
./end2end/stop-guests.sh
if [ "$mode" = fresh ]; then
  data=target/e2e-fresh
  rm -rf "$data"
  export VLAB_DEMO_GUEST=$PWD/guests/out
  exec "${VLAB_BIN:-target/debug/vlab}" --data-dir "$data" --listen "127.0.0.1:${VLAB_E2E_FRESH_PORT:-3198}" \
    --site-root target/site
fi
data=target/e2e-data
rm -rf "$data"
mkdir -p "$data/pools/kernels/test-guest"
for f in vmlinux initrd.img; do ln -s "$PWD/guests/out/$f" "$data/pools/kernels/test-guest/$f"; done
echo "console=ttyS0 quiet panic=-1 no_timer_check clocksource=hpet" > "$data/pools/kernels/test-guest/cmdline"
# Sampled every 2 s, so charts have points within seconds.
echo "metrics_interval_secs = 2" > "$data/vlab.toml"
exec "${VLAB_BIN:-target/debug/vlab}" --data-dir "$data" --listen "127.0.0.1:${VLAB_E2E_PORT:-3199}" \
  --site-root target/site --accel tcg --config "$data/vlab.toml"
