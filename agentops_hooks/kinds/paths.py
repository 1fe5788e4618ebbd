"""Kinds that read which files a commit touches: scope limits, protected paths, co-changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

from agentops_hooks.approvals import DEFAULT
from agentops_hooks.kinds.history import CommitSummary, FileStat, Named, area_of, in_range, stats
from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import Commit, Finding, Rule, Waiver
from agentops_hooks.values import replace

CONFIG_FILES = "{config-files}"
OPERATIONS = {"A": "added", "C": "added", "M": "modified", "T": "modified", "D": "deleted", "R": "renamed"}
T = TypeVar("T")
LIMITS = (  # parameter, what it counts
    ("max-files", "files changed"),
    ("max-lines-added", "lines added"),
    ("max-lines-deleted", "lines deleted"),
    ("max-lines", "lines added and deleted"),
    ("max-areas", "top-level areas touched"),
)
SCOPE = (
    *(Param(name) for name, _ in LIMITS),
    Param("ignore", form=Form.GLOBS),
    Param("allowed", form=Form.GLOBS),
    Param("per", "commit"),
)
PROTECTED_PATHS = (
    Param("protected", form=Form.GLOBS),
    Param("operations", tuple(dict.fromkeys(OPERATIONS.values()))),
    Param("approval-trailer", "Approved-by"),
    Param("approver-not-author", False),
    Param("over-lines"),
    Param("over-areas"),
)
CO_CHANGE = (Param("when", form=Form.GLOBS), Param("when-subject", form=Form.REGEX), Param("then", form=Form.GLOBS))


def scope(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """One commit's size and spread against the limits, and files outside `allowed`."""
    tally: _Tally[str | None] = _Tally(rule)
    tally.add(commit.sha, stats(commit.files))
    yield from (finding for finding, _ in tally.findings(per_range=False))


class ScopeRange:
    """The same limits over a whole range (`per: range`), counted as the commits stream by."""

    def __init__(self, rule: Rule) -> None:
        self.tally: _Tally[CommitSummary] = _Tally(rule)

    def add(self, commit: CommitSummary) -> list[Named]:
        """Count the commit (its summary is kept without files: the findings name every counted commit)."""
        self.tally.add(replace(commit, files=()), commit.files)
        return []

    def end(self) -> list[Named]:
        """The limits the range went over, and the files outside `allowed`."""
        return [(in_range(f, (c.sha for c in who)), tuple(who)) for f, who in self.tally.findings(per_range=True)]


