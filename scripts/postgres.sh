#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the store tests (issue 13): no mock database anywhere.
#
# usage: scripts/postgres.sh start          start a cluster, print its URL (also in $STATE/url)
#        scripts/postgres.sh stop           stop it and delete its folder
#        scripts/postgres.sh url            print the running cluster's URL
#        scripts/postgres.sh pause          stop the server, keeping its data and port (an outage, for tests)
#        scripts/postgres.sh resume         start it again on the same port
#        scripts/postgres.sh run CMD ARG…   start, run CMD with SAML_TEST_POSTGRES_URL set, stop (also on failure or
#                                           Ctrl-C); exits with CMD's status. With SAML_TEST_POSTGRES_URL already set
#                                           (a server of your own), just runs CMD.
#
# Installs PostgreSQL from Debian if it is missing. The cluster lives in a new temp folder, owned by an unprivileged
# user when run as root (initdb refuses root: the `postgres` user, else `nobody`), listens on 127.0.0.1 only, on a
# free port, with trust authentication for the superuser `saml` (loopback, throw-away data) and fsync off.
# State (folder, port, user) is kept in $SAML_POSTGRES_STATE (default .build-postgres/, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
state=${SAML_POSTGRES_STATE:-$PWD/.build-postgres}

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

install_postgres() {
  find_bin >/dev/null && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "postgres.sh: PostgreSQL is not installed; as root: apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "postgres.sh: installing PostgreSQL from Debian" >&2
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update -qq
  # Only the binaries are used; the package's own system cluster (if it makes one) is left alone.
  "${apt[@]}" install -y -qq --no-install-recommends postgresql >&2
  find_bin >/dev/null || { echo "postgres.sh: initdb not found after installing postgresql" >&2; exit 1; }
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  if [ -f "$state/url" ] && [ -d "$(cat "$state/dir" 2>/dev/null)" ]; then
    echo "postgres.sh: a cluster is already running ($(cat "$state/url")); stop it first" >&2
    exit 1
  fi
  install_postgres
  local bin dir port
  bin=$(find_bin)
  if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  else
    owner=$(id -un)
  fi
  # Under /tmp (not $TMPDIR, which may sit in a folder the unprivileged owner cannot enter).
  dir=$(mktemp -d "${SAML_POSTGRES_TMP:-/tmp}/saml-postgres.XXXXXX")
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown "$owner" "$dir"
  mkdir -p "$state"
  echo "$dir" > "$state/dir"
  echo "$owner" > "$state/owner"
  echo "$bin" > "$state/bin"
  as_owner "$bin/initdb" -D "$dir/data" -U saml --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # A port can be taken between choosing and binding: try a few.
  local tries
  for tries in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null; then
      echo "$port" > "$state/port"
      echo "postgres://saml@127.0.0.1:$port/postgres?sslmode=disable" > "$state/url"
      cat "$state/url"
      return 0
    fi
    tail -5 "$dir/server.log" >&2 || true
  done
  echo "postgres.sh: the cluster did not start" >&2
  exit 1
}

stop() {
  [ -f "$state/dir" ] || return 0
  local dir bin
  dir=$(cat "$state/dir")
  owner=$(cat "$state/owner" 2>/dev/null || id -un)
  bin=$(cat "$state/bin" 2>/dev/null || find_bin)
  if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$dir" in
    */saml-postgres.*) rm -rf "$dir" ;;
  esac
  rm -f "$state/dir" "$state/owner" "$state/bin" "$state/port" "$state/url"
}

# An outage and its end: the server stops (fast shutdown: clients are disconnected) and starts again with the same
# data on the same port, so a client that keeps its configuration reconnects by itself.
pause() {
  [ -f "$state/dir" ] || { echo "postgres.sh: no cluster" >&2; exit 1; }
  owner=$(cat "$state/owner")
  as_owner "$(cat "$state/bin")/pg_ctl" -D "$(cat "$state/dir")/data" -m fast -w -t 30 stop >/dev/null
}

resume() {
  [ -f "$state/dir" ] || { echo "postgres.sh: no cluster" >&2; exit 1; }
  local dir port
  owner=$(cat "$state/owner")
  dir=$(cat "$state/dir")
  port=$(cat "$state/port")
  as_owner "$(cat "$state/bin")/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null
}

case "${1:-}" in
  start) start ;;
  pause) pause ;;
  resume) resume ;;
  stop) stop ;;
  url) cat "$state/url" ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run CMD [ARG…]" >&2; exit 2; }
    if [ -n "${SAML_TEST_POSTGRES_URL:-}" ]; then
      echo "postgres.sh: using SAML_TEST_POSTGRES_URL from the environment (no throw-away cluster)" >&2
      exec "$@"
    fi
    trap stop EXIT
    trap 'exit 130' INT TERM
    url=$(start)
    echo "postgres.sh: throw-away cluster at $url" >&2
    status=0
    SAML_TEST_POSTGRES_URL=$url "$@" || status=$?
    exit "$status"
    ;;
  *) echo "usage: $0 start|stop|url|run CMD [ARG…]" >&2; exit 2 ;;
esac
