#!/bin/bash
# The Update window (Update… in the tray menu, after the update's build), in English and in
# Japanese: the inputs that moved and the package changes from the golden update job and diff,
# Switch and verify / Discard. Screenshots: update-preview(-ja).png; the Japanese one must show
# no sentence of the window in English.
# Run: tests/gui/run-under-xvfb tests/gui/update_preview.sh PATH/TO/gui_update_preview
. "$(dirname "$0")/lib.sh"

shot_bin=$1
fc-list :lang=ja family | grep -q . || fail "no font with Japanese glyphs (install fonts-noto-cjk)"

"$shot_bin" "$artifacts/update-preview.png" "$work/ui-en.jsonl" || fail "the Update window was not shown (English)"
log "screenshot $artifacts/update-preview.png"
en=$(grep -F '"event":"update-preview"' "$work/ui-en.jsonl") || fail "no update-preview in the UI log"
python3 - "$en" <<'PY' || fail "the Update window does not show the update (English): $en"
import json, sys
shown = json.loads(sys.argv[1])
assert shown["headline"] == "3 inputs moved", shown
assert [i["name"] for i in shown["inputs"]] == ["home-manager", "nixpkgs", "sops-nix"], shown
assert shown["inputs"][0]["change"].startswith("3b4c5d6 ("), shown
assert shown["summary"].startswith("2 packages change: 0 added, 1 removed, 1 changed."), shown
assert shown["switch"] == "Switch and verify" and shown["discard"] == "Discard", shown
PY

mkdir -p "$work/locale"
localedef -i ja_JP -f UTF-8 "$work/locale/ja_JP.UTF-8" 2>>"$work/localedef.log" || fail "localedef ja_JP.UTF-8 failed"
LOCPATH=$work/locale LANG=ja_JP.UTF-8 LANGUAGE= LC_ALL= LC_MESSAGES= \
  "$shot_bin" "$artifacts/update-preview-ja.png" "$work/ui-ja.jsonl" || fail "the Update window was not shown (Japanese)"
log "screenshot $artifacts/update-preview-ja.png"
ja=$(grep -F '"event":"update-preview"' "$work/ui-ja.jsonl") || fail "no update-preview in the Japanese UI log"
python3 - "$en" "$ja" <<'PY' || fail "the Japanese Update window has English in it: $ja"
import json, sys
en, ja = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for key in ("headline", "summary", "question", "switch", "discard"):
    assert ja[key] != en[key], (key, ja[key])
    assert any(ord(c) > 0x3000 for c in ja[key]), (key, ja[key])
PY
log "ok"
