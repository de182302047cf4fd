#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/postgres.sh start DIR PORT   # wipe DIR, initdb, start on 127.0.0.1:PORT,
#                                        # create role + database; prints ONLY the
#                                        # SQLAlchemy URL on stdout
#   scripts/postgres.sh stop DIR         # fast shutdown (no-op if not running)
#   scripts/postgres.sh status DIR       # exit 0 if a server is running in DIR
#
# Example:
#   DATABASE_URL=$(scripts/postgres.sh start /tmp/tracker-pg 55432)
#   ... run tests ...
#   scripts/postgres.sh stop /tmp/tracker-pg
#
# PostgreSQL refuses to run as root, so when run as root every server-side
# command runs as the `postgres` OS user (created by the postgresql-common
# package) and DIR is chowned to it. Run as any other user, it runs as that user.
#
# Role/database/password can be overridden with PGTEST_USER, PGTEST_PASSWORD,
# PGTEST_DB (defaults tracker / tracker / tracker_test). Password auth
# (scram-sha-256) over TCP on 127.0.0.1; the unix socket lives in DIR.
#
# Everything except the URL goes to stderr (or DIR/*.log), so
# `$(scripts/postgres.sh start ...)` captures just the URL.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB_USER=${PGTEST_USER:-tracker}
DB_PASSWORD=${PGTEST_PASSWORD:-tracker}
DB_NAME=${PGTEST_DB:-tracker_test}

die() { echo "postgres.sh: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 start DIR PORT | stop DIR | status DIR" >&2
  exit 2
}

[[ -x $PG_BIN/pg_ctl ]] || die "no PostgreSQL 15 binaries in $PG_BIN (run scripts/system-deps.sh)"

# Run a command as the OS user that owns the cluster.
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing (install postgresql-15)"
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
  PG_OWNER=postgres
else
  as_pg() { (cd / && "$@"); }
  PG_OWNER=$(id -un)
fi

abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}

is_running() {
  local dir=$1
  [[ -f $dir/postmaster.pid ]] || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1
}

stop_cluster() {
  local dir=$1
  if is_running "$dir"; then
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1; then
      echo "postgres.sh: fast stop failed, trying immediate" >&2
      as_pg "$PG_BIN/pg_ctl" -D "$dir" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
  fi
}

cmd_start() {
  local dir port
  dir=$(abspath "$1")
  port=$2
  [[ $port =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || die "bad port: $port"
  [[ $dir != / ]] || die "refusing to use / as DIR"
  [[ $dir != *[[:space:]]* ]] || die "DIR must not contain spaces: $dir"
  # Unix socket path limit is 107 bytes: DIR/.s.PGSQL.PORT
  (( ${#dir} + 12 + ${#port} <= 107 )) || die "DIR too long for a unix socket path: $dir"

  # Re-runs: stop whatever a previous run left, then wipe.
  if [[ -e $dir ]]; then
    stop_cluster "$dir"
    if [[ -e $dir && ! -f $dir/PG_VERSION && -n $(ls -A "$dir" 2>/dev/null) ]]; then
      die "$dir exists, is not empty and is not a PostgreSQL data dir; refusing to wipe it"
    fi
    rm -rf "$dir"
  fi

  mkdir -p "$dir"
  chmod 700 "$dir"
  [[ $PG_OWNER == "$(id -un)" ]] || chown "$PG_OWNER:" "$dir"
  as_pg test -w "$dir" || die "$PG_OWNER cannot write $dir (check parent directory permissions)"

  # initdb needs an empty DIR: keep the setup log and superuser password file outside it.
  local log
  tmpd=$(mktemp -d /tmp/postgres-sh.XXXXXX)  # global: used by the EXIT trap
  trap 'rm -rf "$tmpd"' EXIT
  chmod 755 "$tmpd"
  log=$tmpd/setup.log
  : >"$log"
  chmod 600 "$log"
  printf '%s\n' "postgres" >"$tmpd/pw"
  chmod 644 "$tmpd/pw"

  if ! as_pg "$PG_BIN/initdb" -D "$dir" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$tmpd/pw" --no-sync \
        >>"$log" 2>&1; then
    cat "$log" >&2
    die "initdb failed"
  fi

  # Throwaway test cluster: TCP on loopback only, socket in DIR, durability off.
  cat >>"$dir/postgresql.conf" <<EOF

# --- scripts/postgres.sh (throwaway test cluster) ---
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 64MB
logging_collector = off
EOF

  if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >>"$log" 2>&1; then
    cat "$log" >&2
    tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
    die "server failed to start (port $port in use?)"
  fi

  # Role with password auth + its own database (trust over the local socket as postgres).
  local sql_user sql_pw
  sql_user=${DB_USER//\"/\"\"}
  sql_pw=${DB_PASSWORD//\'/\'\'}
  if ! as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
        >>"$log" 2>&1 <<EOF
CREATE ROLE "$sql_user" LOGIN PASSWORD '$sql_pw' CREATEDB;
CREATE DATABASE "${DB_NAME//\"/\"\"}" OWNER "$sql_user" ENCODING 'UTF8' TEMPLATE template0;
EOF
  then
    cat "$log" >&2
    die "creating role/database failed"
  fi

  printf 'postgresql+psycopg://%s:%s@127.0.0.1:%s/%s\n' \
    "$(urlenc "$DB_USER")" "$(urlenc "$DB_PASSWORD")" "$port" "$(urlenc "$DB_NAME")"
}

urlenc() {
  local s=$1 out="" c i
  for (( i = 0; i < ${#s}; i++ )); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

cmd_stop() {
  local dir
  dir=$(abspath "$1")
  [[ -d $dir ]] || return 0
  stop_cluster "$dir"
}

cmd_status() {
  local dir
  dir=$(abspath "$1")
  is_running "$dir"
}

case ${1:-} in
  start) [[ $# -eq 3 ]] || usage; cmd_start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || usage; cmd_stop "$2" ;;
  status) [[ $# -eq 2 ]] || usage; cmd_status "$2" ;;
  *) usage ;;
esac
