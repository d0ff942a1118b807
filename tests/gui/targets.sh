#!/bin/bash
# Several targets from one tray (issue 21): three agents on the same toy generations, one of them
# reached through exec: (the agent's bridge relaying stdio to its socket, standing for
# `exec:ssh host nixtray-agent bridge`), added with nixtrayctl add-target. The icon shows the worst
# of them and the tooltip lists each; the menu has a Targets submenu with each target's own
# actions; choosing a target there makes the menu and the Overview its (whose target switcher shows
# every target), and another target's action (Roll back) runs for that target, after its preview.
# When one agent dies the icon turns unreachable and names it. Screenshots: targets-menu.png, targets-overview.png.
# Run: tests/gui/run-under-xvfb tests/gui/targets.sh
. "$(dirname "$0")/lib.sh"

ctl_bin=$NIXTRAY_BUILD_DIR/tray/nixtrayctl
start_tray_host
start_notifications
start_plain_agent  # daily: $work/agent.sock
# Two more agents on the same store, each with its own socket and state.
for name in test server; do
  spawn "agent-$name" "$agent_bin" serve --config "$work/agent.json" --socket "$work/$name.sock" \
    --state-dir "$work/state-$name" --profile-dir "$NIX_STATE_DIR/profiles" --current-system "$work/current-system" \
    --booted-system "$work/booted-system"
  wait_for_socket "$work/$name.sock"
done
test_agent_pid=${started_pids[-2]}

ctl() { "$ctl_bin" --config "$work/settings.json" "$@" >>"$work/ctl.log" 2>&1 || fail "nixtrayctl $* failed"; }
ctl --agent "unix:$work/agent.sock" --distro-control local add-target daily --default
ctl --agent "unix:$work/test.sock" --distro-control local --distro NixOS-test add-target test
ctl --agent "exec:$agent_bin bridge --socket $work/server.sock" --distro-control local --distro Server \
  add-target server
# The defaults the file started from are a target too (unix:/run/nixtray/agent.sock): not watched.
"$ctl_bin" --config "$work/settings.json" remove-target NixOS >>"$work/ctl.log" 2>&1 || fail "remove-target failed"

start_nixtray
wait_ui 10 event=tray available=true >/dev/null
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
all=$(wait_ui 30 event=state target=daily "fleet_tooltip~=nixtray: 3 targets" "fleet_tooltip~=daily: degraded" \
  "fleet_tooltip~=test: degraded" "fleet_tooltip~=server: degraded")
log "every target: $all"

read -r x y < <(icon_centre "$icon")
xdotool mousemove "$x" "$y" click 3
menu=$(wait_ui 10 event=menu)
for item in "daily — degraded, unverified [selected]" "test — degraded, unverified" "server — degraded, unverified"; do
  grep -qF "\"$item" <<<"$(field "$menu" targets)" || fail "the Targets submenu has no \"$item\": $menu"
done
grep -qF '"Targets"' <<<"$menu" || fail "the menu has no Targets submenu: $menu"
xdotool key Down Right  # the first item that can be chosen is Targets: open it
sleep 1
xdotool key Down Down Right  # server's own submenu: Show, then its actions
sleep 1
shot targets-menu
# Show server in the menu and windows: they are for it now.
xdotool key Return
wait_ui 10 event=select-target target=server >/dev/null
wait_ui 10 event=state target=server "tooltip~=NixOS 24.11 (Server)" >/dev/null

xdotool mousemove "$x" "$y" click 1
wait_ui 10 event=window "reason=tray icon clicked" tab=overview >/dev/null
[ -n "$(status_window)" ] || fail "no status window after a left click"
sleep 1
shot targets-overview

# Another target's own action: test ▸ Roll back ▸ its first generation. The tray selects test first,
# then shows the rollback's preview for it (cancelled by rollback_preview).
xdotool mousemove "$x" "$y" click 3
wait_ui 10 event=menu >/dev/null
sleep 1
xdotool key Down Right Down Right Down Down Right Return
wait_ui 10 event=select-target target=test "for~=target/test/rollback/" >/dev/null
wait_ui 10 event=state target=test >/dev/null
rollback_preview targets-rollback-preview

# The test target's agent dies: the icon turns unreachable and says whose it is; the others stay.
kill -KILL "$test_agent_pid"
dead=$(wait_ui 30 event=state fleet_icon=unreachable fleet_worst=test "fleet_tooltip~=test: unreachable")
grep -qF "daily: degraded" <<<"$(field "$dead" fleet_tooltip)" || fail "daily changed with test: $dead"
grep -qF "server: degraded" <<<"$(field "$dead" fleet_tooltip)" || fail "server changed with test: $dead"
log "PASS"
