#!/usr/bin/env python3
"""Evaluates the NixOS module, the package and the flake without nixpkgs (nix/inspect.nix, with
stand-ins for lib and pkgs) and checks what they produce: the options generated from
resources/agent/settings.json, the rendered /etc/nixtray/agent.json, the units, the package's
inputs and flags, and the flake's outputs."""

import argparse
import json
import re
import sys
from pathlib import Path

from checks import Checks
from throwaway_nix import SKIP, ThrowawayNix, inspect, nix_available

SYSTEMS = ["aarch64-linux", "x86_64-linux"]

# Sandboxing a root deploy agent must not get: it would stop rebuilds or hide what the agent reads.
FORBIDDEN_SERVICE_SETTINGS = {
    "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelLogs", "ProtectClock",
    "ProtectHostname", "CapabilityBoundingSet", "DynamicUser", "User", "ReadOnlyPaths", "InaccessiblePaths",
}


def expected_type(setting: dict) -> str:
    base = {"path": "str", "string": "str", "integer": "unsignedInt"}[setting["type"]]
    return f"nullOr {base}" if setting["default"] is None else base


def check_generated_options(c: Checks, settings: list[dict], module: dict) -> None:
    options = module["settingsOptions"]
    c.equal("generated options: exactly the settings of settings.json", sorted(options), sorted(s["name"] for s in settings))
    for setting in settings:
        option = options.get(setting["name"])
        if option is None:
            continue
        c.equal(f"option {setting['name']}: default", option["default"], setting["default"])
        c.equal(f"option {setting['name']}: type", option["type"], expected_type(setting))
        c.that(f"option {setting['name']}: description from settings.json",
               option["description"].startswith(setting["description"]), option["description"])


def check_defaults(c: Checks, settings: list[dict], module: dict) -> None:
    defaults = {s["name"]: s["default"] for s in settings}
    c.equal("enable defaults to false", module["options"]["enable"], False)
    c.equal("group defaults to wheel", module["options"]["group"], "wheel")
    c.equal("tcp.enable defaults to false", module["options"]["tcpEnable"], False)
    c.equal("tcp.port defaults to 7428", module["options"]["tcpPort"], 7428)
    c.equal("the default package is the agent alone", module["options"]["package"]["pname"], "nixtray-agent")
    c.equal("no conflicting definitions", module["conflicts"], [])
    c.equal("no warnings", module["warnings"], [])

    expected_json = {k: v for k, v in defaults.items() if v is not None} | {"group": "wheel"}
    c.equal("agent.json: the non-null defaults, the socket and the group", module["agentJson"], expected_json)

    socket = module["socket"]
    c.equal("socket: listens on the agent's default socket only", socket["listenStreams"], [defaults["socket"]])
    c.equal("socket: config", socket["socketConfig"], {"SocketMode": "0660", "DirectoryMode": "0750", "SocketGroup": "wheel"})
    c.equal("socket: wanted by sockets.target", socket["wantedBy"], ["sockets.target"])

    service = module["service"]
    config = service["serviceConfig"]
    package = module["options"]["package"]["storePath"]
    c.equal("service: not restarted by a switch", service["restartIfChanged"], False)
    c.equal("service: not stopped by a switch", service["stopIfChanged"], False)
    c.that("service: started by its socket only (no wantedBy)", "wantedBy" not in service, str(service.get("wantedBy")))
    c.equal("service: ExecStart", config["ExecStart"], f"{package}/bin/nixtray-agent serve")
    c.equal("service: Type=notify (the agent sends READY=1)", config["Type"], "notify")
    c.equal("service: StateDirectory", (config.get("StateDirectory"), config.get("StateDirectoryMode")), ("nixtray", "0700"))
    c.that("service: nix and nixos-rebuild on PATH", {"/standin/nix", "/standin/nixos-rebuild"} <= set(service["path"]),
           str(service["path"]))
    c.equal("service: HOME", service["environment"].get("HOME"), "/root")
    c.that("service: NIX_PATH passed (rebuilds of a configuration.nix)", "NIX_PATH" in service["environment"])
    c.equal("service: no forbidden sandboxing", sorted(FORBIDDEN_SERVICE_SETTINGS & set(config)), [])
    c.equal("tmpfiles: the socket's directory for the group", module["tmpfiles"], ["d /run/nixtray 0750 root wheel - -"])
    c.equal("the package is on PATH", module["systemPackages"], [package])


def check_tcp_and_settings(c: Checks, nix: ThrowawayNix, repo: Path) -> None:
    scenario = {
        "enable": True,
        "group": None,
        "tcp": {"enable": True, "port": 7500},
        "settings": {"flake": "/etc/nixos#wsl", "log-budget": 536870912, "state-dir": "/srv/nixtray"},
    }
    module = inspect(nix, repo, scenario)["module"]
    agent = module["agentJson"]
    c.equal("tcp: agent.json tcp", agent.get("tcp"), "127.0.0.1:7500")
    c.that("no group: agent.json has no group", "group" not in agent, str(agent))
    c.equal("settings: flake", agent.get("flake"), "/etc/nixos#wsl")
    c.equal("settings: log-budget", agent.get("log-budget"), 536870912)
    c.equal("tcp: socket listens on loopback too", module["socket"]["listenStreams"],
            ["/run/nixtray/agent.sock", "127.0.0.1:7500"])
    c.that("no group: socket has no SocketGroup", "SocketGroup" not in module["socket"]["socketConfig"])
    c.equal("moved state dir: tmpfiles instead of StateDirectory", module["tmpfiles"],
            ["d /run/nixtray 0750 root root - -", "d /srv/nixtray 0700 root root - -"])
    c.that("moved state dir: no StateDirectory", "StateDirectory" not in module["service"]["serviceConfig"])


