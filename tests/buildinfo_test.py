"""init's default rev names something that exists in the hook repository: the version's tag, else the commit."""

from __future__ import annotations

from pathlib import Path

from agentops_hooks import __version__, buildinfo
from tests.testing import commit, git


def test_the_commit_when_no_tag_points_at_it_and_the_tag_when_one_does(git_repo: Path) -> None:
    sha = commit("chore: start")
    assert buildinfo.commit_and_tag(str(git_repo)) == (sha, "")

    git("tag", f"v{__version__}")
    assert buildinfo.commit_and_tag(str(git_repo)) == (sha, f"v{__version__}")

    later = commit("chore: later")
    assert buildinfo.commit_and_tag(str(git_repo)) == (later, "")  # the tag names an older commit


def test_this_checkout_pins_a_rev_it_holds() -> None:
    rev = buildinfo.hook_rev()
    root = Path(buildinfo.HERE).parent
    assert git("cat-file", "-t", f"{rev}^{{commit}}", cwd=root).strip() == "commit"
