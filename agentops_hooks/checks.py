"""The application layer: repository, config, source and engine wired for each command."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from agentops_hooks import agents, config, engine, exemptions, gitrepo, message, rulefile, sources
from agentops_hooks.errors import GitError
from agentops_hooks.model import Commit, CommitResult, Finding, Rule
from agentops_hooks.values import field, frozen, replace

if TYPE_CHECKING:
    from agentops_hooks import ci

IGNORE_FILE = ".agentops-ignore"


@frozen
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
    config_path: str | None,
    environ: Mapping[str, str],
    trust_cache: bool = True,
    inline_allow: bool = True,
    rules_rev: str | None = None,
) -> Context:
    """Find the repository and load its config (from `rules_rev` when given, as `ci` does)."""
    repo = gitrepo.repo_info()
    source = config.Revision(rules_rev, repo.toplevel) if rules_rev else config.WorkTree()
    path = config.find(repo.toplevel, config_path, environ, source)
    cfg = config.load(path, trust_cache and rules_rev is None, repo.toplevel, source=source)
    return Context(repo, cfg, signatures(cfg.agents), inline_allow, _ignore_file(repo.toplevel, source))


def _ignore_file(toplevel: str, source: config.WorkTree) -> dict[str, dict[str, str]]:
    try:
        return exemptions.parse_ignore_file(source.read(os.path.join(toplevel, IGNORE_FILE)).decode("utf-8", "replace"))
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
            role=s.get("role", ""),
        )
        for s in settings.get("signatures") or ()
    )
    builtin = agents.BUILTIN if settings.get("builtin-signatures", True) else ()
    return (*builtin, *extra)


def _sizes(ctx: Context) -> gitrepo.BlobSizes | None:
    needed = any(r.param("max-size") is not None for r in ctx.config.rules)
    return gitrepo.BlobSizes() if needed else None


def _judge(
    ctx: Context,
    commit: Commit,
    with_message: bool,
    today: str = "",
    sizes: gitrepo.BlobSizes | None = None,
    notes: agents.Notes | None = None,
) -> CommitResult:
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


def _today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())  # UTC; the datetime module costs the hook an import


def staged(ctx: Context) -> CommitResult:
    """The staged change, judged by file-level rules (the message does not exist yet)."""
    sizes = _sizes(ctx)
    try:
        return _judge(ctx, sources.staged(git_dir=ctx.repo.git_dir), with_message=False, today=_today(), sizes=sizes)
    finally:
        if sizes:
            sizes.close()


def message_file(ctx: Context, path: str, source: str | None = None) -> CommitResult:
    """The message git will record together with the staged change: every commit-level rule."""
    msg = sources.read_message_file(path, ctx.repo.git_dir, source)
    sizes = _sizes(ctx)
    try:
        commit = sources.with_message(sources.staged(git_dir=ctx.repo.git_dir), msg, "commit-msg")
        return _judge(ctx, commit, with_message=True, today=_today(), sizes=sizes)
    finally:
        if sizes:
            sizes.close()


def commit_msg(ctx: Context, path: str) -> CommitResult | None:
    """The commit-msg stage; None when prepare-commit-msg already checked this very message."""
    rec = sources.recorded(ctx.repo.git_dir, consume=True) or {}
    if rec.get("source") == "message" and rec.get("checked") == sources.digest(path):
        return None
    return message_file(ctx, path, rec.get("source"))


TEMPLATE = (
    "{c} agentops: say why (Factor I). Uncomment and fill in; '{c}' lines are dropped.\n"
    "{c} Context: why the change was needed\n"
    "{c} Solution: what changed and how\n"
    "{c} Learning: what the next person or agent should know\n"
    "{c} Impact: what it changes for users\n"
)
NO_CHECK_SOURCES = ("merge", "squash", "commit")


def prepare(ctx: Context, path: str, source: str) -> CommitResult | None:
    """prepare-commit-msg: check -m/-F messages (it runs even under --no-verify); template for the editor."""
    if source in NO_CHECK_SOURCES:
        sources.record(ctx.repo.git_dir, source, None)
        return None
    if ctx.config.agents.get("stamp-trailer"):
        _stamp_trailer(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if source == "message" and not message.looks_edited(text):
        sources.record(ctx.repo.git_dir, source, sources.digest(path))
        return message_file(ctx, path, source)
    sources.record(ctx.repo.git_dir, source, None)
    if not re.search(r"(?im)^\W*context\b", text):
        _insert_template(path, text)
    return None


def _insert_template(path: str, text: str) -> None:
    lines = text.split("\n")
    comment = "#"
    at = next((i for i, ln in enumerate(lines) if ln.startswith(comment)), len(lines))
    block = TEMPLATE.format(c=comment).rstrip("\n").split("\n")
    lines[at:at] = [*block, ""] if at < len(lines) else ["", *block]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def _stamp_trailer(path: str) -> None:
    """Add `Assisted-by:` when this shell is an agent's, so CI's verdict matches the local one."""
    commit = Commit(sha=None, message=message.parse(""), env=sources.agent_env())
    verdict = agents.detect(commit)
    if verdict.kind != "ai":
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        if "assisted-by:" in f.read().lower():
            return
    gitrepo.git("interpret-trailers", "--in-place", "--trailer", f"Assisted-by: {verdict.agents[0]}", path)


def range_revs(spec: str | None, base: str | None, environ: Mapping[str, str]) -> list[str]:
    """`A..B`, `--base REF` (merge-base with HEAD), or pre-commit's PRE_COMMIT_FROM/TO_REF."""
    if base:
        head = gitrepo.resolve("HEAD")
        merge_base = gitrepo.git("merge-base", "--", gitrepo.resolve(base), head).decode().strip()
        return [f"{merge_base}..{head}"]
    if spec is None:
        frm, to = environ.get("PRE_COMMIT_FROM_REF"), environ.get("PRE_COMMIT_TO_REF")
        local, remote = environ.get("PRE_COMMIT_LOCAL_BRANCH"), environ.get("PRE_COMMIT_REMOTE_NAME")
        if frm and to:
            spec = f"{frm}..{to}"
        elif local and remote and not remote.startswith("-"):  # a first push with the root commit
            return [gitrepo.resolve(local), "--not", f"--remotes={remote}"]
        else:
            raise GitError(
                "no range given: pass A..B or --base REF (pre-commit's PRE_COMMIT_FROM_REF/TO_REF are not set)"
            )
    if ".." in spec:
        left, _, right = spec.partition("...") if "..." in spec else spec.partition("..")
        sep = "..." if "..." in spec else ".."
        return [f"{gitrepo.resolve(left or 'HEAD')}{sep}{gitrepo.resolve(right or 'HEAD')}"]
    return [gitrepo.resolve(spec)]


