#!/bin/sh
# The tray's pictures on one contact sheet in the artifacts (icon-sheet.png), and their shapes told
# apart without colour at 16 px (gui_icon_sheet says which pairs it compared and fails on any two
# too alike).
#   tests/gui/run-under-xvfb tests/gui/icon_sheet.sh PATH/TO/gui_icon_sheet
set -eu
out=${NIXTRAY_ARTIFACTS_DIR:-$NIXTRAY_SOURCE_DIR/build/artifacts}/gui
mkdir -p "$out"
exec "$1" "$out/icon-sheet.png"
