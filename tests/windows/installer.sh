#!/bin/bash
# The NSIS installer under Wine, silent: it installs under "C:\Program Files\nixtray", writes the
# HKCU Run value "nixtray" only with /AUTOSTART=1, and its uninstaller removes the files and the
# value. The installer: $NIXTRAY_WINDOWS_INSTALLER, else the newest nixtray-*-win64.exe at the top
# of the Windows build tree (where cpack writes it).
#
# It runs in a prefix of its own, not the fixture's: it changes the prefix (files, registry), and
# must start where neither the files nor the Run value exist, or a leftover could make it pass.
. "$(dirname "$0")/wine_lib.sh"

installer=${NIXTRAY_WINDOWS_INSTALLER:-}
if [ -z "$installer" ]; then
  installer=$(ls -t "$NIXTRAY_WINDOWS_BUILD_DIR"/nixtray-*-win64.exe 2>/dev/null | head -n 1 || true)
  [ -n "$installer" ] || fail "no installer: NIXTRAY_WINDOWS_INSTALLER is empty and $NIXTRAY_WINDOWS_BUILD_DIR has no nixtray-*-win64.exe (make it: cd $NIXTRAY_WINDOWS_BUILD_DIR && cpack -G NSIS)"
fi
[ -f "$installer" ] || fail "no installer at $installer"
log "installer: $installer"

make_prefix "$work/wine"
app_dir=$WINEPREFIX/drive_c/Program\ Files/nixtray
run_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'

# run_value: the Run value's data, or nothing (exit 1) when there is none.
run_value() {
  local out
  out=$(wine_run 30 reg query "$run_key" /v nixtray 2>/dev/null | tr -d '\r') || return 1
  sed -nE 's/^ +nixtray +REG_SZ +(.*)$/\1/p' <<<"$out"
}

# install ARGS...: the installer, silent; waits for every process it started (wineserver -w).
install() {
  local start=$SECONDS
  wine_run 120 "$installer" /S "$@" >"$work/install.log" 2>&1 || fail "the installer exited with $? ($*)"
  timeout "$(seconds 60)" wineserver -w
  log "installed ($*) in $((SECONDS - start)) s"
}

log "install, silent, without /AUTOSTART"
install
for exe in bin/nixtray.exe bin/nixtrayctl.exe Uninstall.exe; do
  [ -f "$app_dir/$exe" ] || fail "no $exe under Program Files/nixtray: $(cd "$app_dir" 2>/dev/null && find . -type f | head -n 20)"
done
find "$app_dir" -iname wsl.exe | grep -q . && fail "the wsl.exe test stand-in was packaged"
value=$(run_value) && fail "a Run value without /AUTOSTART=1: $value"
expect_exit 0 "$work/version.out" wine_run 60 "$app_dir/bin/nixtrayctl.exe" --version

log "install again (in place) with /AUTOSTART=1"
install /AUTOSTART=1
value=$(run_value) || fail "no HKCU Run value nixtray after /AUTOSTART=1"
log "Run value: $value"
[ "$value" = '"C:\Program Files\nixtray\bin\nixtray.exe" --autostart' ] ||
  fail "the Run value does not start the installed nixtray.exe as a login start (--autostart): $value"

log "uninstall, silent"
start=$SECONDS
# The uninstaller copies itself to %TEMP% and returns; wineserver -w waits for that copy.
wine_run 60 "$app_dir/Uninstall.exe" /S >"$work/uninstall.log" 2>&1 || fail "the uninstaller exited with $?"
timeout "$(seconds 60)" wineserver -w
log "uninstalled in $((SECONDS - start)) s"
[ ! -e "$app_dir" ] || fail "Program Files/nixtray is still there: $(cd "$app_dir" && find . | head -n 20)"
value=$(run_value) && fail "the Run value is still there: $value"
log "PASS"
