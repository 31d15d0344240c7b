#!/usr/bin/env bash
# Runs the platform on this machine without containers: PostgreSQL and RabbitMQ as their own
# users with data under .data/, then every service. Running it again starts nothing twice.
# Ports: PostgreSQL 127.0.0.1:5433, RabbitMQ 5672 (management 15672), gateway 8000, MarketSim 8090.
# Without ALPACA_KEY_ID, MarketSim (synthetic data, Alpaca's protocol) stands in for Alpaca.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PG_PORT=${PG_PORT:-5433}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
RABBITMQ_MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}
RABBITMQ_DIST_PORT=${RABBITMQ_DIST_PORT:-25672}
EPMD_PORT=${EPMD_PORT:-4370}
GATEWAY_PORT=${GATEWAY_PORT:-8000}
MARKETSIM_PORT=${MARKETSIM_PORT:-8090}
INGESTION_PORT=${INGESTION_PORT:-8010}

"$ROOT/scripts/setup.sh"

# Passwords are generated once per machine and kept out of the repository (.data is git-ignored).
SECRETS="$DATA_DIR/secrets.env"
# The umask stays in a subshell: the rest (logs, data dirs) must stay reachable by postgres and rabbitmq.
if [ ! -f "$SECRETS" ]; then
  (umask 077 && printf 'PG_PASSWORD=%s\nRABBITMQ_PASSWORD=%s\n' "$(new_secret)" "$(new_secret)" > "$SECRETS")
fi
if ! grep -q '^MARKETSIM_SECRET=' "$SECRETS"; then
  printf 'MARKETSIM_SECRET=%s\n' "$(new_secret)" >> "$SECRETS"
fi
# shellcheck disable=SC1090
source "$SECRETS"

if is_root && ! runuser -u postgres -- test -x "$DATA_DIR"; then
  die "the postgres user cannot reach $DATA_DIR; set STOCKPLATFORM_DATA_DIR to a directory it can reach (e.g. /var/lib/stockplatform)"
fi

pg_start "$DATA_DIR/pg" "$PG_PORT" "$PG_PASSWORD" "$DATA_DIR/logs/postgresql.log"
rabbit_start "$DATA_DIR/rabbitmq" "stockplatform@localhost" "$RABBITMQ_PORT" "$RABBITMQ_DIST_PORT" "$EPMD_PORT" \
  stockplatform "$RABBITMQ_PASSWORD" "$RABBITMQ_MANAGEMENT_PORT"

DB="Host=127.0.0.1;Port=$PG_PORT;Database=stockplatform;Username=postgres;Password=$PG_PASSWORD"
BUS="amqp://stockplatform:$RABBITMQ_PASSWORD@127.0.0.1:$RABBITMQ_PORT"
BIN="bin/$CONFIGURATION/net10.0"

# Market data: real Alpaca when keys are given, otherwise MarketSim on the same protocol.
if [ -n "${ALPACA_KEY_ID:-}" ]; then
  MARKET_DATA_SOURCE="Alpaca"
  MARKET_DATA="Alpaca (${ALPACA_DATA_URL:-https://data.alpaca.markets}, feed ${ALPACA_FEED:-iex})"
  ALPACA_ENV=(ALPACA_KEY_ID="$ALPACA_KEY_ID" ALPACA_SECRET_KEY="${ALPACA_SECRET_KEY:-}" ALPACA_FEED="${ALPACA_FEED:-iex}")
  for name in ALPACA_DATA_URL ALPACA_TRADING_URL ALPACA_STREAM_URL; do
    if [ -n "${!name:-}" ]; then ALPACA_ENV+=("$name=${!name}"); fi
  done
  service_stop marketsim
else
  MARKETSIM_URL="http://127.0.0.1:$MARKETSIM_PORT"
  MARKET_DATA_SOURCE="MarketSim (synthetic data)"
  MARKET_DATA="MarketSim at $MARKETSIM_URL (SYNTHETIC data; set ALPACA_KEY_ID and ALPACA_SECRET_KEY for real data)"
  service_start marketsim "$ROOT/Services/StockPlatform.MarketSim/$BIN/StockPlatform.MarketSim.dll" "$MARKETSIM_URL" \
    MarketSim__KeyId=marketsim MarketSim__SecretKey="$MARKETSIM_SECRET" \
    MarketSim__Stream__Speed="${MARKETSIM_SPEED:-1}"
  ALPACA_ENV=(ALPACA_KEY_ID=marketsim ALPACA_SECRET_KEY="$MARKETSIM_SECRET" ALPACA_FEED="${ALPACA_FEED:-iex}"
    ALPACA_DATA_URL="$MARKETSIM_URL" ALPACA_TRADING_URL="$MARKETSIM_URL" ALPACA_STREAM_URL="ws://127.0.0.1:$MARKETSIM_PORT/v2/{feed}")
  wait_for_healthy marketsim "$MARKETSIM_URL/health" 60 || exit 1
fi

# The backfill agent (health endpoints only) and the gateway.
service_start ingestion "$ROOT/Services/StockPlatform.Ingestion/$BIN/StockPlatform.Ingestion.dll" "http://127.0.0.1:$INGESTION_PORT" \
  ConnectionStrings__stockplatform="$DB" ConnectionStrings__messaging="$BUS" "${ALPACA_ENV[@]}"
service_start gateway "$ROOT/Gateway/$BIN/StockPlatform.Gateway.dll" "http://127.0.0.1:$GATEWAY_PORT" \
  ConnectionStrings__stockplatform="$DB" ConnectionStrings__messaging="$BUS" "${ALPACA_ENV[@]}" \
  STOCKPLATFORM_MARKET_DATA="$MARKET_DATA_SOURCE"

wait_for_healthy ingestion "http://127.0.0.1:$INGESTION_PORT/health" 90 || exit 1
wait_for_healthy gateway "http://127.0.0.1:$GATEWAY_PORT/health" 90 || exit 1

cat <<TXT

StockPlatform is running:
  gateway      http://127.0.0.1:$GATEWAY_PORT   (health: /health, version: /version)
  ingestion    http://127.0.0.1:$INGESTION_PORT   (backfill agent; health: /health)
  try it       curl -X POST 127.0.0.1:$GATEWAY_PORT/ingest/SPY; curl '127.0.0.1:$GATEWAY_PORT/bars/SPY?limit=5'
  PostgreSQL   127.0.0.1:$PG_PORT, database stockplatform, user postgres (password in $SECRETS)
  RabbitMQ     127.0.0.1:$RABBITMQ_PORT, management http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT (user stockplatform)
  market data  $MARKET_DATA
  logs         $LOG_DIR/
Status: ./scripts/status.sh    Stop: ./scripts/down.sh
TXT
