"""`ci`: the commits of the pull request (or push) this CI run is for, judged by the base's rules."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable

from agentops_hooks import baseline, ci, config, gitrepo, message, sources, walk
from agentops_hooks.boundary import say
from agentops_hooks.context import Context, environ, open_context
from agentops_hooks.judge import judge, light, today
from agentops_hooks.model import Checked, Commit, CommitResult
from agentops_hooks.outputs import Options, write_outputs
from agentops_hooks.revisions import ci_revs
from agentops_hooks.values import replace


def run(opts: Options, base: str | None, squash_too: bool, rules_from: str) -> int:
    """Check the CI target; on GitHub Actions without -f, annotations come with the text."""
    env = environ()
    target = ci.detect(env, base)
    revs = ci_revs(target)
    rules_rev = gitrepo.resolve(target.base) if rules_from == "base" and target.base else None
    ctx = open_context(opts.config, env, trust_cache=False, inline_allow=opts.inline_allow, rules_rev=rules_rev)
    if target.base is None:
        say(f"agentops: no base revision for this {target.event or 'run'}: checking {target.head[:12]} only")
    source = config.Revision(rules_rev, ctx.repo.toplevel) if rules_rev else config.WorkTree(ctx.repo.toplevel)
    known = baseline.read(source, ctx.repo.toplevel)  # from the base, with the rules: a PR cannot acknowledge its own
    results: Iterable[Checked] = baseline.acknowledge(walk.history(ctx, revs), known, ctx.config.rules)
    if squash_too:
        results = itertools.chain(results, [squash(ctx, target)])
    if not opts.chosen_formats and env.get("GITHUB_ACTIONS") == "true":
        opts = replace(opts, outputs=(("text", None), ("github", None)))  # annotations by default
    return write_outputs(results, opts, "ci", rules=ctx.config.rules)


def squash(ctx: Context, target: ci.Target) -> CommitResult:
    """The pull request's title and body judged as the message that will land, with the whole diff."""
    base, head = gitrepo.resolve(target.base or f"{target.head}^"), gitrepo.resolve(target.head)
    files = sources.diff_files(f"{base}...{head}")
    with contextlib.closing(sources.history([f"{head}^!"])) as head_commit:  # ends the git process
        author = next(head_commit).author
    msg = message.parse(f"{target.title}\n\n{target.body}".strip() + "\n")
    commit = Commit(
        sha=None, message=msg, files=files, author=author, committer=author, source="squash", branch=target.branch
    )
    return light(judge(ctx, commit, with_message=True, today=today()))
