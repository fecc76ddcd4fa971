#!/usr/bin/env bash
# Stops the guests a browser-test run left running (vlab's QEMUs outlive it
# by design), so runs do not pile up idle VMs.
cd "$(dirname "$0")/.."
for pidfile in target/e2e-data/run/*/qemu.pid target/e2e-fresh/run/*/qemu.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  # Only a QEMU started for one of the browser tests' data dirs.
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -Eq "target/e2e-(data|fresh)/run/"; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
exit 0
