#!/usr/bin/env bash
# Runs every test against real servers: sets up the machine, starts a throwaway PostgreSQL and
# RabbitMQ on free ports with temporary data directories, runs `dotnet test` on
# StockPlatform.sln with their connection strings, always stops them, and exits with the
# tests' status. The last line is the summary: "N passed, N failed, N skipped".
# Where TimescaleDB is installed, that run is on the TimescaleDB path, and the suites that touch
# storage (storage, features, integration, AppHost) run a second time on plain tables
# (STOCKPLATFORM_TIMESCALE=off): users run either. STOCKPLATFORM_TIMESCALE=off runs plain only.
# The first pass includes the short chaos run (tests/StockPlatform.Chaos, on servers of its own);
# the plain pass leaves it out. scripts/chaos.sh runs it alone, --full the full one.
# Arguments are passed to dotnet test (e.g. --filter "FullyQualifiedName~Messaging").
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup.sh"

WORK=$(mktemp -d /tmp/stockplatform-test.XXXXXX)
chmod 755 "$WORK"
PG_DATA="$WORK/pg"
RABBIT_BASE="$WORK/rabbitmq"
RESULTS="$WORK/results"

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local status=$?
  rabbit_stop "$RABBIT_BASE" || true
  pg_stop "$PG_DATA" || true
  dotnet build-server shutdown >/dev/null 2>&1 || true
  [ -n "${KEEP_TEST_RESULTS:-}" ] && cp -r "$RESULTS" "$KEEP_TEST_RESULTS" 2>/dev/null
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Test projects run side by side, each with its own pools and agent processes: room for more
# clients than the default 100.
throwaway_servers_start "$WORK" "sptest$$" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
# Services under test log warnings and errors only, so the runner's output stays readable.
export Logging__LogLevel__Default=Warning
# The short chaos run follows one fault plan here, so a red run is repeatable; scripts/chaos.sh
# draws a new seed each time (or takes --seed) to explore others.
export CHAOS_SEED="${CHAOS_SEED:-23}"

timescale=$(pg_timescale_args "$(pg_bin_dir)")
if [ -n "$timescale" ]; then path="TimescaleDB path"; else path="plain PostgreSQL path"; fi
log "dotnet test StockPlatform.sln ($path)"
set +e
dotnet test "$ROOT/StockPlatform.sln" -c "$CONFIGURATION" --no-build --nologo \
  --results-directory "$RESULTS/first" -p:StockPlatformTestReport=true "$@"
test_status=$?
if [ -n "$timescale" ]; then
  log "dotnet test: the storage, features, integration and AppHost suites again on the plain PostgreSQL path"
  for project in StockPlatform.Storage.Tests StockPlatform.Features.Tests StockPlatform.IntegrationTests StockPlatform.AppHost.Tests; do
    STOCKPLATFORM_TIMESCALE=off dotnet test "$ROOT/tests/$project/$project.csproj" -c "$CONFIGURATION" --no-build --nologo \
      --results-directory "$RESULTS/plain" -p:StockPlatformTestReport=true "$@" || test_status=$?
  done
fi
set -e

# Sum the counters of every test run (one .trx per test project and path).
passed=0 failed=0 skipped=0
for trx in "$RESULTS"/*/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value total) - $(value executed)))
done
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  log "dotnet test exited with $test_status without a failed test (build or test host error)"
  failed=1
fi
# The failed tests again, last, with their first message lines: CI shows the end of the output,
# and the runner's own report of a failure is buried in thousands of log lines above.
if [ "$failed" -gt 0 ]; then
  for trx in "$RESULTS"/*/*.trx; do
    [ -f "$trx" ] || continue
    print_failures "$trx" "$(basename "$(dirname "$trx")")"
  done
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$test_status"
