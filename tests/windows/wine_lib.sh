# shellcheck shell=bash disable=SC2034  # (variables for the scripts that source this)
# Shared by the Wine test scripts (sourced): Windows programs of the cross build tree run under
# Wine against real Linux pieces (the agent, the stand-in's relay). Every process started here is
# stopped by PID when the script ends, also on failure, and the Wine prefix's wineserver is ended.
#
# From CTest (tests/windows/CMakeLists.txt): NIXTRAY_SOURCE_DIR, NIXTRAY_WINDOWS_BUILD_DIR,
# NIXTRAY_WINE_DIR (the fixture's directory: prefix/, home/), NIXTRAY_AGENT (the Linux agent) and
# NIXTRAY_ARTIFACTS_DIR (screenshots); optional NIXTRAY_TEST_TIMEOUT_FACTOR, NIXTRAY_TEST_KEEP_TMP=1.
set -euo pipefail

: "${NIXTRAY_SOURCE_DIR:?set NIXTRAY_SOURCE_DIR}" "${NIXTRAY_WINDOWS_BUILD_DIR:?set NIXTRAY_WINDOWS_BUILD_DIR}"

factor=${NIXTRAY_TEST_TIMEOUT_FACTOR:-1}
artifacts=${NIXTRAY_ARTIFACTS_DIR:-$NIXTRAY_SOURCE_DIR/build/artifacts/windows}
work=$(mktemp -d "${TMPDIR:-/tmp}/nixtray-wine-XXXXXX")
# shellcheck source=../support/scenario_processes.sh
. "$NIXTRAY_SOURCE_DIR/tests/support/scenario_processes.sh"

# seconds N: N scaled by the timeout factor, for `timeout` and polling loops.
seconds() { awk -v n="$1" -v f="$factor" 'BEGIN { t = int(n * f); if (t < 1) t = 1; print t }'; }

# wine_environment PREFIX_DIR: Wine on a prefix of our own, and every place Wine writes outside it
# (its caches, menu entries, fonts) inside that directory too, never in the real home.
wine_environment() {
  local dir=$1
  export WINEPREFIX=$dir/prefix HOME=$dir/home XDG_CACHE_HOME=$dir/home/.cache XDG_CONFIG_HOME=$dir/home/.config \
    XDG_DATA_HOME=$dir/home/.local/share XDG_RUNTIME_DIR=$work/runtime
  # Wine makes its server's socket directory (wine-XXXXXX) in TMPDIR and leaves it behind; every
  # Wine process of the prefix must see the same one to find its server.
  export TMPDIR=$dir/tmp
  # mono and gecko would be offered for download; winemenubuilder would write .desktop files.
  export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
  mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR"
  chmod 700 "$XDG_RUNTIME_DIR"
}

# The shared prefix made by the fixture (windows_wine_prefix_setup); a scenario that changes the
# prefix makes its own with make_prefix instead.
use_fixture_prefix() {
  : "${NIXTRAY_WINE_DIR:?set NIXTRAY_WINE_DIR (the windows_wine_prefix fixture)}"
  [ -d "$NIXTRAY_WINE_DIR/prefix/drive_c" ] ||
    fail "no Wine prefix at $NIXTRAY_WINE_DIR/prefix: run through CTest, whose fixture windows_wine_prefix_setup makes it"
  wine_environment "$NIXTRAY_WINE_DIR"
  # One wineserver for the whole test, ended with it (cleanup: wineserver -k). Otherwise it exits
  # with the last Windows process, and the next program starts a new one, which boots the prefix
  # again (wineboot --init, services.exe, winedevice.exe) before that program runs: a few seconds
  # on a quiet machine, once more than 40 s on a loaded CI machine.
  wineserver -p || true  # 2: one runs already (the last test's, on its way out)
}

# end_wineserver: ends this prefix's Windows processes and waits until its wineserver is gone (a
# prefix made again at the same path must not meet the old server on its way out).
end_wineserver() {
  [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ] || return 0
  wineserver -k 2>/dev/null || true
  timeout 30 wineserver -w 2>/dev/null || true
  return 0
}

# make_prefix DIR: a fresh prefix (wineboot --init, ~6-10 s). Tried twice: a first wineboot
# sometimes dies with "could not load kernel32.dll" on a loaded machine.
make_prefix() {
  mkdir -p "$1"
  wine_environment "$1"
  local start=$SECONDS
  if ! timeout "$(seconds 120)" wine wineboot --init >"$work/wineboot.log" 2>&1; then
    log "wineboot --init failed, once more: $(tail -n 1 "$work/wineboot.log")"
    end_wineserver
    rm -rf "$WINEPREFIX"
    timeout "$(seconds 120)" wine wineboot --init >"$work/wineboot.log" 2>&1 || fail "wine wineboot --init failed in $1"
  fi
  # A crash prints winedbg's backtrace into the test's log instead of waiting on a dialog.
  timeout "$(seconds 30)" wine reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f \
    >>"$work/wineboot.log" 2>&1 || fail "cannot turn off Wine's crash dialog"
  timeout "$(seconds 60)" wineserver -w || true
  [ -d "$WINEPREFIX/drive_c/windows" ] || fail "wineboot made no drive_c in $WINEPREFIX"
  log "Wine prefix $WINEPREFIX made in $((SECONDS - start)) s"
}

