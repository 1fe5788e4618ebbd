"""A revision's tree through plumbing: one path's mode and blob, with `git ls-tree` and `git cat-file`.

`ci` reads its config, rule, ignore and baseline files from the base revision's tree. Two small
git processes per file cost a few milliseconds; GitPython's import alone cost `ci` some 130 ms.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import cast

from agentops_hooks.errors import GitError
from agentops_hooks.gitrepo.plumbing import blob_blocks, git
from agentops_hooks.values import frozen

SYMLINK, GITLINK, TREE = "120000", "160000", "040000"  # modes a caller may have to refuse


@frozen
class Entry:
    """One path of a revision's tree: its mode (git's octal text) and, for a blob, its bytes."""

    path: str
    mode: str
    data: bytes | None  # None for a tree or a gitlink (a submodule's commit is not in this repository)

    @property
    def is_plain_file(self) -> bool:
        """A regular (or executable) file: not a symlink, a gitlink or a tree."""
        return self.mode.startswith("100")


def entry_at(rev: str, path: str, cwd: str | None = None, limit: int | None = None) -> Entry | None:
    """What a revision's tree holds at `path` (mode and blob bytes), or None when it holds nothing there.

    When something on the way is not a folder (a symlink or a gitlink standing for `dir/`), that
    entry is returned, its own `path` shorter than the one asked. `limit` reads at most that many
    bytes and one more, so a caller can refuse a huge blob without holding it. An unknown
    revision holds nothing.
    """
    found = listed(rev, path, cwd)
    if found is None:
        found = _in_the_way(rev, path, cwd)
        if found is None:
            return None
    where, mode, kind, oid = found
    return Entry(where, mode, _blob(oid, cwd, limit) if kind == "blob" else None)


def file_at(rev: str, path: str, cwd: str | None = None) -> bytes | None:
    """A blob's bytes at a revision (a symlink's are its target), or None when there is no blob there.

    Use `entry_at` where a symlink or gitlink must be refused: this gives a link's target text.
    """
    entry = entry_at(rev, path, cwd)
    return None if entry is None else entry.data


def listed(rev: str, path: str, cwd: str | None = None) -> tuple[str, str, str, str] | None:
    """(path, mode, type, oid) of exactly this path in the revision's tree, or None.

    One literal path per `git ls-tree`: with several, git lists what it descends into, not what was asked.
    """
    try:
        out = git("--literal-pathspecs", "ls-tree", "-z", "--full-tree", rev, "--", path, cwd=cwd)
    except GitError as e:
        if "not a valid object name" in str(e).lower() or "not a tree object" in str(e).lower():
            return None
        raise
    for record in out.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        if name.decode("utf-8", "surrogateescape") == path:
            mode, kind, oid = meta.decode("ascii").split()
            return path, mode, kind, oid
    return None


def _in_the_way(rev: str, path: str, cwd: str | None) -> tuple[str, str, str, str] | None:
    """The first folder of `path` that the tree holds as something else (a symlink, a gitlink, a file)."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        found = listed(rev, "/".join(parts[:depth]), cwd)
        if found is None:
            return None
        if found[1] != TREE:
            return found
    return None


def _blob(oid: str, cwd: str | None, limit: int | None) -> bytes:
    """A blob's bytes as git stores them; with `limit`, at most that many and one more (git is stopped there)."""
    if limit is None:
        return git("cat-file", "blob", oid, cwd=cwd)
    kept: list[bytes] = []
    size = 0
    blocks = cast(Generator[bytes, None, None], blob_blocks(oid, cwd))
    try:
        for block in blocks:
            kept.append(block)
            size += len(block)
            if size > limit:
                break
    finally:
        blocks.close()  # ends git when it stopped early
    return b"".join(kept)[: limit + 1]


__all__ = ["SYMLINK", "GITLINK", "TREE", "Entry", "entry_at", "file_at"]
