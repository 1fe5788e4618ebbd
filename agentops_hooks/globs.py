"""gitignore-style globs: pathspec translates each glob once, the hook path reuses its regex.

pathspec costs tens of milliseconds to import, more than a third of the hook's budget; the regex
it makes for a glob never changes, so it is cached by the glob's text and matched with `re`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agentops_hooks import cache


class _Glob:
    """One glob's regex, compiled the first time a path holds the glob's literal part."""

    __slots__ = ("literal", "source", "regex", "include")

    def __init__(self, glob: str, source: str, include: bool) -> None:
        self.literal = literal(glob, source)
        self.source, self.include = source, include
        self.regex: re.Pattern[str] | None = None

    def match(self, path: str) -> bool:
        if self.literal and self.literal not in path:
            return False  # every match of the glob holds its literal: no regex compiled, none run
        if self.regex is None:
            self.regex = re.compile(self.source)
        return self.regex.match(path) is not None


class GlobSet:
    """Globs matched with gitignore semantics: the last glob that matches decides (`!` negates).

    A hook loads every rule's globs but looks at few paths: a glob's regex is compiled only once a
    path holds the glob's literal part (`*.lock`: `.lock`), which most paths do not; `lazy` ones
    (proven when their file was validated) are also translated only on the first match.
    """

    __slots__ = ("globs", "_compiled", "_use_cache")

    def __init__(self, globs: tuple[str, ...], compiled: tuple[_Glob, ...] | None, use_cache: bool = True) -> None:
        self.globs = globs
        self._compiled = compiled
        self._use_cache = use_cache

    def match_file(self, path: str) -> bool:
        """Whether the path is selected."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = _compiled(self.globs, self._use_cache)
        selected = False
        for glob in compiled:
            if glob.match(path):
                selected = glob.include
        return selected

    def __repr__(self) -> str:
        return f"GlobSet({list(self.globs)!r})"


def compile_globs(globs: Iterable[str], use_cache: bool = True, lazy: bool = False) -> GlobSet:
    """A GlobSet; a glob pathspec cannot read raises ValueError (`lazy`: globs already proven,
    translated on first use).

    The regex of a glob comes from the cache only when `use_cache` and the cache is private to us:
    a regex put there by someone else could select other files (or none) for a rule.
    """
    globs = tuple(globs)
    return GlobSet(globs, None if lazy else _compiled(globs, use_cache), use_cache)


def _compiled(globs: tuple[str, ...], use_cache: bool) -> tuple[_Glob, ...]:
    known = cache.glob_table() if use_cache else {}  # the process's one copy of the cache, or a fresh dict
    missing = [g for g in globs if g not in known]
    if missing:
        known.update(_translate(missing))
        if use_cache:
            cache.save_glob_table(known)
    return tuple(_Glob(g, regex, include) for g, (regex, include) in ((g, known[g]) for g in globs) if regex is not None)


_WILD = re.compile(r"[*?/\\\s]+")  # what ends a run of literal characters in a glob (`/`: `**/` may match nothing)


def literal(glob: str, regex: str) -> str:
    """The longest run of plain characters every path the glob matches holds ("" when unsure).

    Only the glob's text before any bracket or backslash counts (what is inside `[...]` is not
    literal), and only when its regex is case-sensitive and spells the run as it is.
    """
    text = glob[1:] if glob.startswith("!") else glob
    text = re.split(r"[\[\\]", text, maxsplit=1)[0]
    runs = [run for run in _WILD.split(text) if run]
    best = max(runs, key=len, default="")
    return best if best and "(?i" not in regex and re.escape(best) in regex else ""


def _translate(globs: list[str]) -> cache.GlobTable:
    import pathspec

    out: cache.GlobTable = {}
    for g in globs:
        pattern = pathspec.GitIgnoreSpec.from_lines([g]).patterns[0]
        regex = getattr(pattern, "regex", None)
        out[g] = (regex.pattern if regex is not None and pattern.include is not None else None, bool(pattern.include))
    return out
