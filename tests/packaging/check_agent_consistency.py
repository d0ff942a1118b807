#!/usr/bin/env python3
"""One list of settings, seen from every side: the settings `nixtray-agent serve` accepts (its
--help, built from the copy of settings.json embedded in the binary) == the names and defaults in
resources/agent/settings.json == the options the NixOS module generates. And the units: the plain
files in resources/systemd and the module's units call the agent only with flags it has, and carry
the same service and socket settings. The README's NixOS section lists every setting."""

import argparse
import json
import shlex
import sys
from pathlib import Path

import agent_help
from checks import Checks
from throwaway_nix import SKIP, ThrowawayNix, inspect, nix_available
from unit_file import read_unit, same_setting, systemd_value

# What differs between the plain units and the module's by design: the agent's path, and PATH
# (NixOS builds it from the service's `path`).
PER_DISTRIBUTION = {"ExecStart", "Environment"}


def shown_default(value) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def check_settings(c: Checks, settings: list[dict], serve_options: dict, module: dict) -> None:
    names = [s["name"] for s in settings]
    c.equal("settings.json: no name twice", len(names), len(set(names)))
    accepted = {name: default for name, default in serve_options.items() if name not in agent_help.SERVE_SWITCHES}
    c.equal("serve --help settings == settings.json", sorted(accepted), sorted(names))
    for setting in settings:
        if setting["name"] in accepted:
            c.equal(f"serve --help default of --{setting['name']}", accepted[setting["name"]],
                    shown_default(setting["default"]))
    c.equal("module options == settings.json", sorted(module["settingsOptions"]), sorted(names))
    c.equal("module options == serve --help settings", sorted(module["settingsOptions"]), sorted(accepted))


def check_readme(c: Checks, repo: Path, settings: list[dict]) -> None:
    text = (repo / "README.md").read_text()
    start = text.find("### Settings")
    section = text[start:text.find("\n#", start + 1)] if start >= 0 else ""
    c.that("README: a NixOS Settings section", bool(section))
    for setting in settings:
        c.that(f"README's NixOS settings list names {setting['name']}", f"`{setting['name']}`" in section)


def check_command_line(c: Checks, what: str, exec_start: str, commands: set, flags: set) -> None:
    argv = shlex.split(exec_start)[1:]
    c.that(f"{what}: runs a command the agent has", bool(argv) and argv[0] in commands, exec_start)
    for arg in argv[1:]:
        if arg.startswith("--"):
            c.that(f"{what}: flag {arg} exists", arg[2:].split("=", 1)[0] in flags, exec_start)


def check_units(c: Checks, repo: Path, module: dict, commands: set, flags: set) -> None:
    service = read_unit(repo / "resources/systemd/nixtray-agent.service")
    socket = read_unit(repo / "resources/systemd/nixtray-agent.socket")
    module_service, module_socket = module["service"], module["socket"]

    for exec_start in service["Service"]["ExecStart"]:
        check_command_line(c, "nixtray-agent.service ExecStart", exec_start, commands, flags)
    check_command_line(c, "module ExecStart", module_service["serviceConfig"]["ExecStart"], commands, flags)

    plain = {k: v for k, v in service["Service"].items() if k not in PER_DISTRIBUTION}
    nixos = {k: systemd_value(v) for k, v in module_service["serviceConfig"].items() if k not in PER_DISTRIBUTION}
    c.equal("[Service] settings: the same in both", sorted(plain), sorted(nixos))
    for key in sorted(set(plain) & set(nixos)):
        c.that(f"[Service] {key}: the same in both", len(plain[key]) == 1 and same_setting(plain[key][0], nixos[key]),
               f"plain {plain[key]}, module {nixos[key]!r}")

    environment = dict(e.split("=", 1) for e in service["Service"].get("Environment", []))
    c.equal("HOME: the same in both", environment.get("HOME"), module_service["environment"].get("HOME"))
    c.equal("[Unit] Wants", service["Unit"].get("Wants"), module_service["wants"])
    c.equal("[Unit] After", service["Unit"].get("After"), module_service["after"])

    c.equal("[Socket] ListenStream (no TCP)", socket["Socket"]["ListenStream"], module_socket["listenStreams"])
    plain_socket = {k: v[0] for k, v in socket["Socket"].items() if k != "ListenStream"}
    c.equal("[Socket] settings (no group)", plain_socket, module_socket["socketConfig"])
    c.equal("[Install] WantedBy", socket["Install"]["WantedBy"], module_socket["wantedBy"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--agent", type=Path, required=True, help="the built nixtray-agent")
    args = parser.parse_args()
    if not nix_available():
        print("SKIP: nix-instantiate not found (Debian: nix-bin; scripts/install-deps installs it)")
        return SKIP
    repo = args.repo.resolve()
    settings = json.loads((repo / "resources/agent/settings.json").read_text())["settings"]
    serve_options = agent_help.serve_options(args.agent)
    flags = set(serve_options) | agent_help.global_options(args.agent)
    commands = agent_help.commands(args.agent)

    c = Checks()
    with ThrowawayNix() as nix:
        # The plain units let no group in and listen on no TCP port: compare with that module setup.
        module = inspect(nix, repo, {"enable": True, "group": None})["module"]
    check_settings(c, settings, serve_options, module)
    check_units(c, repo, module, commands, flags)
    check_readme(c, repo, settings)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
