#!/bin/bash
# nixtrayctl.exe under Wine the way it runs on Windows by default: the agent reached through
# `wsl.exe -d NixOS --exec .../nixtray-agent bridge` (exec: transport) and the distro started and
# stopped with wsl.exe (--distro-control wsl). wsl.exe is the test stand-in (standin/), whose
# --exec reaches the real Linux agent through wsl_standin_relay.py.
#   nixtrayctl_wsl.sh exec      status end to end through the bridge
#   nixtrayctl_wsl.sh control   stop / status / start / status, and a distro WSL does not have
#   nixtrayctl_wsl.sh install   install-nixos: wsl.exe --import of an image whose path has a space
#                               and non-ASCII letters, then start; a taken name is refused
# The distro control finds the stand-in through NIXTRAY_WSL_EXE (documented by nixtrayctl --help
# next to --wsl PATH), as a person would point it at another wsl.exe.
. "$(dirname "$0")/wine_lib.sh"
use_fixture_prefix
ctl=$(windows_program tray/nixtrayctl.exe)
wsl=$(win_path "$(windows_program tests/windows/standin/bin/wsl.exe)")
export NIXTRAY_WSL_EXE=$wsl
bridge="exec:$wsl -d NixOS --exec /run/current-system/sw/bin/nixtray-agent bridge"
start_agent

nixtrayctl() { wine_run 90 "$ctl" --config "$(win_path "$work/settings.json")" --agent "$bridge" "$@"; }

case "${1:-}" in
  exec)
    start_relay running
    log "status through wsl.exe --exec and the agent's bridge"
    expect_exit 0 "$work/status.out" nixtrayctl status
    expect_text "$work/status.out" "NixOS 24.11" "gen 3" "generations:  default 3, current 3, booted 2" \
      "systemd:      offline" "at exec:$wsl -d NixOS --exec"
    grep -q "nixtray-agent', 'bridge'" "$work/relay.log" || fail "the relay never ran the bridge"

    log "a stopped distro: status says so and does not boot it"
    set_distro NixOS stopped
    expect_exit 2 "$work/stopped.out" nixtrayctl status
    expect_text "$work/stopped.out" "stopped"
    [ "$(distro_state)" = stopped ] || fail "status booted the distro"
    ;;
  control)
    start_relay running
    log "stop: wsl.exe --terminate NixOS, then the distro is seen stopped"
    expect_exit 0 "$work/stop.out" nixtrayctl --distro-control wsl stop
    [ "$(distro_state)" = stopped ] || fail "stop left NixOS $(distro_state)"
    expect_exit 2 "$work/status-stopped.out" nixtrayctl --distro-control wsl status
    expect_text "$work/status-stopped.out" "stopped"

    log "start: wsl.exe --exec boots it, the agent answers through the bridge"
    expect_exit 0 "$work/start.out" nixtrayctl --distro-control wsl start
    [ "$(distro_state)" = running ] || fail "start left NixOS $(distro_state)"
    expect_text "$work/start.out" "agent 0.1.0 answers"
    expect_exit 0 "$work/status-running.out" nixtrayctl --distro-control wsl status
    expect_text "$work/status-running.out" "gen 3"
    log "--wsl PATH wins over NIXTRAY_WSL_EXE"
    NIXTRAY_WSL_EXE='C:\no\such\wsl.exe' expect_exit 0 "$work/status-option.out" \
      nixtrayctl --distro-control wsl --wsl "$wsl" status

    log "a distro WSL does not have: told apart from a stopped one"
    printf 'Ubuntu-22.04\tstopped\n' >"$work/wsl-state"
    expect_exit 2 "$work/missing.out" nixtrayctl --distro-control wsl status
    expect_text "$work/missing.out" "does not exist"
    expect_exit 1 "$work/missing-start.out" nixtrayctl --distro-control wsl start
    grep -qE "no distribution with the supplied name|WSL_E_DISTRO_NOT_FOUND" "$work/missing-start.out" ||
      fail "start of a missing distro does not say why"
    ;;
  install)
    start_relay running
    downloads="$work/Téléchargements de Zoë"
    mkdir -p "$downloads"
    head -c 65536 /dev/urandom >"$downloads/nixos.wsl"
    folder="$work/WSL disks/NixOS-new"
    log "install-nixos: checked, imported, started"
    expect_exit 0 "$work/install.out" nixtrayctl --distro-control wsl --distro NixOS-new install-nixos \
      "$(win_path "$downloads/nixos.wsl")" --folder "$(win_path "$folder")"
    expect_text "$work/install.out" "check: ok" "import: ok" "start: ok" "NixOS-new is installed and running"
    grep -q "^NixOS-new	running\$" "$work/wsl-state" || fail "the stand-in has no running NixOS-new: $(cat "$work/wsl-state")"
    cmp -s "$downloads/nixos.wsl" "$folder/ext4.vhdx" || fail "wsl.exe --import did not get the image's path word for word"

    log "the same name again (in another case): refused before any import"
    expect_exit 1 "$work/again.out" nixtrayctl --distro-control wsl --distro nixos-NEW install-nixos \
      "$(win_path "$downloads/nixos.wsl")" --folder "$(win_path "$work/other")"
    expect_text "$work/again.out" "check: FAILED: WSL already has a distro named nixos-NEW"
    [ ! -e "$work/other" ] || fail "a refused install created its folder"
    ;;
  *)
    fail "usage: nixtrayctl_wsl.sh exec|control|install"
    ;;
esac
log "PASS"
