#!/usr/bin/env bash
# The gateway's bad-input suite (tests/StockPlatform.IntegrationTests/Gateway/BadInput): the table
# over every route, the seeded generator, wrong keys, rate-limit attacks and the Kestrel part,
# against throwaway servers through ./scripts/test.sh (both storage paths where TimescaleDB is
# installed). Every test run includes the short (CI) version; this runs it on its own, or with
# --full the long one (12,000 generated requests, 10,000 wrong keys, the whole table over Kestrel).
#   scripts/badinput.sh [--full] [--seed N]
# The seed of each run is printed; --seed N replays one.
set -euo pipefail

profile=ci
seed=
while [ $# -gt 0 ]; do
  case "$1" in
    --full) profile=full ;;
    --seed)
      [ $# -ge 2 ] || { echo "--seed needs a number" >&2; exit 2; }
      seed=$2
      shift
      ;;
    *) echo "usage: $0 [--full] [--seed N]" >&2; exit 2 ;;
  esac
  shift
done

export BADINPUT_PROFILE=$profile
if [ -n "$seed" ]; then export BADINPUT_SEED=$seed; fi
exec "$(dirname "$0")/test.sh" --filter "FullyQualifiedName~StockPlatform.IntegrationTests.Gateway.BadInput" --logger "console;verbosity=normal"
