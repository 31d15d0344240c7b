#!/usr/bin/env bash
# Shared helpers for the scripts in this folder. Sourced, never run.
# shellcheck disable=SC2034  # the variables below are used by the scripts that source this file
# Everything here is idempotent: starting what runs already, or stopping what is stopped, is a no-op.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=${STOCKPLATFORM_DATA_DIR:-$ROOT/.data}
CONFIGURATION=${CONFIGURATION:-Debug}
DUCKDB_NPM_PACKAGE="@duckdb/node-bindings-linux-x64"
DUCKDB_NPM_VERSION="1.5.6-r.1"
NATIVE_DIR="$ROOT/native"

# Build servers and node reuse would keep the caller's stdout open after the scripts end (a CI run
# would never finish), so every build here runs in-process.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if is_root; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root for: $* (run as root or install sudo)"
  fi
}

# Runs a command as a server's own user when we are root; as ourselves otherwise (a developer
# running the scripts without root owns the data directories and runs the servers directly).
as_user() {
  local user=$1; shift
  if is_root; then runuser -u "$user" -- "$@"
  else "$@"
  fi
}

# Makes a directory that the given server user owns (when we are root).
make_owned_dir() {
  local user=$1 dir=$2
  mkdir -p "$dir"
  if is_root; then chown -R "$user:" "$dir"; fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for_port() {
  local host=$1 port=$2 timeout=$3 name=$4 waited=0
  until port_open "$host" "$port"; do
    sleep 0.5; waited=$((waited + 1))
    [ "$waited" -lt $((timeout * 2)) ] || return 1
  done
  log "$name is listening on $host:$port"
}

# A TCP port on 127.0.0.1 that nothing listens on, different from the ones given.
free_port() {
  local port taken
  while :; do
    port=$((20000 + RANDOM % 30000))
    taken=0
    for used in "$@"; do [ "$used" = "$port" ] && taken=1; done
    [ "$taken" -eq 0 ] && ! port_open 127.0.0.1 "$port" && { echo "$port"; return; }
  done
}

new_secret() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# Prints each failed test of a .trx file (label, name, first lines of its message), one block each.
# perl is in every Debian (perl-base); the .trx is one XML file per test project and run.
print_failures() {
  FAILURE_LABEL="$2" perl -0777 -ne '
    while (/<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/gs) {
      my ($attributes, $body) = ($1, $2 // "");
      next unless $attributes =~ /outcome="Failed"/;
      my ($name) = $attributes =~ /testName="([^"]*)"/;
      my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
      $message //= "";
      for ($name, $message) { s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&amp;/&/g; }
      my @lines = grep { length } split /\n/, $message;
      print "[FAILED] [$ENV{FAILURE_LABEL}] $name\n";
      print "    $_\n" for @lines[0 .. ($#lines < 11 ? $#lines : 11)];
    }' "$1"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Waits for a process to exit; escalates to SIGKILL after the timeout.
stop_pid() {
  local pid=$1 timeout=${2:-20} waited=0
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid"; do
    sleep 0.5; waited=$((waited + 1))
    if [ "$waited" -ge $((timeout * 2)) ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
  done
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL (Debian's server binaries, run as the postgres user)
# ---------------------------------------------------------------------------------------------

pg_bin_dir() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || return 1
  echo "$dir"
}

# TimescaleDB is preloaded whenever its extension is installed for this server, unless disabled.
pg_timescale_args() {
  local bin=$1
  [ "${STOCKPLATFORM_TIMESCALE:-on}" = "off" ] && return 0
  local sharedir
  sharedir=$("$bin/pg_config" --sharedir 2>/dev/null) || return 0
  if [ -f "$sharedir/extension/timescaledb.control" ]; then
    printf '%s' "-c shared_preload_libraries=timescaledb -c timescaledb.telemetry_level=off"
  fi
}

# pg_init DATA_DIR PASSWORD LOG_FILE
# Creates the cluster and its stockplatform database on first use (password auth over TCP, trust
# only on its private socket); a cluster that exists is left alone.
pg_init() {
  local data=$1 password=$2 logfile=$3
  local bin; bin=$(pg_bin_dir) || die "PostgreSQL server binaries not found (run scripts/setup.sh)"
  # Only the log file is handed to postgres, never its directory: that may be shared (/tmp).
  mkdir -p "$(dirname "$logfile")"
  touch "$logfile" "$logfile.initdb"
  if is_root; then
    chown postgres: "$logfile" "$logfile.initdb"
    as_user postgres test -w "$logfile" \
      || die "the postgres user cannot write $logfile: let it traverse $(dirname "$logfile") (chmod 755)"
  fi
  [ -f "$data/PG_VERSION" ] && return 0

  make_owned_dir postgres "$data"
  chmod 700 "$data"
  local pwfile; pwfile=$(mktemp)
  printf '%s\n' "$password" > "$pwfile"
  if is_root; then chown postgres: "$pwfile"; fi
  as_user postgres "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-host=scram-sha-256 --auth-local=trust >"$logfile.initdb" 2>&1 \
    || { rm -f "$pwfile"; die "initdb failed, see $logfile.initdb"; }
  rm -f "$pwfile"
  # Single-user mode needs no port, socket or password, so the database exists before the server
  # first listens; a failure leaves no half-made cluster behind for the next start to trust.
  echo "CREATE DATABASE stockplatform;" \
    | as_user postgres "$bin/postgres" --single -D "$data" -j postgres >>"$logfile.initdb" 2>&1 \
    || { find "$data" -mindepth 1 -delete; die "could not create database stockplatform, see $logfile.initdb"; }
}

# pg_server_options DATA_DIR PORT [EXTRA_SERVER_ARGS]: the server's settings, for pg_ctl -o or postgres.
pg_server_options() {
  local data=$1 port=$2 extra=${3:-} bin
  bin=$(pg_bin_dir) || return 1
  printf '%s' "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data $(pg_timescale_args "$bin") $extra"
}

# pg_start DATA_DIR PORT PASSWORD LOG_FILE [EXTRA_SERVER_ARGS]: creates the cluster on first use
# and starts it in the background (pg_ctl).
pg_start() {
  local data=$1 port=$2 password=$3 logfile=$4 extra=${5:-}
  local bin; bin=$(pg_bin_dir) || die "PostgreSQL server binaries not found (run scripts/setup.sh)"
  pg_init "$data" "$password" "$logfile"
  if as_user postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "PostgreSQL already running ($data)"
    return 0
  fi
  as_user postgres "$bin/pg_ctl" -D "$data" -l "$logfile" -o "$(pg_server_options "$data" "$port" "$extra")" -w -t 60 start >/dev/null \
    || die "PostgreSQL did not start, see $logfile"
  log "PostgreSQL started on 127.0.0.1:$port"
}

pg_stop() {
  local data=$1
  local bin; bin=$(pg_bin_dir) || return 0
  [ -f "$data/postmaster.pid" ] || return 0
  as_user postgres "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

pg_running() {
  local data=$1 bin
  bin=$(pg_bin_dir) || return 1
  [ -f "$data/PG_VERSION" ] && as_user postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ (Debian's rabbitmq-server, our own node, run as the rabbitmq user)
# ---------------------------------------------------------------------------------------------

RABBITMQ_SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server

# rabbit_configure BASE_DIR AMQP_PORT USER PASSWORD [MANAGEMENT_PORT]
# Writes the node's config under BASE_DIR (every file of the node lives there: config, database,
# logs, cookie). Logs go to the console when RABBITMQ_CONSOLE_LOG=true (under the AppHost, whose
# dashboard shows them), otherwise to files under BASE_DIR/log.
rabbit_configure() {
  local base=$1 port=$2 user=$3 password=$4 mgmt=${5:-}
  [ -x "$RABBITMQ_SERVER" ] || die "rabbitmq-server not installed (run scripts/setup.sh)"
  make_owned_dir rabbitmq "$base"
  mkdir -p "$base/mnesia" "$base/log" "$base/home"
  {
    echo "listeners.tcp.default = 127.0.0.1:$port"
    # Applied when the node's database is first created; later starts keep the same user.
    echo "default_user = $user"
    echo "default_pass = $password"
    if [ "${RABBITMQ_CONSOLE_LOG:-false}" = "true" ]; then
      echo "log.console = true"
      echo "log.console.level = info"
      echo "log.file = false"
    else
      echo "log.console = false"
      echo "log.file.level = info"
    fi
    if [ -n "$mgmt" ]; then
      echo "management.tcp.ip = 127.0.0.1"
      echo "management.tcp.port = $mgmt"
    fi
  } > "$base/rabbitmq.conf"
  if [ -n "$mgmt" ]; then echo '[rabbitmq_management].' > "$base/enabled_plugins"
  else echo '[].' > "$base/enabled_plugins"; fi
  chmod 600 "$base/rabbitmq.conf"
  if is_root; then chown -R rabbitmq: "$base"; fi
}

# rabbit_exec BASE_DIR NODE_NAME AMQP_PORT DIST_PORT EPMD_PORT
# Replaces the calling (sub)shell with the broker, in the foreground, as the rabbitmq user, with
# nothing of the caller's environment but what the node needs. The broker has stopped its
# listeners and flushed its queues within a second of SIGTERM, then the VM idles for about six
# more; -shutdown_time ends that wait, so a stop fits Aspire's grace period before SIGKILL.
rabbit_exec() {
  local base=$1 node=$2 port=$3 dist=$4 epmd=$5
  local runner=()
  if is_root; then runner=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups); fi
  echo "$epmd" > "$base/epmd.port"
  cd "$base" || exit 1
  exec "${runner[@]}" env -i \
    PATH=/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 HOME="$base/home" \
    RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
    RABBITMQ_DIST_PORT="$dist" ERL_EPMD_PORT="$epmd" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$base/mnesia" RABBITMQ_LOG_BASE="$base/log" \
    RABBITMQ_CONFIG_FILE="$base/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins" \
    RABBITMQ_PID_FILE="$base/rabbitmq.pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-shutdown_time 3000" \
    "$RABBITMQ_SERVER"
}

# rabbit_start BASE_DIR NODE_NAME AMQP_PORT DIST_PORT EPMD_PORT USER PASSWORD [MANAGEMENT_PORT]
# Starts the node in the background and waits for its AMQP port.
rabbit_start() {
  local base=$1 node=$2 port=$3 dist=$4 epmd=$5 user=$6 password=$7 mgmt=${8:-}
  if rabbit_running "$base"; then
    log "RabbitMQ already running ($base)"
    return 0
  fi
  rabbit_configure "$base" "$port" "$user" "$password" "$mgmt"
  # The redirects cover the whole background group (this subshell, the broker and the epmd it
  # spawns), so none of them holds the caller's stdout/stderr open.
  (rabbit_exec "$base" "$node" "$port" "$dist" "$epmd") </dev/null >"$base/log/server.out" 2>&1 &
  if ! wait_for_port 127.0.0.1 "$port" 90 "RabbitMQ"; then
    tail -n 20 "$base/log/server.out" >&2 || true
    die "RabbitMQ did not start, see $base/log/"
  fi
  # The pid file is written early in boot; remember it where shutdown will not delete it.
  cp "$base/rabbitmq.pid" "$base/beam.pid" 2>/dev/null || true
}

rabbit_pid() {
  local base=$1 pid
  for file in "$base/rabbitmq.pid" "$base/beam.pid"; do
    pid=$(cat "$file" 2>/dev/null || true)
    if pid_alive "$pid" && grep -q beam "/proc/$pid/cmdline" 2>/dev/null; then echo "$pid"; return 0; fi
  done
  return 1
}

rabbit_running() { rabbit_pid "$1" >/dev/null; }

# Stops the node, then the epmd it started (on its own port, so no other Erlang node is affected).
rabbit_stop() {
  local base=$1 pid epmd
  if pid=$(rabbit_pid "$base"); then stop_pid "$pid" 60; fi
  epmd=$(cat "$base/epmd.port" 2>/dev/null || true)
  if [ -n "$epmd" ]; then
    ERL_EPMD_PORT=$epmd epmd -kill >/dev/null 2>&1 || true
  fi
  rm -f "$base/beam.pid"
}

# Throwaway servers for a test or benchmark run: PostgreSQL (TimescaleDB when installed) in $1/pg
# and RabbitMQ in $1/rabbitmq, on free ports with new passwords, started side by side; exports the
# connection strings the projects read and sets PG_PORT. $2 names the RabbitMQ node, $3 holds
# extra server options (durability off: fsync would measure the disk, not the code).
# The caller stops them with: rabbit_stop "$1/rabbitmq"; pg_stop "$1/pg".
throwaway_servers_start() {
  local work=$1 node=$2 options=$3
  local rabbit_port dist_port epmd_port pg_password rabbit_password pg_job
  PG_PORT=$(free_port)
  rabbit_port=$(free_port "$PG_PORT")
  dist_port=$(free_port "$PG_PORT" "$rabbit_port")
  epmd_port=$(free_port "$PG_PORT" "$rabbit_port" "$dist_port")
  pg_password=$(new_secret)
  rabbit_password=$(new_secret)
  pg_start "$work/pg" "$PG_PORT" "$pg_password" "$work/logs/postgresql.log" "$options" &
  pg_job=$!
  rabbit_start "$work/rabbitmq" "$node@localhost" "$rabbit_port" "$dist_port" "$epmd_port" stockplatform "$rabbit_password"
  wait "$pg_job" || die "PostgreSQL did not start"
  export ConnectionStrings__stockplatform="Host=127.0.0.1;Port=$PG_PORT;Database=stockplatform;Username=postgres;Password=$pg_password"
  export ConnectionStrings__messaging="amqp://stockplatform:$rabbit_password@127.0.0.1:$rabbit_port"
}

# ---------------------------------------------------------------------------------------------
# The AppHost (scripts/up.sh starts it; it records its pid and its resources' states in run/)
# ---------------------------------------------------------------------------------------------

RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"
APPHOST_LOG="$LOG_DIR/apphost.log"

# The running AppHost's pid, whoever started it (up.sh or dotnet run with the same data directory).
apphost_pid() {
  local pid
  pid=$(cat "$RUN_DIR/apphost.pid" 2>/dev/null || true)
  # A stale pid may have been reused by another process: check it is still the AppHost.
  if pid_alive "$pid" && grep -qF "StockPlatform.AppHost" "/proc/$pid/cmdline" 2>/dev/null; then echo "$pid"; return 0; fi
  return 1
}

# resource_field NAME COLUMN: a field of the AppHost's resources table (2 type, 3 state, 4 health, 5 URLs).
resource_field() {
  awk -F'\t' -v name="$1" -v column="$2" '$1 == name { print $column }' "$RUN_DIR/resources.tsv" 2>/dev/null || true
}
