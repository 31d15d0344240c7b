#!/usr/bin/env bash
# Stops the platform: the AppHost, which stops every resource it started (services, PostgreSQL,
# RabbitMQ and its epmd) before it exits. Servers left behind by an AppHost that was killed
# outright are stopped too. Idempotent.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

if pid=$(apphost_pid); then
  log "stopping the AppHost (pid $pid) and everything it started"
  # The AppHost waits for its resources to stop; 60 s covers Aspire's stop timeouts.
  stop_pid "$pid" 60
fi

# A killed AppHost cannot stop its servers; their data directories say where they are.
if pg_running "$DATA_DIR/pg"; then pg_stop "$DATA_DIR/pg"; log "PostgreSQL stopped"; fi
if rabbit_running "$DATA_DIR/rabbitmq"; then rabbit_stop "$DATA_DIR/rabbitmq"; log "RabbitMQ stopped"; else rabbit_stop "$DATA_DIR/rabbitmq"; fi
rm -f "$RUN_DIR/apphost.pid" "$RUN_DIR/resources.tsv"
log "down"
