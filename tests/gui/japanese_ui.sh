#!/bin/bash
# Scenario 5: the Japanese user interface. nixtray follows the system language: with
# LANG=ja_JP.UTF-8 it loads the ja catalog (built from po/ja.po with msgfmt) and shows its menu and
# windows in Japanese (fonts-noto-cjk draws them), its tooltip and status line too. The locale is compiled into the test's own
# directory (LOCPATH), so nothing is installed on the machine. Screenshots: the menu and each tab.
# Run: nixtray-harness run --journald -- tests/gui/run-under-xvfb tests/gui/japanese_ui.sh
. "$(dirname "$0")/lib.sh"

fc-list :lang=ja family | grep -q . || fail "no font with Japanese glyphs (install fonts-noto-cjk)"
mkdir -p "$work/locale"
localedef -i ja_JP -f UTF-8 "$work/locale/ja_JP.UTF-8" 2>>"$work/localedef.log" || fail "localedef ja_JP.UTF-8 failed"
tray_environment=("LOCPATH=$work/locale" "LANG=ja_JP.UTF-8" "LANGUAGE=" "LC_ALL=" "LC_MESSAGES=")

start_tray_host
start_notifications
start_agent_in_harness
agent="unix:$work/agent.sock"
start_nixtray --agent "$agent" --distro-control local
started=$(wait_ui 10 event=started)
[[ "$(field "$started" language)" == ja* ]] || fail "nixtray chose the language \"$(field "$started" language)\", not Japanese"
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
# The tooltip and the status line in Japanese too (core's sentences, through the catalogue), the
# generation's number filled in.
state=$(wait_ui 30 event=state condition=running)
[[ "$(field "$state" tooltip)" =~ 世代\ [0-9]+、稼働中 ]] || fail "the tooltip is not in Japanese: $state"
[ "$(field "$state" detail)" = "$(grep -A1 '^msgid "Everything runs."' "$NIXTRAY_SOURCE_DIR/po/ja.po" | sed -n 's/^msgstr "\(.*\)"$/\1/p')" ] ||
  fail "the status line is not in Japanese: $state"
read -r x y < <(icon_centre "$icon")

xdotool mousemove "$x" "$y" click 3
menu=$(wait_ui 10 event=menu)
for item in リビルド ロールバック 状態ウィンドウ "ログイン時に起動" 終了; do
  grep -qF "\"$item" <<<"$menu" || fail "the menu has no \"$item\": $menu"
done
# Its first line is the tooltip's, in Japanese too, with the generation's number filled in.
[[ "$(field "$menu" items)" =~ \"NixOS\ [0-9.]+\ —\ 世代\ [0-9]+、稼働中 ]] || fail "the menu's first line is not in Japanese: $menu"
sleep 1
shot ja-tray-menu
xdotool key Down Down Down Right Return  # Rebuild, Update…, Roll back, its first generation
rollback_preview ja-rollback-preview
xdotool mousemove 400 400

xdotool mousemove "$x" "$y" click 1
wait_ui 10 event=window "reason=tray icon clicked" >/dev/null
xdotool mousemove 400 400
sleep 1
shot ja-status-overview
for tab in generations jobs settings; do
  open_tab "$tab" --agent "$agent"
  shot "ja-status-$tab"
done
log "PASS"
