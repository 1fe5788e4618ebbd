"""gitignore-style globs: pathspec translates each glob once, the hook path reuses its regex.

pathspec costs tens of milliseconds to import, more than a third of the hook's budget; the regex
it makes for a glob never changes, so it is cached by the glob's text and matched with `re`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agentops_hooks import cache


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
    known = cache.glob_table() if use_cache else {}  # the process's one copy of the cache, or a fresh dict
    missing = [g for g in globs if g not in known]
    if missing:
        known.update(_translate(missing))
        if use_cache:
            cache.save_glob_table(known)
    compiled = tuple((re.compile(regex), include) for regex, include in (known[g] for g in globs) if regex is not None)
    return GlobSet(globs, compiled)


def _translate(globs: list[str]) -> cache.GlobTable:
    import pathspec

    out: cache.GlobTable = {}
    for g in globs:
        pattern = pathspec.GitIgnoreSpec.from_lines([g]).patterns[0]
        regex = getattr(pattern, "regex", None)
        out[g] = (regex.pattern if regex is not None and pattern.include is not None else None, bool(pattern.include))
    return out
