#!/usr/bin/env bash
# Sets up what is missing, builds vlab (release) and runs it on
# http://127.0.0.1:3000 with its data in ./data. Extra arguments go to the
# server, e.g. ./run.sh --listen 0.0.0.0:3000 (see ./target/release/vlab --help).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh run
bash scripts/build.sh --release
exec ./target/release/vlab "$@"
