"""The text files that init and learn read and write: one planned edit type, one reader, one writer."""

from __future__ import annotations

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


def read_text(path: str) -> str | None:
    """A file's text, or None when it does not exist; any other failure is one FatalError line."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FatalError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        with open(path, "rb") as f:
            line = f.read(e.start).count(b"\n") + 1
        raise FatalError(f"{path}:{line}:1: not UTF-8 text (byte {e.start}); save the file as UTF-8 and run again") from None


def write(edits: Iterable[FileEdit], root: str = "") -> None:
    """Write the edits (paths relative to `root`, folders made as needed); a failure is one FatalError line."""
    for e in edits:
        path = os.path.join(root, e.path)
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(e.after)
        except OSError as err:
            raise FatalError(f"{path}: cannot write: {err.strerror}") from None


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
