"""gitrepo's repository-object layer on real repositories: tree entries and modes, merge-base, remotes, one commit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentops_hooks import gitrepo, sources
from agentops_hooks.errors import GitError
from tests.testing import commit, git, write


@pytest.fixture
def tree_repo(git_repo: Path) -> str:
    """A commit holding a file, an executable, a symlink, a folder and a gitlink (a submodule's commit)."""
    write("rules.yaml", "version: 1\n")
    write("run.sh", "#!/bin/sh\n")
    os.chmod("run.sh", 0o755)
    write("dir/inner.yaml", "x: 1\n")
    os.symlink("/etc/passwd", "link.yaml")
    sub = commit("feat: root\n", ("seed", "s\n"))
    git("add", "-A")
    git("update-index", "--add", "--cacheinfo", f"160000,{sub},vendored")
    return commit("feat: tree\n")


@pytest.mark.parametrize(
    ("path", "mode", "plain"),
    [
        ("rules.yaml", "100644", True),
        ("run.sh", "100755", True),
        ("link.yaml", gitrepo.SYMLINK, False),
        ("vendored", gitrepo.GITLINK, False),
        ("dir", gitrepo.TREE, False),
    ],
)
def test_entries_carry_their_mode(tree_repo: str, path: str, mode: str, plain: bool) -> None:
    entry = gitrepo.entry_at(tree_repo, path)
    assert entry is not None
    assert (entry.mode, entry.is_plain_file) == (mode, plain)


def test_blob_bytes_and_what_has_none(tree_repo: str) -> None:
    assert gitrepo.file_at(tree_repo, "rules.yaml") == b"version: 1\n"
    assert gitrepo.file_at(tree_repo, "dir/inner.yaml") == b"x: 1\n"
    assert gitrepo.file_at(tree_repo, "link.yaml") == b"/etc/passwd"  # the target text, never the target
    for path in ("dir", "vendored", "missing.yaml"):
        assert gitrepo.file_at(tree_repo, path) is None
    assert gitrepo.entry_at("no-such-rev", "rules.yaml") is None


def test_a_path_through_a_link_is_the_link_and_names_are_literal(git_repo: Path) -> None:
    """`dir/x` where `dir` is a symlink or a gitlink is that entry (shorter path); `:(top)` and `*` are names."""
    write("real/x.yaml", "x: 1\n")
    write(":(top)x.yaml", "magic: no\n")
    write("a*.yaml", "star: 1\n")
    os.symlink("real", "linked")
    sub = commit("feat: root\n", ("seed", "s\n"))
    git("add", "-A")
    git("update-index", "--add", "--cacheinfo", f"160000,{sub},vendored")
    rev = commit("feat: tree\n")
    through_link = gitrepo.entry_at(rev, "linked/x.yaml")
    through_gitlink = gitrepo.entry_at(rev, "vendored/x.yaml")
    assert through_link is not None and (through_link.path, through_link.mode) == ("linked", gitrepo.SYMLINK)
    assert through_gitlink is not None and (through_gitlink.path, through_gitlink.data) == ("vendored", None)
    assert gitrepo.entry_at(rev, "real/missing/x.yaml") is None
    assert gitrepo.file_at(rev, ":(top)x.yaml") == b"magic: no\n"
    assert gitrepo.file_at(rev, "x.yaml") is None
    assert gitrepo.file_at(rev, "a*.yaml") == b"star: 1\n"
    assert gitrepo.file_at(rev, "a.yaml") is None


def test_a_limit_reads_one_byte_past_it(git_repo: Path) -> None:
    rev = commit("feat: big\n", ("big.txt", "x" * 300_000))
    entry = gitrepo.entry_at(rev, "big.txt", limit=10)
    assert entry is not None and entry.data == b"x" * 11
    whole = gitrepo.entry_at(rev, "big.txt")
    assert whole is not None and whole.data == b"x" * 300_000


def test_merge_base_of_two_branches(git_repo: Path) -> None:
    base = commit("feat: base\n", ("a", "1\n"))
    git("checkout", "-q", "-b", "side")
    side = commit("feat: side\n", ("b", "1\n"))
    git("checkout", "-q", "main")
    main = commit("feat: main\n", ("c", "1\n"))
    assert gitrepo.merge_base(side, main) == base
    git("checkout", "-q", "--orphan", "other")
    other = commit("feat: unrelated\n", ("d", "1\n"))
    with pytest.raises(GitError, match="no common ancestor"):
        gitrepo.merge_base(other, main)


def test_remote_url_as_git_uses_it(git_repo: Path) -> None:
    assert gitrepo.remote_url("origin") is None
    git("remote", "add", "origin", "gh:acme/app.git")
    git("config", "url.https://github.com/.insteadOf", "gh:")
    assert gitrepo.remote_url("origin") == "https://github.com/acme/app.git"


def test_one_commit_matches_the_streamed_history(git_repo: Path) -> None:
    root = commit("feat: root\n\nbody\n", ("a.py", "x = 1\n"), ("b.txt", "b\n"))
    git("checkout", "-q", "-b", "side")
    commit("feat: side\n", ("a.py", "x = 2\ny = 3\n"))
    git("checkout", "-q", "main")
    commit("feat: main\n", ("c.py", "c\n"))
    git("merge", "-q", "--no-ff", "--no-edit", "side")
    merge = git("rev-parse", "HEAD").strip()
    for sha in (root, merge):
        streamed = next(sources.history([f"{sha}^!"], include_merges=True)).held()
        one = gitrepo.commit(sha)
        assert one.sha == streamed.sha and one.parents == streamed.parents
        assert one.message == streamed.message and one.author == streamed.author
        assert [(f.status, f.path, [ln.text for ln in f.added]) for f in one.files] == [
            (f.status, f.path, [ln.text for ln in f.added]) for f in streamed.files
        ]


def test_hook_setup_names_the_folder_and_a_moved_one(git_repo: Path) -> None:
    setup = gitrepo.hook_setup()
    assert setup.hooks_dir == str(git_repo / ".git" / "hooks") and setup.hooks_path is None
    git("config", "core.hooksPath", "githooks")
    moved = gitrepo.hook_setup()
    assert (moved.hooks_path, moved.scope) == (str(git_repo / "githooks"), "local")


def test_has_revision(git_repo: Path, tmp_path: Path) -> None:
    sha = commit("feat: one\n", ("a", "1\n"))
    git("tag", "v1")
    assert gitrepo.has_revision(str(git_repo), "v1") is True
    assert gitrepo.has_revision(str(git_repo), sha) is True
    assert gitrepo.has_revision(str(git_repo), "v2") is False
    assert gitrepo.has_revision(str(tmp_path / "nowhere"), "v1") is None


def test_the_lazy_names_of_gitrepo_are_those_of_its_objects_module() -> None:
    from agentops_hooks import gitrepo
    from agentops_hooks.gitrepo import objects

    assert list(gitrepo.OBJECTS) == objects.__all__
    assert gitrepo.merge_base is objects.merge_base
