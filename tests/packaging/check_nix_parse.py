#!/usr/bin/env python3
"""Every .nix file of the repository parses (nix-instantiate --parse, with a throwaway Nix)."""

import argparse
import os
import sys
from pathlib import Path

from throwaway_nix import SKIP, ThrowawayNix, nix_available


def nix_files(repo: Path) -> list[Path]:
    found = []
    for directory, subdirs, files in os.walk(repo):
        # Build trees (build/, or any directory CMake configured) and Git's own files are not sources.
        subdirs[:] = sorted(
            d for d in subdirs if d != ".git" and not (Path(directory) / d / "CMakeCache.txt").exists()
        )
        if Path(directory) == repo and "build" in subdirs:
            subdirs.remove("build")
        found += [Path(directory) / f for f in sorted(files) if f.endswith(".nix")]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", type=Path, required=True)
    args = parser.parse_args()
    if not nix_available():
        print("SKIP: nix-instantiate not found (Debian: nix-bin; scripts/install-deps installs it)")
        return SKIP

    files = nix_files(args.repo.resolve())
    must_have = {"flake.nix", "resources/nixos/package.nix", "resources/nixos/module.nix"}
    missing = must_have - {str(f.relative_to(args.repo.resolve())) for f in files}
    failures = [f"missing: {name}" for name in sorted(missing)]
    with ThrowawayNix() as nix:
        for file in files:
            result = nix.parse(file)
            status = "ok" if result.returncode == 0 else "FAILED"
            print(f"{status}: {file.relative_to(args.repo.resolve())}")
            if result.returncode != 0:
                failures.append(f"{file}: {result.stderr.strip()}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    print(f"{len(files)} Nix files parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
