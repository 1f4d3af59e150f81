#!/usr/bin/env bash
# The system on this machine, no Docker: a local Kafka broker and each service as a background
# process, logs under .run/logs. Called by `make up`, `make down`, `make status`, `make run`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
run_dir=$root/.run
logs=$run_dir/logs
bin=$root/.venv/bin
kafka=$root/deploy/kafka/kafka.sh
export KAFKA_PORT=${KAFKA_PORT:-9092}
export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}
export KAFKA_DIR=$run_dir/kafka

services() { "$bin/analogue-watch" services 2>/dev/null || true; }

start_service() { # start_service NAME: in its own process group, restarted when it exits 75
  local name=$1 pid_file=$run_dir/$1.pid
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then return 0; fi
  # A worker that finds a partition no longer read exits 75 to be started again
  # (services/platform/watchdog.py); any other exit ends it.
  AW_DATA_DIR=$run_dir/state/$name setsid bash -c \
    'while "$0" serve "$1"; [ $? -eq 75 ]; do echo "local: $1 restarted (stalled partition)"; done' \
    "$bin/analogue-watch" "$name" >> "$logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  echo "local: $name started (pid $!, log .run/logs/$name.log)"
}

stop_pid_file() { # stop_pid_file FILE: SIGTERM to its process group, then SIGKILL after 20 s
  local pid
  pid=$(cat "$1" 2>/dev/null || true); rm -f "$1"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

up() {
  mkdir -p "$logs"
  "$kafka" start
  "$bin/analogue-watch" topics create
  for name in $(services); do start_service "$name"; done
}

down() {
  for pid_file in "$run_dir"/*.pid; do
    [ -e "$pid_file" ] || continue
    echo "local: stopping $(basename "$pid_file" .pid)"; stop_pid_file "$pid_file"
  done
  "$kafka" stop
}

status() {
  "$kafka" status || true
  for pid_file in "$run_dir"/*.pid; do
    [ -e "$pid_file" ] || continue
    if kill -0 "$(cat "$pid_file")" 2>/dev/null; then state=running; else state=stopped; fi
    echo "$(basename "$pid_file" .pid): $state"
  done
}

run() {
  up
  "$bin/analogue-watch" demo
}

case ${1:-} in
  up|down|status|run) "$1" ;;
  *) echo "usage: $0 up|down|status|run" >&2; exit 2 ;;
esac
