#!/bin/bash
# The CTest fixture of the Wine tests: one Wine prefix shared by the scenarios that leave it as
# they found it, made once per run (wineboot --init takes seconds) and removed at the end.
#   wine_prefix.sh setup|cleanup   (directory: $NIXTRAY_WINE_DIR, under the build tree)
# Made fresh each run, so nothing a previous run left behind can make a test pass.
. "$(dirname "$0")/wine_lib.sh"
: "${NIXTRAY_WINE_DIR:?set NIXTRAY_WINE_DIR}"

case "${1:-}" in
  setup)
    if [ -d "$NIXTRAY_WINE_DIR/prefix" ]; then
      wine_environment "$NIXTRAY_WINE_DIR"
      end_wineserver
    fi
    rm -rf "$NIXTRAY_WINE_DIR"
    make_prefix "$NIXTRAY_WINE_DIR"
    wine --version >&2
    ;;
  cleanup)
    if [ -d "$NIXTRAY_WINE_DIR/prefix" ]; then
      wine_environment "$NIXTRAY_WINE_DIR"
      end_wineserver
    fi
    rm -rf "$NIXTRAY_WINE_DIR"
    log "removed $NIXTRAY_WINE_DIR"
    ;;
  *)
    fail "usage: wine_prefix.sh setup|cleanup"
    ;;
esac
