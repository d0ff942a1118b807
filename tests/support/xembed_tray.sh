# shellcheck shell=bash
# A real XEmbed tray host on the scenario's X display, and the proof that an icon sits in it
# (sourced by tests/gui/lib.sh, and by bench/tray_bench_wine.sh next to tests/windows/wine_lib.sh).
# Expects scenario_processes.sh (spawn) and $factor (the timeout factor).

# trayer owns _NET_SYSTEM_TRAY_S0; it needs a moment before it takes icons.
start_tray_host() {
  spawn trayer trayer --edge top --align right --widthtype request --height 24 --SetDockType true --transparent false
  sleep "$(awk -v f="$factor" 'BEGIN { print 1.5 * f }')"
}

# The XEmbed proof: a window of X class CLASS with _XEMBED_INFO set that the tray host has
# reparented into itself and mapped. (_XEMBED_INFO alone is no proof: GTK sets it on the plug
# window before any tray takes it.) embedded_window CLASS looks once and prints its id.
embedded_window() {
  local w info
  for w in $(xdotool search --classname "^$1\$" 2>/dev/null); do
    xprop -id "$w" _XEMBED_INFO 2>/dev/null | grep -q = || continue
    info=$(xwininfo -id "$w" -tree 2>/dev/null; xwininfo -id "$w" 2>/dev/null)
    if grep -q "Map State: IsViewable" <<<"$info" && ! grep -q "Parent window id: .*(the root window)" <<<"$info"; then
      echo "$w"
      return 0
    fi
  done
  return 1
}