def ci_revs(target: ci.Target) -> list[str]:
    """The revisions to log for a CI target; a base missing from a shallow clone is exit 3 with the fix."""
    head = gitrepo.resolve(target.head)
    if target.base is None:
        return [f"{head}^!"]
    try:
        base = gitrepo.resolve(target.base)
    except GitError:
        if gitrepo.repo_info().shallow:
            from agentops_hooks.ci import SHALLOW_FIX

            raise GitError(f"the base {target.base[:12]} is not in this shallow clone; {SHALLOW_FIX}") from None
        raise
    return [f"{base}..{head}"]


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
    return light(_judge(ctx, commit, with_message=True, today=_today()))


def history(ctx: Context, revs: list[str], keep_lines: bool = False, ranges: bool = True) -> Iterator[CommitResult]:
    """Every commit of the range judged on its own, streamed oldest first; then, when range rules
    find something, one `range-findings` result (engine.range_result) with the whole range's findings.

    Results are light (paths and counts, no lines) unless `keep_lines`: a consumer that reads each
    result and drops it may take them whole. `ranges=False` leaves range rules to the caller (the
    report runs its own engine.RangeRun, to count each finding by the commits it names)."""
    sizes = _sizes(ctx)
    branch = ci_branch(environ())
    policy = ctx.policy()  # each commit's exemptions judged against its committer date
    run = engine.RangeRun(ctx.config.rules, policy) if ranges else None
    found: list[Finding] = []
    notes = agents.open_notes(ctx.repo.toplevel)  # attribution notes, listed once for the whole range
    try:
        for commit in sources.history(revs, ctx.config.include_merges):
            if branch:
                commit = replace(commit, branch=branch)
            result = _judge(ctx, commit, with_message=True, sizes=sizes, notes=notes)
            if run and not ignored(ctx, commit):
                found += [finding for finding, _ in run.add(engine.summarize(result, policy))]
            yield result if keep_lines else light(result)
    finally:
        if sizes:
            sizes.close()
        if notes is not None:
            notes.close()
    if run:
        found += [finding for finding, _ in run.end()]
    if found:
        yield engine.range_result(found)


def ci_branch(env: Mapping[str, str]) -> str | None:
    """The pull request's source branch in CI (a branch prefix is an agent signal), if known."""
    return env.get("GITHUB_HEAD_REF") or env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or None


def light(result: CommitResult) -> CommitResult:
    """The result with its files' paths and line counts but not their lines, so outputs can hold many."""
    files = tuple(
        replace(f, patch=b"", reread=None, counts=(f.count(), f.count(removed=True))) for f in result.commit.files
    )
    return replace(result, commit=replace(result.commit, files=files))


def environ() -> Mapping[str, str]:
    """The process environment (read here, never in the core)."""
    return os.environ
