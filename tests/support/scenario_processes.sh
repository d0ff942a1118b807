# shellcheck shell=bash
# Process bookkeeping for the shell-driven scenarios (sourced by tests/gui/lib.sh and
# tests/windows/wine_lib.sh): every process a scenario starts is recorded and stopped by its PID,
# newest first, also when the scenario fails. Expects $work (the scenario's directory).
declare -a started_pids=() started_names=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

fail() {
  log "FAIL: $*"
  exit 1
}

# spawn NAME COMMAND...: starts COMMAND in the background, output in $work/NAME.log.
spawn() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  started_pids+=($!)
  started_names+=("$name")
  log "started $name (pid $!)"
}

# stop_pid PID NAME: TERM, five seconds, then KILL; only a process we started.
stop_pid() {
  local pid=$1 name=$2
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "$name (pid $pid) did not stop: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_started_processes() {
  for ((i = ${#started_pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${started_pids[$i]}" "${started_names[$i]}"
  done
}

# show_logs FILE...: the last 40 lines of each, for a failed scenario's output.
show_logs() {
  for f in "$@"; do
    [ -f "$f" ] || continue
    echo "----- $(basename "$f") (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}
