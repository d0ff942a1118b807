#!/bin/bash
# Scenario 3: a failed rebuild. The person chooses Rebuild ▸ Switch in the tray menu; the agent
# (inside the harness's real systemd) builds the configuration with real Nix through the
# nixos-rebuild stand-in (tests/jobs/nixos-rebuild-standin), the build fails, and a notification
# whose text carries the job's error summary reaches the notification server on the session bus.
# Its "Show log" action is offered; the Jobs tab shows the job, its failure and its log.
# Run: nixtray-harness run --journald -- tests/gui/run-under-xvfb tests/gui/failed_rebuild.sh
. "$(dirname "$0")/lib.sh"

# A configuration whose build fails the way a broken NixOS module's does: a message, then exit 1.
configs=$work/configs
mkdir -p "$configs"
cat >"$configs/default.nix" <<'NIX'
derivation {
  name = "nixos-system-broken-24.11";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" ''
    echo "building the system configuration"
    echo "error: The option 'services.nginx.virtualHost' does not exist. Did you mean 'services.nginx.virtualHosts'?" >&2
    exit 1
  '' ];
}
NIX
agent_environment=("NIXTRAY_STANDIN_CONFIGS=$configs")

start_tray_host
start_notifications
start_agent_in_harness --rebuild-command "$NIXTRAY_SOURCE_DIR/tests/jobs/nixos-rebuild-standin" --min-free-space 0
agent="unix:$work/agent.sock"
start_nixtray --agent "$agent" --distro-control local
icon=$(embedded_icon 20) || fail "the icon was not embedded in the tray host"
wait_ui 30 event=state condition=running >/dev/null
read -r x y < <(icon_centre "$icon")

# Rebuild ▸ Switch, by keyboard in the real menu: Rebuild is the first item that can be chosen,
# Right opens its submenu on its first choosable item, "Switch (activate now)".
xdotool mousemove "$x" "$y" click 3
wait_ui 10 event=menu >/dev/null
sleep 0.5
xdotool key Down Right
sleep 0.5
shot tray-menu-rebuild
xdotool key Return
wait_ui 10 event=menu-chosen id=rebuild/switch >/dev/null
started=$(wait_ui 30 event=state condition=rebuilding)
log "rebuilding: $started"

failed=$(wait_ui 180 event=flow step=failed)
job=$(field "$failed" job)
log "the rebuild (job $job) failed: $failed"
summary=$("$agent_bin" --socket "$work/agent.sock" --json job "$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"] or "")')
[ -n "$summary" ] || fail "job $job has no summary"
log "the job's summary: $summary"

notification=$(wait_notify 30 "Rebuild failed" "$summary")
log "notification on the bus: $notification"
[ "$(field "$notification" app)" = nixtray ] || fail "the notification's app name is $(field "$notification" app)"
grep -q '"Show log"' <<<"$notification" || fail "the notification offers no \"Show log\" action"
wait_ui 10 event=notification kind=job-failed "body~=$summary" action="Show log" >/dev/null
wait_ui 10 event=state condition=rebuild-failed icon=failed >/dev/null
xdotool mousemove 400 400  # no tooltip over the notification
sleep 1
shot notification-rebuild-failed

# The Jobs tab on that job: its failure and its log.
open_tab jobs --agent "$agent"
wait_ui 10 event=job-shown "job=$job" >/dev/null
sleep 1
shot status-jobs-failed-rebuild

xdotool mousemove "$x" "$y" click 3
menu=$(wait_ui 10 event=menu "items~=Show log")
sleep 0.5
shot tray-menu-rebuild-failed
xdotool key Escape
log "PASS"
