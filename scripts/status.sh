#!/usr/bin/env bash
# Says what of the local stack runs, on which port, and whether it is healthy.
# Exits 0 when everything is up and healthy, 1 otherwise.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PG_PORT=${PG_PORT:-5433}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
RABBITMQ_MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
GATEWAY_PORT=${GATEWAY_PORT:-8000}
MARKETSIM_PORT=${MARKETSIM_PORT:-8090}
INGESTION_PORT=${INGESTION_PORT:-8010}
all_ok=0

row() { printf '%-12s %-9s %-22s %s\n' "$1" "$2" "$3" "$4"; }

row COMPONENT STATE ADDRESS HEALTH
if pg_running "$DATA_DIR/pg"; then
  if port_open 127.0.0.1 "$PG_PORT"; then health=accepting; else health="not listening"; all_ok=1; fi
  row postgresql running "127.0.0.1:$PG_PORT" "$health"
else
  row postgresql stopped - -; all_ok=1
fi

if pid=$(rabbit_pid "$DATA_DIR/rabbitmq"); then
  if port_open 127.0.0.1 "$RABBITMQ_PORT"; then health="amqp accepting"; else health="amqp not listening"; all_ok=1; fi
  if port_open 127.0.0.1 "$RABBITMQ_MANAGEMENT_PORT"; then health="$health, management :$RABBITMQ_MANAGEMENT_PORT"; fi
  row rabbitmq "running" "127.0.0.1:$RABBITMQ_PORT" "$health (pid $pid)"
else
  row rabbitmq stopped - -; all_ok=1
fi

service_row() {
  local name=$1 port=$2 pid body
  if pid=$(service_pid "$name"); then
    body=$(http_health "http://127.0.0.1:$port/health")
    [ "$body" = "Healthy" ] || all_ok=1
    row "$name" running "127.0.0.1:$port" "${body:-no answer} (pid $pid)"
  else
    row "$name" stopped - -; all_ok=1
  fi
}
service_row gateway "$GATEWAY_PORT"
service_row ingestion "$INGESTION_PORT"
# MarketSim runs only when no Alpaca keys were given; its absence is not a fault.
if service_pid marketsim >/dev/null; then service_row marketsim "$MARKETSIM_PORT"; fi
exit "$all_ok"