cleanup() {
  local rc=$?
  set +e
  stop_started_processes
  end_wineserver  # every Windows process of this prefix ends with the test
  if [ "$rc" -ne 0 ]; then
    log "FAILED (exit $rc); logs of $work:"
    show_logs "$work"/*.log
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

# windows_program RELATIVE_PATH: the program in the Windows build tree; a missing one fails the test
# (set NIXTRAY_WINDOWS_BUILD_DIR means "run the Wine tests", so nothing is skipped silently).
windows_program() {
  local path=$NIXTRAY_WINDOWS_BUILD_DIR/$1
  [ -f "$path" ] || fail "NIXTRAY_WINDOWS_BUILD_DIR=$NIXTRAY_WINDOWS_BUILD_DIR has no $1: build the Windows tree first (cmake --build --preset windows)"
  echo "$path"
}

# win_path UNIX_PATH: the same file as a Windows program names it (Wine maps / to drive Z:).
win_path() {
  local path
  path=$(realpath -m "$1")
  echo "Z:${path//\//\\}"
}

# wine_run SECONDS PROGRAM ARGS...: a Windows program in the foreground, ended after SECONDS.
wine_run() {
  local limit
  limit=$(seconds "$1")
  shift
  timeout --kill-after=5 "$limit" wine "$@"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_agent: the real Linux agent on a plain profile (no Nix store, no systemd: it reports systemd
# offline) of three generations, a restart pending (booted 2, current 3), listening on a Unix socket
# ($work/agent.sock) and on loopback TCP ($agent_port) with its token in $work/agent/token.
start_agent() {
  : "${NIXTRAY_AGENT:?set NIXTRAY_AGENT}"
  [ -x "$NIXTRAY_AGENT" ] || fail "no agent at $NIXTRAY_AGENT"
  local root=$work/distro n
  mkdir -p "$root/profiles" "$root/run" "$work/agent"
  local labels=(24.05.20240601.aaaaaaa 24.11.20241201.bbbbbbb 24.11.20241215.ccccccc)
  for n in 1 2 3; do
    mkdir -p "$root/systems/system-$n"
    echo "${labels[$((n - 1))]}" >"$root/systems/system-$n/nixos-version"
    ln -s "$root/systems/system-$n" "$root/profiles/system-$n-link"
  done
  ln -s system-3-link "$root/profiles/system"
  ln -s "$root/systems/system-3" "$root/run/current-system"
  ln -s "$root/systems/system-2" "$root/run/booted-system"
  echo '{}' >"$work/agent.json"
  agent_port=$(free_port)
  # No system bus: the agent must not find the host's systemd.
  spawn agent env HOME="$work" DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/no-system-bus" \
    "$NIXTRAY_AGENT" serve --config "$work/agent.json" --socket "$work/agent.sock" --state-dir "$work/agent" \
    --profile-dir "$root/profiles" --current-system "$root/run/current-system" --booted-system "$root/run/booted-system" \
    --tcp "127.0.0.1:$agent_port"
  wait_for "the agent's socket" "$(seconds 20)" test -S "$work/agent.sock"
  wait_for "the agent's token" "$(seconds 10)" test -s "$work/agent/token"
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND every 0.1 s.
wait_for() {
  local what=$1 limit=$2
  shift 2
  for _ in $(seq $((limit * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  fail "timed out after $limit s waiting for $what"
}

# start_relay: the Linux side of the wsl.exe stand-in (wsl_standin_relay.py) in front of the
# agent's socket; exports what the stand-in reads: its relay address and its state file, with one
# distro, NixOS, in the state STATE (running|stopped).
start_relay() {
  local state=$1
  spawn relay python3 "$NIXTRAY_SOURCE_DIR/tests/windows/wsl_standin_relay.py" --agent "$NIXTRAY_AGENT" \
    --socket "$work/agent.sock" --port-file "$work/relay.port"
  wait_for "the relay's port" "$(seconds 10)" test -s "$work/relay.port"
  export NIXTRAY_WSL_STANDIN_RELAY NIXTRAY_WSL_STANDIN_STATE
  NIXTRAY_WSL_STANDIN_RELAY=127.0.0.1:$(cat "$work/relay.port")
  NIXTRAY_WSL_STANDIN_STATE=$(win_path "$work/wsl-state")
  set_distro NixOS "$state"
}

# set_distro NAME running|stopped: the stand-in's whole state: one distro.
set_distro() { printf '%s\t%s\n' "$1" "$2" >"$work/wsl-state"; }
distro_state() { cut -f2 "$work/wsl-state"; }

# expect_exit CODE OUTPUT_FILE COMMAND...: runs COMMAND, output (stdout and stderr) to OUTPUT_FILE
# and to the log; fails unless it exits with CODE.
expect_exit() {
  local want=$1 out=$2 rc=0
  shift 2
  "$@" >"$out" 2>&1 || rc=$?
  tr -d '\000\r' <"$out" | sed 's/^/    /' >&2  # (NULs dropped: wsl.exe's UTF-16LE stays readable)
  [ "$rc" -eq "$want" ] || fail "exit code $rc, not $want: $*"
}

# expect_text FILE TEXT...: FILE contains every TEXT (fixed strings).
expect_text() {
  local file=$1 text
  shift
  for text in "$@"; do
    grep -qF -- "$text" "$file" || fail "$(basename "$file") does not say \"$text\""
  done
}
