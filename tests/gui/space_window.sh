#!/bin/bash
# The Disk space window, in English and in Japanese: nixtray --open-space-window against a plain
# agent on three toy generations in a private Nix store (booted 2, current 3: generation 1 is the
# only one a garbage collection may delete). The window shows the agent's own numbers: checked
# against `nixtray-agent space --json` on the same store, also after typing another keep count.
# Screenshots: space-window(-ja).png.
# Run: tests/gui/run-under-xvfb tests/gui/space_window.sh
. "$(dirname "$0")/lib.sh"

fc-list :lang=ja family | grep -q . || fail "no font with Japanese glyphs (install fonts-noto-cjk)"
start_tray_host
start_notifications
start_plain_agent
agent="unix:$work/agent.sock"

# check_shown LANGUAGE UI-LOG-LINE: the window's rows and sizes are the agent's report.
check_shown() {
  local report
  report=$("$agent_bin" --socket "$work/agent.sock" space --json) || fail "nixtray-agent space failed"
  PYTHONPATH=$NIXTRAY_SOURCE_DIR/tests/gui python3 - "$1" "$2" "$report" <<'PY' || fail "the Space window does not show the agent's numbers ($1): $2"
import json, sys
from byte_size import size
language, shown, report = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])

assert shown["store_bytes"] == report["store_bytes"], (shown["store_bytes"], report["store_bytes"])
assert size(report["store_bytes"]) in shown["summary"], shown["summary"]
rows = shown["generations"]
assert [int(r["generation"]) for r in rows] == [g["number"] for g in report["generations"]], rows
for row, generation in zip(rows, report["generations"]):
    if generation["kept"]:
        assert row["frees"] == "\u2014", row
        assert row["note"].startswith("kept" if language == "en" else "\u4fdd\u6301"), row
    else:
        assert row["frees"] == size(generation["frees_bytes"]), (row, generation)
assert [g["kept"] for g in report["generations"]] == [True, True, False], report["generations"]
assert report["generations"][2]["frees_bytes"] > 0, report["generations"]
option = next(o for o in report["cleanup"] if o["keep"] == shown["keep"])
assert size(option["frees_bytes"]) in shown["cleanup"], (option, shown["cleanup"])
PY
}

start_nixtray --agent "$agent" --distro-control local --open-space-window
wait_ui 10 event=space-window-shown "reason=command line" >/dev/null
shown=$(wait_ui 60 event=space-window)
check_shown en "$shown"
# Keep 1 instead of 3: typed into the spin control, the line under it says what that deletes
# (generation 1, the only one not kept) and frees, as the agent predicts it for keep = 1.
sleep 1
changed=$(set_keep_count 1)
check_shown en "$changed"
grep -qF "Deletes generations: 1. Frees " <<<"$(field "$changed" cleanup)" || fail "keep 1 does not delete generation 1: $changed"
xdotool mousemove 5 5
sleep 1
shot space-window
stop_pid "$nixtray_pid" nixtray

mkdir -p "$work/locale"
localedef -i ja_JP -f UTF-8 "$work/locale/ja_JP.UTF-8" 2>>"$work/localedef.log" || fail "localedef ja_JP.UTF-8 failed"
tray_environment=("LOCPATH=$work/locale" "LANG=ja_JP.UTF-8" "LANGUAGE=" "LC_ALL=" "LC_MESSAGES=")
ui_log=$work/ui-ja.jsonl
start_nixtray --agent "$agent" --distro-control local --open-space-window
started=$(wait_ui 10 event=started)
[[ "$(field "$started" language)" == ja* ]] || fail "nixtray chose the language \"$(field "$started" language)\", not Japanese"
shown=$(wait_ui 60 event=space-window)
grep -qF "空き容量" <<<"$(field "$shown" summary)" || fail "the summary is not in Japanese: $shown"
check_shown ja "$shown"
xdotool mousemove 5 5
sleep 1
shot space-window-ja
log "PASS"