class _Tally(Generic[T]):
    """Files, areas and lines counted against a scope rule's limits, one commit (`who`) at a time."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.ignore, self.allowed = rule.compiled.globs("ignore"), rule.compiled.globs("allowed")
        self.files: set[str] = set()
        self.areas: set[str] = set()
        self.added = self.removed = 0
        self.counted: list[T] = []
        self.outside: dict[str, list[T]] = {}

    def add(self, who: T, changes: Sequence[FileStat]) -> None:
        """Count the files of one commit that the rule selects."""
        counted_here = False
        for f in changes:
            if not self.rule.selects(f.path) or (self.ignore is not None and self.ignore.match_file(f.path)):
                continue
            counted_here = True
            self.files.add(f.path)
            self.areas.add(area_of(f.path))
            self.added, self.removed = self.added + f.added, self.removed + f.removed
            if self.allowed is not None and not self.allowed.match_file(f.path):
                self.outside.setdefault(f.path, []).append(who)
        if counted_here:
            self.counted.append(who)

    def findings(self, per_range: bool) -> Iterator[tuple[Finding, list[T]]]:
        """Each limit gone over, and each file outside `allowed`, with the commits that count."""
        rule = self.rule
        counts = {
            "max-files": len(self.files),
            "max-lines-added": self.added,
            "max-lines-deleted": self.removed,
            "max-lines": self.added + self.removed,
            "max-areas": len(self.areas),
        }
        where = f"the range ({len(self.counted)} commits): " if per_range else ""
        for name, what in LIMITS:
            limit = rule.param(name)
            if limit is None or counts[name] <= limit:
                continue
            listed = f" ({', '.join(sorted(self.areas))})" if name == "max-areas" else ""
            problem = f"{where}{counts[name]:,} {what}{listed} (limit {limit:,})"
            yield rule.finding(problem=problem, count=str(counts[name]), limit=str(limit)), self.counted
        globs = ", ".join(rule.param("allowed") or ())
        for path, who in self.outside.items():
            yield rule.finding(path=path, problem=f"{path} is outside the allowed paths ({globs})"), who


def protected_paths(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Changes to protected files, or a commit over `over-lines`/`over-areas`, unless a person other
    than an agent (and the author) approved them (Factor VIII: the gate scales with the risk).

    An agent's commit approved by its own `Approved-by:` line gets its findings shown as waived by
    that approval, marked unverified unless `approvals: signed` found it signed (approvals.py).
    """
    hits = [*_protected_hits(rule, commit), *_risk_hits(rule, commit)]
    if not hits:
        return
    approvals = rule.compiled.approvals or DEFAULT
    key = rule.param("approval-trailer")
    outcome = approvals.judge(
        commit.message.trailer_values(key), key, commit, rule.id, approvals.agent, rule.param("approver-not-author")
    )
    if outcome.problem is None and not approvals.agent:
        return
    for path, what, operation in hits:
        if outcome.problem is None:
            problem = f"{what} and {outcome.note}"
            yield replace(
                rule.finding(path=path, operation=operation, problem=problem), waived=Waiver("trailer", outcome.note)
            )
        else:
            yield rule.finding(path=path, operation=operation, problem=f"{what} and {outcome.problem}")


def _protected_hits(rule: Rule, commit: Commit) -> list[tuple[str | None, str, str]]:
    """(path, what is protected, operation) for each change the rule guards."""
    spec = rule.compiled.globs("protected")
    config_files = rule.compiled.config_files
    operations = set(rule.param("operations"))
    hits: list[tuple[str | None, str, str]] = []
    for change in commit.files:
        operation = OPERATIONS.get(change.status)
        if operation is None or operation not in operations:
            continue
        for path in (change.path, change.old_path):
            if path and (path in config_files or (spec is not None and spec.match_file(path))):
                hits.append((change.path, f"{path} is protected ({operation})", operation))
                break
    return hits


def _risk_hits(rule: Rule, commit: Commit) -> list[tuple[str | None, str, str]]:
    """The commit itself, when its size or spread (files the rule selects) is over a threshold."""
    most_lines, most_areas = rule.param("over-lines"), rule.param("over-areas")
    if most_lines is None and most_areas is None:
        return []
    counted = [f for f in stats(commit.files) if rule.selects(f.path)]
    lines = sum(f.added + f.removed for f in counted)
    areas = sorted({area_of(f.path) for f in counted})
    hits: list[tuple[str | None, str, str]] = []
    if most_lines is not None and lines > most_lines:
        hits.append((None, f"the commit changes {lines:,} lines (approval needed over {most_lines:,})", "size"))
    if most_areas is not None and len(areas) > most_areas:
        listed = ", ".join(areas)
        hits.append((None, f"the commit touches {len(areas)} areas ({listed}; approval needed over {most_areas})", "spread"))
    return hits


def co_change(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """When files matching `when` change (in a commit whose subject matches `when-subject`), a `then` file must too."""
    when, then = rule.compiled.globsets["when"], rule.compiled.globsets["then"]
    subject = rule.compiled.regex("when-subject")
    if subject is not None and not subject.search(commit.message.subject):
        return
    triggers = [c.path for c in commit.files if rule.selects(c.path) and when.match_file(c.path)]
    if not triggers or any(then.match_file(c.path) for c in commit.files):
        return
    wanted = ", ".join(rule.param("then"))
    more = f" (and {len(triggers) - 1} more)" if len(triggers) > 1 else ""
    yield rule.finding(path=triggers[0], problem=f"{triggers[0]}{more} changed, but no file matching {wanted} did")
