#!/bin/bash
# "Try the rebuild on a copy" from the tray (issue 21), against the wsl.exe stand-in of
# tests/support/wsl_standin.sh (a test stand-in, not WSL): the tray watches daily, the distro NixOS.
# The menu's item, after its confirmation, exports NixOS, imports the copy NixOS-nixtray-trial and
# checks it in a window; the copy's agent never answers (nothing boots in the stand-in), so the
# trial fails there, the window says NixOS was not changed and offers no rebuild of it, the copy is
# unregistered, and NixOS itself was only exported. Screenshot: copy-trial-window.png.
# Run: tests/gui/run-under-xvfb tests/gui/copy_trial.sh
. "$(dirname "$0")/lib.sh"

start_tray_host
start_plain_agent
start_wsl_standin NixOS:agent.sock
cat >"$work/settings.json" <<JSON
{"version": 2, "targets": [{"name": "daily", "distro": "NixOS",
  "agent": "exec:$work/wsl -d NixOS --exec /run/current-system/sw/bin/nixtray-agent bridge",
  "distro_control": {"kind": "wsl", "wsl": "$work/wsl"}, "verify": {"boot_timeout_seconds": 10}}]}
JSON

start_nixtray
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
wait_ui 30 event=state target=daily "tooltip~=NixOS 24.11" >/dev/null
read -r x y < <(icon_centre "$icon")
: >"$work/wsl-state/calls"  # what the trial does, from here on

xdotool mousemove "$x" "$y" click 3
wait_ui 10 event=menu "items~=Try the rebuild on a copy…" >/dev/null
sleep 0.5
# From the bottom: Quit, Start at login, Settings, Disk space, Status window, Open terminal,
# Roll back, then the trial.
xdotool key Up Up Up Up Up Up Up Up Return
wait_ui 10 event=menu-chosen id=try-on-copy >/dev/null
dialog=$(visible_window "^Try the rebuild on a copy\$") || fail "no confirmation dialog"
sleep 0.5
eval "$(xdotool getwindowgeometry --shell "$dialog")"
xdotool mousemove $((X + WIDTH * 3 / 4)) $((Y + HEIGHT - 16)) click 1
wait_ui 10 event=command action=try-on-copy distro=NixOS >/dev/null || fail "the trial was not confirmed"

result=$(wait_ui 120 event=copy-trial-window finished=true)
log "the trial: $result"
sleep 1
shot copy-trial-window
grep -qF '"passed": false' <<<"$result" || fail "a copy without an agent passed: $result"
grep -qF "NixOS was not changed" <<<"$(field "$result" headline)" || fail "the headline does not say so: $result"
for step in "export: ok" "import: ok" "rebuild and verify: failed" "remove: ok"; do
  grep -qF "\"$step\"" <<<"$(field "$result" steps)" || fail "no step \"$step\": $result"
done
grep -qx -- "--export NixOS $HOME/.local/share/nixtray/distros/NixOS-nixtray-trial/NixOS.tar" "$work/wsl-state/calls" ||
  fail "NixOS was not exported: $(cat "$work/wsl-state/calls")"
grep -qx -- "--unregister NixOS-nixtray-trial" "$work/wsl-state/calls" || fail "the copy was not unregistered"
# NixOS itself: exported, nothing else (no restart, no command in it, no unregister).
if grep -E -- "^(-d|--terminate|--unregister) NixOS( |\$)" "$work/wsl-state/calls" | grep -v -- "--exec /run/current-system/sw/bin/nixtray-agent bridge"; then
  fail "the trial touched NixOS itself"
fi
! grep -q trial "$work/wsl-state/distros" || fail "the copy is still registered: $(cat "$work/wsl-state/distros")"
[ ! -e "$HOME/.local/share/nixtray/distros/NixOS-nixtray-trial" ] || fail "the copy's folder is left over"
log "PASS"
