#!/usr/bin/env bash
# Sets up what is missing, builds, and runs every test: unit and API
# integration tests (cargo; the integration tests once on SQLite and once on
# PostgreSQL), the API contract (clients/check.sh: generated clients and
# schemathesis against a live server), then browser tests (Playwright +
# Chromium).
set -euo pipefail
cd "$(dirname "$0")"
# A one-off build (CI) gains nothing from the incremental cache but disk use.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
bash scripts/setup.sh test
bash scripts/build.sh
bash guests/build.sh
. scripts/common.sh
say "unit and API integration tests (SQLite)"
host_cargo test -p app -p server
say "API integration tests again on PostgreSQL (a throwaway cluster)"
pg_dir=$(mktemp -d /tmp/vlab-test-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
# The same packages as above, so cargo reuses the binaries it built there.
VLAB_TEST_PG=$(bash scripts/pg.sh start "$pg_dir") host_cargo test -p app -p server --test '*'
say "API contract: generated clients and schemathesis against a live server"
bash clients/check.sh
say "browser tests"
(cd end2end && npx playwright test)
