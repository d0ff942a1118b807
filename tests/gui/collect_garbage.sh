#!/bin/bash
# The Disk space window's Collect garbage, driven as a person does it: the agent runs inside the
# harness's real systemd on three toy generations in its relocated Nix store (booted 2, current 3:
# generation 1 is the only one a collection may delete). In the window (--open-space-window) the
# keep count is set to 1, the line under it names generation 1, Collect garbage asks, and its
# "Collect garbage" answer starts the agent's gc job. Then the agent no longer lists generation 1,
# its system is gone from the store, and the window says what the job freed (the job's own
# freed_bytes) and lists generations 2 and 3 only. Screenshots: collect-garbage-confirm.png,
# collect-garbage-done.png.
# Run: nixtray-harness run --journald -- tests/gui/run-under-xvfb tests/gui/collect_garbage.sh
. "$(dirname "$0")/lib.sh"

start_tray_host
start_notifications
start_agent_in_harness
agent="unix:$work/agent.sock"
agent_cli() { "$agent_bin" --socket "$work/agent.sock" "$@"; }

old_system=$(agent_cli --json generations | python3 -c '
import json, sys
print(next(g["path"] for g in json.load(sys.stdin)["generations"] if g["number"] == 1))')
[ -e "$old_system" ] || fail "generation 1's system $old_system is not in the store"

start_nixtray --agent "$agent" --distro-control local --open-space-window
wait_ui 10 event=space-window-shown "reason=command line" >/dev/null
wait_ui 60 event=space-window collect_enabled=true >/dev/null

# Keep 1: typed into the spin control; the line under it names what that deletes.
changed=$(set_keep_count 1)
grep -qF "Deletes generations: 1. Frees " <<<"$(field "$changed" cleanup)" || fail "keep 1 does not delete generation 1: $changed"

# Collect garbage…, then the question's right-hand button, "Collect garbage" (no window manager
# here, so no keyboard focus to rely on; the question's default is Cancel).
read -r x y < <(screen_point "$changed" collect_at)
xdotool mousemove "$x" "$y" click 1
dialog=$(visible_window '^Collect garbage$') || fail "Collect garbage asked nothing"
sleep 0.5
shot collect-garbage-confirm
eval "$(xdotool getwindowgeometry --shell "$dialog")"
xdotool mousemove $((X + WIDTH * 3 / 4)) $((Y + HEIGHT - 16)) click 1
wait_ui 10 event=command action=gc keep=1 >/dev/null || fail "the question's Collect garbage did not start it"

# The job the window started: the agent's newest, a gc keeping 1, which succeeded.
done_line=$(wait_ui 120 event=space-window "job~=The last garbage collection")
job=$(agent_cli --json jobs | python3 -c '
import json, sys
jobs = json.load(sys.stdin)["jobs"]
print(jobs[0]["id"])')
agent_cli --json job "$job" | python3 -c '
import json, sys
job = json.load(sys.stdin)
assert job["kind"] == "gc" and job["state"] == "succeeded", job
assert job["args"]["keep"] == 1, job["args"]
assert job["freed_bytes"] > 0, job
print(job["freed_bytes"])' >"$work/freed" || fail "job $job is not the window's gc keeping 1: $(agent_cli --json job "$job")"
log "gc job $job freed $(cat "$work/freed") bytes: $done_line"

# What it did: generation 1 and its system are gone, 2 and 3 are kept.
numbers=$(agent_cli --json generations | python3 -c '
import json, sys
print(" ".join(sorted(str(g["number"]) for g in json.load(sys.stdin)["generations"])))')
[ "$numbers" = "2 3" ] || fail "after the collection the agent lists generations $numbers, not 2 3"
[ ! -e "$old_system" ] || fail "generation 1's system $old_system is still in the store"

# What the window says: the job and what it freed, in the window's units, and the rows left.
PYTHONPATH=$NIXTRAY_SOURCE_DIR/tests/gui python3 - "$done_line" "$job" "$(cat "$work/freed")" <<'PY' || fail "the window does not show the collection: $done_line"
import json, sys
from byte_size import size
shown, job, freed = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])

assert shown["job"] == f"The last garbage collection (job {job}) freed {size(freed)}.", shown["job"]
PY
# The space report the agent published after the job: the window's rows are 2 and 3.
rows_left() {
  grep -F '"event":"space-window"' "$ui_log" | tail -n 1 | python3 -c '
import json, sys
rows = json.loads(sys.stdin.read())["generations"]
sys.exit(0 if sorted(r["generation"] for r in rows) == ["2", "3"] else 1)'
}
for _ in $(seq "$(tries 300)"); do rows_left && break; sleep 0.1; done
rows_left || fail "the window still lists other generations than 2 and 3: $(grep -F '"event":"space-window"' "$ui_log" | tail -n 1)"
xdotool mousemove 5 5
sleep 1
shot collect-garbage-done
log "PASS"
