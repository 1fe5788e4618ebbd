"""`ci`: the commits of the pull request (or push) this CI run is for, judged by the base's rules."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator

from agentops_hooks import baseline, ci, config, gitrepo, message, sources, walk
from agentops_hooks.boundary import say
from agentops_hooks.context import Context, environ, open_context
from agentops_hooks.judge import judge, light, today
from agentops_hooks.model import Checked, Commit, CommitResult, Finding
from agentops_hooks.outputs import Options, write_outputs
from agentops_hooks.revisions import ci_revs
from agentops_hooks.values import replace


def run(opts: Options, base: str | None, squash_too: bool, rules_from: str) -> int:
    """Check the CI target; on GitHub Actions without -f, annotations come with the text."""
    env = environ()
    target = ci.detect(env, base)
    revs = ci_revs(target)  # [f"{base}..{head}"] with both resolved, when there is a base
    rules_rev = revs[0].partition("..")[0] if rules_from == "base" and target.base else None
    ctx = open_context(opts.config, env, trust_cache=False, inline_allow=opts.inline_allow, rules_rev=rules_rev)
    if target.base is None:
        say(f"agentops: no base revision for this {target.event or 'run'}: checking {target.head[:12]} only")
    source = config.Revision(rules_rev, ctx.repo.toplevel) if rules_rev else config.WorkTree(ctx.repo.toplevel)
    known = baseline.read(source, ctx.repo.toplevel)  # from the base, with the rules: a PR cannot acknowledge its own
    seen: set[tuple[str, str, str]] = set()
    results: Iterator[Checked] = _noting(iter(baseline.acknowledge(walk.history(ctx, revs), known, ctx.config.rules)), seen)
    if squash_too:  # judged after the commits streamed past: what they already reported is not said twice
        results = itertools.chain(results, _later(lambda: without(squash(ctx, target), seen)))
    if not opts.chosen_formats and env.get("GITHUB_ACTIONS") == "true":
        opts = replace(opts, outputs=(("text", None), ("github", None)))  # annotations by default
    return write_outputs(results, opts, "ci", rules=ctx.config.rules)


def _key(f: Finding) -> tuple[str, str, str] | None:
    """A file finding's identity across commits (no line: the squash's diff numbers lines its own way)."""
    return None if f.path is None else (f.rule_id, f.path, f.match or f.message)


def _noting(results: Iterator[Checked], seen: set[tuple[str, str, str]]) -> Iterator[Checked]:
    for result in results:
        seen.update(k for f in result.findings if (k := _key(f)) is not None)
        yield result


def _later(make: Callable[[], CommitResult]) -> Iterator[Checked]:
    yield make()


def without(result: CommitResult, seen: set[tuple[str, str, str]]) -> CommitResult:
    """The squash's findings less the file findings a commit of the range already reported."""
    return replace(result, findings=tuple(f for f in result.findings if _key(f) not in seen))


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
