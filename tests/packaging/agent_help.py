"""What the agent binary says it accepts: `nixtray-agent --help` and `nixtray-agent serve --help`."""

import re
import subprocess
from pathlib import Path

# `serve` options that are switches of the command, not settings of /etc/nixtray/agent.json.
SERVE_SWITCHES = {"verbose"}


def _help(agent: Path, *args: str) -> str:
    result = subprocess.run([str(agent), *args, "--help"], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"{agent} {' '.join(args)} --help failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def _section(text: str, title: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == title:
            inside = True
        elif inside and line and not line.startswith(" "):
            break
        elif inside:
            lines.append(line)
    return lines


def serve_options(agent: Path) -> dict[str, str | None]:
    """{flag name: shown default or None} of the `serve` command's own options."""
    options = {}
    for line in _section(_help(agent, "serve"), "Options:"):
        match = re.match(r"\s+--([a-z0-9-]+)", line)
        if match:
            default = re.search(r"\[default: (.*)\]\s*$", line)
            options[match.group(1)] = default.group(1) if default else None
    if not options:
        raise RuntimeError("`nixtray-agent serve --help` lists no options: has its layout changed?")
    return options


def global_options(agent: Path) -> set[str]:
    return {m.group(1) for line in _section(_help(agent, "serve"), "Global options:")
            if (m := re.match(r"\s+--([a-z0-9-]+)", line))}


def commands(agent: Path) -> set[str]:
    return {line.split()[0] for line in _section(_help(agent), "Commands:") if line.strip()}
