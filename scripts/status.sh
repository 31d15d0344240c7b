#!/usr/bin/env bash
# Shows each of the platform's resources (services, PostgreSQL, RabbitMQ, MarketSim, the Aspire
# dashboard) with its state, health and addresses, as the running AppHost reports them.
# Exits 0 when every resource runs and is healthy, 1 otherwise.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

if ! pid=$(apphost_pid); then
  echo "StockPlatform is not running (start it with ./scripts/up.sh)"
  exit 1
fi

all_ok=0
printf '%-18s %-17s %-10s %-10s %s\n' RESOURCE TYPE STATE HEALTH ADDRESS
while IFS=$'\t' read -r name type state health urls; do
  printf '%-18s %-17s %-10s %-10s %s\n' "$name" "$type" "$state" "$health" "$urls"
  if [ "$state" != "Running" ] || [ "$health" != "Healthy" ]; then all_ok=1; fi
done < "$RUN_DIR/resources.tsv"
echo "AppHost pid $pid, data in $DATA_DIR, log $APPHOST_LOG"
exit "$all_ok"
