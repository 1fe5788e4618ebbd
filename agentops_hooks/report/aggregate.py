"""A pure accumulator over CommitResults: counts and small top-N lists, one commit at a time.

Nothing here keeps a commit: each result is read, counted and dropped, so a report over a long
history holds counts and a few bounded lists. Range rules run here (engine.RangeRun), so each
range finding arrives as soon as it is complete, with the summaries of the commits it names.
"""

from __future__ import annotations

import collections
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from agentops_hooks import exemptions
from agentops_hooks import message as msg
from agentops_hooks.engine import RangeRun, applies, summarize
from agentops_hooks.kinds.history import CommitSummary, Named
from agentops_hooks.kinds.message import NA, commit_type
from agentops_hooks.model import Commit, CommitResult, Finding, Message, Rule
from agentops_hooks.report import document as doc
from agentops_hooks.report.mining import Miner

TOP = 10  # largest commits
KEPT = 200  # findings kept for the table (the most recent)
RECENT = 50  # learnings kept in a report (`agentops-check learnings` lists them all)
EXEMPTIONS_KEPT = 100  # distinct (rule, by, reason) rows


def learning(message: Message) -> str | None:
    """The text of a message's `Learning:` section on one line, if it has real content."""
    hit = msg.sections(message, doc.SECTIONS).get("learning")  # every header ends the one before
    text = " ".join(hit[1].split()) if hit else ""
    return text if text and not NA.match(text) else None


def section_aliases(rules: Iterable[Rule]) -> dict[str, str]:
    """Aliases the config's message-sections rules accept (`Why` → `context`)."""
    out: dict[str, str] = {}
    for r in rules:
        if r.kind == "message-sections":
            out.update({k.lower(): v.lower() for k, v in (r.param("aliases") or {}).items()})
    return out


def present_sections(message: Message, aliases: dict[str, str]) -> tuple[str, ...]:
    """Which of Context/Solution/Learning/Impact the message carries with content (N/A is not content)."""
    found = msg.sections_with_aliases(message, doc.SECTIONS, aliases)
    return tuple(s for s in doc.SECTIONS if (hit := found.get(s.lower())) and hit[1] and not NA.match(hit[1]))


class Week:
    """One week's counts, kept small (a long history has a row per week): by verdict, commits
    counted, checked and failed, and per agent."""

    __slots__ = ("counts", "agents")
    FIELDS = ("by_verdict", "checked", "failed")

    def __init__(self) -> None:
        self.counts = [0] * (len(self.FIELDS) * len(doc.VERDICTS))
        self.agents: dict[str, list[int]] = {}

    def add(self, what: str, verdict: str, n: int = 1) -> None:
        """Count `n` commits of a verdict under `what` (one of FIELDS)."""
        self.counts[self.FIELDS.index(what) * 3 + doc.VERDICTS.index(verdict)] += n

    def add_agent(self, name: str, verdict: str) -> None:
        """Count one commit of an agent."""
        self.agents.setdefault(name, [0, 0, 0])[doc.VERDICTS.index(verdict)] += 1

    def counted(self, what: str) -> tuple[int, ...]:
        """The counts under `what`, in the order of doc.VERDICTS."""
        at = self.FIELDS.index(what) * 3
        return tuple(self.counts[at : at + 3])


def _lines(commit: Commit) -> tuple[int, int]:
    return sum(f.count() for f in commit.files), sum(f.count(removed=True) for f in commit.files)


