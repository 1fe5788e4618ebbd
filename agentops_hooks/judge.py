"""One commit judged under a context: ignore lists, blob sizes when a rule needs them, the engine."""

from __future__ import annotations

import time

from agentops_hooks import agents, engine, gitrepo, sources
from agentops_hooks.context import Context
from agentops_hooks.model import Commit, CommitResult, FileChange, Rule
from agentops_hooks.patterns import holds
from agentops_hooks.values import replace


def judge(
    ctx: Context,
    commit: Commit,
    with_message: bool,
    today: str = "",
    sizes: gitrepo.BlobSizes | None = None,
    notes: agents.Notes | None = None,
) -> CommitResult:
    """The commit's verdict and findings. A commit the config's `ignore:` names is judged by the
    `exemptible: false` rules alone (none: no findings); no setting hides what they find."""
    note = notes.get(commit.sha) if notes is not None and commit.sha else None
    verdict = agents.detect(commit, ctx.signatures, ctx.config.agents.get("count-roles") or (), note)
    rules = ctx.config.checking
    if ignored(ctx, commit):
        rules = strict_rules(rules)
        if not rules:
            return CommitResult(commit, verdict, ())
    commit = moved_into_view(ctx, commit)
    if sizes is not None and any(engine.applies(r, verdict) for r in _size_rules(rules)):
        commit = sources.with_sizes(commit, sizes)  # only when a size limit judges this commit
    return engine.check(
        rules,
        commit,
        verdict,
        with_message=with_message,
        exclude=ctx.config.exclude,
        policy=ctx.policy(today),
        config_files=ctx.config.files,
    )


def strict_rules(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The rules no exemption, `exclude` or `ignore` can turn off (`exemptible: false`)."""
    return engine.per_rule_set(rules, ("strict",), lambda: tuple(r for r in rules if not r.exemptible))


def moved_into_view(ctx: Context, commit: Commit) -> Commit:
    """The commit with each file renamed or copied from a path its rules did not read judged on its
    whole content: a pure `git mv` out of an `exclude`d folder (or out of a non-exemptible rule's
    own `paths`) shows no added lines, yet brings every line of the file into view."""
    moved = [f for f in commit.files if f.status in ("R", "C") and f.old_path and f.new_mode.startswith("100")]
    if not moved:
        return commit
    exclude = ctx.config.exclude
    strict = _path_scoped_strict(ctx.config.rules)

    def unseen(f: FileChange) -> bool:
        old = f.old_path or ""
        if exclude is not None and exclude.match_file(old) and not exclude.match_file(f.path):
            return True
        return any(r.selects(f.path) and not r.selects(old) for r in strict)

    hidden = {id(f) for f in moved if unseen(f)}
    if not hidden:
        return commit
    return replace(commit, files=tuple(sources.whole(f) if id(f) in hidden else f for f in commit.files))


def _path_scoped_strict(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The `exemptible: false` line rules that look only at some paths, found once per rule set: a
    rule that looks at every path saw the file's old path too."""
    return engine.per_rule_set(
        rules,
        ("moved-into-view",),
        lambda: tuple(
            r
            for r in strict_rules(rules)
            if r.kind in engine.LINE_KINDS and (r.include is not None or r.exclude is not None)
        ),
    )


def blob_sizes(ctx: Context) -> gitrepo.BlobSizes | None:
    """A blob-size reader when some rule has a max-size (the caller closes it), else None."""
    needed = any(r.param("max-size") is not None for r in ctx.config.checking)
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
    return any(holds(p, commit.message.subject) for p in ctx.config.ignore_subjects)


def light(result: CommitResult) -> CommitResult:
    """The result with its files' paths and line counts but not their lines, so outputs can hold many."""
    files = tuple(
        replace(f, patch=b"", reread=None, counts=(f.count(), f.count(removed=True))) for f in result.commit.files
    )
    return replace(result, commit=replace(result.commit, files=files))


def today() -> str:
    """Today's date, UTC (the datetime module would cost the hook an import)."""
    return time.strftime("%Y-%m-%d", time.gmtime())
