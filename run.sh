#!/usr/bin/env bash
# Sets up what is missing, builds vlab (release) and the demo guest, and runs
# vlab on http://127.0.0.1:3000 with its data in ./data. Extra arguments go
# to the server, e.g. ./run.sh --listen 0.0.0.0:3000 (see ./target/release/vlab --help).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh run
bash scripts/build.sh --release
# The demo guest: a new data dir gets its ISO in the library, and
# `--accel auto` boots it to test KVM before trusting it.
bash guests/build.sh
export VLAB_DEMO_GUEST=${VLAB_DEMO_GUEST:-$PWD/guests/out}
exec ./target/release/vlab "$@"