@dataclass(slots=True)
class Accumulator:
    """Running counts of a report; `add` one result at a time, then `document`."""

    rules: tuple[Rule, ...]
    ignored: Callable[[Commit], bool] = lambda c: False
    policy: exemptions.Policy | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    commits: dict[str, int] = field(default_factory=doc.counts)
    checked: dict[str, int] = field(default_factory=doc.counts)
    failed: dict[str, int] = field(default_factory=doc.counts)
    agents: dict[str, dict[str, int]] = field(default_factory=dict)
    agent_checks: dict[str, list[int]] = field(default_factory=dict)  # agent → [checked, failed]
    attribution: list[int] = field(default_factory=lambda: [0, 0, 0])  # noted commits, AI lines, added lines
    weeks: dict[str, Week] = field(default_factory=dict)
    rule_counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    factor_counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    sections: dict[str, dict[str, int]] = field(default_factory=dict)
    conventional: dict[str, int] = field(default_factory=doc.counts)
    exemptions: dict[tuple[str, str, str], dict[str, int]] = field(default_factory=dict)
    exemption_counts: dict[str, int] = field(default_factory=doc.counts)
    exemptions_by: dict[str, int] = field(default_factory=lambda: dict.fromkeys(doc.WAIVERS, 0))
    finding_counts: dict[str, int] = field(default_factory=doc.counts)
    findings: collections.deque[dict[str, Any]] = field(default_factory=lambda: collections.deque(maxlen=KEPT))
    largest: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    learning_counts: dict[str, int] = field(default_factory=doc.counts)
    learnings: collections.deque[dict[str, Any]] = field(default_factory=lambda: collections.deque(maxlen=RECENT))
    spirals: list[dict[str, Any]] = field(default_factory=list)
    ranges: RangeRun = field(init=False)
    marks: dict[str, frozenset[str]] = field(
        default_factory=dict
    )  # sha → factors failed, of commits range findings name
    named: set[tuple[str, str]] = field(default_factory=set)  # (rule id, sha) already counted as failed
    seq: int = 0
    applied: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # verdict → rule ids, factors
    by_share: bool = False  # a rule sets min-ai-share: which rules apply depends on the AI share too
    miner: Miner = field(default_factory=Miner)  # recurring learnings and fix-after-agent groups (Factor IX)

    def __post_init__(self) -> None:
        self.ranges = RangeRun(self.rules, self.policy)
        self.rule_counts = {r.id: doc.checked_failed() for r in self.rules}
        self.factor_counts = {f: doc.checked_failed() for f in doc.FACTORS}
        self.sections = {s: doc.counts() for s in (*doc.SECTIONS, "complete")}
        self.aliases = self.aliases or section_aliases(self.rules)
        self.by_share = any(r.min_ai_share is not None for r in self.rules)

    def add(self, result: CommitResult) -> None:
        """Count one judged commit (range rules run here, as the commits pass: the stream has no RangeFindings)."""
        c, v = result.commit, result.agent.kind
        self.seq += 1
        week = self._week(doc.iso_week(c.committer.date))
        self.commits[v] += 1
        week.add("by_verdict", v)
        for name in result.agent.agents or (("unknown",) if v != "human" else ()):
            self.agents.setdefault(name, doc.counts())[v] += 1
            week.add_agent(name, v)
        if not self.ignored(c):
            self._judged(result, week)
        self._noted(result)
        self._message(result)
        self._findings(result)
        self._size(result)
        self.miner.commit(result)

    def _week(self, key: str) -> Week:
        week = self.weeks.get(key)
        if week is None:
            week = self.weeks[key] = Week()
        return week

    def _judged(self, result: CommitResult, week: Week) -> None:
        v = result.agent.kind
        applied, applied_factors = self._applied(result)
        failing = {f.rule_id: f.factor for f in result.findings if f.waived is None}
        self._per_agent(result, bool(applied), bool(failing))
        for rule_id in applied:
            self.rule_counts[rule_id]["checked"][v] += 1
        for factor in applied_factors:
            self.factor_counts[factor]["checked"][v] += 1
        for rule_id in failing:
            self.rule_counts.setdefault(rule_id, doc.checked_failed())["failed"][v] += 1
        factors = frozenset(f for f in failing.values() if f in self.factor_counts)
        for factor in factors:
            self.factor_counts[factor]["failed"][v] += 1
        self.checked[v] += bool(applied)
        self.failed[v] += bool(failing)
        week.add("checked", v, bool(applied))
        week.add("failed", v, bool(failing))
        if self.ranges and result.commit.sha:
            self._add_range(self.ranges.add(summarize(result, self.policy)))

    def _applied(self, result: CommitResult) -> tuple[list[str], list[str]]:
        """The ids and factors of the rules that judge this commit, decided once per verdict
        (and per AI share when a rule sets min-ai-share)."""
        a = result.agent
        key = f"{a.kind}:{a.rule_share()}" if self.by_share else a.kind
        if key not in self.applied:
            rules = [r for r in self.rules if applies(r, a)]
            self.applied[key] = ([r.id for r in rules], sorted({r.factor for r in rules if r.factor}))
        return self.applied[key]

    def _per_agent(self, result: CommitResult, checked: bool, failed: bool) -> None:
        """Checked and failed commits per agent: an agent's pass rate."""
        if not checked:
            return
        for name in result.agent.agents or (("unknown",) if result.agent.kind != "human" else ()):
            counts = self.agent_checks.setdefault(name, [0, 0])
            counts[0] += 1
            counts[1] += failed

    def _noted(self, result: CommitResult) -> None:
        """Commits with an attribution note: their AI-written and all added lines."""
        a = result.agent
        if a.ai_lines is not None and a.added_lines is not None:
            self.attribution[0] += 1
            self.attribution[1] += a.ai_lines
            self.attribution[2] += a.added_lines

    def _message(self, result: CommitResult) -> None:
        c, v = result.commit, result.agent.kind
        present = present_sections(c.message, self.aliases)
        for name in present:
            self.sections[name][v] += 1
        self.sections["complete"][v] += len(present) == len(doc.SECTIONS)
        self.conventional[v] += commit_type(c.message.subject) is not None
        if (text := learning(c.message)) is not None:
            self.learning_counts[v] += 1
            self.learnings.append(doc.commit_item(c, v, text=text))
            self.miner.learning(c.sha, text)

    def _findings(self, result: CommitResult) -> None:
        v = result.agent.kind
        for f in result.findings:
            if f.waived is not None:
                self._exempt(f, v)
            else:
                self.finding_counts[v] += 1
            self.findings.append(doc.finding_item(f, result.commit, v))

    def _exempt(self, f: Finding, verdict: str) -> None:
        assert f.waived is not None
        self.exemption_counts[verdict] += 1
        self.exemptions_by[f.waived.by] += 1
        key = (f.rule_id, f.waived.by, f.waived.reason)
        if key in self.exemptions or len(self.exemptions) < EXEMPTIONS_KEPT:
            self.exemptions.setdefault(key, doc.counts())[verdict] += 1

    def _size(self, result: CommitResult) -> None:
        added, removed = _lines(result.commit)
        key = (added + removed, -self.seq)  # ties: the older commit stays
        if len(self.largest) >= TOP and key <= self.largest[0][:2]:
            return
        item = doc.commit_item(result.commit, result.agent.kind, added=added, removed=removed)
        item["files"] = len(result.commit.files)
        push = heapq.heappush if len(self.largest) < TOP else heapq.heapreplace
        push(self.largest, (*key, item))

    def _add_range(self, found: Iterable[Named]) -> None:
        for f, commits in found:
            verdict = commits[-1].verdict.kind if commits else "human"
            self.spirals.append(doc.spiral_item(f, verdict))
            if f.waived is not None:
                self._exempt(f, verdict)
                continue
            self.finding_counts[verdict] += 1
            for c in commits:
                self._range_failed(f, c)

    def _range_failed(self, f: Finding, c: CommitSummary) -> None:
        if c.sha is None or (f.rule_id, c.sha) in self.named:
            return
        self.named.add((f.rule_id, c.sha))
        v, factors = c.verdict.kind, self.marks.get(c.sha, c.failed)  # "*" in factors: it failed something already
        self.rule_counts.setdefault(f.rule_id, doc.checked_failed())["failed"][v] += 1
        if f.factor in self.factor_counts and f.factor not in factors:
            self.factor_counts[f.factor]["failed"][v] += 1
        if "*" not in factors:
            self.failed[v] += 1
            self.weeks[doc.iso_week(c.date)].add("failed", v)
        self.marks[c.sha] = factors | {"*", f.factor or "*"}

    def document(self, meta: dict[str, Any]) -> dict[str, Any]:
        """The report as its JSON document (schema_version 1): counts first, derived shares after.

        Once, when the range is over: its open range findings are counted, its weeks become rows."""
        self._add_range(self.ranges.end())
        return doc.build(self, meta)
