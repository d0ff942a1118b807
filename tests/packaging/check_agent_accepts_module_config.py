#!/usr/bin/env python3
"""The real agent reads the /etc/nixtray/agent.json the NixOS module renders. The module's output
(with TCP on and a few settings) is handed to `nixtray-agent serve --config`: the agent must start,
serve its socket and the rendered TCP address, and stop cleanly on SIGTERM. An unknown key must
make it refuse to start, as the module's warning says.

The host is left alone: every path setting is pointed into this test's temporary directory, the
group is the test's own, and the agent sees no system bus (so no systemd)."""

import argparse
import grp
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checks import Checks
from throwaway_nix import SKIP, ThrowawayNix, inspect, nix_available, timeout_factor


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def can_connect(family, address) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.connect(address)
            return True
        except OSError:
            return False


def start_agent(agent: Path, config: dict, scratch: Path) -> tuple[subprocess.Popen, Path, Path]:
    (scratch / "profiles").mkdir(exist_ok=True)
    config_file = scratch / "agent.json"
    config_file.write_text(json.dumps(config))
    log = scratch / "agent.log"
    sock = scratch / "run" / "agent.sock"
    argv = [
        str(agent), "serve", "--config", str(config_file),
        # Host paths from the rendered config, moved into the scratch directory:
        "--socket", str(sock),
        "--state-dir", str(scratch / "state"),
        "--profile-dir", str(scratch / "profiles"),
        "--current-system", str(scratch / "current-system"),
        "--booted-system", str(scratch / "booted-system"),
        "--activation-log", str(scratch / "activation.log"),
        "--group", grp.getgrgid(os.getgid()).gr_name,
    ]
    env = os.environ | {
        "HOME": str(scratch),
        "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={scratch / 'no-system-bus'}",
        "NIX_STORE_DIR": str(scratch / "store"),
        "NIX_STATE_DIR": str(scratch / "nix-state"),
    }
    with log.open("w") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, sock, log


def stop(process: subprocess.Popen) -> int | None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=10 * timeout_factor())
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None
    return process.returncode


def check_accepted(c: Checks, nix: ThrowawayNix, args, scratch: Path) -> None:
    port = free_tcp_port()
    scenario = {
        "enable": True,
        "tcp": {"enable": True, "port": port},
        "settings": {"flake": "/etc/nixos#nixos", "log-budget": 536870912, "client-timeout": 60},
    }
    config = inspect(nix, args.repo, scenario)["module"]["agentJson"]
    process, sock, log = start_agent(args.agent, config, scratch)
    try:
        deadline = time.monotonic() + 10 * timeout_factor()
        up = False
        while time.monotonic() < deadline and process.poll() is None:
            up = can_connect(socket.AF_UNIX, str(sock)) and can_connect(socket.AF_INET, ("127.0.0.1", port))
            if up:
                break
            time.sleep(0.05)
        c.that("the agent starts with the module's agent.json", up, log.read_text())
        c.that("the token for TCP is created", (scratch / "state" / "token").is_file())
    finally:
        status = stop(process)
    c.equal("the agent stops cleanly on SIGTERM", status, 0)


def check_refused(c: Checks, nix: ThrowawayNix, args, scratch: Path) -> None:
    config = inspect(nix, args.repo, {"enable": True, "settings": {"colour": "blue"}})["module"]["agentJson"]
    process, _sock, log = start_agent(args.agent, config, scratch)
    try:
        status = process.wait(timeout=10 * timeout_factor())
    except subprocess.TimeoutExpired:
        status = stop(process)
    c.equal("an unknown key: the agent refuses to start (usage error)", status, 64)
    c.that("an unknown key: the agent names it", 'unknown setting "colour"' in log.read_text(), log.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--agent", type=Path, required=True, help="the built nixtray-agent")
    args = parser.parse_args()
    if not nix_available():
        print("SKIP: nix-instantiate not found (Debian: nix-bin; scripts/install-deps installs it)")
        return SKIP
    args.repo = args.repo.resolve()

    c = Checks()
    with ThrowawayNix() as nix, tempfile.TemporaryDirectory(prefix="nixtray-agent-config-") as scratch:
        accepted, refused = Path(scratch) / "accepted", Path(scratch) / "refused"
        accepted.mkdir()
        refused.mkdir()
        check_accepted(c, nix, args, accepted)
        check_refused(c, nix, args, refused)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
