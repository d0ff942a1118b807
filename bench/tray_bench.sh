#!/bin/bash
# nixtray-bench-tray: how long from starting the tray until its icon sits in a real tray host, and
# its RSS then, for nixtray (connected to a plain agent on three toy generations) next to the
# smallest wxTaskBarIcon app (bench/bare_tray_app.cpp), measured in the same run under Xvfb with
# trayer as the tray host; then both left idle (nixtray connected, nothing changing): syscalls
# (strace -c -f -p, as nixtray-bench-systemd counts the agent's), context switches and RSS.
# Prints a table of medians and ratios.
#   bench/tray_bench.sh BUILD_DIR [RUNS]     (default 10 runs each, 30 s idle; --short: 3 runs, 3 s idle)
# BUILD_DIR must have tray/nixtray, agent/nixtray-agent and bench/nixtray-bench-bare-tray.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${DISPLAY:-}" ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec "$here/../tests/gui/run-under-xvfb" "$0" "$@"
fi
build=$(cd "${1:?usage: bench/tray_bench.sh BUILD_DIR [RUNS|--short]}" && pwd)
runs=${2:-10}
idle_seconds=30
if [ "$runs" = --short ]; then
  runs=3 idle_seconds=3
fi
export NIXTRAY_SOURCE_DIR=$here/.. NIXTRAY_BUILD_DIR=$build
scratch_artifacts=""
if [ -z "${NIXTRAY_ARTIFACTS_DIR:-}" ]; then
  scratch_artifacts=$(mktemp -d "${TMPDIR:-/tmp}/nixtray-bench-tray-XXXXXX")  # lib.sh wants one; nothing is kept
  export NIXTRAY_ARTIFACTS_DIR=$scratch_artifacts
fi
. "$here/../tests/gui/lib.sh"
[ -n "$scratch_artifacts" ] && on_cleanup "rm -rf '$scratch_artifacts'"
bare_bin=$build/bench/nixtray-bench-bare-tray
[ -x "$bare_bin" ] || fail "no $bare_bin: build the target nixtray-bench-bare-tray"

# shellcheck source=tray_bench_lib.sh
. "$here/tray_bench_lib.sh"

# Context switches of every thread of PID so far.
switches() { cat /proc/"$1"/task/*/status | awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { print s }'; }

# idle NAME PID: PID left alone for idle_seconds with nothing attached (context switches from
# /proc), then as long again under strace -c -f -p (syscalls); prints "SYSCALLS SWITCHES RSS_KIB".
idle() {
  local name=$1 pid=$2 before after
  before=$(switches "$pid")
  sleep "$idle_seconds"
  after=$(switches "$pid")
  spawn "strace-$name" strace -c -f -p "$pid" -o "$work/$name-strace.txt"
  local tracer=${started_pids[-1]}
  sleep "$idle_seconds"
  kill -INT "$tracer"  # strace detaches and writes its table
  wait "$tracer" || true
  local calls
  calls=$(awk '$NF == "total" { print $4 }' "$work/$name-strace.txt")
  kill -0 "$pid" 2>/dev/null || fail "$name exited while idle (see $work/$name-idle.log)"
  echo "${calls:-0} $((after - before)) $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
}

# start_idle NAME CLASS COMMAND...: starts it for the idle measurement (idle_pid), and waits
# until its icon is embedded.
start_idle() {
  local name=$1 class=$2
  shift 2
  spawn "$name-idle" "$@"
  idle_pid=${started_pids[-1]}
  until embedded_window "$class" >/dev/null; do
    kill -0 "$idle_pid" 2>/dev/null || fail "$name exited before its icon appeared (see $work/$name-idle.log)"
    sleep 0.01
  done
}

start_tray_host
start_plain_agent
# shellcheck disable=SC2034  # read by compare_starts (tray_bench_lib.sh)
bare_class=nixtray-bench-bare-tray bare_command=("$bare_bin")
tray_class=nixtray tray_command=("$tray_bin" --config "$work/settings.json" --agent "unix:$work/agent.sock" --distro-control local)
compare_starts "$runs"

# Idle: the bare app with its icon shown, then nixtray connected to the agent with its icon shown.
start_idle bare nixtray-bench-bare-tray "$bare_bin"
sleep 2  # settled, as for the RSS above
read -r bare_calls bare_switches bare_idle_rss < <(idle bare "$idle_pid")
stop_pid "$idle_pid" bare-idle
sleep 0.5
start_idle nixtray nixtray "$tray_bin" --config "$work/settings.json" --agent "unix:$work/agent.sock" \
  --distro-control local --ui-log "$ui_log"
# Connected: the plain agent answered (it has no systemd to ask, hence "degraded").
wait_ui 30 event=state condition=degraded >/dev/null
sleep 2
read -r tray_calls tray_switches tray_idle_rss < <(idle nixtray "$idle_pid")
stop_pid "$idle_pid" nixtray-idle
log "idle ${idle_seconds} s: bare $bare_calls syscalls $bare_switches switches $bare_idle_rss KiB, nixtray $tray_calls syscalls $tray_switches switches $tray_idle_rss KiB"

print_start_table "tray start to icon embedded in trayer, and RSS 2 s later"
echo
echo "idle for ${idle_seconds} s with the icon shown (nixtray connected to the agent), one run each"
printf '%-34s %12s %12s %8s\n' measurement nixtray bare-wx ratio
printf '%-34s %12s %12s %8s\n' "syscalls (strace -c -f -p)" "$tray_calls" "$bare_calls" "$(ratio "$tray_calls" "$bare_calls")"
printf '%-34s %12s %12s %8s\n' "context switches (no tracer)" "$tray_switches" "$bare_switches" \
  "$(ratio "$tray_switches" "$bare_switches")"
printf '%-34s %8s KiB %8s KiB %8s\n' "RSS after the idle time" "$tray_idle_rss" "$bare_idle_rss" \
  "$(ratio "$tray_idle_rss" "$bare_idle_rss")"
