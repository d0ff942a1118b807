#!/bin/bash
# Scenarios 1 and 2, against a real agent running as a service inside the harness's real systemd:
#  1. the icon is embedded in a real tray host (XEmbed proof), its tooltip and menu show the
#     agent's real state, and a left click opens the status window (screenshots of the menu and of
#     every tab);
#  2. when a unit fails in that systemd, the tray's state turns degraded and a "unit failed"
#     notification reaches the notification server on the session bus.
# Run: nixtray-harness run --journald -- tests/gui/run-under-xvfb tests/gui/tray_with_agent.sh
. "$(dirname "$0")/lib.sh"

start_tray_host
start_notifications
start_agent_in_harness
agent="unix:$work/agent.sock"
start_nixtray --agent "$agent" --distro-control local

# 1. Embedded, with the agent's state.
wait_ui 10 event=tray available=true >/dev/null
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
log "icon embedded as window $icon"
running=$(wait_ui 30 event=state condition=running icon=running "tooltip~=gen 3, running")
log "state: $running"
# Generation 3 was made outside nixtray and never boot-checked: the tooltip says so, once.
[ "$(field "$running" tooltip)" = "NixOS 24.11 — gen 3, running · gen 3 unverified" ] ||
  fail "unexpected tooltip: $(field "$running" tooltip)"
read -r x y < <(icon_centre "$icon")
xdotool mousemove "$x" "$y"
sleep 2  # the tooltip appears after a hover delay
shot tray-tooltip

xdotool click 3
menu=$(wait_ui 10 event=menu)
for item in "NixOS 24.11 — gen 3, running" "⚠ Generation 3 is unverified" Rebuild "Roll back" \
  "Status window" "Start at login" Quit; do
  grep -qF "\"$item" <<<"$menu" || fail "the menu has no \"$item\": $menu"
done
sleep 1
shot tray-menu
xdotool key Down Down Down Right  # Rebuild, Update…, Roll back, open its submenu
sleep 1
shot tray-menu-rollback
# Its first generation: before anything changes, the rollback shows what it changes.
xdotool key Return
rollback_preview rollback-preview

xdotool mousemove "$x" "$y" click 1
wait_ui 10 event=window "reason=tray icon clicked" tab=overview >/dev/null
window=$(status_window)
[ -n "$window" ] || fail "no status window on the screen after a left click"
sleep 1
shot status-overview
open_tab generations --agent "$agent"
shot status-generations
open_tab jobs --agent "$agent"
shot status-jobs
open_tab settings --agent "$agent"
shot status-settings

# 2. A unit fails in the harness's systemd.
touch "$NIXTRAY_HARNESS_FLAGS/nixtray-test-fail.service.fail"
harness_exec /usr/bin/systemctl restart nixtray-test-fail.service >/dev/null 2>&1 || true
degraded=$(wait_ui 30 event=state condition=degraded icon=degraded "tooltip~=1 failed unit")
log "state: $degraded"
notification=$(wait_notify 30 "nixtray-test-fail.service failed")
log "notification on the bus: $notification"
[ "$(field "$notification" app)" = nixtray ] || fail "the notification's app name is $(field "$notification" app)"
wait_ui 10 event=notification kind=unit-failed "title=nixtray-test-fail.service failed" >/dev/null
open_tab overview --agent "$agent"
wait_ui 10 event=state condition=degraded >/dev/null
sleep 1
shot status-overview-unit-failed
xdotool mousemove "$x" "$y" click 3
menu=$(wait_ui 10 event=menu "items~=nixtray-test-fail.service failed")
sleep 1
shot tray-menu-unit-failed
xdotool key Escape

# The unit recovers: the state is running again.
rm -f "$NIXTRAY_HARNESS_FLAGS/nixtray-test-fail.service.fail"
harness_exec /usr/bin/systemctl reset-failed nixtray-test-fail.service
harness_exec /usr/bin/systemctl start nixtray-test-fail.service
python3 "$ui_log_tool" wait "$ui_log" 30 event=state condition=running "t~=" >/dev/null || true
tail -n 1 "$ui_log" | grep -q '"condition":"running"' || wait_ui 30 event=state condition=running >/dev/null

# Quit from the tray menu (its last item), as a person does.
xdotool mousemove "$x" "$y" click 3
sleep 1
xdotool key Up Return
wait_ui 10 event=quit reason=menu >/dev/null
expect_clean_exit "$nixtray_pid"
log "PASS"
