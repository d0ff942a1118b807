#!/bin/bash
# Scenario 4: no tray host. Without a program owning the system tray selection, nixtray opens its
# status window instead of an icon and says why in it; closing that window would quit it (there
# is no other way back). When a tray host appears later, the icon is embedded and the window says so.
. "$(dirname "$0")/lib.sh"

start_notifications
start_plain_agent
start_nixtray --agent "unix:$work/agent.sock" --distro-control local
wait_ui 20 event=tray available=false
window=$(wait_ui 20 event=window "reason=no tray host" "notice~=No system tray was found")
log "window shown: $window"
wait_ui 20 event=state condition=degraded  # the plain agent has no systemd to ask: "systemd does not answer"
[ -n "$(status_window)" ] || fail "no status window on the screen"
embedded_icon 1 >/dev/null && fail "an icon was embedded although there is no tray host"
sleep 1
shot no-tray-host

# A tray host appears: the icon is taken in, and the window tells the person.
start_tray_host
wait_ui 20 event=tray available=true
icon=$(embedded_icon 20) || fail "the icon was not embedded after the tray host appeared"
log "icon embedded as window $icon"
sleep 1
shot no-tray-host-then-tray

# Quit through the tray menu's last item, as a person would.
read -r x y < <(icon_centre "$icon")
xdotool mousemove "$x" "$y" click 3
wait_ui 10 event=menu
sleep 0.5
xdotool key Up Return
wait_ui 10 event=quit reason=menu
expect_clean_exit "$nixtray_pid"
log "PASS"
