#!/bin/bash
# Scenario 8: from no distro to a connected tray, the way a new Windows user goes, with the
# wsl.exe stand-in of tests/support/wsl_standin.sh (a test stand-in, not WSL) and a miniature
# NixOS-WSL image in ~/Downloads. WSL has no distro NixOS-test: the Overview offers
# "Install NixOS…"; its dialog finds the image, imports and starts it. The new distro has no agent:
# the Overview offers "Rebuild now…", which runs the distro's nixos-rebuild (a stand-in script
# inside the image) as root. The rebuild's effect, an agent listening, is played by the test (it
# starts the real agent when the stand-in says it ran), and the tray connects.
# Screenshots: the install advice, the install dialog done, the agent advice, the rebuild dialog
# done, the Overview connected.
. "$(dirname "$0")/lib.sh"

# The stand-in wsl.exe, with its state in the work directory.
mkdir -p "$work/wsl-state"
cat >"$work/wsl" <<WSL
#!/bin/sh
NIXTRAY_WSL_STANDIN_DIR='$work/wsl-state' exec '$NIXTRAY_SOURCE_DIR/tests/support/wsl_standin.sh' "\$@"
WSL
chmod +x "$work/wsl"

# The image: a real shell at /bin/sh (the tray's start runs it) and a nixos-rebuild stand-in that
# says what it was asked and leaves a mark for this script.
image_root=$work/image
mkdir -p "$image_root/bin" "$image_root/run/current-system/sw/bin" "$HOME/Downloads"
cp /bin/sh "$image_root/bin/sh"
cat >"$image_root/run/current-system/sw/bin/nixos-rebuild" <<'REBUILD'
#!/bin/sh
# nixos-rebuild stand-in (test): prints what the real one would, leaves a mark.
echo "building the system configuration..."
echo "activating the configuration..." >&2
echo "nixos-rebuild $*" >"$NIXTRAY_WSL_STANDIN_ROOT/rebuilt"
REBUILD
chmod +x "$image_root/run/current-system/sw/bin/nixos-rebuild"
tar -czf "$HOME/Downloads/nixos.wsl" -C "$image_root" .

cat >"$work/settings.json" <<JSON
{"distro": "NixOS-test", "agent": "unix:$work/agent.sock", "flake": "/etc/nixos#nixos",
 "distro_control": {"kind": "wsl", "wsl": "$work/wsl"}}
JSON

# click_in WINDOW_TITLE JSON_POSITION: a click at a control's centre, from its window's geometry.
click_in() {
  local window="" title=$1 x y
  for _ in $(seq "$(tries 100)"); do
    window=$(xdotool search --onlyvisible --name "$title" 2>/dev/null | head -n 1) && [ -n "$window" ] && break
    sleep 0.1
  done
  [ -n "$window" ] || fail "no window titled $title"
  eval "$(xdotool getwindowgeometry --shell "$window")"
  read -r x y < <(python3 -c 'import json, sys; p = json.loads(sys.argv[1]); print(p["x"], p["y"])' "$2")
  xdotool mousemove $((X + x)) $((Y + y)) click 1
}
position() { python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])[sys.argv[2]]))' "$1" "$2"; }

start_tray_host
start_nixtray
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
read -r ix iy < <(icon_centre "$icon")
xdotool mousemove "$ix" "$iy" click 1
wait_ui 10 event=window "reason=tray icon clicked" >/dev/null
wait_ui 30 event=advice step=install-nixos >/dev/null
action=$(wait_ui 10 event=advice-action "label~=Install NixOS")
sleep 0.5
shot onboarding-install-advice

click_in '^nixtray' "$(field "$action" at)"
dialog=$(wait_ui 10 event=install-dialog)
[ "$(field "$dialog" image)" = "$HOME/Downloads/nixos.wsl" ] || fail "the dialog did not offer the downloaded image: $dialog"
[ "$(field "$dialog" name)" = NixOS-test ] || fail "the dialog did not offer the configured name: $dialog"
click_in '^Install NixOS$' "$(position "$dialog" install)"
installed=$(wait_ui 60 event=install)
sleep 0.5
shot onboarding-install-done
log "install: $installed"
[ "$(field "$installed" result)" = ok ] || fail "the installation failed: $installed"
grep -q "^NixOS-test	$HOME/.local/share/nixtray/distros/NixOS-test/rootfs\$" "$work/wsl-state/distros" ||
  fail "the stand-in has no NixOS-test in the default folder: $(cat "$work/wsl-state/distros")"
[ -e "$work/wsl-state/running/NixOS-test" ] || fail "NixOS-test was not started"
click_in '^Install NixOS$' "$(position "$dialog" close)"
wait_ui 10 event=dialog-closed "title=Install NixOS" >/dev/null

# Running, no agent: the next advice.
wait_ui 60 event=advice step=add-agent >/dev/null
action=$(wait_ui 10 event=advice-action "label~=Rebuild now")
sleep 0.5
shot onboarding-add-agent-advice
click_in '^nixtray' "$(field "$action" at)"
dialog=$(wait_ui 10 event=agent-rebuild-dialog)
[ "$(field "$dialog" command)" = "/run/current-system/sw/bin/nixos-rebuild switch --flake /etc/nixos#nixos" ] ||
  fail "the rebuild dialog shows another command: $dialog"
click_in '^Add the nixtray agent$' "$(position "$dialog" rebuild)"
rebuilt=$(wait_ui 60 event=agent-rebuild)
[ "$(field "$rebuilt" result)" = ok ] || fail "the rebuild failed: $rebuilt"
marker=$HOME/.local/share/nixtray/distros/NixOS-test/rootfs/rebuilt
[ "$(cat "$marker")" = "nixos-rebuild switch --flake /etc/nixos#nixos" ] || fail "nixos-rebuild ran with: $(cat "$marker" 2>&1)"
# As root through root's login shell (`--`, not `--exec`), so NIX_PATH and the rest of the Nix
# settings are what a console has (issue 18 §3).
grep -qx 'root -- /run/current-system/sw/bin/nixos-rebuild' "$work/wsl-state/runs" ||
  fail "nixos-rebuild was not run through root's login shell: $(cat "$work/wsl-state/runs")"
sleep 0.5
shot onboarding-rebuild-done
click_in '^Add the nixtray agent$' "$(position "$dialog" close)"
wait_ui 10 event=dialog-closed "title=Add the nixtray agent" >/dev/null

# What the rebuild did in a real distro: the agent's socket is there. The tray connects (this
# agent has no systemd to watch, so it reports degraded) and the advice is gone.
start_plain_agent
wait_ui 60 event=state "tooltip~=gen 3" >/dev/null
xdotool mousemove 400 400
sleep 1
shot onboarding-connected
log "PASS"
