#!/bin/bash
# Scenario 6: Verify boot from the tray menu, on the miniature distro of tests/verify (started by
# tests/verify/verify_gui_test.cpp, which checks the outcome afterwards). The generation that boots
# next cannot start systemd: the tray restarts the distro through the command-based control, the
# check fails, the tray rolls back from outside to the known-good generation, that one boots, and a
# notification on the session bus says what broke. The check starts from the menu's line for an
# unverified generation. Screenshots: the menu with that line, the confirmation, the notification,
# the status window after the rollback.
# NIXTRAY_TRAY_ARGS_FILE: nixtray's connection and control arguments, one per line.
. "$(dirname "$0")/lib.sh"
: "${NIXTRAY_TRAY_ARGS_FILE:?set by verify_gui_test}"
mapfile -t tray_args <"$NIXTRAY_TRAY_ARGS_FILE"

start_tray_host
start_notifications
spawn nixtray "$tray_bin" --ui-log "$ui_log" "${tray_args[@]}"
nixtray_pid=${started_pids[-1]}
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
wait_ui 60 event=state condition=running >/dev/null
read -r x y < <(icon_centre "$icon")

# Generation 3 is unverified: the first item that can be chosen is the line at the top
# of the menu that says so, and it starts Verify boot.
xdotool mousemove "$x" "$y" click 3
wait_ui 10 event=menu "items~=is unverified" >/dev/null
sleep 0.5
xdotool key Down
sleep 0.3
shot verify-menu-unverified
xdotool key Return
wait_ui 10 event=menu-chosen id=verification action=verify-boot >/dev/null
# The confirmation: click "Restart and verify", the right-hand button of its bottom row (no
# window manager here, so no keyboard focus to rely on).
dialog=""
for _ in $(seq "$(tries 100)"); do
  dialog=$(xdotool search --onlyvisible --name '^Verify boot$' 2>/dev/null | head -n 1) && [ -n "$dialog" ] && break
  sleep 0.1
done
[ -n "$dialog" ] || fail "no confirmation dialog"
sleep 0.5
shot verify-confirm
eval "$(xdotool getwindowgeometry --shell "$dialog")"
xdotool mousemove $((X + WIDTH * 3 / 4)) $((Y + HEIGHT - 16)) click 1
wait_ui 10 event=command action=verify-boot >/dev/null || fail "the check was not confirmed"

wait_ui 60 event=state condition=verifying >/dev/null
notification=$(wait_notify 300 "generation 3 rolled back" "did not start")
log "notification on the bus: $notification"
wait_ui 300 event=state condition=verify-failed >/dev/null
xdotool mousemove 400 400
sleep 1
shot verify-notification
xdotool mousemove "$x" "$y" click 1
wait_ui 10 event=window "reason=tray icon clicked" >/dev/null
# The overview lists the check's steps and what broke.
wait_ui 10 event=verify-evidence >/dev/null
xdotool mousemove 400 400
sleep 1
shot verify-overview-after-rollback
log "PASS"
