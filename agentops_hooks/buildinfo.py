"""Which commit of the hook repository this package is: the `rev` init pins must exist there.

A wheel built from a git checkout records it at build time (`hatch_build.py` writes
`agentops_hooks/_build_info.py` into the wheel: the commit, and the tag `v<version>` when that tag
points at it). Run from a checkout (editable install, tests), git itself is asked. With neither,
`v<version>` is the guess, and init says so.
"""

from __future__ import annotations

import os
import subprocess

from agentops_hooks import __version__

HERE = os.path.dirname(os.path.realpath(__file__))


def recorded() -> tuple[str, str]:
    """(commit, tag) recorded when the wheel was built; ("", "") when not built from git."""
    try:
        from agentops_hooks import _build_info  # type: ignore[attr-defined]
    except ImportError:
        return "", ""
    return str(getattr(_build_info, "COMMIT", "")), str(getattr(_build_info, "TAG", ""))


def from_checkout(root: str = os.path.dirname(HERE)) -> tuple[str, str]:
    """(commit, tag) of the git checkout this package runs from; ("", "") outside one."""
    if not os.path.exists(os.path.join(root, ".git")):
        return "", ""
    return commit_and_tag(root)


def commit_and_tag(root: str) -> tuple[str, str]:
    """HEAD of the repository at `root`, and `v<version>` when that tag points at HEAD (for the build hook too)."""

    def git(*args: str) -> str:
        proc = subprocess.run(("git", "-C", root, *args), capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    commit = git("rev-parse", "--verify", "-q", "HEAD^{commit}")
    if not commit:
        return "", ""
    tag = f"v{__version__}"
    return commit, tag if tag in git("tag", "--points-at", "HEAD").split() else ""


def hook_rev() -> str:
    """The rev to pin: the version's tag when it names this commit, else this commit, else `v<version>`."""
    commit, tag = recorded()
    if not commit:
        commit, tag = from_checkout()
    return tag or commit or f"v{__version__}"
