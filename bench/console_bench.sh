#!/usr/bin/env bash
# Console proxy throughput and latency: vlab's pump vs websockify vs the
# socket directly, plus raw VNC frames/s from a real guest, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
command -v websockify >/dev/null || { echo "websockify is missing: scripts/setup.sh test installs it" >&2; exit 1; }
[ -f guests/out/vmlinux ] || bash guests/build.sh
host_cargo run --quiet --release -p server --example console_bench
