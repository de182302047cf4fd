#!/usr/bin/env bash
# Throwaway Redis for tests: the job runner's queue as production runs it (README, "Jobs").
#
#   scripts/redis.sh start DIR PORT   # wipe DIR, start redis-server on 127.0.0.1:PORT in the
#                                     # background; prints ONLY the JOBS_URL on stdout
#   scripts/redis.sh stop DIR         # stop it (no-op if not running)
set -euo pipefail

# redis-server and redis-cli hang under libfaketime (`faketime ... make test-postgres`): they keep
# the real clock, which nothing in the tests asks of them
if [[ ${LD_PRELOAD:-} == *faketime* ]]; then
  exec env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_FAKE_MONOTONIC "$0" "$@"
fi

die() { echo "redis.sh: $*" >&2; exit 1; }
command -v redis-server >/dev/null || die "redis-server is not installed (run scripts/system-deps.sh)"

case ${1:-} in
  start)
    [[ $# -eq 3 ]] || die "usage: $0 start DIR PORT"
    dir=$2 port=$3
    "$0" stop "$dir"
    rm -rf "$dir" && mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no >&2
    for _ in $(seq 100); do
      redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { echo "redis://127.0.0.1:$port/0"; exit 0; }
      sleep 0.1
    done
    die "redis-server did not answer on port $port (see $dir/redis.log)"
    ;;
  stop)
    [[ $# -eq 2 ]] || die "usage: $0 stop DIR"
    pidfile=$2/redis.pid
    if [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null; then
      for _ in $(seq 100); do kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
  *) die "usage: $0 start DIR PORT | stop DIR" ;;
esac
