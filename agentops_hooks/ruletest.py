"""`rules test`: every rule proves its `examples` (SPEC §12 cases) fail and pass as declared."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from agentops_hooks import agents, engine, message
from agentops_hooks.kinds import Scope, scope_of
from agentops_hooks.model import AgentVerdict, Commit, FileChange, Finding, Person, Rule, patch_of
from agentops_hooks.values import frozen


@frozen
class Outcome:
    """One example's result: which rule, which case, and what went wrong (None: proven)."""

    rule_id: str
    case: str
    problem: str | None


class Score:
    """The running count of `rules test`: examples proven, failed, rules untested."""

    __slots__ = ("proven", "failed", "untested")

    def __init__(self) -> None:
        self.proven = self.failed = self.untested = 0

    def add(self, outcome: Outcome) -> str | None:
        """Count one outcome; the line to print about it, if any."""
        if outcome.problem is None:
            self.proven += 1
            return None
        if outcome.problem.startswith("untested"):
            self.untested += 1
            return f"warning: {outcome.rule_id}: {outcome.problem}"
        self.failed += 1
        return f"FAIL {outcome.rule_id} {outcome.case}: {outcome.problem}"

    def summary(self, rules: int) -> str:
        """The closing line."""
        from agentops_hooks.formats.common import plural

        return (
            f"rules test: {plural(self.proven, 'example')} proven, {self.failed} failed, "
            f"{plural(self.untested, 'rule')} untested ({plural(rules, 'rule')})"
        )


def case_files(case: Mapping[str, Any], status: str = "A") -> tuple[FileChange, ...]:
    """The changed files a case lists (`path`, `status`, `old-path`, `binary`, `size`, `added` × `repeat`, `removed`)."""
    return tuple(
        FileChange(
            status=f.get("status", status),
            path=f["path"],
            old_path=f.get("old-path"),
            binary=f.get("binary", False),
            size=f.get("size"),
            patch=patch_of(tuple(f.get("added", ())) * f.get("repeat", 1), f.get("removed", ())),
        )
        for f in case.get("files", ())
    )


def case_commit(case: Mapping[str, Any], sha: str = "0" * 40) -> Commit:
    """The commit an example case describes."""
    name, _, email = str(case.get("author", "Dev <dev@example.com>")).partition(" <")
    files = case_files(case)
    text = case.get("message", "chore: example\n")
    return Commit(
        sha=sha,
        message=message.parse(text),
        files=files,
        author=Person(name, email.rstrip(">")),
        committer=Person(name, email.rstrip(">"), "2026-01-01T00:00:00+00:00"),
        source="example",
    )


def verdict_for(case: Mapping[str, Any], commit: Commit) -> AgentVerdict:
    """The verdict the case names, or the one detected from its message."""
    if "agent" in case:
        return AgentVerdict(case["agent"], (case["agent"],) if case["agent"] != "human" else (), ("example",))
    return agents.detect(commit)


def run(rules: Sequence[Rule]) -> Iterator[Outcome]:
    """Every example of every rule; a rule without examples yields one 'untested' outcome."""
    for rule in rules:
        examples = rule.examples or {}
        if not examples.get("fail") and not examples.get("pass"):
            yield Outcome(rule.id, "-", "untested: the rule has no examples")
            continue
        for expect in ("fail", "pass"):
            for i, case in enumerate(examples.get(expect) or (), start=1):
                hits = findings(rule, case)
                problem = None
                if expect == "fail" and not hits:
                    problem = "expected a finding, got none"
                elif expect == "pass" and hits:
                    problem = f"expected no finding, got: {hits[0].message}"
                yield Outcome(rule.id, f"{expect} #{i}", problem)


def findings(rule: Rule, case: Mapping[str, Any]) -> list[Finding]:
    """The rule's unwaived findings on a case: each of its `commits` on its own, or a range rule over them all."""
    cases = case.get("commits") or [case]
    commits = [case_commit(c, f"{n:07x}".ljust(40, "0")) for n, c in enumerate(cases, start=1)]
    results = [engine.check([rule], c, verdict_for(raw, c)) for raw, c in zip(cases, commits, strict=True)]
    found = [f for r in results for f in r.findings]
    if scope_of(rule) is Scope.RANGE:
        found = engine.check_range([rule], [engine.summarize(r) for r in results])
    return [f for f in found if f.rule_id == rule.id and f.waived is None]
