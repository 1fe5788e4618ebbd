"""What every format shares: the run's facts and the running totals."""

from __future__ import annotations

from dataclasses import dataclass, field

from agentops_hooks.model import CommitResult, Finding


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Facts about this run that outputs mention."""

    version: str
    command: str
    color: bool = False
    verbose: bool = False
    blocking_note: str = ""


@dataclass(slots=True)
class Totals:
    """Counts kept while results stream past; the exit code comes from here."""

    commits: int = 0
    with_findings: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    waived: int = 0
    blocking: bool = False

    def add(self, result: CommitResult) -> None:
        """Count one checked commit."""
        self.commits += 1
        self.with_findings += bool(result.findings)
        for f in result.findings:
            self.count(f)

    def count(self, f: Finding) -> None:
        """Count one finding."""
        if f.waived is not None:
            self.waived += 1
            return
        self.by_severity[f.severity] += 1
        self.blocking = self.blocking or f.blocking


def plural(n: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{n} {word}{'' if n == 1 else 's'}"
