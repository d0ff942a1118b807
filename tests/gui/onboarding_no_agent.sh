#!/bin/bash
# Scenario 7: a distro without the agent. nixtray points at an agent socket where nothing listens:
# the status window's Overview says what to do next (add nixtray's NixOS module and rebuild), with
# the lines to copy. Screenshot: the Overview with that advice.
. "$(dirname "$0")/lib.sh"

start_tray_host
start_nixtray --agent "unix:$work/no-agent-here.sock" --distro-control local
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
wait_ui 30 event=state condition=unreachable >/dev/null
read -r x y < <(icon_centre "$icon")
xdotool mousemove "$x" "$y" click 1
wait_ui 10 event=window "reason=tray icon clicked" >/dev/null
advice=$(wait_ui 10 event=advice step=add-agent)
log "advice shown: $advice"
xdotool mousemove 400 400
sleep 1
shot onboarding-no-agent
log "PASS"
