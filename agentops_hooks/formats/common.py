"""What every format shares: the run's facts and the running totals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from agentops_hooks.engine import RANGE_FINDINGS
from agentops_hooks.model import CommitResult, Finding
from agentops_hooks.values import field, frozen


def is_range(result: CommitResult) -> bool:
    """Whether this result carries a whole range's findings (the last of a `range` stream), not a commit."""
    return result.commit.source == RANGE_FINDINGS


@frozen
class RunInfo:
    """Facts about this run that outputs mention."""

    version: str
    command: str
    color: bool = False
    verbose: bool = False
    blocking_note: str = ""
    rules: Mapping[str, RuleDoc] = field(default_factory=dict)  # rule id → what SARIF and JUnit describe


@frozen
class RuleDoc:
    """What outputs say about a rule besides its findings."""

    description: str
    hint: str = ""
    factor: str | None = None
    severity: str = "error"


class Totals:
    """Counts kept while results stream past; the exit code comes from here."""

    __slots__ = ("commits", "with_findings", "by_severity", "waived", "blocking", "range_findings")

    def __init__(self) -> None:
        self.commits = self.with_findings = self.waived = self.range_findings = 0
        self.by_severity = {"error": 0, "warning": 0, "info": 0}
        self.blocking = False

    def add(self, result: CommitResult) -> None:
        """Count one checked commit, or the range's own findings."""
        if is_range(result):
            self.range_findings += len(result.findings)
            for f in result.findings:
                self.count(f)
            return
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


def fingerprint(result: CommitResult, f: Finding) -> str:
    """Finding identity (SPEC §12): rule id + path + matched text (+ commit for message findings), no line."""
    import hashlib

    commit = (result.commit.sha or "") if f.path is None else ""
    key = "\0".join((f.rule_id, f.path or "", f.match or f.message, commit, ",".join(f.commits)))
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def message_location(result: CommitResult) -> str | None:
    """Where a commit-message finding is shown in file-based tools: the commit's first changed file."""
    paths = [c.path for c in result.commit.files if c.status != "D"]
    return paths[0] if paths else None


def each_finding(results: Iterable[CommitResult], totals: Totals) -> Iterator[tuple[CommitResult, Finding]]:
    """Every (result, finding) pair, counting results into the totals as they pass."""
    for result in results:
        totals.add(result)
        for f in result.findings:
            yield result, f
