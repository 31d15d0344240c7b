#!/usr/bin/env bash
# Runs every benchmark and writes docs/benchmarks.md: sets up the machine if something is missing,
# builds the bench (Release), starts a throwaway PostgreSQL (TimescaleDB when installed) and
# RabbitMQ on free ports, runs each benchmark in turn keeping its output and exit code, then
# writes the report from what they printed and stops the servers.
#
#   scripts/bench.sh [--quick] [--only a,b] [--keep-servers] [--no-build] [--out FILE] [--verbose]
#
#   --quick         smaller sizes: about 25 minutes on 2 cores (the full run takes about 2 hours:
#                   ingest's throttled year alone is most of an hour)
#   --only a,b      just these benchmarks (names as in bench/README.md)
#   --keep-servers  leave the servers running afterwards and say how to reach them
#   --no-build      use the Release build that is there
#   --out FILE      the report's path (default docs/benchmarks.md)
#   --verbose       stream each benchmark's output (it is always kept in the results directory)
#
# A benchmark that misses its goal exits 1: that is recorded (the report marks the figure) and the
# next one runs; a crash is recorded with its last lines. The storage benchmarks measure both paths
# in one run when the server offers TimescaleDB (they take --path to keep one); the ones that take
# one path a run (load, soak) run once per path. Exits 0 when the report was written.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# name|paths|quick arguments. paths: self (the benchmark measures every path the server offers),
# each (one run per path, with --path), none (not storage-specific). Full runs use the defaults.
BENCHMARKS=(
  "throttle|none|--pages 200 --limit 100 --window-seconds 30"
  "upsert|self|--rows 200000"
  "ticks|self|--trades 50000 --quotes 150000 --runs 1"
  "read|self|--runs 3"
  "logs|self|--records 50000"
  "features|self|--symbols 3 --days 60 --runs 2"
  "archive|self|--runs 3"
  "gateway-read|self|--reads 48"
  "ingest|self|--shape weeks --limit 30 --window-seconds 5"
  "live|self|--bars 1000 --sweep 240,960 --sweep-minutes 10"
  "load|each|--seconds 20"
  "soak|each|--sim-hours 2"
  "startup|none|--runs 1 --idle-seconds 5"
)

quick=0 only="" keep_servers=0 build=1 verbose=0
out="$ROOT/docs/benchmarks.md"
command_line="scripts/bench.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) [ $# -ge 2 ] || die "--only needs a list"; only=$2; shift ;;
    --keep-servers) keep_servers=1 ;;
    --no-build) build=0 ;;
    --out) [ $# -ge 2 ] || die "--out needs a file"; out=$2; shift ;;
    --verbose) verbose=1 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

# The selection, in the table's order; a name the table does not know is an error, not a silent skip.
known=","
selected=()
for entry in "${BENCHMARKS[@]}"; do
  name=${entry%%|*}
  known="$known$name,"
  if [ -z "$only" ] || [[ ",$only," == *",$name,"* ]]; then selected+=("$entry"); fi
done
if [ -n "$only" ]; then
  IFS=',' read -r -a wanted <<< "$only"
  for name in "${wanted[@]}"; do
    [[ "$known" == *",$name,"* ]] || die "unknown benchmark '$name' (see bench/README.md)"
  done
