#!/usr/bin/env bash
# Starts vlab for the browser tests: fresh data dir, TCG, the test guest
# kernel in the kernel pool.
set -euo pipefail
cd "$(dirname "$0")/.."
data=target/e2e-data
./end2end/stop-guests.sh
rm -rf "$data"
mkdir -p "$data/pools/kernels/test-guest"
for f in vmlinux initrd.img; do ln -s "$PWD/guests/out/$f" "$data/pools/kernels/test-guest/$f"; done
echo "console=ttyS0 quiet panic=-1 no_timer_check clocksource=hpet" > "$data/pools/kernels/test-guest/cmdline"
exec "${VLAB_BIN:-target/debug/vlab}" --data-dir "$data" --listen "127.0.0.1:${VLAB_E2E_PORT:-3199}" \
  --site-root target/site --accel tcg
