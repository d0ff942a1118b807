"""A throwaway Nix for the packaging tests: Debian's nix-instantiate with its store, state, logs,
configuration and home relocated into a temporary directory, so the host's /nix and its Nix
configuration are never read or written. Evaluation only: nothing is built or fetched."""

import json
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

SKIP = 77  # CTest's SKIP_RETURN_CODE for these tests


def timeout_factor() -> float:
    try:
        return max(1.0, float(os.environ.get("NIXTRAY_TEST_TIMEOUT_FACTOR", "1")))
    except ValueError:
        return 1.0


class ThrowawayNix:
    def __init__(self) -> None:
        self.program = shutil.which("nix-instantiate")
        self.root = Path(tempfile.mkdtemp(prefix="nixtray-packaging-"))
        for sub in ("tmp", "etc", "home"):
            (self.root / sub).mkdir()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "NIX_STORE_DIR": str(self.root / "store"),
            "NIX_STATE_DIR": str(self.root / "state"),
            "NIX_LOG_DIR": str(self.root / "state" / "log"),
            "NIX_CONF_DIR": str(self.root / "etc"),
            "NIX_REMOTE": "local",
            "NIX_CONFIG": "substituters =\nbuild-users-group =\nsandbox = false\n",
            "NIX_PATH": "",
            "HOME": str(self.root / "home"),
            "XDG_CACHE_HOME": str(self.root / "home" / ".cache"),
            "XDG_CONFIG_HOME": str(self.root / "home" / ".config"),
            "XDG_CONFIG_DIRS": str(self.root / "etc"),
            "NIX_USER_CONF_FILES": str(self.root / "etc" / "nix-user.conf"),
            "TMPDIR": str(self.root / "tmp"),
        }

    def __enter__(self) -> "ThrowawayNix":
        return self

    def __exit__(self, *_exc) -> None:
        # Nix makes store paths read-only; give write permission back so they can be removed.
        def make_writable_and_retry(function, path, _info):
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, stat.S_IRWXU)
            function(path)

        shutil.rmtree(self.root, onerror=make_writable_and_retry)

    def run(self, args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.program, "--readonly-mode", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120 * timeout_factor(),
        )

    def parse(self, file: Path) -> subprocess.CompletedProcess:
        return self.run(["--parse", str(file)])

    def eval_json(self, file: Path, **string_args: str):
        """Evaluates FILE (a function of string arguments) strictly and returns its value."""
        args = ["--eval", "--strict", "--json", str(file)]
        for name, value in string_args.items():
            args += ["--argstr", name, value]
        result = self.run(args)
        if result.returncode != 0:
            raise RuntimeError(f"nix-instantiate --eval {file} failed:\n{result.stderr}")
        return json.loads(result.stdout)


def inspect(nix: ThrowawayNix, repo: Path, scenario: dict) -> dict:
    """flake.nix, package.nix and module.nix evaluated with the stand-ins (nix/inspect.nix) for the
    given services.nixtray definitions."""
    return nix.eval_json(
        Path(__file__).parent / "nix" / "inspect.nix", repo=str(repo.resolve()), scenario=json.dumps(scenario)
    )


def nix_available() -> bool:
    return shutil.which("nix-instantiate") is not None
