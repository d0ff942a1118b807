#!/bin/bash
# A Catch2 test program of the Windows tree, run whole under Wine: it must pass and must have run
# test cases (a program that finds none passes with nothing tested). Prints Catch's summary.
#   catch_under_wine.sh PROGRAM_RELATIVE_TO_THE_WINDOWS_TREE [CATCH ARGS...]
# One run per program, not one CTest test per TEST_CASE: each Wine start costs about a second.
. "$(dirname "$0")/wine_lib.sh"
use_fixture_prefix

program=$(windows_program "$1")
shift
out=$work/catch.log
rc=0
# --durations yes: each finished case prints a line, so a hang can be named.
wine_run 180 "$program" --durations yes "$@" >"$out" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  # The whole log survives the test's directory, and a crash is named where it happened: Wine's
  # report starts with the fault and the backtrace, above the long module and thread lists.
  mkdir -p "$artifacts"
  cp "$out" "$artifacts/$(basename "$program" .exe)-catch.log"
  log "full log: $artifacts/$(basename "$program" .exe)-catch.log"
  log "last case finished: $(sed -nE 's/^[0-9.]+ s: (.*)$/\1/p' "$out" | tail -n 1)"
  grep -aE -A 12 '^(Unhandled exception|wine: Unhandled)' "$out" | head -n 40 >&2 || true
fi
summary=$(grep -E '^(All tests passed|test cases:|assertions:|No tests ran)' "$out" || true)
echo "${summary:-(no Catch summary)}"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  # The hanging case is the one after the last finished, in declaration order (Catch's default).
  # (Catch's listing exits with the number of cases, and Windows programs end lines in CRLF.)
  last=$(tr -d '\r' <"$out" | sed -nE 's/^[0-9.]+ s: (.*)$/\1/p' | tail -n 1)
  hanging=$({ wine_run 60 "$program" --list-test-names-only "$@" 2>/dev/null || true; } | tr -d '\r' |
    { if [ -n "$last" ]; then grep -A 1 -xF -- "$last" | tail -n 1; else head -n 1; fi; } || true)
  fail "$(basename "$program") did not finish in $(seconds 180) s; the case that hangs: \"${hanging:-?}\""
fi
cases=$(sed -nE 's/^All tests passed \([0-9]+ assertions? in ([0-9]+) test cases?\).*/\1/p; s/^test cases: *([0-9]+) .*/\1/p' "$out" | head -n 1)
[ -n "$cases" ] || fail "$(basename "$program") printed no Catch summary (exit $rc)"
[ "$cases" -gt 0 ] || fail "$(basename "$program") ran 0 test cases"
if [ "$rc" -ne 0 ]; then
  grep -B 12 -A 8 'FAILED' "$out" | head -n 150 >&2 || true
  fail "$(basename "$program") exited with $rc"
fi
log "PASS: $cases test cases of $(basename "$program")"
