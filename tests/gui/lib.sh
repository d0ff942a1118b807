# Shared by the GUI scenario scripts (sourced). Run them through tests/gui/run-under-xvfb, which
# gives them a private X server (Xvfb) and a private D-Bus session. Every process started here is
# recorded and stopped by PID when the script ends, also on failure.
#
# From CTest: NIXTRAY_SOURCE_DIR, NIXTRAY_BUILD_DIR; optional NIXTRAY_ARTIFACTS_DIR (screenshots go
# to $NIXTRAY_ARTIFACTS_DIR/gui, default build/artifacts/gui), NIXTRAY_TEST_TIMEOUT_FACTOR,
# NIXTRAY_TEST_KEEP_TMP=1 (keep the work directory).
set -euo pipefail

: "${NIXTRAY_SOURCE_DIR:?set NIXTRAY_SOURCE_DIR}" "${NIXTRAY_BUILD_DIR:?set NIXTRAY_BUILD_DIR}"
: "${DISPLAY:?run through tests/gui/run-under-xvfb}" "${DBUS_SESSION_BUS_ADDRESS:?run through tests/gui/run-under-xvfb}"

tray_bin=$NIXTRAY_BUILD_DIR/tray/nixtray
agent_bin=$NIXTRAY_BUILD_DIR/agent/nixtray-agent
ui_log_tool=$NIXTRAY_SOURCE_DIR/tests/gui/ui_log.py
artifacts=${NIXTRAY_ARTIFACTS_DIR:-$NIXTRAY_SOURCE_DIR/build/artifacts}/gui
factor=${NIXTRAY_TEST_TIMEOUT_FACTOR:-1}
mkdir -p "$artifacts"

work=$(mktemp -d "${TMPDIR:-/tmp}/nixtray-gui-XXXXXX")
ui_log=$work/ui.jsonl
notify_log=$work/notify.log
# shellcheck source=../support/scenario_processes.sh
. "$NIXTRAY_SOURCE_DIR/tests/support/scenario_processes.sh"

# A clean environment for the tray: its own home, settings and autostart directory.
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/runtime NO_AT_BRIDGE=1
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# tries N: N scaled by the timeout factor (at least 1), for polling loops of 0.1 s steps.
tries() { awk -v n="$1" -v f="$factor" 'BEGIN { t = int(n * f); if (t < 1) t = 1; print t }'; }

# Extra cleanup steps a scenario registers (run before the processes are stopped).
declare -a cleanup_steps=()
on_cleanup() { cleanup_steps+=("$*"); }

