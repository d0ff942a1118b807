#!/bin/bash
# Every string the tray shows through gettext (_() in tray/gui, core's texts in po/core_messages.cc)
# has a translation in each catalog of po/LINGUAS: extracted now, as `nixtray-update-po` does, and
# merged into each catalog, where an untranslated or fuzzy entry counts as missing.
#   check_catalogs.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

xgettext --language=C++ --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=NP_:1,2 --package-name=nixtray --msgid-bugs-address=nixtray \
  --output="$work/current.pot" "$source_dir"/po/core_messages.cc "$source_dir"/tray/gui/*.cpp
total=$(grep -c '^msgid ' "$work/current.pot")
status=0
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
