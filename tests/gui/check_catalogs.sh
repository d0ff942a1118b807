#!/bin/bash
# Every string the tray shows through gettext (_() in tray/gui, core's texts in po/core_messages.cc)
# has a translation in each catalog of po/LINGUAS: extracted now, as `nixtray-update-po` does, and
# merged into each catalog, where an untranslated or fuzzy entry counts as missing.
#   check_catalogs.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

xgettext --language=C++ --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=NP_:1,2 --package-name=nixtray --msgid-bugs-address=nixtray \
  --output="$work/current.pot" "$source_dir"/po/core_messages.cc "$source_dir"/tray/gui/*.cpp
total=$(grep -c '^msgid ' "$work/current.pot")
# A sentence core, nixtrayctl or the GUI composes (sentence("..."), counted("...", "...")) is only
# translated when its format is listed in po/core_messages.cc: every one found in the sources must
# be there.
mapfile -t sources < <(find "$source_dir/tray/core" "$source_dir/tray/ctl" "$source_dir/tray/gui" -name '*.cpp' | sort)
xgettext --language=C++ --from-code=UTF-8 --keyword= --keyword=sentence:1 --keyword=counted:1,2 \
  --output="$work/sentences.pot" "${sources[@]}"
python3 - "$work/sentences.pot" "$work/current.pot" <<'PY' || status=1
import re, sys
def formats(path):
    text = open(path, encoding="utf-8").read()
    found = {}
    for m in re.finditer(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n)+)', text, re.M):
        value = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        where = text.rfind("#:", 0, m.start())
        found[value] = text[where:text.find("\n", where)] if where >= 0 else ""
    return found
used, listed = formats(sys.argv[1]), formats(sys.argv[2])
# Formats of placeholders and punctuation only ("%s", "%1$s (%2$s)") need no words translated.
missing = [f for f in used if f and f not in listed and re.search("[A-Za-z]", re.sub(r"%[0-9]*\$?s", "", f))]
for f in sorted(missing):
    print(f"not in po/core_messages.cc (it stays English): {f!r} {used[f]}", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
while read -r lang; do
  case "$lang" in '' | '#'*) continue ;; esac
  # Merged without fuzzy matching: a source string with no exact translation is untranslated.
  msgmerge --quiet --no-fuzzy-matching --output-file="$work/$lang.po" "$source_dir/po/$lang.po" "$work/current.pot"
  msgattrib --untranslated --no-obsolete --no-wrap --output-file="$work/$lang.missing" "$work/$lang.po"
  missing=0  # msgattrib writes no file when nothing is left
  [ -f "$work/$lang.missing" ] && missing=$(grep -c '^msgid ' "$work/$lang.missing")
  if [ "$missing" -eq 0 ]; then
    echo "po/$lang.po: all $((total - 1)) strings translated"
  else
    echo "po/$lang.po: $((missing - 1)) of $((total - 1)) strings have no translation" \
      "(cmake --build <dir> --target nixtray-update-po, then translate them):" >&2
    grep -E '^(#:|msgid)' "$work/$lang.missing" | tail -n +2 >&2
    status=1
  fi
done <"$source_dir/po/LINGUAS"
exit $status