fi
[ ${#selected[@]} -gt 0 ] || die "no benchmark selected"

# Setup only when something is missing: it is idempotent but installs packages and builds everything.
if [ ! -x "$RABBITMQ_SERVER" ] || ! pg_bin_dir >/dev/null 2>&1 || [ ! -f "$NATIVE_DIR/libduckdb.so" ]; then
  SETUP_SKIP_BUILD=1 "$ROOT/scripts/setup.sh"
fi

mkdir -p "$DATA_DIR"
if [ "$build" -eq 1 ]; then
  projects=("$ROOT/bench/StockPlatform.Bench/StockPlatform.Bench.csproj")
  # startup runs the AppHost's own Release build (--no-build), so it must exist.
  for entry in "${selected[@]}"; do
    if [ "${entry%%|*}" = "startup" ]; then projects+=("$ROOT/AppHost/StockPlatform.AppHost.csproj"); fi
  done
  for project in "${projects[@]}"; do
    log "dotnet build -c Release $(basename "$project")"
    dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -nodeReuse:false >"$DATA_DIR/bench-build.log" 2>&1 \
      || { cat "$DATA_DIR/bench-build.log" >&2; die "build failed"; }
  done
fi

WORK=$(mktemp -d /tmp/stockplatform-bench.XXXXXX)
chmod 755 "$WORK"
PG_DATA="$WORK/pg"
RABBIT_BASE="$WORK/rabbitmq"
# Each run's output and status stay under .data/ (git-ignored) for a look afterwards.
RESULTS="$DATA_DIR/bench/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
heartbeat=""

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local status=$?
  if [ -n "$heartbeat" ]; then kill "$heartbeat" 2>/dev/null || true; fi
  if [ "$keep_servers" -eq 1 ] && [ "$status" -eq 0 ]; then
    log "servers left running: source $WORK/servers.env; stop them with: source scripts/lib.sh; rabbit_stop $RABBIT_BASE; pg_stop $PG_DATA"
  else
    rabbit_stop "$RABBIT_BASE" || true
    pg_stop "$PG_DATA" || true
    rm -rf "$WORK"
  fi
  dotnet build-server shutdown >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

throwaway_servers_start "$WORK" "spbench$$" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
# The benchmarks read their own logs at Information (the log store's, the SQL the read benchmark
# checks): a caller's quieter default would starve them.
unset Logging__LogLevel__Default
umask_before=$(umask); umask 077
printf 'export ConnectionStrings__stockplatform=%q\nexport ConnectionStrings__messaging=%q\n' \
  "$ConnectionStrings__stockplatform" "$ConnectionStrings__messaging" > "$WORK/servers.env"
umask "$umask_before"

paths=(plain)
if [ -n "$(pg_timescale_args "$(pg_bin_dir)")" ]; then paths+=(timescale); fi
rabbitmq_version=$(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || true)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || true)
if [ -n "$commit" ] && [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (with local changes)"; fi
if [ "$quick" -eq 1 ]; then mode="quick: smaller sizes (scripts/bench.sh --quick), noisier than a full run"; else mode="full: each benchmark's defaults"; fi
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# The invocations: one per benchmark, or one per path for those that take one path a run.
runs=()
for entry in "${selected[@]}"; do
  IFS='|' read -r name kind quick_args <<< "$entry"
  args=""
  [ "$quick" -eq 1 ] && args=$quick_args
  if [ "$kind" = "each" ]; then
    for path in "${paths[@]}"; do runs+=("$name|$path|$args"); done
  else
    runs+=("$name||$args")
  fi
done

log "${#runs[@]} benchmark run(s) on PostgreSQL :$PG_PORT ($([ ${#paths[@]} -eq 2 ] && echo "plain and TimescaleDB paths" || echo "plain path only")), results in $RESULTS"
total_start=$SECONDS
index=0
for run in "${runs[@]}"; do
  IFS='|' read -r name path args <<< "$run"
  index=$((index + 1))
  id=$(printf '%02d-%s%s' "$index" "$name" "${path:+-$path}")
  argv=()
  read -r -a argv <<< "$args"
  if [ -n "$path" ]; then argv+=(--path "$path"); fi
  log "[$index/${#runs[@]}] $name${path:+ --path $path}${args:+ ($args)}"
  started_at=$SECONDS
  # A line a minute, so a long benchmark is visibly alive.
  ( while sleep 60; do log "    $name: $(( (SECONDS - started_at) / 60 )) min"; done ) &
  heartbeat=$!
  set +e
  if [ "$verbose" -eq 1 ]; then
    (cd "$ROOT" && dotnet run -c Release --no-build --project bench/StockPlatform.Bench -- "$name" "${argv[@]}" 2>&1) | tee "$RESULTS/$id.log"
    status=${PIPESTATUS[0]}
  else
    (cd "$ROOT" && dotnet run -c Release --no-build --project bench/StockPlatform.Bench -- "$name" "${argv[@]}" >"$RESULTS/$id.log" 2>&1)
    status=$?
  fi
  set -e
  kill "$heartbeat" 2>/dev/null || true
  wait "$heartbeat" 2>/dev/null || true
  heartbeat=""
  seconds=$((SECONDS - started_at))
  printf '{"benchmark":%s,"path":%s,"args":%s,"exit_code":%d,"seconds":%d}\n' \
    "$(json_string "$name")" "$(json_string "$path")" "$(json_string "$args")" "$status" "$seconds" > "$RESULTS/$id.status.json"
  case "$status" in
    0) verdict="goals met" ;;
    1) verdict="exit 1: a goal missed or a check failed" ;;
    2) if grep -q 'usage: StockPlatform.Bench' "$RESULTS/$id.log"; then verdict="not in this build (skipped)"; else verdict="exit 2"; fi ;;
    *) verdict="crashed (exit $status), last lines:"; tail -n 5 "$RESULTS/$id.log" >&2 ;;
  esac
  log "    $name: $verdict in $((seconds / 60)) min $((seconds % 60)) s (total $(( (SECONDS - total_start) / 60 )) min)"
done

printf '{"command":%s,"mode":%s,"started":%s,"seconds":%d,"commit":%s,"rabbitmq":%s}\n' \
  "$(json_string "$command_line")" "$(json_string "$mode")" "$(json_string "$started")" "$((SECONDS - total_start))" \
  "$(json_string "$commit")" "$(json_string "$rabbitmq_version")" > "$RESULTS/run.json"
(cd "$ROOT" && dotnet run -c Release --no-build --project bench/StockPlatform.Bench -- report --in "$RESULTS" --out "$out") >/dev/null \
  || die "the report writer failed (results kept in $RESULTS)"
log "report: $out"
echo "$out"
