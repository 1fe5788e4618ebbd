"""gitignore-style globs: pathspec translates each glob once, the hook path reuses its regex.

pathspec costs tens of milliseconds to import, more than a third of the hook's budget; the regex
it makes for a glob never changes, so it is cached by the glob's text and matched with `re`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import cache

from agentops_hooks.cache import folder, private

VERSION = 1  # bump when the translation may change (a new pathspec major version)


class GlobSet:
    """Globs matched with gitignore semantics: the last glob that matches decides (`!` negates)."""

    __slots__ = ("globs", "_compiled")

    def __init__(self, globs: tuple[str, ...], compiled: tuple[tuple[re.Pattern[str], bool], ...]) -> None:
        self.globs = globs
        self._compiled = compiled

    def match_file(self, path: str) -> bool:
        """Whether the path is selected."""
        selected = False
        for regex, include in self._compiled:
            if regex.match(path):
                selected = include
        return selected

    def __repr__(self) -> str:
        return f"GlobSet({list(self.globs)!r})"


def compile_globs(globs: Iterable[str], use_cache: bool = True) -> GlobSet:
    """A GlobSet; a glob pathspec cannot read raises ValueError.

    The regex of a glob comes from the cache only when `use_cache` and the cache is private to us:
    a regex put there by someone else could select other files (or none) for a rule.
    """
    globs = tuple(globs)
    known = _cache() if use_cache else {}  # the process's one copy of the cache, or a fresh dict
    missing = [g for g in globs if g not in known]
    if missing:
        known.update(_translate(missing))
        if use_cache:
            _save(known)
    compiled = tuple((re.compile(regex), include) for regex, include in (known[g] for g in globs) if regex is not None)
    return GlobSet(globs, compiled)


def _translate(globs: list[str]) -> dict[str, tuple[str | None, bool]]:
    import pathspec

    out: dict[str, tuple[str | None, bool]] = {}
    for g in globs:
        pattern = pathspec.GitIgnoreSpec.from_lines([g]).patterns[0]
        regex = getattr(pattern, "regex", None)
        out[g] = (regex.pattern if regex is not None and pattern.include is not None else None, bool(pattern.include))
    return out


def _path() -> str:
    return folder("globs", f"v{VERSION}.json")  # its own folder, made private (0700) by us


@cache
def _cache() -> dict[str, tuple[str | None, bool]]:
    path = _path()
    if not private(os.path.dirname(path), path):
        return {}  # missing, or another user could have written it: translate again
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return {k: (v[0], bool(v[1])) for k, v in data.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return {}


def _save(known: dict[str, tuple[str | None, bool]]) -> None:
    path = _path()
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        tmp = f"{path.removesuffix('.json')}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(known, f)
        os.replace(tmp, path)
    except OSError:
        pass  # the cache only saves time
