#!/usr/bin/env bash
# Console proxy throughput and latency: vlab's pump vs websockify vs the
# socket directly, plus raw VNC frames/s from a real guest, in one run.
# Pinned to one CPU (CONSOLE_BENCH_CPUS to change): see the example's header.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
command -v websockify >/dev/null || { echo "websockify is missing: scripts/setup.sh test installs it" >&2; exit 1; }
[ -f guests/out/vmlinux ] || bash guests/build.sh
host_cargo build --quiet --release -p server --example console_bench
taskset -c "${CONSOLE_BENCH_CPUS:-0}" target/release/examples/console_bench
