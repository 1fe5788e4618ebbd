"""The repository-object layer: GitPython's object model, imported on first use, behind `gitrepo`.

Merge-bases, remotes, one commit's diff, repository health, signed approvals (a revision's
files are read through plumbing, `trees`). No GitPython object leaves this module: callers get our frozen values.
Import it as part of `gitrepo` (`gitrepo.merge_base`, …); the hook paths never call it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from typing import TYPE_CHECKING

from agentops_hooks.errors import GitError
from agentops_hooks.gitrepo.plumbing import DIFF_ARGS, HARDEN, git
from agentops_hooks.values import frozen

if TYPE_CHECKING:
    import git as gitpython

    from agentops_hooks.model import Commit


@contextlib.contextmanager
def opened(cwd: str | None = None) -> Iterator[gitpython.Repo]:
    """The repository around `cwd` as a GitPython `Repo`, its helper processes ended afterwards."""
    import git as gitpython

    try:
        repo = gitpython.Repo(cwd or os.getcwd(), search_parent_directories=True)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
        raise GitError(f"not a git repository: {os.path.abspath(cwd or '.')} (run inside one, or `git init`)") from None
    with repo:
        yield repo


def merge_base(a: str, b: str, cwd: str | None = None) -> str:
    """The best common ancestor of two revisions; none is a GitError naming both."""
    with opened(cwd) as repo:
        bases = repo.merge_base(a, b)
    if not bases:
        raise GitError(f"{a[:12]} and {b[:12]} have no common ancestor (unrelated histories)")
    return str(bases[0].hexsha)


def remote_url(name: str = "origin", cwd: str | None = None) -> str | None:
    """The URL of a remote as git uses it (`url.*.insteadOf` applied), or None when there is no such remote."""
    try:
        with opened(cwd) as repo:
            if name not in {r.name for r in repo.remotes}:
                return None
            return next(iter(repo.remote(name).urls), None)
    except GitError:
        return None


def commit(sha: str, cwd: str | None = None) -> Commit:
    """One commit with its diff against its first parent (the empty tree for a root), lines in memory."""
    from agentops_hooks import diffparse, message
    from agentops_hooks.model import Commit, Person

    with opened(cwd) as repo:
        c = repo.commit(sha)
        args = ("--format=", "--diff-merges=first-parent", *DIFF_ARGS, c.hexsha, "--")
        hardened = repo.git(c=list(HARDEN[1::2]))  # the same `-c` settings as every other git we run
        patch = hardened.show(*args, stdout_as_string=False, strip_newline_in_stdout=False)
        return Commit(
            sha=c.hexsha,
            message=message.parse(_text(c.message)),
            files=diffparse.parse(patch),
            author=Person(c.author.name or "", c.author.email or "", c.authored_datetime.isoformat()),
            committer=Person(c.committer.name or "", c.committer.email or "", c.committed_datetime.isoformat()),
            parents=tuple(p.hexsha for p in c.parents),
            source="range",
        )


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


@frozen
class HookSetup:
    """Where git runs hooks from: the repository's own hooks folder, or `core.hooksPath` and where it is set."""

    toplevel: str
    hooks_dir: str  # <common git dir>/hooks, where `pre-commit install` and `init` write
    hooks_path: str | None  # core.hooksPath, made absolute (None: not set)
    scope: str = ""  # the config scope that sets it: local, global, system, worktree, command


def hook_setup(cwd: str | None = None) -> HookSetup:
    """The hooks folder git will use for this repository, and any `core.hooksPath` that moves it."""
    import git as gitpython

    with opened(cwd) as repo:
        top = str(repo.working_tree_dir or repo.git_dir)
        hooks_dir = os.path.join(str(repo.common_dir), "hooks")
        try:
            out = repo.git.config("--show-origin", "--show-scope", "-z", "--get", "core.hooksPath")
        except gitpython.GitCommandError:  # exit 1: not set
            return HookSetup(top, hooks_dir, None)
    scope, _origin, value = (out.split("\0") + ["", "", ""])[:3]
    return HookSetup(top, hooks_dir, os.path.normpath(os.path.join(top, os.path.expanduser(value))), scope)


def has_revision(path: str, rev: str) -> bool | None:
    """Whether the repository at `path` has the commit `rev` names; None when `path` is no repository."""
    import git as gitpython

    try:
        repo = gitpython.Repo(path)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
        return None
    with repo:
        try:
            repo.commit(rev)
        except (gitpython.BadName, gitpython.BadObject, ValueError):
            return False
    return True


def trailer_commits(revs: tuple[str, ...], key: str, cwd: str | None = None) -> list[tuple[str, list[str]]]:
    """The commits of `revs` whose trailers (as git parses them) have `key`, with its values."""
    out = git("log", f"--format=%H%x00%(trailers:key={key},valueonly,separator=%x01)%x00", *revs, "--", cwd=cwd)
    fields = out.decode("utf-8", "replace").split("\0")
    found = []
    for sha, values in zip(fields[0::2], fields[1::2], strict=False):
        if values.strip():
            found.append((sha.strip(), [v for v in values.strip().split("\1") if v.strip()]))
    return found


def ssh_signers(shas: list[str], allowed_signers: bytes, cwd: str | None = None) -> dict[str, str]:
    """sha → the principal `git verify-commit` reports for a good SSH signature by a key in `allowed_signers`.

    A commit whose signature does not verify, or verifies for no principal, is left out. The
    allowed-signers file is ours (a temporary copy of the bytes given) and the verifying program
    is ssh-keygen, whatever the repository's config says.
    """
    import re
    import tempfile

    good = re.compile(rb'^Good "git" signature for (\S+) with ', re.M)
    found = {}
    with tempfile.NamedTemporaryFile(prefix="agentops-signers-") as f:
        f.write(allowed_signers)
        f.flush()
        config = ("-c", f"gpg.ssh.allowedSignersFile={f.name}", "-c", "gpg.ssh.program=ssh-keygen")
        for sha in shas:
            try:
                proc = subprocess.run(("git", *config, "verify-commit", "--raw", sha), cwd=cwd, capture_output=True)
            except FileNotFoundError:
                raise GitError("git is not installed or not on PATH") from None
            m = good.search(proc.stderr + proc.stdout)
            if proc.returncode == 0 and m is not None:
                found[sha] = m.group(1).decode("utf-8", "replace")
    return found


__all__ = [
    "opened",
    "merge_base",
    "remote_url",
    "commit",
    "HookSetup",
    "hook_setup",
    "has_revision",
    "trailer_commits",
    "ssh_signers",
]
