#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks: no system
# service, nothing outside its directory.
#
#   scripts/pg.sh start DIR   # prints the cluster's admin URL
#   scripts/pg.sh stop DIR
#
# PostgreSQL refuses to run as root; as root the cluster runs as `nobody`.
# It listens on a unix socket in DIR only, and trusts local connections.
set -euo pipefail
cmd=${1:?start or stop}
dir=$(realpath -m "${2:?a directory}")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (scripts/setup.sh test installs it)" >&2; exit 1; }
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi

case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown nobody:nogroup "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U vlab --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # Durability is not wanted from a test cluster; speed is.
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s start \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=300 -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=128MB" \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgres://vlab@localhost/postgres?host=$dir"
  ;;
stop)
  [ -f "$dir/data/postmaster.pid" ] && "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -s stop || true
  ;;
*)
  echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2 ;;
esac
