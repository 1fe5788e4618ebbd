"""`backtest`: what rules would have caught across history, counted while one `git log` streams by.

Nothing but counters and at most a few sample findings per rule is kept, so memory stays flat
whatever the history size (SPEC §8, §11); the JSON shape is SPEC §12's backtest shape.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentops_hooks.errors import ExitCode, UsageError
from agentops_hooks.model import Checked, Finding, RangeFindings, Rule
from agentops_hooks.values import frozen, replace

if TYPE_CHECKING:
    from agentops_hooks.context import Context

SCHEMA_VERSION = 1
MAX_SAMPLES = 5
VERDICTS = ("ai", "automation", "human")


@frozen
class Hit:
    """A commit a rule caught: its sha and committer date."""

    sha: str
    date: str


@frozen
class RuleTally:
    """One rule's backtest: commits hit, first and last hit, the agent/human split, a few samples."""

    rule_id: str
    commits_hit: int = 0
    first_hit: Hit | None = None
    last_hit: Hit | None = None
    by_verdict: tuple[tuple[str, int], ...] = tuple((v, 0) for v in VERDICTS)
    samples: tuple[tuple[str, Finding], ...] = ()  # (commit sha, finding)


@frozen
class Backtest:
    """The whole answer: the range scanned, how many commits, one tally per rule."""

    range: str
    commits: int
    rules: tuple[RuleTally, ...]


@dataclass(slots=True)
class _Counter:
    """The running count of one rule (mutable on purpose: it is updated once per commit)."""

    rule_id: str
    hits: int = 0
    first: Hit | None = None
    last: Hit | None = None
    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    samples: list[tuple[str, Finding]] = field(default_factory=list)

    def add(self, sha: str, date: str, verdict: str, findings: Sequence[Finding]) -> None:
        hit = Hit(sha, date)
        self.hits += 1
        self.first = self.first or hit
        self.last = hit
        self.verdicts[verdict] = self.verdicts.get(verdict, 0) + 1
        for f in findings:
            if len(self.samples) < MAX_SAMPLES:
                self.samples.append((sha, f))

    def frozen(self) -> RuleTally:
        return RuleTally(
            self.rule_id, self.hits, self.first, self.last, tuple(self.verdicts.items()), tuple(self.samples)
        )


def tally(results: Iterable[Checked], rule_ids: Sequence[str], range_label: str) -> Backtest:
    """Count, per rule, the commits whose unwaived findings it produced; results are read once and dropped."""
    counters = {rid: _Counter(rid) for rid in rule_ids}
    commits = 0
    for result in results:
        if isinstance(result, RangeFindings):  # range rules: each finding names its commits
            for f in result.findings:
                if f.waived is None and f.rule_id in counters:
                    for sha in f.commits:
                        counters[f.rule_id].add(sha, "", "human", [f] if sha == f.commits[0] else [])
            continue
        commits += 1
        by_rule: dict[str, list[Finding]] = {}
        for f in result.findings:
            if f.waived is None and f.rule_id in counters:
                by_rule.setdefault(f.rule_id, []).append(f)
        c = result.commit
        for rid, found in by_rule.items():
            counters[rid].add(c.sha or "", c.committer.date, result.agent.kind, found)
    return Backtest(range_label, commits, tuple(counters[r].frozen() for r in rule_ids))


def select_rules(target: str, effective: Sequence[Rule], builtin: Sequence[Rule] = ()) -> tuple[Rule, ...]:
    """The rule an id names (effective config first, then the built-in packs); unknown: a usage error (exit 2) with a did-you-mean."""
    for pool in (effective, builtin):
        found = tuple(r for r in pool if r.id == target)
        if found:
            return found[:1]
    ids = [r.id for r in (*effective, *builtin)]
    close = difflib.get_close_matches(target, ids, n=1)
    mean = f" (did you mean '{close[0]}'?)" if close else ""
    raise UsageError(
        f"no rule or rule file '{target}'{mean}; pass a rule id (`agentops-check rules list`) or a rule file path"
    )


def run(
    target: str, spec: str | None, since: str | None, outputs: Sequence[tuple[str, str | None]], config_path: str | None
) -> int:
    """`backtest`: a rule id (effective config, then the built-in packs) or a rule file, over HEAD or a range."""
    import json

    from agentops_hooks import config
    from agentops_hooks.commands.rules import effective
    from agentops_hooks.context import environ, open_context
    from agentops_hooks.revisions import range_revs

    ctx = open_context(config_path, environ())
    if os.path.isfile(target):
        chosen = config.load(target, toplevel=ctx.repo.toplevel).rules
    else:
        chosen = select_rules(target, ctx.config.rules, effective(config_path, True))
    revs = range_revs(spec, None, environ()) if spec else ["HEAD"]
    label = spec or "HEAD"
    if since:
        revs, label = [*revs, f"--since={since}"], f"{label} --since={since}"
    result = measure(ctx, chosen, revs, label)
    from agentops_hooks.outputs import emit

    for name, path in outputs:
        emit([json.dumps(as_json(result), ensure_ascii=False)] if name == "json" else text(result), path)
    return ExitCode.OK


def measure(ctx: Context, rules: Sequence[Rule], revs: list[str], range_label: str) -> Backtest:
    """Judge every commit of `revs` with only `rules` (the config's exclude and ignore still hold), counting as it goes."""
    from agentops_hooks import gitrepo, walk

    if revs == ["HEAD"] and not gitrepo.git("rev-parse", "-q", "--verify", "HEAD^{commit}", ok=(0, 1)).strip():
        return tally((), [r.id for r in rules], range_label)  # no commit yet: nothing to count
    narrowed = replace(ctx, config=replace(ctx.config, rules=tuple(rules)))
    return tally(walk.history(narrowed, revs), [r.id for r in rules], range_label)


def as_json(result: Backtest) -> dict[str, Any]:
    """The SPEC §12 backtest document; samples are findings in the §12 shape plus their commit's full sha."""
    from agentops_hooks.formats.json_ import finding_dict

    def hit(h: Hit | None) -> dict[str, str] | None:
        return None if h is None else {"sha": h.sha, "date": h.date}

    return {
        "schema_version": SCHEMA_VERSION,
        "range": result.range,
        "rules": [
            {
                "rule_id": t.rule_id,
                "commits_hit": t.commits_hit,
                "first_hit": hit(t.first_hit),
                "last_hit": hit(t.last_hit),
                "by_verdict": dict(t.by_verdict),
                "samples": [{"commit": sha, **finding_dict(f)} for sha, f in t.samples],
            }
            for t in result.rules
        ],
    }


def text(result: Backtest) -> Iterator[str]:
    """For people: one block per rule, then the samples."""
    yield f"backtest {result.range}: {result.commits:,} commits scanned"
    for t in result.rules:
        split = ", ".join(f"{v} {n}" for v, n in t.by_verdict)
        yield f"{t.rule_id}: {t.commits_hit:,} commit(s) hit ({split})"
        if t.first_hit and t.last_hit:
            yield f"  first hit {_short(t.first_hit)}, last hit {_short(t.last_hit)}"
        for sha, f in t.samples:
            where = f"{f.path}:{f.line}" if f.path else "msg"
            yield f"  {sha[:7]} {where}: {f.message}"


def _short(h: Hit) -> str:
    return f"{h.sha[:7]} ({h.date[:10]})" if h.date else h.sha[:7]
