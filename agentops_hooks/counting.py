"""The one counter results stream past: it decides the exit code, formatters only read its numbers.

    totals = Totals()
    for line in render(totals.counted(results), run, totals): ...
    return totals.exit_code

A formatter reads `totals` only after it has consumed the stream (its summary line): by then
every result has been counted, whatever the format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agentops_hooks.errors import ExitCode
from agentops_hooks.model import Checked, Finding, RangeFindings


class Totals:
    """Counts kept while results stream past; the exit code comes from here."""

    __slots__ = ("commits", "with_findings", "by_severity", "waived", "blocking", "range_findings")

    def __init__(self) -> None:
        self.commits = self.with_findings = self.waived = self.range_findings = 0
        self.by_severity = {"error": 0, "warning": 0, "info": 0}
        self.blocking = False

    def counted(self, results: Iterable[Checked]) -> Iterator[Checked]:
        """The same results, each counted as it passes."""
        for result in results:
            self.add(result)
            yield result

    def add(self, result: Checked) -> None:
        """Count one checked commit, or the range's own findings."""
        if isinstance(result, RangeFindings):
            self.range_findings += len(result.findings)
        else:
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

    @property
    def exit_code(self) -> int:
        """1 when any unwaived error finding blocks, else 0."""
        return ExitCode.FINDINGS if self.blocking else ExitCode.OK
