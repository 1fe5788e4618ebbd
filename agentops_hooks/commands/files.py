"""The text files that init and learn read and write: one planned edit type, one reader, one writer."""

from __future__ import annotations

import contextlib
import difflib
import os
from collections.abc import Iterable, Iterator
from typing import Any

from agentops_hooks.errors import FatalError
from agentops_hooks.values import frozen


@frozen
class FileEdit:
    """One file a command writes: its path, its text before (None: a new file) and after."""

    path: str
    before: str | None
    after: str

    def diff(self, shown: str | None = None) -> str:
        """A unified diff of the edit, the file named `shown` (default: its path)."""
        name = self.path if shown is None else shown
        old = (self.before or "").splitlines(keepends=True)
        src = "/dev/null" if self.before is None else f"a/{name}"  # a new file, as git shows one
        return "".join(difflib.unified_diff(old, self.after.splitlines(keepends=True), src, f"b/{name}"))


def read_text(path: str, exact: bool = False) -> str | None:
    """A file's text, or None when it does not exist; any other failure is one FatalError line.

    `exact`: line ends and a BOM as in the file (init gives them back as it found them).
    """
    try:
        with open(path, encoding="utf-8", newline="" if exact else None) as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FatalError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        with open(path, "rb") as f:
            line = f.read(e.start).count(b"\n") + 1
        raise FatalError(f"{path}:{line}:1: not UTF-8 text (byte {e.start}); save the file as UTF-8 and run again") from None


def inside(root: str, rel: str) -> str:
    """The path of `rel` under `root`, refused (one line) when it, or a folder on the way, is a symlink leading outside."""
    path = os.path.join(root, rel)
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root:
        raise FatalError(f"{path}: a symlink to {real}, outside the repository; refusing to write through it")
    return path


def write(edits: Iterable[FileEdit], root: str = "") -> None:
    """Write the edits (paths relative to `root`, folders made as needed); a failure is one FatalError line.

    Each file is written whole to a temporary file in its own folder, then renamed over it: a run
    killed mid-write leaves the old file, never an empty one. The mode of a file that exists is kept;
    a symlink inside the repository is written through (its target replaced), one leading outside refused.
    """
    for e in edits:
        path = os.path.realpath(inside(root, e.path) if root else e.path)
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            _replace(path, e.after.encode("utf-8"))
        except OSError as err:
            raise FatalError(f"{os.path.join(root, e.path)}: cannot write: {err.strerror}") from None


def _replace(path: str, data: bytes) -> None:
    import tempfile

    try:
        mode: int | None = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def strings(value: Any) -> Iterator[str]:
    """Every string in JSON-like data (mappings, lists, scalars), depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)
