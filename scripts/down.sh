#!/usr/bin/env bash
# Stops exactly what up.sh started (pid files under .data/): services, RabbitMQ, PostgreSQL.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

for name in gateway ingestion marketsim; do service_stop "$name"; done

if rabbit_running "$DATA_DIR/rabbitmq"; then
  rabbit_stop "$DATA_DIR/rabbitmq"
  log "RabbitMQ stopped"
else
  rabbit_stop "$DATA_DIR/rabbitmq"
fi

if pg_running "$DATA_DIR/pg"; then
  pg_stop "$DATA_DIR/pg"
  log "PostgreSQL stopped"
fi
log "down"
