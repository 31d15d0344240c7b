#!/usr/bin/env bash
# Sets up this machine and runs the whole platform through the AppHost, in the background:
# PostgreSQL (with TimescaleDB when installed) and RabbitMQ from this machine's binaries, or
# containers when Docker runs (setting Infrastructure), MarketSim when no Alpaca keys are set,
# every service, and the Aspire dashboard. Prints the gateway's URL and the dashboard's login URL.
# Running it again while the platform runs starts nothing twice. Stop: scripts/down.sh.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-300}

"$ROOT/scripts/setup.sh"

mkdir -p "$LOG_DIR"
# The servers run as their own users and need to reach their directories under this one.
chmod 755 "$DATA_DIR"
if is_root && ! runuser -u postgres -- test -x "$DATA_DIR"; then
  die "the postgres user cannot reach $DATA_DIR; set STOCKPLATFORM_DATA_DIR to a directory it can reach (e.g. /var/lib/stockplatform)"
fi

if pid=$(apphost_pid); then
  log "the AppHost is already running (pid $pid)"
else
  log "starting the AppHost (log: $APPHOST_LOG)"
  : > "$APPHOST_LOG"
  # setsid: the platform outlives this shell; the AppHost stops everything it started when it gets SIGTERM.
  (
    export STOCKPLATFORM_DATA_DIR="$DATA_DIR"
    exec setsid dotnet run --project "$ROOT/AppHost" --no-build -c "$CONFIGURATION" --launch-profile http
  ) </dev/null >>"$APPHOST_LOG" 2>&1 &
  launcher=$!
fi

# Ready when the gateway is listed and every resource runs and is healthy.
all_healthy() {
  [ -n "$(resource_field gateway 1)" ] && ! awk -F'\t' '$3 != "Running" || $4 != "Healthy" { bad = 1 } END { exit !bad }' "$RUN_DIR/resources.tsv"
}

waited=0
until all_healthy; do
  if [ -n "${launcher:-}" ] && ! pid_alive "$launcher"; then
    tail -n 30 "$APPHOST_LOG" >&2
    die "the AppHost exited; see $APPHOST_LOG"
  fi
  if [ "$waited" -ge "$STARTUP_TIMEOUT" ]; then
    "$ROOT/scripts/status.sh" >&2 || true
    die "the platform is not healthy after ${STARTUP_TIMEOUT}s; see $APPHOST_LOG and the dashboard"
  fi
  sleep 1; waited=$((waited + 1))
done
log "every resource is healthy"

gateway=$(resource_field gateway 5)
frontend=$(resource_field frontend 5)
login=$(grep -o 'Login to the dashboard at [^ ]*' "$APPHOST_LOG" | tail -n 1 | sed 's/^Login to the dashboard at //')
cat <<TXT

StockPlatform is running:
  dashboard    ${frontend%% *}   (overview, ingest, jobs, charts)
  gateway      ${gateway%% *}   (health: /health, version: /version, API reference: /docs)
  Aspire       ${login:-see $APPHOST_LOG}   (resources, logs, traces)
  API key      GATEWAY_API_KEY in $DATA_DIR/secrets.env (send it as X-Api-Key to change anything)
  try it       source $DATA_DIR/secrets.env
               curl -X POST -H "X-Api-Key: \$GATEWAY_API_KEY" ${gateway%% *}/ingest/SPY; curl '${gateway%% *}/bars/SPY?limit=5'
  data         $DATA_DIR (passwords and the API key in $DATA_DIR/secrets.env)
  logs         the Aspire dashboard, or $APPHOST_LOG
Status: ./scripts/status.sh    Stop: ./scripts/down.sh
TXT
