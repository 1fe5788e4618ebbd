"""Where the config, its rule files and the ignore file come from: the work tree, or a revision's blobs.

Inside the repository only regular files count: a symlink anywhere on the way, a folder, a
device, a submodule (gitlink) is refused with one line naming the path, never read and never
taken for "no file" (which would mean the defaults). `ci` reads the base revision's blobs and
never the checkout, which is the pull request's.
"""

from __future__ import annotations

import os

from agentops_hooks.errors import RuleFileError
from agentops_hooks.names import IGNORE_FILE

NOT_A_FILE = (
    "the config, its rule files and {ignore} are read only as regular files of the repository,"
    " never through a link (put the file itself there)"
)


class WorkTree:
    """Config, rule and ignore files on disk: inside the repository only regular files, never through a symlink.

    Paths are taken as written (no symlink resolved): a link anywhere on the way to a file inside
    the repository is refused with one line, so what judges a commit is what the repository holds.
    Files outside it (built-in packs, an explicit --config) are read as they are.
    """

    def __init__(self, toplevel: str | None = None) -> None:
        self.toplevel = os.path.normpath(toplevel) if toplevel else None

    def place(self, path: str) -> str:
        """The path made absolute and normalised, symlinks not followed."""
        return os.path.normpath(os.path.join(self.toplevel or os.getcwd(), path))

    def rel(self, path: str) -> str | None:
        """The path inside the repository (`/`-separated), None outside it."""
        if not self.toplevel:
            return None
        rel = os.path.relpath(self.place(path), self.toplevel)
        return None if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel.replace(os.sep, "/")

    def read(self, path: str, limit: int | None = None) -> bytes:
        """The file's bytes (at most `limit` and one more); OSError when it cannot be read."""
        if not self.exists(path):
            raise FileNotFoundError(2, "No such file or directory", path)
        flags = os.O_RDONLY | (getattr(os, "O_NOFOLLOW", 0) if self.rel(path) is not None else 0)
        with os.fdopen(os.open(self.place(path), flags), "rb") as f:
            return f.read(-1 if limit is None else limit + 1)

    def exists(self, path: str) -> bool:
        """Whether there is a file at the path; a symlink, folder or device inside the repository is a RuleFileError."""
        import stat

        rel = self.rel(path)
        if rel is None:
            return os.path.isfile(path)
        node = self.toplevel or ""
        for part in rel.split("/"):
            node = os.path.join(node, part)
            try:
                st = os.lstat(node)
            except (FileNotFoundError, NotADirectoryError):
                return False
            if stat.S_ISLNK(st.st_mode):
                raise not_a_file(self.rel(node) or node, "a symlink")
        if stat.S_ISDIR(st.st_mode):
            raise not_a_file(rel, "a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise not_a_file(rel, "not a regular file")
        return True


def not_a_file(where: str, what: str) -> RuleFileError:
    """The one line for a config, rule or ignore file that is not a regular file."""
    return RuleFileError(f"{where}: {what}; {NOT_A_FILE.format(ignore=IGNORE_FILE)}")


_MODES = {"120000": "a symlink (git mode 120000)", "160000": "a submodule (git mode 160000), not a file"}


class Revision(WorkTree):
    """Config, rule and ignore files as blobs of a revision (`ci` judges a PR by its base): never the work tree."""

    def __init__(self, rev: str, toplevel: str) -> None:
        super().__init__(toplevel)
        self.rev = rev

    def read(self, path: str, limit: int | None = None) -> bytes:
        """The blob at the revision (files outside the repository, such as built-in packs, from disk)."""
        if self.rel(path) is None:
            return super().read(path, limit)
        data = self._blob(path, limit)
        if data is None:
            raise FileNotFoundError(2, f"not in revision {self.rev[:12]}", path)
        return data

    def exists(self, path: str) -> bool:
        """Whether the revision has a regular file there; a symlink, gitlink or tree is a RuleFileError."""
        return super().exists(path) if self.rel(path) is None else self._blob(path, 0) is not None

    def _blob(self, path: str, limit: int | None) -> bytes | None:
        from agentops_hooks import gitrepo

        rel = self.rel(path) or path
        entry = gitrepo.entry_at(self.rev, rel, self.toplevel, limit)
        if entry is None:
            return None
        if not entry.is_plain_file:
            what = _MODES.get(entry.mode, "a folder, not a file")
            raise not_a_file(f"{entry.path} in the base revision {self.rev[:12]}", what)
        return entry.data
