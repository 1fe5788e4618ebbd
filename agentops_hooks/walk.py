"""History judged as it streams: every commit on its own, then what range rules found about the whole.

Results are light (paths and counts, no lines) unless `keep_lines`: a consumer that reads each
result and drops it may take them whole. Memory stays flat whatever the history size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from agentops_hooks import agents, ci, engine, sources
from agentops_hooks.context import Context, environ
from agentops_hooks.judge import blob_sizes, ignored, judge, light
from agentops_hooks.model import CommitResult, Finding, RangeFindings
from agentops_hooks.values import replace


def commits(
    ctx: Context, revs: list[str], keep_lines: bool = False, seen: Callable[[CommitResult], None] | None = None
) -> Iterator[CommitResult]:
    """Every commit of the range judged on its own, streamed oldest first; `seen` gets each whole result."""
    ctx = ctx.judging(revs)  # signed approvals are looked up in the range
    sizes = blob_sizes(ctx)
    branch = ci.branch(environ())
    notes = agents.open_notes(ctx.repo.toplevel)  # attribution notes, listed once for the whole range
    try:
        for commit in sources.history(revs, ctx.config.include_merges):
            if branch:
                commit = replace(commit, branch=branch)
            result = judge(ctx, commit, with_message=True, sizes=sizes, notes=notes)
            if seen is not None:
                seen(result)
            yield result if keep_lines else light(result)
    finally:
        if sizes:
            sizes.close()
        if notes is not None:
            notes.close()


def history(ctx: Context, revs: list[str], keep_lines: bool = False) -> Iterator[CommitResult | RangeFindings]:
    """`commits`, then one RangeFindings when range rules find something about the range as a whole.

    (The report runs its own engine.RangeRun over `commits`, to count each finding by the commits it names.)
    """
    ctx = ctx.judging(revs)
    policy = ctx.policy()  # each commit's exemptions judged against its committer date
    run = engine.RangeRun(ctx.config.rules, policy)
    found: list[Finding] = []

    def seen(result: CommitResult) -> None:
        strict_only = ignored(ctx, result.commit)  # `ignore:` turns off the exemptible rules only
        found.extend(finding for finding, _ in run.add(engine.summarize(result, policy), strict_only))

    yield from commits(ctx, revs, keep_lines, seen)
    found += [finding for finding, _ in run.end()]
    if found:
        yield engine.range_result(found)
