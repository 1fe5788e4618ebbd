"""One commit judged under a context: ignore lists, blob sizes when a rule needs them, the engine."""

from __future__ import annotations

import time

from agentops_hooks import agents, engine, gitrepo, sources
from agentops_hooks.context import Context
from agentops_hooks.model import Commit, CommitResult, Rule
from agentops_hooks.values import replace


def judge(
    ctx: Context,
    commit: Commit,
    with_message: bool,
    today: str = "",
    sizes: gitrepo.BlobSizes | None = None,
    notes: agents.Notes | None = None,
) -> CommitResult:
    """The commit's verdict and findings; none when the config's `ignore:` keeps every rule off it."""
    note = notes.get(commit.sha) if notes is not None and commit.sha else None
    verdict = agents.detect(commit, ctx.signatures, ctx.config.agents.get("count-roles") or (), note)
    if ignored(ctx, commit):
        return CommitResult(commit, verdict, ())
    if sizes is not None and any(engine.applies(r, verdict) for r in _size_rules(ctx.config.rules)):
        commit = sources.with_sizes(commit, sizes)  # only when a size limit judges this commit
    return engine.check(
        ctx.config.rules,
        commit,
        verdict,
        with_message=with_message,
        exclude=ctx.config.exclude,
        policy=ctx.policy(today),
        config_files=ctx.config.files,
    )


def blob_sizes(ctx: Context) -> gitrepo.BlobSizes | None:
    """A blob-size reader when some rule has a max-size (the caller closes it), else None."""
    needed = any(r.param("max-size") is not None for r in ctx.config.rules)
    return gitrepo.BlobSizes() if needed else None


def _size_rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The rules that need blob sizes (max-size), found once per rule set."""
    return engine.per_rule_set(rules, ("max-size",), lambda: tuple(r for r in rules if r.param("max-size") is not None))


def ignored(ctx: Context, commit: Commit) -> bool:
    """Whether the config's `ignore:` keeps every rule off this commit."""
    import fnmatch

    # brackets are literal in an address (`renovate[bot]@*`): only * and ? are wildcards here
    globs = (g.replace("[", "\0").replace("]", "[]]").replace("\0", "[[]") for g in ctx.config.ignore_authors)
    if any(fnmatch.fnmatchcase(commit.author.email.lower(), g.lower()) for g in globs):
        return True
    return any(p.search(commit.message.subject) for p in ctx.config.ignore_subjects)


def light(result: CommitResult) -> CommitResult:
    """The result with its files' paths and line counts but not their lines, so outputs can hold many."""
    files = tuple(
        replace(f, patch=b"", reread=None, counts=(f.count(), f.count(removed=True))) for f in result.commit.files
    )
    return replace(result, commit=replace(result.commit, files=files))


def today() -> str:
    """Today's date, UTC (the datetime module would cost the hook an import)."""
    return time.strftime("%Y-%m-%d", time.gmtime())