cleanup() {
  local rc=$?
  set +e
  for step in "${cleanup_steps[@]}"; do eval "$step"; done
  stop_started_processes
  if [ "$rc" -ne 0 ]; then
    log "FAILED (exit $rc); logs of $work:"
    show_logs "$work"/*.log "$ui_log"
    cp "$ui_log" "$artifacts/$(basename "$0" .sh)-ui.jsonl" 2>/dev/null || true
  fi
  if [ "${NIXTRAY_TEST_KEEP_TMP:-0}" = 1 ]; then
    log "kept $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_ui SECONDS KEY=VALUE|KEY~=TEXT...: waits for a matching --ui-log line, prints it.
wait_ui() { python3 "$ui_log_tool" wait "$ui_log" "$@" || fail "nixtray did not show: ${*:2}"; }
# wait_notify SECONDS TEXT...: waits for a Notify call on the session bus carrying every TEXT.
wait_notify() { python3 "$ui_log_tool" notify "$notify_log" "$@" || fail "no notification with: ${*:2}"; }
field() { python3 "$ui_log_tool" field "$1" "$2"; }

# The real pieces of a desktop: a tray host (start_tray_host, xembed_tray.sh) and a notification
# server (dunst) whose Notify calls dbus-monitor records.
# shellcheck source=../support/xembed_tray.sh
. "$NIXTRAY_SOURCE_DIR/tests/support/xembed_tray.sh"
start_notifications() {
  spawn dbus-monitor dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'"
  mv "$work/dbus-monitor.log" "$notify_log" 2>/dev/null || true
  ln -sf "$notify_log" "$work/dbus-monitor.log"
  spawn dunst dunst
  sleep 0.5
}

# make_generations PROFILE_DIR: three toy NixOS generations (resources/demo/demo-system.nix, the
# demo's) in the Nix store the NIX_* variables name, never /nix; a restart is pending (booted 2,
# current 3), as in the demo. Writes $work/current-system and $work/booted-system.
make_generations() {
  local profiles=$1
  mkdir -p "$profiles" "$work/nix-tmp"
  : "${NIX_STORE_DIR:?}" "${NIX_STATE_DIR:?}"
  export NIX_REMOTE=${NIX_REMOTE:-local}
  export NIX_CONFIG=${NIX_CONFIG:-$'substituters =\nbuild-users-group =\nsandbox = false'}
  local nixfile=$NIXTRAY_SOURCE_DIR/resources/demo/demo-system.nix g1 g2 g3
  build() { TMPDIR=$work/nix-tmp nix-build --no-out-link "$nixfile" "$@" 2>>"$work/nix.log"; }
  g1=$(build --argstr label 24.05.20240601.aaaaaaa --argstr hello 2.12.1)
  g2=$(build --argstr label 24.11.20241201.bbbbbbb --argstr hello 2.12.1 --argstr coreutils 9.5)
  g3=$(build --argstr label 24.11.20241215.ccccccc --argstr hello 2.12.2 --argstr coreutils 9.6)
  for g in "$g1" "$g2" "$g3"; do TMPDIR=$work/nix-tmp nix-env -p "$profiles/system" --set "$g" 2>>"$work/nix.log"; done
  ln -sfn "$g3" "$work/current-system"
  ln -sfn "$g2" "$work/booted-system"
}

# start_plain_agent: nixtray-agent on the host (no systemd: it reports systemd as offline), on
# three toy generations in a private store. Socket: $work/agent.sock.
start_plain_agent() {
  export NIX_STORE_DIR=$work/nix/store NIX_STATE_DIR=$work/nix/var NIX_LOG_DIR=$work/nix/var/log
  make_generations "$NIX_STATE_DIR/profiles"
  echo '{}' >"$work/agent.json"
  spawn agent "$agent_bin" serve --config "$work/agent.json" --socket "$work/agent.sock" --state-dir "$work/state" \
    --profile-dir "$NIX_STATE_DIR/profiles" --current-system "$work/current-system" --booted-system "$work/booted-system"
  wait_for_socket "$work/agent.sock"
}

# start_wsl_standin NAME[:SOCKET]...: the wsl.exe stand-in of tests/support/wsl_standin.sh (a test
# stand-in, not WSL) at $work/wsl, with a running distro per NAME, each a folder under $work/roots.
# With SOCKET, its /run/current-system/sw/bin/nixtray-agent is the test's agent whose `bridge`
# relays to the socket next to the distro's folder (ROOT.sock, a link to $work/SOCKET), as
# `nixtray-agent bridge` relays to /run/nixtray/agent.sock in a distro. A copy of the distro
# (exported and imported) has the program but no agent of its own: nothing listens for it, as
# nothing boots in the stand-in.
start_wsl_standin() {
  local distro name socket bin
  mkdir -p "$work/wsl-state/running"
  cat >"$work/wsl" <<WSL
#!/bin/sh
NIXTRAY_WSL_STANDIN_DIR='$work/wsl-state' exec '$NIXTRAY_SOURCE_DIR/tests/support/wsl_standin.sh' "\$@"
WSL
  chmod +x "$work/wsl"
  : >"$work/wsl-state/distros"
  for distro in "$@"; do
    name=${distro%%:*} socket=${distro#*:}
    [ "$socket" != "$distro" ] || socket=""
    mkdir -p "$work/roots/$name/etc"
    if [ -n "$socket" ]; then
      bin=$work/roots/$name/run/current-system/sw/bin
      mkdir -p "$bin"
      cat >"$bin/nixtray-agent" <<AGENT
#!/bin/sh
[ "\$1" = bridge ] && exec '$agent_bin' bridge --socket "\$NIXTRAY_WSL_STANDIN_ROOT.sock"
exec '$agent_bin' "\$@"
AGENT
      chmod +x "$bin/nixtray-agent"
      ln -sfn "$work/$socket" "$work/roots/$name.sock"
    fi
    printf '%s\t%s\n' "$name" "$work/roots/$name" >>"$work/wsl-state/distros"
    : >"$work/wsl-state/running/$name"
  done
}

wait_for_socket() {
  for _ in $(seq "$(tries 100)"); do
    [ -S "$1" ] && return 0
    sleep 0.1
  done
  fail "no socket at $1"
}

# start_nixtray ARGS...: the tray with its own settings file and UI log, and the NAME=VALUE words of
# the array tray_environment in its environment.
declare -a tray_environment=()
start_nixtray() {
  spawn nixtray env "${tray_environment[@]}" "$tray_bin" --config "$work/settings.json" --ui-log "$ui_log" "$@"
  nixtray_pid=${started_pids[-1]}
}

# embedded_icon [SECONDS]: waits for nixtray's icon in the tray host (embedded_window,
# xembed_tray.sh).
embedded_icon() {
  local seconds=${1:-10}
  for _ in $(seq "$(tries $((seconds * 10)))"); do
    embedded_window nixtray && return 0
    sleep 0.1
  done
  return 1
}

# icon_centre WINDOW: "X Y" of the embedded icon's centre.
icon_centre() {
  eval "$(xdotool getwindowgeometry --shell "$1")"
  echo "$((X + WIDTH / 2)) $((Y + HEIGHT / 2))"
}

# shot NAME: the whole screen into the artifacts directory.
shot() {
  import -window root "$artifacts/$1.png"
  log "screenshot $artifacts/$1.png"
}

# status_window: the status window's X id (its title starts with "nixtray").
status_window() {
  xdotool search --sync --onlyvisible --name '^nixtray' 2>/dev/null | head -n 1
}

# quit_nixtray: ends nixtray the way a person does (tray menu → Quit) when possible, and checks
# it exits cleanly.
expect_clean_exit() {
  local pid=$1
  for _ in $(seq "$(tries 100)"); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && fail "nixtray (pid $pid) did not exit"
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "nixtray exited with $rc"
}

# start_agent_in_harness [AGENT ARGS...]: nixtray-agent the production way, as a service inside the
# harness's real systemd (run this script under `nixtray-harness run --journald`), on three toy
# generations in the harness's relocated Nix store; its socket is a host path, $work/agent.sock.
# NAME=VALUE words in the array agent_environment are added to the service's environment.
declare -a agent_environment=()
start_agent_in_harness() {
  : "${NIXTRAY_HARNESS_PID:?run under nixtray-harness run}"
  make_generations "$(dirname "$NIXTRAY_HARNESS_SYSTEM_PROFILE")"
  echo '{}' >"$work/agent.json"
  local env_args=() name
  for name in NIX_STORE_DIR NIX_STATE_DIR NIX_LOG_DIR NIX_REMOTE NIX_CONFIG; do
    env_args+=("--setenv=$name=${!name}")
  done
  for name in "${agent_environment[@]}"; do env_args+=("--setenv=$name"); done
  harness_exec /usr/bin/systemd-run --unit=nixtray-agent --service-type=notify \
    --property=StandardOutput=append:"$work/agent.log" --property=StandardError=append:"$work/agent.log" \
    "${env_args[@]}" --setenv=HOME="$work/home" --setenv=PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    -- "$agent_bin" serve --config "$work/agent.json" --socket "$work/agent.sock" --state-dir "$work/state" \
    --profile-dir "$(dirname "$NIXTRAY_HARNESS_SYSTEM_PROFILE")" --current-system "$work/current-system" \
    --booted-system "$work/booted-system" "$@" >>"$work/harness.log" 2>&1 || fail "systemd-run could not start the agent"
  on_cleanup 'harness_exec /usr/bin/systemctl stop nixtray-agent.service >/dev/null 2>&1'
  wait_for_socket "$work/agent.sock"
}

# harness_exec COMMAND...: runs COMMAND inside the harness's namespaces (absolute paths: no PATH
# search there, and the working directory is /).
harness_exec() { nsenter -t "$NIXTRAY_HARNESS_PID" -a -- "$@"; }

# open_tab TAB: the status window on TAB, asked the way a person's second start asks (the running
# nixtray raises its window on that tab; the second one exits at once).
open_tab() {
  local tab=$1
  shift
  "$tray_bin" --config "$work/settings.json" --ui-log "$ui_log" "$@" --open-status-window "$tab" \
    >>"$work/second-start.log" 2>&1 || fail "a second start failed"
  wait_ui 10 event=window "tab=$tab" "reason=second start" >/dev/null
  sleep 1
}

# visible_window TITLE_REGEX: the X id of a visible window whose title matches, waiting up to 10 s.
visible_window() {
  local window=""
  for _ in $(seq "$(tries 100)"); do
    window=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1) && [ -n "$window" ] && break
    sleep 0.1
  done
  [ -n "$window" ] && echo "$window"
}

# screen_point UI-LOG-LINE KEY: "X Y" of the point the line's KEY names ({"x": .., "y": ..}), where a
# test clicks.
screen_point() {
  python3 -c 'import json, sys; p = json.loads(sys.argv[1])[sys.argv[2]]; print(p["x"], p["y"])' "$1" "$2"
}

# set_keep_count N: types N into the Disk space window's "Keep the newest" count (where the
# window's last line in the UI log says it is) and prints the window's line once it shows N.
set_keep_count() {
  local x y
  read -r x y < <(screen_point "$(grep -F '"event":"space-window"' "$ui_log" | tail -n 1)" keep_at)
  xdotool mousemove "$x" "$y" click 1
  xdotool key ctrl+a
  xdotool type "$1"
  xdotool key Tab
  wait_ui 10 event=space-window "keep=$1"
}

# rollback_preview SHOT: after a Roll back entry was chosen, the confirmation shows both generations
# with their local dates and the closure diff (from the agent's generations.diff); the screenshot
# SHOT, then Cancel (the right-hand button of its bottom row: no window manager, no focus to rely
# on) leaves the system as it is.
rollback_preview() {
  local preview dialog
  preview=$(wait_ui 20 event=rollback-preview) || fail "no rollback preview"
  log "rollback preview: $preview"
  [ "$(field "$preview" changes)" -gt 0 ] || fail "the rollback preview lists no package changes: $preview"
  [[ "$(field "$preview" from_date)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}$ ]] ||
    fail "the rollback preview has no date for the current generation: $preview"
  dialog=$(visible_window '^(Roll back|ロールバック)$') || fail "no rollback dialog on the screen"
  xdotool mousemove 1000 750
  sleep 1
  shot "$1"
  eval "$(xdotool getwindowgeometry --shell "$dialog")"
  xdotool mousemove $((X + WIDTH - 40)) $((Y + HEIGHT - 24)) click 1
  wait_ui 10 event=declined action=rollback >/dev/null || fail "Cancel did not decline the rollback"
}
