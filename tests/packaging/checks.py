"""A list of named checks that reports every failure, not only the first."""

import sys


class Checks:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.count = 0

    def equal(self, what: str, actual, expected) -> None:
        self.that(what, actual == expected, f"got {actual!r}, expected {expected!r}")

    def that(self, what: str, ok: bool, detail: str = "") -> None:
        self.count += 1
        if not ok:
            self.failures.append(f"{what}: {detail}" if detail else what)

    def report(self) -> int:
        for failure in self.failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        print(f"{self.count - len(self.failures)} of {self.count} checks passed")
        return 1 if self.failures else 0
