#!/usr/bin/env python3
"""The plain systemd units (resources/systemd), as `cmake --install` installs them.

  install: the install rule puts both units in the unit directory, with ExecStart naming the
           installed agent and no @placeholder@ left.
  verify:  `systemd-analyze verify` accepts them (offline: it loads the units into a test manager
           and talks to no running systemd), with ExecStart pointed at the built agent so its
           "is executable" check sees a real binary.

Both install into this test's temporary directory (DESTDIR) by running the install script of
resources/ alone, which writes no install manifest into the build tree."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from checks import Checks
from throwaway_nix import SKIP, timeout_factor
from unit_file import read_unit

UNITS = ("nixtray-agent.socket", "nixtray-agent.service")


def install_units(build_dir: Path, destdir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["cmake", "-DCMAKE_INSTALL_COMPONENT=systemd-units", "-P", str(build_dir / "resources" / "cmake_install.cmake")],
        env=os.environ | {"DESTDIR": str(destdir)},
        capture_output=True,
        text=True,
        timeout=60 * timeout_factor(),
    )


def check_install(c: Checks, args, installed: Path) -> None:
    for unit in UNITS:
        c.that(f"{unit} installed in {args.unit_dir}", (installed / unit).is_file())
    if not all((installed / unit).is_file() for unit in UNITS):
        return
    for unit in UNITS:
        c.that(f"{unit}: no placeholder left", "@" not in (installed / unit).read_text())
    service = read_unit(installed / "nixtray-agent.service")
    c.equal("ExecStart names the installed agent", service["Service"]["ExecStart"],
            [f"{args.bindir}/nixtray-agent serve"])
    c.equal("the socket unit is installed as it is", (installed / "nixtray-agent.socket").read_text(),
            (args.repo / "resources/systemd/nixtray-agent.socket").read_text())


def check_verify(c: Checks, args, installed: Path, scratch: Path) -> None:
    units = scratch / "units"
    units.mkdir()
    for unit in UNITS:
        text = (installed / unit).read_text().replace(f"{args.bindir}/nixtray-agent", str(args.agent.resolve()))
        (units / unit).write_text(text)
    (scratch / "tmp").mkdir()
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(units / unit) for unit in UNITS)],
        env=os.environ | {"TMPDIR": str(scratch / "tmp"), "SYSTEMD_LOG_LEVEL": "warning"},
        capture_output=True,
        text=True,
        timeout=120 * timeout_factor(),
    )
    print(result.stdout + result.stderr)
    c.equal("systemd-analyze verify exit status", result.returncode, 0)
    about_ours = [line for line in result.stderr.splitlines() if "nixtray-agent" in line]
    c.equal("systemd-analyze verify: no complaint about our units", about_ours, [])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["install", "verify"])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--unit-dir", required=True, help="absolute unit directory the install rule uses")
    parser.add_argument("--bindir", required=True, help="CMAKE_INSTALL_FULL_BINDIR")
    parser.add_argument("--agent", type=Path, required=True, help="the built nixtray-agent")
    args = parser.parse_args()
    if args.what == "verify" and shutil.which("systemd-analyze") is None:
        print("SKIP: systemd-analyze not found")
        return SKIP

    c = Checks()
    scratch = Path(tempfile.mkdtemp(prefix="nixtray-units-"))
    try:
        destdir = scratch / "dest"
        result = install_units(args.build_dir, destdir)
        c.equal("the install script runs", result.returncode, 0)
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            return c.report()
        installed = destdir / args.unit_dir.lstrip("/")
        if args.what == "install":
            check_install(c, args, installed)
        else:
            check_verify(c, args, installed, scratch)
    finally:
        shutil.rmtree(scratch)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
