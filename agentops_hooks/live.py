"""Range rules at commit time: the commit being made judged with the branch's last commits.

A range rule with `live: N` (a spiral, a hand-off file kept current) also runs in the commit-msg
hook, over the last N commits of HEAD (`git log -n N`: bounded by count, never a path-limited walk
of the whole history) and the commit being made, so the third fix in a row is flagged before it
lands instead of after it is pushed. Only findings that name the commit being made are reported:
a run the past commits made alone was the range's and ci's to report.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from agentops_hooks import agents, engine, exemptions, sources
from agentops_hooks.context import Context
from agentops_hooks.errors import GitError
from agentops_hooks.kinds import Scope, scope_of
from agentops_hooks.model import Commit, CommitResult, Finding, Rule
from agentops_hooks.values import replace


def live_rules(rules: Sequence[Rule]) -> list[Rule]:
    """The range rules that also judge the commit being made (`live: N`)."""
    return engine.per_rule_set(
        rules, ("live",), lambda: [r for r in rules if scope_of(r) is Scope.RANGE and r.param("live")]
    )


def with_recent(ctx: Context, result: CommitResult, today: str = "") -> CommitResult:
    """The commit's result with the findings its live range rules make of it and the last commits."""
    rules = live_rules(ctx.config.rules)
    if not rules:
        return result
    past = _recent(ctx, max(r.param("live") for r in rules))
    policy = ctx.policy(today)
    found = [f for rule in rules for f in _judge(rule, past[-rule.param("live") :], result, policy)]
    return replace(result, findings=(*result.findings, *found)) if found else result


def _recent(ctx: Context, count: int) -> list[CommitResult]:
    """The last `count` commits of HEAD, oldest first, each with its verdict (no findings: range rules read none)."""
    try:
        commits = list(sources.history(["-n", str(count), "HEAD"], cwd=ctx.repo.toplevel))
    except GitError:  # an unborn HEAD: the first commit has no past
        return []
    return [CommitResult(_light(c), agents.detect(c, ctx.signatures)) for c in commits]


def _light(commit: Commit) -> Commit:
    files = tuple(replace(f, patch=b"", reread=None, counts=(f.count(), f.count(removed=True))) for f in commit.files)
    return replace(commit, files=files)


def _judge(rule: Rule, past: Sequence[CommitResult], now: CommitResult, policy: exemptions.Policy) -> Iterator[Finding]:
    run = engine.RangeRun([rule], policy)
    for result in past:
        run.add(engine.summarize(result, policy))
    named = [*run.add(engine.summarize(now, policy)), *run.end()]
    for finding, commits in named:
        if any(c.sha is None for c in commits):  # it names the commit being made
            yield replace(finding, message=f"{finding.message} (counting the commit being made)")
