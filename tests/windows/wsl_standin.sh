#!/bin/bash
# The wsl.exe test stand-in (standin/wsl_standin.cpp) under Wine behaves as the real wsl.exe does,
# byte for byte where the tray parses it: its lists equal the recorded samples the tray's parser is
# tested with (tests/tray/data/wsl), and its state changes as --terminate, --shutdown and --exec
# change a real distro's. The other Wine tests rely on it.
. "$(dirname "$0")/wine_lib.sh"
use_fixture_prefix
wsl=$(windows_program tests/windows/standin/bin/wsl.exe)
samples=$NIXTRAY_SOURCE_DIR/tests/tray/data/wsl
export NIXTRAY_WSL_STANDIN_STATE
NIXTRAY_WSL_STANDIN_STATE=$(win_path "$work/wsl-state")

# same_bytes SAMPLE ARGS...: the stand-in's stdout for ARGS equals the sample file.
same_bytes() {
  local sample=$1
  shift
  wine_run 30 "$wsl" "$@" >"$work/out.bin" 2>"$work/err.log" || true
  cmp -s "$work/out.bin" "$samples/$sample" || {
    xxd "$work/out.bin" | head -n 8 >&2
    fail "wsl.exe $* does not print what $sample holds"
  }
}

printf 'NixOS\tstopped\nUbuntu-22.04\trunning\n' >"$work/wsl-state"
log "lists: UTF-16LE without BOM, CRLF; UTF-8 with WSL_UTF8=1"
same_bytes l-quiet.utf16le.bin -l --quiet
same_bytes l-quiet.utf16le.bin --list -q
WSL_UTF8=1 same_bytes l-quiet.utf8.bin --list --quiet

log "running: one, then none (quiet: nothing and exit 0; without --quiet: a sentence and exit -1)"
printf 'NixOS\trunning\nUbuntu-22.04\tstopped\n' >"$work/wsl-state"
same_bytes l-running-quiet.one.utf16le.bin -l --running --quiet
expect_exit 0 "$work/t.out" wine_run 30 "$wsl" --terminate NixOS
iconv -f UTF-16LE -t UTF-8 "$work/t.out" | grep -qa "The operation completed successfully." || fail "--terminate said nothing"
same_bytes l-running-quiet.none.utf16le.bin -l --running --quiet
expect_exit 255 "$work/none.out" wine_run 30 "$wsl" -l --running  # -1 as a Unix exit status
iconv -f UTF-16LE -t UTF-8 "$work/none.out" | grep -qa "There are no running distributions." || fail "no sentence for none running"

log "an unknown distro: the message on stdout in UTF-16LE, exit -1"
expect_exit 255 "$work/unknown.out" wine_run 30 "$wsl" -d Nope --exec /bin/true
iconv -f UTF-16LE -t UTF-8 "$work/unknown.out" | grep -qa "There is no distribution with the supplied name." ||
  fail "no WSL_E_DISTRO_NOT_FOUND message"
expect_exit 255 "$work/unknown-t.out" wine_run 30 "$wsl" -t Nope

log "--exec boots the distro (names compare without case); --shutdown stops every distro"
start_agent
start_relay stopped
expect_exit 0 "$work/exec.out" wine_run 30 "$wsl" -d nixos -u root --exec /bin/sh -c true
[ "$(distro_state)" = running ] || fail "--exec did not mark NixOS running: $(cat "$work/wsl-state")"
expect_exit 127 "$work/refused.out" wine_run 30 "$wsl" -d NixOS --exec /usr/bin/id
expect_exit 0 "$work/shutdown.out" wine_run 30 "$wsl" --shutdown
[ "$(distro_state)" = stopped ] || fail "--shutdown left NixOS $(distro_state)"

log "--exec of the agent's bridge is a byte stream to the real agent"
# Input stays open until the answer is there (the end of input ends the bridge), however slow a
# loaded machine is, up to the usual limit.
{
  printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol":1,"client":"wine-test"}}'
  for _ in $(seq "$(seconds 40)"); do
    grep -q '"result"' "$work/bridge.out" 2>/dev/null && break
    sleep 0.5
  done
} |
  wine_run 30 "$wsl" -d NixOS --exec /run/current-system/sw/bin/nixtray-agent bridge >"$work/bridge.out" 2>&1 || true
grep -q '"result"' "$work/bridge.out" || fail "no answer from the agent through the stand-in: $(cat "$work/bridge.out")"

log "--terminate ends what runs in the distro: a connected bridge's wsl.exe exits 1"
# Its input: a FIFO this script holds open, so the bridge does not end for lack of input.
mkfifo "$work/bridge2.in"
exec 3<>"$work/bridge2.in"
wine_run 90 "$wsl" -d NixOS --exec /run/current-system/sw/bin/nixtray-agent bridge <"$work/bridge2.in" \
  >"$work/bridge2.log" 2>&1 &
bridge_pid=$!
started_pids+=("$bridge_pid") started_names+=(bridge2)
# A hello first: the agent drops a connection that asks nothing within its hello timeout.
echo '{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol":1,"client":"wine-test"}}' >&3
# As long as the first bridge may take: a CI run saw this Wine start take over 20 s while ASan
# tests beside it kept both cores busy (4 s on a quiet machine).
wait_for "the hello's answer" "$(seconds 40)" grep -q '"result"' "$work/bridge2.log"
expect_exit 0 "$work/t2.out" wine_run 30 "$wsl" -t NixOS
rc=0
for _ in $(seq "$(seconds 10)"); do kill -0 "$bridge_pid" 2>/dev/null || break; sleep 1; done
kill -0 "$bridge_pid" 2>/dev/null && { kill "$bridge_pid"; fail "wsl.exe --exec still runs after --terminate"; }
wait "$bridge_pid" || rc=$?
[ "$rc" -eq 1 ] || fail "wsl.exe --exec exited with $rc after --terminate, not 1"
exec 3>&-
log "PASS"
