#!/bin/bash
# Scenario 6: Verify boot from the tray menu, on the miniature distro of tests/verify (started by
# tests/verify/verify_gui_test.cpp, which checks the outcome afterwards). The generation that boots
# next cannot start systemd: the tray restarts the distro through the command-based control, the
# check fails, the tray rolls back from outside to the known-good generation, that one boots, and a
# notification on the session bus says what broke. The check starts from the menu's line for an
# unverified generation. Screenshots: the menu with that line, the confirmation, the Verify window
# while it runs and after the failure with its evidence, the notification, the status window after
# the rollback.
# NIXTRAY_TRAY_ARGS_FILE: nixtray's connection and control arguments, one per line.
# VERIFY_GENERATION: the broken generation (3); VERIFY_LANG=ja: the tray in Japanese (its locale
# compiled into the test's directory, as japanese_ui.sh does; screenshots named ja-...).
. "$(dirname "$0")/lib.sh"
: "${NIXTRAY_TRAY_ARGS_FILE:?set by verify_gui_test}"
mapfile -t tray_args <"$NIXTRAY_TRAY_ARGS_FILE"
generation=${VERIFY_GENERATION:-3}
tray_env=()
if [ "${VERIFY_LANG:-}" = ja ]; then
  mkdir -p "$work/locale"
  localedef -i ja_JP -f UTF-8 "$work/locale/ja_JP.UTF-8" 2>>"$work/localedef.log" || fail "localedef ja_JP.UTF-8 failed"
  tray_env=("LOCPATH=$work/locale" "LANG=ja_JP.UTF-8" "LANGUAGE=" "LC_ALL=" "LC_MESSAGES=")
  prefix=ja-
  confirm_title='起動の検証'
  did_not_start='起動しませんでした'
  unverified_line="世代 $generation は未検証です"
  rolled_back="世代 $generation をロールバックしました"
else
  prefix=
  confirm_title='Verify boot'
  did_not_start='did not start'
  unverified_line="Generation $generation is unverified"
  rolled_back="generation $generation rolled back"
fi

start_tray_host
start_notifications
spawn nixtray env "${tray_env[@]}" "$tray_bin" --ui-log "$ui_log" "${tray_args[@]}"
nixtray_pid=${started_pids[-1]}
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
wait_ui 60 event=state condition=running >/dev/null
read -r x y < <(icon_centre "$icon")

# The broken generation is unverified: the first item that can be chosen is the line at the top
# of the menu that says so, and it starts Verify boot.
xdotool mousemove "$x" "$y" click 3
wait_ui 10 event=menu "items~=$unverified_line" >/dev/null
sleep 0.5
xdotool key Down
sleep 0.3
shot ${prefix}verify-menu-unverified
xdotool key Return
wait_ui 10 event=menu-chosen id=verification action=verify-boot >/dev/null
# The confirmation: click "Restart and verify", the right-hand button of its bottom row (no
# window manager here, so no keyboard focus to rely on).
dialog=$(visible_window "^$confirm_title\$") || fail "no confirmation dialog"
sleep 0.5
shot ${prefix}verify-confirm
eval "$(xdotool getwindowgeometry --shell "$dialog")"
xdotool mousemove $((X + WIDTH * 3 / 4)) $((Y + HEIGHT - 16)) click 1
wait_ui 10 event=command action=verify-boot >/dev/null || fail "the check was not confirmed"

wait_ui 60 event=state condition=verifying >/dev/null
# The Verify window opened with the check and shows its steps as they run: the generation did not
# start, it was rolled back, and the distro restarts into the known-good one (a few seconds on the
# miniature distro: the screenshot is taken at once).
wait_ui 60 event=verify-window finished=false phase=recover step=stop >/dev/null ||
  fail "the Verify window did not show the running step"
shot "${prefix}verify-window-running"
# The notification in the tray's language, the generation's number filled in.
notification=$(wait_notify 300 "$rolled_back" "$did_not_start")
log "notification on the bus: $notification"
# After the rollback: a headline in words, what the rollback did, and the evidence in one place.
failed=$(wait_ui 300 event=verify-window finished=true failed=true "headline~=$did_not_start")
log "Verify window: $failed"
headline=$(field "$failed" headline)
for raw in nixtray-agent /nix/ "exit code" wsl; do
  [[ "$headline" != *"$raw"* ]] || fail "the headline shows a command or path ($raw): $headline"
done
[[ "$headline" == *"$generation"* ]] || fail "the headline does not name generation $generation: $headline"
for section in "failed step" "What the rollback did"; do
  grep -qF "$section" <<<"$failed" || fail "the evidence has no \"$section\": $failed"
done
xdotool mousemove 900 700
sleep 1
shot "${prefix}verify-window-failed"
verify_failed=$(wait_ui 300 event=state condition=verify-failed)
tooltip=$(field "$verify_failed" tooltip)
# In the tray's language, like the headline (core's sentence through the catalogue).
[[ "$tooltip" == *"$did_not_start"* && "$tooltip" == *"$generation"* && "$tooltip" != *verify-boot* ]] ||
  fail "the tooltip does not say what happened in words: $tooltip"
xdotool mousemove 400 400
sleep 1
shot "${prefix}verify-notification"
xdotool mousemove "$x" "$y" click 1
wait_ui 10 event=window "reason=tray icon clicked" >/dev/null
# The overview lists the check's steps and what broke.
wait_ui 10 event=verify-evidence >/dev/null
xdotool mousemove 400 400
sleep 1
shot "${prefix}verify-overview-after-rollback"
log "PASS"
