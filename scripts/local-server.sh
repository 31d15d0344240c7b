#!/usr/bin/env bash
# Runs PostgreSQL or RabbitMQ in the foreground for the AppHost's local infrastructure (an
# Aspire executable resource): creates the server's data on first use, runs it as its own user,
# and on SIGTERM (how Aspire stops a resource) shuts it down cleanly within Aspire's grace period:
# PostgreSQL with a fast shutdown (its SIGTERM default waits for every client), RabbitMQ and then
# the epmd it started (a daemon Aspire would not know about).
#
#   local-server.sh check      exits non-zero, saying what is missing, when either server is not installed
#   local-server.sh postgres   needs LOCAL_DATA_DIR, LOCAL_PORT, LOCAL_PASSWORD
#   local-server.sh rabbitmq   needs LOCAL_DATA_DIR, LOCAL_PORT, LOCAL_PASSWORD, LOCAL_USER,
#                              LOCAL_NODE_NAME, LOCAL_DIST_PORT, LOCAL_EPMD_PORT, [LOCAL_MANAGEMENT_PORT]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

require() { for name in "$@"; do [ -n "${!name:-}" ] || die "$name is not set"; done; }

server_pid=
# shellcheck disable=SC2317  # invoked by the traps
stop_server() {
  local signal=$1
  if pid_alive "$server_pid"; then kill "-$signal" "$server_pid" 2>/dev/null || true; fi
}

run_postgres() {
  require LOCAL_DATA_DIR LOCAL_PORT LOCAL_PASSWORD
  local data="$LOCAL_DATA_DIR/pg" bin
  bin=$(pg_bin_dir) || die "PostgreSQL server binaries not found (run scripts/setup.sh)"
  pg_init "$data" "$LOCAL_PASSWORD" "$LOCAL_DATA_DIR/logs/postgresql.log"
  local runner=()
  if is_root; then runner=(setpriv --reuid=postgres --regid=postgres --init-groups); fi
  local options
  options=$(pg_server_options "$data" "$LOCAL_PORT")
  trap 'stop_server INT' TERM INT
  # shellcheck disable=SC2086  # the options are separate words for postgres
  "${runner[@]}" "$bin/postgres" -D "$data" $options &
  server_pid=$!
  wait "$server_pid" || wait "$server_pid"
}

run_rabbitmq() {
  require LOCAL_DATA_DIR LOCAL_PORT LOCAL_PASSWORD LOCAL_USER LOCAL_NODE_NAME LOCAL_DIST_PORT LOCAL_EPMD_PORT
  local base="$LOCAL_DATA_DIR/rabbitmq"
  RABBITMQ_CONSOLE_LOG=true rabbit_configure "$base" "$LOCAL_PORT" "$LOCAL_USER" "$LOCAL_PASSWORD" "${LOCAL_MANAGEMENT_PORT:-}"
  trap 'stop_server TERM' TERM INT
  (rabbit_exec "$base" "$LOCAL_NODE_NAME" "$LOCAL_PORT" "$LOCAL_DIST_PORT" "$LOCAL_EPMD_PORT") &
  server_pid=$!
  local status=0
  wait "$server_pid" || wait "$server_pid" || status=$?
  ERL_EPMD_PORT=$LOCAL_EPMD_PORT epmd -kill >/dev/null 2>&1 || true
  return "$status"
}

check() {
  local missing=()
  pg_bin_dir >/dev/null 2>&1 || missing+=("PostgreSQL server binaries (postgresql)")
  [ -x "$RABBITMQ_SERVER" ] || missing+=("rabbitmq-server")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "not installed: ${missing[*]}" >&2
    return 1
  fi
}

case "${1:-}" in
  check) check ;;
  postgres) run_postgres ;;
  rabbitmq) run_rabbitmq ;;
  *) die "usage: local-server.sh check|postgres|rabbitmq" ;;
esac
