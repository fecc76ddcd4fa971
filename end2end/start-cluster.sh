#!/usr/bin/env bash
# Two vlab nodes sharing one throwaway PostgreSQL, for the browser test of
# several hosts: node-a on VLAB_E2E_CLUSTER_PORT (3195), node-b on the port
# after it. Both stop, and the cluster goes, when this script is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${VLAB_E2E_CLUSTER_PORT:-3195}
root=target/e2e-cluster
# A run that was killed may have left its database cluster running.
[ -f "$root/pg-dir" ] && { bash scripts/pg.sh stop "$(cat "$root/pg-dir")"; rm -rf "$(cat "$root/pg-dir")"; }
rm -rf "$root"
mkdir -p "$root/shared"
pg=$(mktemp -d /tmp/vlab-e2e-pg.XXXXXX)
echo "$pg" > "$root/pg-dir"
url=$(bash scripts/pg.sh start "$pg")
stop() {
  kill $(jobs -p) 2>/dev/null || true
  wait || true
  bash scripts/pg.sh stop "$pg"
  rm -rf "$pg" "$root/pg-dir"
}
trap stop EXIT
trap 'exit 0' TERM INT
node() { # name port
  mkdir -p "$root/$1"
  printf 'node_name = "%s"\nheartbeat_secs = 1\nnode_timeout_secs = 5\nshared_pool_dir = "%s"\n' "$1" "$PWD/$root/shared" > "$root/$1.toml"
  "${VLAB_BIN:-target/debug/vlab}" --config "$root/$1.toml" --data-dir "$root/$1" --listen "127.0.0.1:$2" \
    --site-root target/site --accel tcg --database-url "$url" &
}
node node-a "$port"
# B registers once A made the schema.
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.2; done
node node-b "$((port + 1))"
wait -n
