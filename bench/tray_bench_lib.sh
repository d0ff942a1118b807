# shellcheck shell=bash disable=SC2154  # ($work and the command arrays come from the script that sources this)
# The start measurement shared by the tray benchmarks (sourced by bench/tray_bench.sh, nixtray and
# the bare wx app on Linux, and bench/tray_bench_wine.sh, their .exe files under Wine): start a
# program, time until its icon is embedded in the tray host, read its RSS once it has settled.
# Expects: $work, log/fail/stop_pid (tests/support/scenario_processes.sh), embedded_window
# (tests/support/xembed_tray.sh).

# measure NAME CLASS COMMAND...: one start; prints "MILLISECONDS RSS_KIB". CLASS is the X class
# of the embedded icon's window; the RSS is COMMAND's own process's (its PID as started).
measure() {
  local name=$1 class=$2
  shift 2
  local start end pid
  start=$(date +%s%N)
  "$@" >>"$work/$name.log" 2>&1 &
  pid=$!
  until embedded_window "$class" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "$name exited before its icon appeared (see $work/$name.log)"
    [ $(($(date +%s%N) - start)) -lt 60000000000 ] || fail "no icon of $name within 60 s"
    sleep 0.01
  done
  end=$(date +%s%N)
  sleep 2  # what it holds once settled, not mid-start
  local rss
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  stop_pid "$pid" "$name"
  # The next start must not find this icon (under Wine every icon is explorer.exe's window), and
  # the tray host needs a moment to drop the old icon before the next one docks.
  for _ in $(seq 100); do
    embedded_window "$class" >/dev/null || break
    sleep 0.05
  done
  embedded_window "$class" >/dev/null && fail "the icon of $name stayed in the tray after it ended"
  sleep 0.5
  echo "$(((end - start) / 1000000)) $rss"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2fx\n", a / b }'; }

# compare_starts RUNS: RUNS starts of each program, alternating (the bare one first): the arrays
# bare_command and tray_command, their icons' X classes bare_class and tray_class. Fills bare_ms,
# bare_rss, tray_ms and tray_rss.
compare_starts() {
  local i ms rss
  bare_ms=() bare_rss=() tray_ms=() tray_rss=()
  for i in $(seq "$1"); do
    read -r ms rss < <(measure bare "$bare_class" "${bare_command[@]}")
    bare_ms+=("$ms") bare_rss+=("$rss")
    read -r ms rss < <(measure nixtray "$tray_class" "${tray_command[@]}")
    tray_ms+=("$ms") tray_rss+=("$rss")
    log "run $i: bare ${bare_ms[-1]} ms ${bare_rss[-1]} KiB, nixtray ${tray_ms[-1]} ms ${tray_rss[-1]} KiB"
  done
}

# print_start_table TITLE: the medians of compare_starts and their ratios against the goal.
print_start_table() {
  local tm bm tr br
  tm=$(printf '%s\n' "${tray_ms[@]}" | median)
  bm=$(printf '%s\n' "${bare_ms[@]}" | median)
  tr=$(printf '%s\n' "${tray_rss[@]}" | median)
  br=$(printf '%s\n' "${bare_rss[@]}" | median)
  echo
  echo "$1; medians of ${#tray_ms[@]} runs each"
  printf '%-34s %12s %12s %8s  %s\n' measurement nixtray bare-wx ratio goal
  printf '%-34s %9s ms %9s ms %8s  ≤ 1.2x\n' "start → icon embedded" "$tm" "$bm" "$(ratio "$tm" "$bm")"
  printf '%-34s %8s KiB %8s KiB %8s  ≤ 1.2x\n' "RSS with the icon shown" "$tr" "$br" "$(ratio "$tr" "$br")"
}
