"""The application layer: repository, config, source and engine wired for each command."""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from agentops_hooks import agents, config, engine, exemptions, gitrepo, rulefile, sources
from agentops_hooks.errors import GitError
from agentops_hooks.kinds import Scope, scope_of
from agentops_hooks.kinds.history import CommitSummary
from agentops_hooks.model import Commit, CommitResult

IGNORE_FILE = ".agentops-ignore"


@dataclass(frozen=True, slots=True)
class Context:
    """The repository and effective configuration a check runs with."""

    repo: gitrepo.RepoInfo
    config: config.Config
    signatures: tuple[agents.Signature, ...]
    inline_allow: bool = True
    ignored: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def policy(self, today: str = "") -> exemptions.Policy:
        """What may waive findings in this run."""
        sigs = self.signatures
        return exemptions.Policy(today, self.inline_allow, self.ignored, lambda v: agents.is_agent_identity(v, sigs))


def open_context(
    config_path: str | None, environ: Mapping[str, str], trust_cache: bool = True, inline_allow: bool = True
) -> Context:
    """Find the repository and load its config; every failure is one FatalError line."""
    repo = gitrepo.repo_info()
    cfg = config.load(config.find(repo.toplevel, config_path, environ), trust_cache, repo.toplevel)
    return Context(repo, cfg, signatures(cfg.agents), inline_allow, _ignore_file(repo.toplevel))


def _ignore_file(toplevel: str) -> dict[str, dict[str, str]]:
    try:
        with open(os.path.join(toplevel, IGNORE_FILE), encoding="utf-8") as f:
            return exemptions.parse_ignore_file(f.read())
    except OSError:
        return {}


def signatures(settings: Mapping[str, Any]) -> tuple[agents.Signature, ...]:
    """Built-in signatures (unless turned off) and the config's own."""
    extra = tuple(
        agents.Signature(
            s["agent"],
            s["where"],
            rulefile.regex(s["pattern"], f"agents.signatures '{s['agent']}'"),
            s.get("verdict", "ai"),
            True,
            s.get("key", "").lower() if s["where"] == "trailer" else s.get("key", ""),
        )
        for s in settings.get("signatures") or ()
    )
    builtin = agents.BUILTIN if settings.get("builtin-signatures", True) else ()
    return (*builtin, *extra)


def _sizes(ctx: Context) -> gitrepo.BlobSizes | None:
    needed = any(r.param("max-size") is not None for r in ctx.config.rules)
    return gitrepo.BlobSizes() if needed else None


def _judge(ctx: Context, commit: Commit, with_message: bool, today: str = "") -> CommitResult:
    verdict = agents.detect(commit, ctx.signatures)
    if _ignored(ctx, commit):
        return CommitResult(commit, verdict, ())
    return engine.check(
        ctx.config.rules,
        commit,
        verdict,
        with_message=with_message,
        exclude=ctx.config.exclude,
        policy=ctx.policy(today),
        config_files=ctx.config.files,
    )


def _ignored(ctx: Context, commit: Commit) -> bool:
    import fnmatch

    # brackets are literal in an address (`renovate[bot]@*`): only * and ? are wildcards here
    globs = (g.replace("[", "\0").replace("]", "[]]").replace("\0", "[[]") for g in ctx.config.ignore_authors)
    if any(fnmatch.fnmatchcase(commit.author.email.lower(), g.lower()) for g in globs):
        return True
    return any(p.search(commit.message.subject) for p in ctx.config.ignore_subjects)


def _today() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def staged(ctx: Context) -> CommitResult:
    """The staged change, judged by file-level rules (the message does not exist yet)."""
    sizes = _sizes(ctx)
    try:
        return _judge(ctx, sources.staged(sizes=sizes), with_message=False, today=_today())
    finally:
        if sizes:
            sizes.close()


def message_file(ctx: Context, path: str) -> CommitResult:
    """The message git will record together with the staged change: every commit-level rule."""
    msg = sources.read_message_file(path, ctx.repo.git_dir)
    sizes = _sizes(ctx)
    try:
        commit = sources.with_message(sources.staged(sizes=sizes), msg, "commit-msg")
        return _judge(ctx, commit, with_message=True, today=_today())
    finally:
        if sizes:
            sizes.close()


def range_revs(spec: str | None, base: str | None, environ: Mapping[str, str]) -> list[str]:
    """`A..B`, `--base REF` (merge-base with HEAD), or pre-commit's PRE_COMMIT_FROM/TO_REF."""
    if base:
        head = gitrepo.resolve("HEAD")
        merge_base = gitrepo.git("merge-base", "--", gitrepo.resolve(base), head).decode().strip()
        return [f"{merge_base}..{head}"]
    if spec is None:
        frm, to = environ.get("PRE_COMMIT_FROM_REF"), environ.get("PRE_COMMIT_TO_REF")
        if frm and to:
            spec = f"{frm}..{to}"
        else:
            raise GitError(
                "no range given: pass A..B or --base REF (pre-commit's PRE_COMMIT_FROM_REF/TO_REF are not set)"
            )
    if ".." in spec:
        left, _, right = spec.partition("...") if "..." in spec else spec.partition("..")
        sep = "..." if "..." in spec else ".."
        return [f"{gitrepo.resolve(left or 'HEAD')}{sep}{gitrepo.resolve(right or 'HEAD')}"]
    return [gitrepo.resolve(spec)]


def history(ctx: Context, revs: list[str]) -> Iterator[CommitResult]:
    """Every commit of the range judged on its own, streamed oldest first; then, when range rules
    find something, one `range-findings` result (engine.range_result) with the whole range's findings."""
    sizes = _sizes(ctx)
    branch = ci_branch(environ())
    range_rules = any(scope_of(r) is Scope.RANGE for r in ctx.config.rules)
    policy = ctx.policy()  # each commit's exemptions judged against its committer date
    summaries: list[CommitSummary] = []  # paths and counts only, never lines
    try:
        for commit in sources.history(revs, ctx.config.include_merges, sizes=sizes):
            if branch:
                commit = dataclasses.replace(commit, branch=branch)
            result = _judge(ctx, commit, with_message=True)
            if range_rules and not _ignored(ctx, commit):
                summaries.append(engine.summarize(result, policy))
            yield light(result)
    finally:
        if sizes:
            sizes.close()
    if range_rules and (found := engine.check_range(ctx.config.rules, summaries, policy)):
        yield engine.range_result(found)


def ci_branch(env: Mapping[str, str]) -> str | None:
    """The pull request's source branch in CI (a branch prefix is an agent signal), if known."""
    return env.get("GITHUB_HEAD_REF") or env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or None


def light(result: CommitResult) -> CommitResult:
    """The result without the commit's files and lines, so outputs can hold many."""
    return dataclasses.replace(result, commit=dataclasses.replace(result.commit, files=()))


def environ() -> Mapping[str, str]:
    """The process environment (read here, never in the core)."""
    return os.environ
