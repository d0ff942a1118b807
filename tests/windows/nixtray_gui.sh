#!/bin/bash
# nixtray.exe under Wine on a private X server (run through tests/gui/run-under-xvfb) against a live
# Linux agent over loopback TCP with its token: it connects, receives the agent's state, shows its
# status window, writes what it shows to its UI log, and exits cleanly (0) at --quit-after.
# A screenshot of the whole screen is kept: $NIXTRAY_ARTIFACTS_DIR/nixtray-wine.png.
#
# Wine has its own notification area (explorer.exe's systray): with no XEmbed tray host on this
# display it shows the icon in a window of its own. The test does not depend on either; it records
# what nixtray found (the UI log's `tray available`) and requires that it keeps running.
. "$(dirname "$0")/wine_lib.sh"
: "${DISPLAY:?run through tests/gui/run-under-xvfb}"
use_fixture_prefix
tray=$(windows_program tray/nixtray.exe)
ui_log=$work/ui.jsonl
# wait_ui SECONDS KEY=VALUE|KEY~=TEXT...: waits for a matching UI log line and prints it; fails at
# once when nixtray.exe has ended (a crash: winedbg's backtrace is in nixtray.log).
wait_ui() {
  local limit
  limit=$(seconds "$1")
  shift
  for _ in $(seq "$limit"); do
    NIXTRAY_TEST_TIMEOUT_FACTOR=1 python3 "$NIXTRAY_SOURCE_DIR/tests/gui/ui_log.py" wait "$ui_log" 1 "$@" 2>/dev/null && return 0
    kill -0 "$nixtray_pid" 2>/dev/null || break
  done
  python3 "$NIXTRAY_SOURCE_DIR/tests/gui/ui_log.py" wait "$ui_log" 0 "$@" && return 0
  kill -0 "$nixtray_pid" 2>/dev/null || fail "nixtray.exe ended before it showed: $*"
  fail "nixtray.exe did not show: $*"
}
mkdir -p "$artifacts"
start_agent

quit_after=$(seconds 20)  # long enough to connect, show and be photographed
spawn nixtray wine "$tray" --config "$(win_path "$work/settings.json")" --ui-log "$(win_path "$ui_log")" \
  --agent "tcp:127.0.0.1:$agent_port" --token-file "$(win_path "$work/agent/token")" \
  --open-status-window overview --quit-after "$quit_after"
nixtray_pid=${started_pids[-1]}
started=$SECONDS

# The first start of a Wine GUI program also starts the prefix's explorer.exe: allow for it.
wait_ui 60 event=started "agent=tcp:127.0.0.1:$agent_port" >/dev/null
tray_line=$(wait_ui 10 event=tray)
log "tray: $tray_line"
state=$(wait_ui 30 event=state condition=degraded "tooltip~=gen 3")
log "state: $state"
grep -q "NixOS 24.11" <<<"$state" || fail "the state shown is not the agent's: $state"
wait_ui 10 event=window tab=overview >/dev/null
sleep 3  # let the window paint
import -window root "$artifacts/nixtray-wine.png" || fail "no screenshot"
log "screenshot $artifacts/nixtray-wine.png"

# It exits by itself at --quit-after, cleanly.
limit=$((quit_after + $(seconds 30)))
while kill -0 "$nixtray_pid" 2>/dev/null; do
  [ $((SECONDS - started)) -lt "$limit" ] || fail "nixtray.exe still runs $limit s after its start (--quit-after $quit_after)"
  sleep 0.5
done
rc=0
wait "$nixtray_pid" || rc=$?
wait_ui 5 event=quit reason=quit-after >/dev/null
[ "$rc" -eq 0 ] || fail "nixtray.exe exited with $rc"
log "PASS: exited 0 after $((SECONDS - started)) s"
