#!/bin/bash
# nixtrayctl.exe under Wine against a live Linux agent over loopback TCP, proving its token with
# the challenge-response (BCrypt's HMAC-SHA-256 against the agent's OpenSSL one):
#  - `status` exits 0 and shows what the agent reports (generations, systemd, the pending restart);
#  - a wrong token: exit 2 ("the agent could not be reached", nixtrayctl --help) and a message
#    that says the agent's identity could not be proven and names the token file.
. "$(dirname "$0")/wine_lib.sh"
use_fixture_prefix
ctl=$(windows_program tray/nixtrayctl.exe)
start_agent

# Its own settings file, so nothing from a settings file elsewhere decides the connection.
connect=(--config "$(win_path "$work/settings.json")" --agent "tcp:127.0.0.1:$agent_port")

log "status with the agent's token"
expect_exit 0 "$work/status.out" wine_run 60 "$ctl" "${connect[@]}" --token-file "$(win_path "$work/agent/token")" status
expect_text "$work/status.out" "NixOS 24.11" "gen 3" "generations:  default 3, current 3, booted 2" \
  "systemd:      offline" "pending:      restart" "at tcp:127.0.0.1:$agent_port"

log "status --json: authorized, the three generations"
expect_exit 0 "$work/status.json" wine_run 60 "$ctl" "${connect[@]}" --token-file "$(win_path "$work/agent/token")" status --json
python3 - "$work/status.json" <<'EOF' || fail "status --json is not what the agent reported"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["connected"] is True and s["hello"]["authorized"] is True, s["hello"]
assert sorted(g["number"] for g in s["generations"]) == [1, 2, 3], s["generations"]
assert s["status"]["generations"]["current"] == 3 and s["status"]["generations"]["booted"] == 2, s["status"]
assert s["status"]["system_state"] == "offline" and s["status"]["restart_pending"] is True, s["status"]
EOF

log "status with a wrong token"
printf '%064d\n' 0 >"$work/wrong-token"
expect_exit 2 "$work/wrong.out" wine_run 60 "$ctl" "${connect[@]}" --token-file "$(win_path "$work/wrong-token")" status
expect_text "$work/wrong.out" "identity could not be proven" "$(win_path "$work/wrong-token")"
log "PASS"
