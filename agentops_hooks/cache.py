"""Every cache we keep, and the trust checks that decide whether an entry may be read.

Two caches save the hook its slowest steps: validated rule files (`rules/`, keyed by content:
no YAML parse, no schema validation on a hit) and glob translations (`globs/`: no pathspec
import). Both live in our own folder under the user's cache directory, made 0700, written
atomically as 0600 files. An entry is read only when neither it nor its folder can be written
by another user, and a rule-file entry only when it proves itself (its key, its content, a
digest of its data). `ci` reads neither: it passes `trusted=False` and validates everything.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from functools import cache
from typing import Any

from agentops_hooks import __version__
from agentops_hooks.hashing import digest

GLOBS_VERSION = 1  # bump when the translation may change (a new pathspec major version)
GlobTable = dict[str, tuple[str | None, bool]]  # glob → (its regex, or None: matches nothing; include?)


def folder(*parts: str) -> str:
    """`$XDG_CACHE_HOME/agentops-hooks/...` (`~/.cache` without it, or when it is relative, as the spec says)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # a relative one would put the cache wherever the hook happens to run
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "agentops-hooks", *parts)


def private(*paths: str) -> bool:
    """Whether each path is ours and no one else can write it (owned by us, no group or world
    write bit, not a symlink): otherwise another user could have put what we would read."""
    try:
        return all(_mine(os.lstat(p)) for p in paths)
    except OSError:
        return False


def _mine(st: os.stat_result) -> bool:
    owner = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not stat.S_ISLNK(st.st_mode)


def read_private(path: str) -> bytes | None:
    """The file's bytes when it and its folder are private to us; None otherwise, or when it cannot be read."""
    if not private(os.path.dirname(path), path):
        return None  # missing, or another user could have written it
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def write_private(path: str, data: bytes) -> None:
    """Write the file atomically, 0600 in a 0700 folder; a failure is ignored (a cache only saves time)."""
    tmp = f"{os.path.splitext(path)[0]}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


# --- validated rule files ---


def validated(path: str, text: str, load: Callable[[str, str], dict[str, Any]], trusted: bool) -> dict[str, Any]:
    """`load(path, text)`: validated plain data, from the cache keyed by content when `trusted` (never in `ci`).

    An entry is used only when it proves itself: it names its key and the content it was built
    from, a digest covers its data, and neither the folder nor the entry is writable by anyone
    but us. Anything else is ignored and the file is validated again.
    """
    content = digest(text.encode())
    key = digest(f"{__version__}\0{path}\0{content}".encode())
    entry = folder("rules", f"{key}.json")
    if trusted:
        doc = _proven(entry, key, content)
        if doc is not None:
            return doc
    doc = load(path, text)
    data = json.dumps(doc).encode()
    meta = json.dumps({"key": key, "content": content, "data": _seal(key, data)}).encode()
    write_private(entry, meta + b"\n" + data)
    return doc


def _seal(key: str, data: bytes) -> str:
    return digest(key.encode() + b"\0" + data)


def _proven(entry: str, key: str, content: str) -> dict[str, Any] | None:
    raw = read_private(entry)
    if raw is None:
        return None
    head, _, data = raw.partition(b"\n")
    try:
        if json.loads(head) != {"key": key, "content": content, "data": _seal(key, data)}:
            return None
        doc = json.loads(data)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


# --- glob translations ---


def _globs_path() -> str:
    return folder("globs", f"v{GLOBS_VERSION}.json")


@cache
def glob_table() -> GlobTable:
    """The process's one copy of the glob translations on disk (empty when missing or not private)."""
    raw = read_private(_globs_path())
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
        return {k: (v[0], bool(v[1])) for k, v in data.items()}
    except (ValueError, TypeError, IndexError, AttributeError, KeyError):
        return {}


def save_glob_table(table: GlobTable) -> None:
    """Write the translations back (after new globs were translated)."""
    write_private(_globs_path(), json.dumps(table).encode())
