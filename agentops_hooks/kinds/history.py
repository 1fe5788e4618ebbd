"""Range kinds and the light commit summary they read: no lines, only paths and counts.

A range kind is a fold: `add` one commit summary at a time (oldest first), `end` when the range
is over; each returns the findings it completed, with the summaries of the commits they name. A
fold keeps only what a finding may still need (a spiral, the commits of its current run), so a
range of any length is judged in flat memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import AgentVerdict, Commit, FileChange, Finding, Rule
from agentops_hooks.patterns import holds
from agentops_hooks.values import frozen, replace

SPIRAL_SUBJECT = r"(?i)^(fix|hotfix|revert|retry|again)|\b(fix|fixes|fixed|retry|again|take \d+|try \d+)\b"
SPIRAL = (
    Param("min-commits", 3),
    Param("subject-pattern", SPIRAL_SUBJECT, Form.REGEX),
    Param("area", "directory"),
    Param("live"),  # also at commit-msg time, over the branch's last N commits (live.py)
)


@frozen
class FileStat:
    """One file of a commit without its lines: path, status and line counts."""

    path: str
    status: str
    added: int = 0
    removed: int = 0
    old_path: str | None = None


@frozen
class CommitSummary:
    """What range kinds need of a commit; a long range keeps these, never the lines."""

    sha: str | None
    subject: str
    verdict: AgentVerdict
    files: tuple[FileStat, ...] = ()
    author_email: str = ""
    exempt: tuple[tuple[str, str], ...] = ()  # (rule id, reason) of the exemption trailers that hold
    date: str = ""  # committer date (ISO 8601)
    failed: frozenset[str] = frozenset()  # factors its own unwaived findings failed, and "*" when any did


Named = tuple[Finding, tuple[CommitSummary, ...]]  # a range finding and the summaries of the commits it names


class RangeFold(Protocol):
    """A range rule judging commits as they stream by."""

    def add(self, commit: CommitSummary) -> list[Named]:
        """Take the next commit; the findings it completed."""
        ...

    def end(self) -> list[Named]:
        """The range is over; the findings still open."""
        ...


def stats(files: Iterable[FileChange]) -> tuple[FileStat, ...]:
    """The files of a commit as counts."""
    return tuple(FileStat(f.path, f.status, f.count(), f.count(removed=True), f.old_path) for f in files)


def summarize(
    commit: Commit, verdict: AgentVerdict, exempt: Iterable[tuple[str, str]] = (), failed: frozenset[str] = frozenset()
) -> CommitSummary:
    """A commit reduced to its summary."""
    return CommitSummary(
        commit.sha,
        commit.message.subject,
        verdict,
        stats(commit.files),
        commit.author.email,
        tuple(exempt),
        commit.committer.date,
        failed,
    )


def area_of(path: str) -> str:
    """The top-level directory of a path (`src/`); files at the root are one area, `/`."""
    head, sep, _ = path.partition("/")
    return head + "/" if sep else "/"


def in_range(finding: Finding, shas: Iterable[str | None]) -> Finding:
    """A range finding: it names the commits involved instead of a line."""
    return replace(finding, commits=tuple(s for s in shas if s))


class Spiral:
    """Runs of consecutive fix/revert/retry commits on one area, each reported once."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.pattern = rule.compiled.regexes["subject-pattern"]  # the declared default when the rule sets none
        self.least = rule.param("min-commits")
        self.by_file = rule.param("area") == "file"
        self.run: list[tuple[CommitSummary, frozenset[str]]] = []  # the current run and each commit's areas

    def add(self, commit: CommitSummary) -> list[Named]:
        """The run this commit breaks, when it was long enough."""
        areas = _areas(commit, self.by_file) if holds(self.pattern, commit.subject) else frozenset()
        run = self.run
        if areas and run and _shared([*(a for _, a in run), areas]):
            run.append((commit, areas))
            return []
        found = self.end()
        self.run = [*_tail_sharing(run, areas), (commit, areas)] if areas else []
        return found

    def end(self) -> list[Named]:
        """The current run, when it is long enough."""
        return [_spiral_finding(self.rule, self.run)] if len(self.run) >= self.least else []


def _areas(commit: CommitSummary, by_file: bool) -> frozenset[str]:
    paths = {p for f in commit.files for p in (f.path, f.old_path) if p}
    return frozenset(paths if by_file else (area_of(p) for p in paths))


def _shared(areas: Sequence[frozenset[str]]) -> frozenset[str]:
    return frozenset.intersection(*areas) if areas else frozenset()


def _tail_sharing(
    run: list[tuple[CommitSummary, frozenset[str]]], areas: frozenset[str]
) -> list[tuple[CommitSummary, frozenset[str]]]:
    """The longest end of a broken run that shares an area with the next commit (a new run may overlap)."""
    start = len(run)
    while start > 0 and _shared([*(a for _, a in run[start - 1 :]), areas]):
        start -= 1
    return run[start:]


def _spiral_finding(rule: Rule, run: list[tuple[CommitSummary, frozenset[str]]]) -> Named:
    area = ", ".join(sorted(_shared([a for _, a in run])))
    listed = "; ".join(f"{(c.sha or 'staged')[:7]} {c.subject!r}" for c, _ in run)
    problem = f"{len(run)} fix/revert/retry commits in a row on {area}: {listed}"
    finding = rule.finding(problem=problem, area=area, count=str(len(run)))
    return in_range(finding, (c.sha for c, _ in run)), tuple(c for c, _ in run)
