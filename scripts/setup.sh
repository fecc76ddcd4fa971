#!/usr/bin/env bash
# Installs what building, running and testing vlab needs, skipping whatever
# is already there. Usage: scripts/setup.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

purpose=${1:-run}

# --- Debian packages ------------------------------------------------------
need=(build-essential pkg-config ca-certificates)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# Without rustup, Debian's Rust 1.96 builds both halves.
command -v cargo >/dev/null 2>&1 || need+=(cargo-web rustc-web)
# QEMU runs the guests; any QEMU >= 7.2 will do, so keep a newer one.
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v qemu-img >/dev/null 2>&1 || need+=(qemu-utils)
# Building the demo and test guests (guests/build.sh); the benchmarks.
need+=(busybox-static kmod xz-utils grub-pc-bin grub-common xorriso mtools)
# The site's files are stored brotli-compressed too (scripts/build.sh).
need+=(brotli)
# The host firewall that keeps guests off this host (engine/netguard.rs).
need+=(nftables)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "$purpose" = test ]; then
  # fonts-wqy-zenhei: Chinese text in browser-test screenshots.
  need+=(chromium fonts-wqy-zenhei wrk websockify python3-websockets)
  # The test suite runs against PostgreSQL too, in a throwaway cluster of
  # its own (scripts/pg.sh): no system service is used.
  need+=(postgresql)
  # The API contract checks' Python tools live in a venv (clients/check.sh).
  need+=(python3-venv)
fi
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
apt_install "${missing[@]}"
# Installing qemu-system-x86 removes a newer qemu-utils it conflicts with
# (e.g. one from backports): check again afterwards.
command -v qemu-img >/dev/null 2>&1 || apt_install qemu-utils

# --- The account QEMU runs as (engine/confine.rs) ---------------------------
# vlab runs as root; its guests' QEMUs never do. Each QEMU gets its own uid
# from this account's subordinate range: the range's start plus its pid
# (4194304 is the largest pid Linux hands out).
if [ "$(id -u)" = 0 ]; then
  if ! getent passwd vlab-qemu >/dev/null; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vlab-qemu
    say "created the account vlab-qemu"
  fi
  if ! grep -q '^vlab-qemu:' /etc/subuid 2>/dev/null; then
    usermod --add-subuids 1879048192-1883242495 vlab-qemu
  fi
  # KVM for that account, as Debian's udev rule sets it up on most hosts.
  if [ -c /dev/kvm ]; then
    getent group kvm >/dev/null || groupadd --system kvm
    [ "$(stat -c %G /dev/kvm)" = kvm ] || { chgrp kvm /dev/kvm && chmod 660 /dev/kvm; }
  fi
fi

# --- The WebAssembly toolchain -------------------------------------------
# Prefer rustup's wasm32 target; where it cannot be downloaded, build std
# for wasm32 from Debian's rust-web-src with Debian's compiler.
route=$(wasm_route)
if [ -z "$route" ]; then
  if command -v rustup >/dev/null 2>&1 && timeout 45 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    route=rustup
  else
    route=debian
  fi
  mkdir -p .tools && echo "$route" > .tools/wasm-route
fi
if [ "$route" = debian ]; then
  missing=()
  for p in rustc-web cargo-web rust-web-src lld-22; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  apt_install "${missing[@]}"
  if command -v rustup >/dev/null 2>&1 && ! rustup toolchain list | grep -q '^debian-web'; then
    rustup toolchain link debian-web /usr
  fi
fi
say "wasm toolchain: $route"

# --- wasm-bindgen-cli, exactly the version in Cargo.lock -------------------
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (a few minutes, once)"
  host_cargo install wasm-bindgen-cli --version "$want" --root "$PWD/.tools"
fi

# --- The WebAssembly splitter (tools/wasm-split), for release builds --------
if ! [ -x .tools/bin/vlab-wasm-split ] || [ tools/wasm-split/src/main.rs -nt .tools/bin/vlab-wasm-split ] \
   || [ tools/wasm-split/Cargo.lock -nt .tools/bin/vlab-wasm-split ]; then
  say "building vlab-wasm-split (a few minutes, once)"
  CARGO_TARGET_DIR="$PWD/target/tools" host_cargo install --locked --force --path tools/wasm-split --root "$PWD/.tools"
fi

# --- npm packages, from the lock file --------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --ignore-scripts
fi
# --- Python tools of the API contract checks, from the pinned list --------
if [ "$purpose" = test ]; then
  if [ ! -x .tools/py/bin/python ] || [ clients/requirements.txt -nt .tools/py/.installed ]; then
    say "installing the contract checks' Python tools (schemathesis, openapi-python-client)"
    python3 -m venv .tools/py
    .tools/py/bin/pip install --quiet --disable-pip-version-check -r clients/requirements.txt
    touch .tools/py/.installed
  fi
fi
say "setup done"
