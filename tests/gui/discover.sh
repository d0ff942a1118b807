#!/bin/bash
# WSL distros found and added from the tray (issue 21), against the wsl.exe stand-in of
# tests/support/wsl_standin.sh (a test stand-in, not WSL). The tray watches one target, daily, the
# distro NixOS; the stand-in also has NixOS-work (running, with an agent: the test's second agent
# behind its bridge) and Ubuntu (running, no agent). The menu offers NixOS-work, not Ubuntu, in a
# Targets submenu; choosing it writes the target to the settings file and the tray watches both at
# once, without a restart. Screenshot: discover-menu.png.
# Run: tests/gui/run-under-xvfb tests/gui/discover.sh
. "$(dirname "$0")/lib.sh"

start_tray_host
start_plain_agent  # behind NixOS's bridge: $work/agent.sock
spawn agent-work "$agent_bin" serve --config "$work/agent.json" --socket "$work/work.sock" --state-dir "$work/state-work" \
  --profile-dir "$NIX_STATE_DIR/profiles" --current-system "$work/current-system" --booted-system "$work/booted-system"
wait_for_socket "$work/work.sock"

start_wsl_standin NixOS:agent.sock NixOS-work:work.sock Ubuntu

cat >"$work/settings.json" <<JSON
{"version": 2, "targets": [{"name": "daily", "distro": "NixOS",
  "agent": "exec:$work/wsl -d NixOS --exec /run/current-system/sw/bin/nixtray-agent bridge",
  "distro_control": {"kind": "wsl", "wsl": "$work/wsl"}}]}
JSON

start_nixtray
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
wait_ui 30 event=state target=daily "tooltip~=NixOS 24.11" >/dev/null
read -r x y < <(icon_centre "$icon")

# The menu shows what the tray found once it has looked: open it until it does.
last_menu() { grep '"event":"menu"' "$ui_log" | tail -n 1; }
for _ in $(seq "$(tries 20)"); do
  xdotool mousemove "$x" "$y" click 3
  sleep 0.5
  grep -qF '"found":["NixOS-work"]' <<<"$(last_menu)" && break
  xdotool key Escape
  sleep 0.5
done
menu=$(last_menu)
[ "$(field "$menu" found)" = '["NixOS-work"]' ] || fail "the menu did not offer NixOS-work alone: $menu"
grep -qF '"Targets"' <<<"$menu" || fail "the menu has no Targets submenu: $menu"
sleep 1
xdotool key Down Right  # Targets (the header above it cannot be chosen)
sleep 1
xdotool key Down  # daily's entry, then NixOS-work under "Found in WSL"
sleep 1
shot discover-menu
xdotool key Return
wait_ui 10 event=command action=add-target >/dev/null
both=$(wait_ui 30 event=state "fleet_tooltip~=nixtray: 2 targets" "fleet_tooltip~=NixOS-work: degraded")
log "both watched: $both"
python3 - "$work/settings.json" <<'PY' || fail "the settings file has no NixOS-work target: $(cat "$work/settings.json")"
import json, sys
targets = {t["name"]: t for t in json.load(open(sys.argv[1]))["targets"]}
work = targets["NixOS-work"]
assert set(targets) == {"daily", "NixOS-work"}, targets
assert work["distro"] == "NixOS-work" and work["distro_control"]["kind"] == "wsl", work
assert "-d \"NixOS-work\" --exec /run/current-system/sw/bin/nixtray-agent bridge" in work["agent"], work
PY

# Found again, NixOS-work is a target now: nothing more to offer (Ubuntu has no agent).
xdotool mousemove "$x" "$y" click 3
again=$(wait_ui 10 event=menu "targets~=NixOS-work")
[ "$(field "$again" found)" = '[]' ] || fail "the menu still offers distros: $again"
xdotool key Escape
log "PASS"
