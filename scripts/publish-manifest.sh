#!/usr/bin/env bash
# Writes the Aspire manifest of the platform: what a container host deploys, as the AppHost describes
# it in publish mode (TimescaleDB and RabbitMQ containers with their volumes, MarketSim, every service
# with its environment; secrets as inputs, never values). Manifest-driven tools (aspirate, azd) turn
# it into Kubernetes or cloud deployments. deploy/aspire-manifest.json is committed, and the
# deployment tests regenerate it and fail when it differs: run this after changing the AppHost.
#   scripts/publish-manifest.sh                 regenerate deploy/aspire-manifest.json
#   scripts/publish-manifest.sh --alpaca -o F   the graph with Alpaca keys (secret inputs) instead of MarketSim
#   --no-build                                  run the AppHost as built (CONFIGURATION, default Debug)
# The manifest does not depend on who runs this: the settings that would change the graph (Alpaca
# keys, MarketSim's clock, Infrastructure, user secrets) are left out of the AppHost's environment.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

output="$ROOT/deploy/aspire-manifest.json"
alpaca=0
build=1
while [ $# -gt 0 ]; do
  case $1 in
    -o|--output) [ $# -ge 2 ] || die "$1 needs a file name"; output=$2; shift 2 ;;
    --alpaca) alpaca=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
# The AppHost runs from the repository root; the manifest's project paths are relative to its folder.
output=$(realpath -m "$output")
mkdir -p "$(dirname "$output")"

if [ "$build" -eq 1 ]; then
  log "dotnet build AppHost ($CONFIGURATION)"
  build_log=$(mktemp)
  dotnet build "$ROOT/AppHost/StockPlatform.AppHost.csproj" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -nodeReuse:false \
    >"$build_log" 2>&1 || { cat "$build_log" >&2; rm -f "$build_log"; die "build failed"; }
  rm -f "$build_log"
fi

# Publish mode picks containers for the infrastructure without asking for a container runtime. Any
# value for the key id selects the Alpaca graph; the manifest names the parameter, not the value.
args=(--publisher manifest --output-path "$output")
if [ "$alpaca" -eq 1 ]; then args+=(--Parameters:alpaca-key-id=set-by-the-deployment); fi

run_log=$(mktemp)
# No launch profile and no DOTNET_ENVIRONMENT: Production, so no user secrets are read.
if ! env -u ALPACA_KEY_ID -u ALPACA_SECRET_KEY -u ALPACA_FEED -u ALPACA_DATA_URL -u ALPACA_TRADING_URL \
    -u ALPACA_STREAM_URL -u MARKETSIM_SPEED -u MARKETSIM_START -u Infrastructure -u GATEWAY_API_KEY \
    -u DOTNET_ENVIRONMENT -u ASPNETCORE_ENVIRONMENT \
    dotnet run --project "$ROOT/AppHost/StockPlatform.AppHost.csproj" --no-build -c "$CONFIGURATION" --no-launch-profile \
    -- "${args[@]}" >"$run_log" 2>&1; then
  cat "$run_log" >&2
  rm -f "$run_log"
  die "the AppHost did not write the manifest"
fi
rm -f "$run_log"
# A text file ends with a newline (.editorconfig); the AppHost writes none.
if [ -n "$(tail -c 1 "$output")" ]; then echo >> "$output"; fi
log "wrote $output"