def check_warnings_and_conflicts(c: Checks, nix: ThrowawayNix, repo: Path) -> None:
    unknown = inspect(nix, repo, {"enable": True, "settings": {"colour": "blue"}})["module"]
    c.that("an unknown setting is warned about",
           any("services.nixtray.settings.colour" in w for w in unknown["warnings"]), str(unknown["warnings"]))

    conflict = inspect(nix, repo, {"enable": True, "settings": {"group": "users"}})["module"]
    c.equal("settings.group conflicts with services.nixtray.group", conflict["conflicts"], ["group"])

    undeclared = inspect(nix, repo, {"enable": True, "group": "nixtray"})["module"]
    c.that("an undeclared group is warned about", any("nixtray is not declared" in w for w in undeclared["warnings"]),
           str(undeclared["warnings"]))

    disabled = inspect(nix, repo, {"enable": False})["module"]
    c.equal("enable = false: the module defines nothing", disabled["enabled"], False)


def cmake_project_version(repo: Path) -> str:
    match = re.search(r"project\(nixtray[^)]*VERSION ([0-9.]+)", (repo / "CMakeLists.txt").read_text())
    return match.group(1) if match else "?"


def check_flake_and_package(c: Checks, repo: Path, flake: dict) -> None:
    c.equal("flake: systems", sorted(flake["packages"]), SYSTEMS)
    c.that("flake: nixpkgs is an input", flake["nixpkgsUrl"].startswith("github:NixOS/nixpkgs"), flake["nixpkgsUrl"])
    c.equal("flake: nixosModules.default imports module.nix", flake["nixosModule"], [str(repo / "resources/nixos/module.nix")])
    c.equal("flake: nixosModules.nixtray is the same module", flake["nixosModuleAlias"], True)
    c.equal("flake: the overlay adds both packages", flake["overlayProvides"], ["nixtray", "nixtray-agent"])
    version = cmake_project_version(repo)
    for system in SYSTEMS:
        packages = flake["packages"][system]
        c.equal(f"{system}: packages", sorted(packages), ["default", "nixtray", "nixtray-agent"])
        for name, with_tray in (("nixtray-agent", False), ("nixtray", True)):
            p = packages.get(name)
            if p is None:
                continue
            what = f"{system}.{name}"
            c.equal(f"{what}: pname", p["pname"], name)
            c.equal(f"{what}: version is the CMake project's", p["version"], version)
            c.equal(f"{what}: mainProgram", p["meta"]["mainProgram"], name)
            c.that(f"{what}: platforms", set(SYSTEMS) <= set(p["meta"]["platforms"]), str(p["meta"]["platforms"]))
            c.that(f"{what}: description", bool(p["meta"].get("description")))
            c.equal(f"{what}: license (the repository's LICENSE)", p["meta"].get("license", {}).get("spdxId"), "MIT")
            c.that(f"{what}: build tools", {"cmake", "ninja", "pkg-config"} <= set(p["nativeBuildInputs"]))
            c.that(f"{what}: libraries", {"boost", "nlohmann_json", "systemd", "sqlite", "openssl"} <= set(p["buildInputs"]),
                   str(p["buildInputs"]))
            c.equal(f"{what}: wxGTK32 only with the tray", "wxGTK32" in p["buildInputs"], with_tray)
            c.that(f"{what}: NIXTRAY_BUILD_TRAY", f"-DNIXTRAY_BUILD_TRAY:BOOL={'TRUE' if with_tray else 'FALSE'}"
                   in p["cmakeFlags"], str(p["cmakeFlags"]))
            c.that(f"{what}: Catch2 with its prebuilt main",
                   any(i["pname"] == "catch2" and "-DCATCH_BUILD_STATIC_LIBRARY=ON" in i["cmakeFlags"]
                       for i in p["checkInputs"]), str(p["checkInputs"]))
            c.that(f"{what}: checkPhase runs the unit tests", "ctest -L unit" in p["checkPhase"], p["checkPhase"])
            c.equal(f"{what}: nixtrayctl removed from the agent package", "nixtrayctl" in p["postInstall"], not with_tray)
            c.equal(f"{what}: the agent is not wrapped (ExecStart, /proc/self/exe)", p["dontWrapGApps"], True)
            c.that(f"{what}: source set exists and stays in the repository",
                   all(f.startswith(str(repo) + "/") for f in p["src"]["files"]), str(p["src"]["files"]))
        c.equal(f"{system}: default is the agent", packages["default"]["pname"], "nixtray-agent")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", type=Path, required=True)
    args = parser.parse_args()
    if not nix_available():
        print("SKIP: nix-instantiate not found (Debian: nix-bin; scripts/install-deps installs it)")
        return SKIP
    repo = args.repo.resolve()
    settings = json.loads((repo / "resources/agent/settings.json").read_text())["settings"]

    c = Checks()
    with ThrowawayNix() as nix:
        defaults = inspect(nix, repo, {"enable": True})
        check_generated_options(c, settings, defaults["module"])
        check_defaults(c, settings, defaults["module"])
        check_tcp_and_settings(c, nix, repo)
        check_warnings_and_conflicts(c, nix, repo)
        check_flake_and_package(c, repo, defaults["flake"])
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
