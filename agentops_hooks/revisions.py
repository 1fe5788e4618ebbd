"""Which commits a history command checks: `A..B`, `--base REF`, pre-commit's push refs, a CI target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from agentops_hooks import gitrepo
from agentops_hooks.errors import GitError, UsageError

if TYPE_CHECKING:
    from agentops_hooks import ci


def range_revs(spec: str | None, base: str | None, environ: Mapping[str, str]) -> list[str]:
    """`A..B`, `--base REF` (merge-base with HEAD), or pre-commit's PRE_COMMIT_FROM/TO_REF."""
    if base:
        head = gitrepo.resolve("HEAD")
        merge_base = gitrepo.git("merge-base", "--", gitrepo.resolve(base), head).decode().strip()
        return complete([f"{merge_base}..{head}"])
    if spec is None:
        pushed = _pushed(environ)
        if not isinstance(pushed, str):
            return pushed
        spec = pushed
    if ".." in spec:
        left, _, right = spec.partition("...") if "..." in spec else spec.partition("..")
        sep = "..." if "..." in spec else ".."
        return complete([f"{gitrepo.resolve(left or 'HEAD')}{sep}{gitrepo.resolve(right or 'HEAD')}"])
    return [gitrepo.resolve(spec)]


def _pushed(environ: Mapping[str, str]) -> str | list[str]:
    """What pre-push says is being pushed: a range spec, or the revisions of a first push."""
    frm, to = environ.get("PRE_COMMIT_FROM_REF"), environ.get("PRE_COMMIT_TO_REF")
    local, remote = environ.get("PRE_COMMIT_LOCAL_BRANCH"), environ.get("PRE_COMMIT_REMOTE_NAME")
    if frm and to:
        return f"{frm}..{to}"
    if local and remote and not remote.startswith("-"):  # a first push with the root commit
        return [gitrepo.resolve(local), "--not", f"--remotes={remote}"]
    raise UsageError("no range given: pass A..B or --base REF (pre-commit's PRE_COMMIT_FROM_REF/TO_REF are not set)")


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
    return complete([f"{base}..{head}"])


def complete(revs: list[str]) -> list[str]:
    """The revisions, when every commit they select is in this clone with its parents.

    In a shallow clone git treats a boundary commit (listed in `.git/shallow`) as a root: a range
    reaching one would be judged on a cut history, its first commit against nothing and the commits
    below it never. That is exit 3 with the fetch that makes the range whole.
    """
    if not gitrepo.repo_info().shallow:
        return revs
    path = gitrepo.git("rev-parse", "--git-path", "shallow").decode("utf-8", "surrogateescape").strip()
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            boundaries = set(f.read().split())
    except OSError:
        return revs
    for sha in gitrepo.git("rev-list", *revs, "--").decode().split():
        if sha in boundaries:
            remote = (gitrepo.git("remote").decode().split() or ["REMOTE"])[0]
            raise GitError(
                f"this shallow clone cuts the range {' '.join(revs)} at {sha[:12]} (its parents were not fetched):"
                f" run `git fetch --unshallow {remote}`; in CI fetch the whole history"
                " (GitHub Actions `actions/checkout` with `fetch-depth: 0`, GitLab CI `variables: {GIT_DEPTH: 0}`)"
            )
    return revs
