"""Reading systemd unit files (the subset the packaging tests need) and writing NixOS unit
settings the way NixOS renders them, so the two can be compared."""

from pathlib import Path


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """{section: {key: [values, in order]}}; comments and blank lines skipped."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        if current is None or "=" not in line:
            raise ValueError(f"{path}: cannot read line {raw!r}")
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def systemd_value(value) -> str:
    """A NixOS serviceConfig/socketConfig value as it appears in the unit file NixOS writes."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return " ".join(systemd_value(v) for v in value)
    return str(value)


def same_setting(a: str, b: str) -> bool:
    """systemd reads yes/true/on/1 alike."""
    truthy, falsy = {"yes", "true", "on", "1"}, {"no", "false", "off", "0"}
    if a in truthy | falsy and b in truthy | falsy:
        return (a in truthy) == (b in truthy)
    return a == b
