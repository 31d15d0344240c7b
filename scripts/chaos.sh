#!/usr/bin/env bash
# Runs the chaos suite (tests/StockPlatform.Chaos): the whole platform on servers of its own
# (PostgreSQL and RabbitMQ on free ports, temporary data), a multi-symbol backfill and a live
# stream while agents are SIGKILLed, both servers restart, the stream drops and MarketSim answers
# bursts of 429s and 500s; then every job must be final, the stored bars equal MarketSim's ground
# truth, and no error queue hold a message. Needs no running stack. Prints each action as it happens.
#
#   scripts/chaos.sh [--full] [--seed N] [--plain]
#     --full    the full run (20 kills, about half an hour); the short one (a few minutes) otherwise
#     --seed N  repeat a run (each run prints its seed); a new seed otherwise
#     --plain   plain PostgreSQL tables (STOCKPLATFORM_TIMESCALE=off); TimescaleDB where installed otherwise
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

profile=short
seed=${CHAOS_SEED:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --full) profile=full ;;
    --seed) [ $# -ge 2 ] || die "--seed needs a number"; seed=$2; shift ;;
    --plain) export STOCKPLATFORM_TIMESCALE=off ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[ -z "$seed" ] || [[ "$seed" =~ ^[0-9]+$ ]] || die "--seed must be a number (was $seed)"
seed=${seed:-$((RANDOM * 32768 + RANDOM))}

"$ROOT/scripts/local-server.sh" check || die "the chaos run starts its own servers: run scripts/setup.sh first"
project="$ROOT/tests/StockPlatform.Chaos/StockPlatform.Chaos.csproj"
log "building the chaos suite and the services ($CONFIGURATION)"
dotnet build "$project" -c "$CONFIGURATION" --nologo -v quiet >/dev/null || dotnet build "$project" -c "$CONFIGURATION" --nologo

journal=$(mktemp /tmp/chaos-journal.XXXXXX)
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local status=$?
  if [ -n "${follower:-}" ]; then kill "$follower" 2>/dev/null || true; fi
  rm -f "$journal"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The test runner shows a test's output only when it ends: the journal file shows it live.
tail -n +1 -F "$journal" 2>/dev/null &
follower=$!
log "chaos run: profile $profile, seed $seed"
set +e
# The run owns its servers: the shared ones' connection strings must not reach it.
env -u ConnectionStrings__stockplatform -u ConnectionStrings__messaging \
  CHAOS_PROFILE="$profile" CHAOS_SEED="$seed" CHAOS_LOG="$journal" Logging__LogLevel__Default=Warning \
  dotnet test "$project" -c "$CONFIGURATION" --no-build --nologo \
  --filter "FullyQualifiedName~StockPlatform.Chaos.Run" --logger "console;verbosity=minimal"
status=$?
set -e
sleep 0.5
repeat="--seed $seed"
if [ "$profile" = full ]; then repeat="--full $repeat"; fi
if [ "$status" -eq 0 ]; then log "chaos run passed (profile $profile, seed $seed)"
else log "chaos run FAILED (profile $profile, seed $seed): repeat it with scripts/chaos.sh $repeat"; fi
exit "$status"
