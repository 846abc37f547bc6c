#!/usr/bin/env bash
# The ACS load test of issue 13 (README.md beside this file, "HTTP ACS throughput"): the Hummingbird example SP on
# loopback, once per store (SQLite, then PostgreSQL on a throw-away cluster), driven by wrk with valid, unique,
# signed responses prepared ahead of time; then bare `ServiceProvider.validate` on the same responses in the same run.
#
# usage: Benchmarks/load.sh [sqlite] [postgres]        (default: both; `make load` from the root)
# settings (environment):
#   LOAD_SECONDS=12        each measured wrk run           LOAD_WARMUP_SECONDS=2   the wrk warm-up before it
#   LOAD_THREADS=2         wrk threads                     LOAD_CONNECTIONS=16     wrk connections (keep-alive)
#   LOAD_MAX_RATE=3000     logins prepared per second of run (more than the SP can take: a run never runs out)
#   LOAD_BARE_SECONDS=5    the bare validate measurement   DATABASE_POOL_SIZE=10   the SP's PostgreSQL connections
#   LOAD_OUT=Benchmarks/load-results.json                  LOAD_WORK=.build-load   scratch (prepared bodies, logs)
#   LOAD_QUIET_WAIT=120    before each measurement, wait up to this many seconds for the rest of the machine to be
#                          quiet (under 0.2 cores busy over 2 s): on a shared machine other work lowers throughput
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
stores=("$@")
[ ${#stores[@]} -gt 0 ] || stores=(sqlite postgres)
seconds=${LOAD_SECONDS:-12}
warmup_seconds=${LOAD_WARMUP_SECONDS:-2}
threads=${LOAD_THREADS:-2}
connections=${LOAD_CONNECTIONS:-16}
max_rate=${LOAD_MAX_RATE:-3000}
bare_seconds=${LOAD_BARE_SECONDS:-5}
pool_size=${DATABASE_POOL_SIZE:-10}
quiet_wait=${LOAD_QUIET_WAIT:-120}
out=${LOAD_OUT:-$root/Benchmarks/load-results.json}
work=${LOAD_WORK:-$root/.build-load}
started=$(date +%s)

say() { echo "load.sh: $*" >&2; }

# --- what it needs -------------------------------------------------------------------------------------------------
scripts/install-deps.sh build
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    say "wrk is missing; as root: apt-get install -y wrk"; exit 1
  fi
  say "installing wrk"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq wrk >/dev/null \
    || { "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi

say "building HummingbirdSP and SAMLLoad (release)"
swift build --package-path Examples --scratch-path .build -c release --product HummingbirdSP >&2
sp_bin=$(swift build --package-path Examples --scratch-path .build -c release --show-bin-path)/HummingbirdSP
(cd Benchmarks && swift build -c release --product SAMLLoad >&2)
load_bin=$(cd Benchmarks && swift build -c release --show-bin-path)/SAMLLoad

rm -rf "$work"
mkdir -p "$work"
"$load_bin" metadata "$work/idp.xml"

# --- helpers -------------------------------------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# utime + stime of one process, in clock ticks (/proc/PID/stat fields 14 and 15; the name may hold spaces).
process_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# The PostgreSQL cluster's CPU: the postmaster (with the children it has reaped: cutime + cstime) and its live
# children (the backends serving the SP's pool, and the background processes).
cluster_ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v pm="$1" '{
    pid = $1; sub(/^.*\) /, ""); if (pid == pm) total += $12 + $13 + $14 + $15; else if ($2 == pm) total += $12 + $13
  } END { print total + 0 }'
}
# Busy and total jiffies of the whole machine (/proc/stat "cpu" line; idle and iowait are not busy).
machine_jiffies() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
# Waits (up to $quiet_wait s) until the machine is nearly idle: under 0.2 cores busy over 2 s. The SP is idle then.
wait_quiet() {
  local waited=0 a b busy
  while :; do
    a=$(machine_jiffies); sleep 2; b=$(machine_jiffies)
    busy=$(awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f", (y[1] - x[1]) / (y[2] - x[2]) * n }')
    awk -v c="$busy" 'BEGIN { exit !(c < 0.2) }' && return 0
    if [ "$waited" -ge "$quiet_wait" ]; then say "the machine is still busy ($busy cores by other work): measuring anyway"; return 0; fi
    [ "$waited" -eq 0 ] && say "other work keeps $busy cores busy: waiting up to ${quiet_wait} s for quiet"
    waited=$((waited + 2))
  done
}
seconds_of() { awk '{ split($0, p, "m"); sub("s", "", p[2]); print p[1] * 60 + p[2] }' <<<"$1"; }

sp_pid=""
stop_sp() {
  if [ -n "$sp_pid" ] && kill -0 "$sp_pid" 2>/dev/null; then
    kill "$sp_pid" 2>/dev/null || true
    wait "$sp_pid" 2>/dev/null || true
  fi
  sp_pid=""
}
postgres_state=$work/postgres-cluster
cleanup() {
  stop_sp
  SAML_POSTGRES_STATE=$postgres_state scripts/postgres.sh stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts the SP for store $1 on a free port with fresh state; sets sp_pid, port.
start_sp() {
  local store=$1 dir=$2
  port=$(free_port)
  local env=(SP_HOST=127.0.0.1 SP_PORT="$port" SP_BASE_URL="http://127.0.0.1:$port" SAML_IDP_METADATA="$work/idp.xml"
             SAML_AUTHN_REQUEST_BINDING=post SAML_STATE_DIR="$dir/state" LOG_LEVEL=warning)
  [ "$store" = postgres ] && env+=(DATABASE_URL="$database_url" DATABASE_POOL_SIZE="$pool_size")
  env "${env[@]}" "$sp_bin" >"$dir/sp.log" 2>&1 &
  sp_pid=$!
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$sp_pid" 2>/dev/null || { cat "$dir/sp.log" >&2; say "the SP exited"; exit 1; }
    sleep 0.1
  done
  say "the SP did not answer /healthz in 30 s"; exit 1
}

# --- one store -----------------------------------------------------------------------------------------------------
run_store() {
  local store=$1 dir=$work/$1
  mkdir -p "$dir"
  database_url=""
  local postmaster=""
  if [ "$store" = postgres ]; then
    database_url=$(SAML_POSTGRES_STATE=$postgres_state scripts/postgres.sh start)
    postmaster=$(head -1 "$(cat "$postgres_state/dir")/data/postmaster.pid")
    say "PostgreSQL at $database_url (postmaster $postmaster)"
  fi
  start_sp "$store" "$dir"
  say "$store: SP pid $sp_pid on 127.0.0.1:$port"
  echo "$port" >"$dir/port"

  # Pending logins and their signed responses, not timed: for the warm-up, then for the measured run.
  local count=$((seconds * max_rate)) warm=$((warmup_seconds * max_rate))
  "$load_bin" prepare --port "$port" --count "$warm" --threads "$threads" --out "$dir/warmup"
  "$load_bin" prepare --port "$port" --count "$count" --threads "$threads" --out "$dir/run"

  wait_quiet
  say "$store: warm-up ${warmup_seconds} s, then ${seconds} s measured (wrk -t$threads -c$connections)"
  wrk -t"$threads" -c"$connections" -d"${warmup_seconds}s" -s Benchmarks/load.lua "http://127.0.0.1:$port" -- "$dir/warmup" >"$dir/warmup.out" 2>&1
  sleep 0.5

  local sp0 db0=0 m0 sp1 db1=0 m1 load_before
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  sp0=$(process_ticks "$sp_pid")
  [ -n "$postmaster" ] && db0=$(cluster_ticks "$postmaster")
  m0=$(machine_jiffies)
  ( wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s Benchmarks/load.lua "http://127.0.0.1:$port" -- "$dir/run"; times ) >"$dir/wrk.out" 2>&1
  m1=$(machine_jiffies)
  sp1=$(process_ticks "$sp_pid")
  [ -n "$postmaster" ] && db1=$(cluster_ticks "$postmaster")

  grep '^LOADJSON ' "$dir/wrk.out" | sed 's/^LOADJSON //' >"$dir/wrk.json" || { cat "$dir/wrk.out" >&2; say "no result from wrk"; exit 1; }
  local wrk_cpu
  wrk_cpu=$(tail -1 "$dir/wrk.out" | { read -r user sys; echo "$(seconds_of "$user") $(seconds_of "$sys")"; } | awk '{ print $1 + $2 }')
  {
    echo "store=$store"
    echo "logins_prepared=$count"
    echo "wrk_threads=$threads"
    echo "wrk_connections=$connections"
    echo "clk_tck=$(getconf CLK_TCK)"
    echo "sp_cpu_ticks=$((sp1 - sp0))"
    [ -n "$postmaster" ] && echo "db_cpu_ticks=$((db1 - db0))" && echo "db_pool_size=$pool_size"
    echo "wrk_cpu_seconds=$wrk_cpu"
    echo "machine_busy_jiffies=$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1] }')"
    echo "machine_total_jiffies=$(awk -v a="$m0" -v b="$m1" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[2] - x[2] }')"
    echo "cores=$(nproc)"
    echo "load_average_before=$load_before"
  } >"$dir/measure.env"
  grep -q '"exhausted":0,' "$dir/wrk.json" || say "$store: the prepared logins ran out: raise LOAD_MAX_RATE"
  if grep -q 'refused' "$dir/sp.log"; then
    say "$store: the SP refused some requests (first lines of $dir/sp.log):"; grep 'refused' "$dir/sp.log" | head -3 >&2
  fi
  stop_sp
  if [ "$store" = postgres ]; then SAML_POSTGRES_STATE=$postgres_state scripts/postgres.sh stop; fi
  # The bodies are large (6 KB a login); the first store's pending.tsv stays for the bare measurement.
  rm -rf "$dir/warmup" "$dir"/run/bodies.*
  [ "$store" = "${stores[0]}" ] || rm -f "$dir/run/pending.tsv"
}

for store in "${stores[@]}"; do
  case "$store" in sqlite|postgres) run_store "$store" ;; *) say "unknown store $store (sqlite, postgres)"; exit 2 ;; esac
done

# --- bare validate on the same responses (the first store's), the SP stopped -----------------------------------
first=${stores[0]}
wait_quiet
say "bare validate: ${bare_seconds} s, 2 tasks, over the $first run's responses"
"$load_bin" bare --port "$(cat "$work/$first/port")" --metadata "$work/idp.xml" --pending "$work/$first/run/pending.tsv" \
  --workers 2 --seconds "$bare_seconds" --out "$work/bare.json"

dirs=()
for store in "${stores[@]}"; do dirs+=("$work/$store"); done
"$load_bin" report --bare "$work/bare.json" --out "$out" "${dirs[@]}"
echo "(load.sh took $(( $(date +%s) - started )) s; wrk -t$threads -c$connections, ${seconds} s per store after ${warmup_seconds} s warm-up; scratch in $work)"
