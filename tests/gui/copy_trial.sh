#!/bin/bash
# "Try the rebuild on a copy" from the tray (issue 21), against the wsl.exe stand-in of
# tests/support/wsl_standin.sh (a test stand-in, not WSL): the tray watches daily, the distro NixOS.
# The menu's item, after its confirmation, exports NixOS, imports the copy NixOS-nixtray-trial and
# checks it in a window; the copy's agent never answers (nothing boots in the stand-in), so the
# trial fails there, the window says NixOS was not changed and offers no rebuild of it, the copy is
# unregistered, and NixOS itself was only exported. Then once more in Japanese: the window's
# headline, its closing paragraph and each step's detail in the catalogue's words.
# Screenshots: copy-trial-window(-ja).png.
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

# no_english RESULT: fails on an English word in the window's closing paragraph or in the detail
# of one of the trial's own steps (export, import, rebuild and verify, remove). Names and paths are
# data, not words; so is what the check's own steps quote from a failed connection.
no_english() {
  python3 - "$1" <<'PY' || fail "English left in the Japanese window: $1"
import json, re, sys
shown = json.loads(sys.argv[1])
texts = [shown["outcome"]] + [d for s, d in zip(shown["steps"], shown["details"]) if "/" not in s.split(":")[0]]
names = {"NixOS", "NixOS-nixtray-trial", "WSL", "wsl.exe", "systemd"}
words = [w for w in " ".join(texts).split() if "/" not in w and "\\" not in w]
left = [w for w in re.findall(r"[A-Za-z][A-Za-z.-]{2,}", " ".join(words)) if w.strip(".-") not in names]
if left:
    sys.exit(f"English words: {left}")
PY
}

# trial LANGUAGE ITEM TITLE NOT_CHANGED: the trial from the menu's ITEM with the tray in LANGUAGE
# (en, ja), whose confirmation dialog is titled TITLE and whose window says NOT_CHANGED.
trial() {
  local language=$1 item=$2 title=$3 not_changed=$4 suffix=
  [ "$language" = en ] || suffix=-$language
  ui_log=$work/ui-$language.jsonl
  start_nixtray
  started=$(wait_ui 10 event=started)
  [ "$language" = en ] || [[ "$(field "$started" language)" == "$language"* ]] || fail "nixtray did not choose $language"
  icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
  wait_ui 30 event=state target=daily "tooltip~=NixOS 24.11" >/dev/null
  read -r x y < <(icon_centre "$icon")
  : >"$work/wsl-state/calls"  # what the trial does, from here on

  xdotool mousemove "$x" "$y" click 3
  wait_ui 10 event=menu "items~=$item" >/dev/null
  sleep 0.5
  # From the bottom: Quit, Start at login, Settings, Disk space, Status window, Open terminal,
  # Roll back, then the trial.
  xdotool key Up Up Up Up Up Up Up Up Return
  wait_ui 10 event=menu-chosen id=try-on-copy >/dev/null
  dialog=$(visible_window "^$title\$") || fail "no confirmation dialog"
  sleep 0.5
  eval "$(xdotool getwindowgeometry --shell "$dialog")"
  xdotool mousemove $((X + WIDTH * 3 / 4)) $((Y + HEIGHT - 16)) click 1
  wait_ui 10 event=command action=try-on-copy distro=NixOS >/dev/null || fail "the trial was not confirmed"

  result=$(wait_ui 120 event=copy-trial-window finished=true)
  log "the trial ($language): $result"
  sleep 1
  shot "copy-trial-window$suffix"
  grep -qF '"passed": false' <<<"$result" || fail "a copy without an agent passed: $result"
  grep -qF "$not_changed" <<<"$(field "$result" headline)" || fail "the headline does not say so: $result"
  grep -qF "$not_changed" <<<"$(field "$result" outcome)" || fail "the closing paragraph does not say so: $result"
  [ "$language" = en ] || no_english "$result"
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
  stop_pid "$nixtray_pid" nixtray
}

trial en "Try the rebuild on a copy…" "Try the rebuild on a copy" "NixOS was not changed"

fc-list :lang=ja family | grep -q . || fail "no font with Japanese glyphs (install fonts-noto-cjk)"
mkdir -p "$work/locale"
localedef -i ja_JP -f UTF-8 "$work/locale/ja_JP.UTF-8" 2>>"$work/localedef.log" || fail "localedef ja_JP.UTF-8 failed"
tray_environment=("LOCPATH=$work/locale" "LANG=ja_JP.UTF-8" "LANGUAGE=" "LC_ALL=" "LC_MESSAGES=")
# The window's words in Japanese: what the headline and the closing paragraph say, and no step's
# detail left in English (the check's headline, not its English paragraph).
trial ja "コピーでリビルドを試す…" "コピーでリビルドを試す" "NixOS は変更されていません"
log "PASS"
