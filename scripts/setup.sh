#!/usr/bin/env bash
# Installs what the platform and its tests need and builds the solution. Idempotent: what is
# already there is left alone, so running it again takes seconds.
#   apt:  rabbitmq-server, chromium (for the browser tests), nodejs + npm (the dashboard's chart
#         library, and DuckDB's native library), curl, PostgreSQL if missing
#   TimescaleDB: from the build in $TIMESCALEDB_DIST when set (.ci/run sets it), else as installed
#   npm:  libduckdb.so from @duckdb/node-bindings-linux-x64, copied into ./native (git-ignored)
#   .NET: restore + build StockPlatform.sln
# SETUP_SKIP_BUILD=1 skips the build (the other scripts use it when they only need servers).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "apt-get install $*"
  # A policy-rc.d that forbids service starts keeps the package's own broker from starting on
  # the default ports: we run our own node under .data/ instead.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    created_policy=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { [ "$created_policy" -eq 1 ] && as_root rm -f "$policy"; die "apt-get install $* failed"; }
  if [ "$created_policy" -eq 1 ]; then as_root rm -f "$policy"; fi
}

install_system_packages() {
  local wanted=()
  command -v curl >/dev/null 2>&1 || wanted+=(curl)
  [ -x "$RABBITMQ_SERVER" ] || wanted+=(rabbitmq-server)
  pg_bin_dir >/dev/null 2>&1 || wanted+=(postgresql)
  # The dashboard's build runs npm ci for its chart library.
  command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)
  # The dashboard's browser tests drive Debian's Chromium through Playwright (no browser download).
  command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
  if [ ${#wanted[@]} -gt 0 ]; then apt_install "${wanted[@]}"; fi
}

install_duckdb() {
  local stamp="$NATIVE_DIR/libduckdb.version"
  if [ -f "$NATIVE_DIR/libduckdb.so" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$DUCKDB_NPM_VERSION" ]; then
    return 0
  fi
  log "npm: $DUCKDB_NPM_PACKAGE@$DUCKDB_NPM_VERSION (libduckdb.so)"
  local work; work=$(mktemp -d)
  (cd "$work" && npm install --silent --no-audit --no-fund --ignore-scripts \
    "$DUCKDB_NPM_PACKAGE@$DUCKDB_NPM_VERSION" >/dev/null 2>&1) \
    || { rm -rf "$work"; die "npm install $DUCKDB_NPM_PACKAGE failed"; }
  local lib; lib=$(find "$work/node_modules/$DUCKDB_NPM_PACKAGE" -name 'libduckdb.so' | head -n 1)
  [ -n "$lib" ] || { rm -rf "$work"; die "libduckdb.so not found in $DUCKDB_NPM_PACKAGE"; }
  mkdir -p "$NATIVE_DIR"
  cp "$lib" "$NATIVE_DIR/libduckdb.so.tmp" && mv "$NATIVE_DIR/libduckdb.so.tmp" "$NATIVE_DIR/libduckdb.so"
  echo "$DUCKDB_NPM_VERSION" > "$stamp"
  rm -rf "$work"
}

build_solution() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK is not installed (dotnet not on PATH); see global.json for the version"
  log "dotnet build StockPlatform.sln ($CONFIGURATION)"
  dotnet build "$ROOT/StockPlatform.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly -nodeReuse:false \
    >"$DATA_DIR/build.log" 2>&1 \
    || { cat "$DATA_DIR/build.log" >&2; die "build failed"; }
}

# TimescaleDB is not in Debian. A directory holding a build for this machine's PostgreSQL (with
# its install.sh) can be named by TIMESCALEDB_DIST; on a machine with Timescale's own packages
# (timescaledb-2-postgresql-15) nothing is needed here.
install_timescaledb() {
  [ -n "${TIMESCALEDB_DIST:-}" ] || return 0
  [ -x "$TIMESCALEDB_DIST/install.sh" ] || die "TIMESCALEDB_DIST=$TIMESCALEDB_DIST has no install.sh"
  local sharedir
  sharedir=$("$(pg_bin_dir)/pg_config" --sharedir)
  if [ ! -f "$sharedir/extension/timescaledb.control" ]; then
    # The build is made against Debian's current PostgreSQL 15 release and may need symbols an
    # older point release lacks: bring the server up to date first.
    apt_install postgresql-15
  fi
  as_root "$TIMESCALEDB_DIST/install.sh" >/dev/null || die "installing TimescaleDB from $TIMESCALEDB_DIST failed"
}

mkdir -p "$DATA_DIR"
install_system_packages
install_timescaledb
install_duckdb
if [ "${SETUP_SKIP_BUILD:-0}" != "1" ]; then build_solution; fi
log "setup done"
