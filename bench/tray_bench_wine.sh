#!/bin/bash
# nixtray-bench-tray-wine: bench/tray_bench.sh's start measurement for the Windows programs under
# Wine: how long from `wine nixtray.exe` (connected over loopback TCP with its token to a Linux
# agent on three toy generations) until its icon is embedded in a real XEmbed tray host (trayer,
# under Xvfb), and its RSS 2 s later, next to `wine nixtray-bench-bare-tray.exe` (the smallest
# wxTaskBarIcon app, built in the same Windows tree the same way); alternating, medians and ratios.
#   bench/tray_bench_wine.sh LINUX_BUILD_DIR WINDOWS_BUILD_DIR [RUNS|--short]   (default 10 runs, --short 3)
# LINUX_BUILD_DIR gives agent/nixtray-agent; WINDOWS_BUILD_DIR (preset `windows`) tray/nixtray.exe
# and bench/nixtray-bench-bare-tray.exe.
#
# What Wine does, and so what is counted:
# - winex11 docks a program's notification icon into an XEmbed tray when the display has one, but
#   the docked window is the prefix's explorer.exe's (X class explorer.exe), which runs the
#   Windows notification area: the icon is found by that class, one program at a time.
# - The RSS is the .exe's own Linux process (the PID `wine` was started as: the loader becomes the
#   program), not wineserver's, explorer.exe's or the other services' of the prefix.
# - Wine ends the prefix's explorer.exe soon after the last program leaves the desktop (here within
#   about a second), and the next program then waits for a new one (0.3-1 s). On Windows
#   explorer.exe is always there: a console program (cmd.exe waiting on an open pipe) keeps the
#   desktop in use for the whole run, and one start of each program before the measured runs warms
#   the prefix (made fresh, wineboot --init).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${DISPLAY:-}" ]; then
  exec "$here/../tests/gui/run-under-xvfb" "$0" "$@"
fi
usage="usage: bench/tray_bench_wine.sh LINUX_BUILD_DIR WINDOWS_BUILD_DIR [RUNS|--short]"
build=$(cd "${1:?$usage}" && pwd)
windows_build=$(cd "${2:?$usage}" && pwd)
runs=${3:-10}
[ "$runs" = --short ] && runs=3
export NIXTRAY_SOURCE_DIR=$here/.. NIXTRAY_WINDOWS_BUILD_DIR=$windows_build NIXTRAY_AGENT=$build/agent/nixtray-agent
# shellcheck source=../tests/windows/wine_lib.sh
. "$here/../tests/windows/wine_lib.sh"
# shellcheck source=../tests/support/xembed_tray.sh
. "$here/../tests/support/xembed_tray.sh"
# shellcheck source=tray_bench_lib.sh
. "$here/tray_bench_lib.sh"
tray_exe=$(windows_program tray/nixtray.exe)
bare_exe=$(windows_program bench/nixtray-bench-bare-tray.exe)

make_prefix "$work/wine"  # inside $work: removed with it, after wineserver -k
start_tray_host
start_agent
# The desktop holder: cmd.exe reads a pipe that this script holds open for writing, so it neither
# ends nor gets input while the script runs. (Opened by the holder itself: a background job's
# standard input would be /dev/null.)
mkfifo "$work/holder.pipe"
exec 3<>"$work/holder.pipe"
# shellcheck disable=SC2016  # $0 is the inner shell's
spawn desktop-holder sh -c 'exec wine cmd.exe <"$0"' "$work/holder.pipe"
holder_pid=${started_pids[-1]}

# shellcheck disable=SC2034  # read by compare_starts (tray_bench_lib.sh)
bare_class=explorer.exe bare_command=(wine "$bare_exe")
tray_class=explorer.exe tray_command=(wine "$tray_exe" --config "$(win_path "$work/settings.json")"
  --agent "tcp:127.0.0.1:$agent_port" --token-file "$(win_path "$work/agent/token")" --distro-control local)
# Warm: the first start also starts explorer.exe and loads the programs' files into the page cache.
read -r warm_bare _ < <(measure bare "$bare_class" "${bare_command[@]}")
read -r warm_tray _ < <(measure nixtray "$tray_class" "${tray_command[@]}")
log "warm-up starts (not counted): bare $warm_bare ms, nixtray $warm_tray ms"
compare_starts "$runs"
kill -0 "$holder_pid" 2>/dev/null || fail "the desktop holder (cmd.exe) ended: explorer.exe may have restarted between runs"

print_start_table "$(wine --version) on $(uname -m): .exe start to icon embedded in trayer, and RSS 2 s later"
echo "(RSS: the .exe's own process; the prefix's explorer.exe, which draws the icon, and wineserver are not counted)"
