"""Kinds that read which files a commit touches: scope limits, protected paths, co-changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from agentops_hooks import agents
from agentops_hooks.kinds.history import CommitSummary, FileStat, area_of, in_range, stats
from agentops_hooks.model import Commit, Finding, Rule

CONFIG_FILES = "{config-files}"
OPERATIONS = {"A": "added", "C": "added", "M": "modified", "T": "modified", "D": "deleted", "R": "renamed"}
LIMITS = (  # parameter, what it counts
    ("max-files", "files changed"),
    ("max-lines-added", "lines added"),
    ("max-lines-deleted", "lines deleted"),
    ("max-lines", "lines added and deleted"),
    ("max-areas", "top-level areas touched"),
)


def scope(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """One commit's size and spread against the limits, and files outside `allowed`."""
    yield from _scope(rule, [(commit.sha, stats(commit.files))], per_range=False)


def scope_range(rule: Rule, commits: Sequence[CommitSummary]) -> Iterator[Finding]:
    """The same limits over a whole range (`per: range`)."""
    yield from _scope(rule, [(c.sha, c.files) for c in commits], per_range=True)


def _scope(rule: Rule, commits: Sequence[tuple[str | None, Sequence[FileStat]]], per_range: bool) -> Iterator[Finding]:
    ignore, allowed = rule.compiled.get("ignore"), rule.compiled.get("allowed")
    files: set[str] = set()
    areas: set[str] = set()
    added = removed = 0
    counted: list[str | None] = []
    outside: dict[str, list[str | None]] = {}
    for sha, changes in commits:
        counted_here = False
        for f in changes:
            if not rule.selects(f.path) or (ignore is not None and ignore.match_file(f.path)):
                continue
            counted_here = True
            files.add(f.path)
            areas.add(area_of(f.path))
            added, removed = added + f.added, removed + f.removed
            if allowed is not None and not allowed.match_file(f.path):
                outside.setdefault(f.path, []).append(sha)
        if counted_here:
            counted.append(sha)
    counts = {
        "max-files": len(files),
        "max-lines-added": added,
        "max-lines-deleted": removed,
        "max-lines": added + removed,
        "max-areas": len(areas),
    }
    where = f"the range ({len(counted)} commits): " if per_range else ""
    for name, what in LIMITS:
        limit = rule.param(name)
        if limit is None or counts[name] <= limit:
            continue
        listed = f" ({', '.join(sorted(areas))})" if name == "max-areas" else ""
        problem = f"{where}{counts[name]:,} {what}{listed} (limit {limit:,})"
        finding = rule.finding(problem=problem, count=str(counts[name]), limit=str(limit))
        yield in_range(finding, counted) if per_range else finding
    globs = ", ".join(rule.param("allowed", ()))
    for path, shas in outside.items():
        finding = rule.finding(path=path, problem=f"{path} is outside the allowed paths ({globs})")
        yield in_range(finding, shas) if per_range else finding


def protected_paths(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Changes to protected files, unless a person other than an agent (and the author) approved them."""
    spec = rule.compiled.get("protected")
    config_files = rule.compiled.get("config-files", frozenset())
    operations = set(rule.param("operations", OPERATIONS.values()))
    hits = []
    for change in commit.files:
        operation = OPERATIONS.get(change.status)
        if operation is None or operation not in operations:
            continue
        for path in (change.path, change.old_path):
            if path and (path in config_files or (spec is not None and spec.match_file(path))):
                hits.append((change.path, path, operation))
                break
    if not hits:
        return
    refused = _approval_problem(rule, commit)
    if refused is None:
        return
    for path, protected, operation in hits:
        problem = f"{protected} is protected ({operation}) and {refused}"
        yield rule.finding(path=path, operation=operation, problem=problem)


def _approval_problem(rule: Rule, commit: Commit) -> str | None:
    """None when one approval trailer holds; else why none does."""
    key = rule.param("approval-trailer", "Approved-by")
    values = commit.message.trailer_values(key)
    if not values:
        return f"the commit has no '{key}:' trailer naming a person"
    why = []
    for value in values:
        email = agents.email_of(value)
        if "@" not in email:
            why.append(f"'{key}: {value}' names no email address")
        elif "[bot]" in email.lower() or agents.is_agent_identity(value):
            why.append(f"'{key}: {value}' is an agent, not a person")
        elif rule.param("approver-not-author") and email.lower() == commit.author.email.lower():
            why.append(f"'{key}: {value}' is the commit's author; someone else must approve")
        else:
            return None
    return "; ".join(why)


def co_change(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """When files matching `when` change (in a commit whose subject matches `when-subject`), a `then` file must too."""
    when, then = rule.compiled["when"], rule.compiled["then"]
    subject = rule.compiled.get("when-subject")
    if subject is not None and not subject.search(commit.message.subject):
        return
    triggers = [c.path for c in commit.files if rule.selects(c.path) and when.match_file(c.path)]
    if not triggers or any(then.match_file(c.path) for c in commit.files):
        return
    wanted = ", ".join(rule.param("then"))
    more = f" (and {len(triggers) - 1} more)" if len(triggers) > 1 else ""
    yield rule.finding(path=triggers[0], problem=f"{triggers[0]}{more} changed, but no file matching {wanted} did")
