#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test: unit and API
# integration tests (cargo), then browser tests (Playwright + Chromium).
set -euo pipefail
cd "$(dirname "$0")"
# A one-off build (CI) gains nothing from the incremental cache but disk use.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
bash scripts/setup.sh test
bash scripts/build.sh
bash guests/build.sh
. scripts/common.sh
say "unit and API integration tests"
host_cargo test -p app -p server
say "browser tests"
(cd end2end && npx playwright test)
