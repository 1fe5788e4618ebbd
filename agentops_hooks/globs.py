"""gitignore-style globs: pathspec translates each glob once, the hook path reuses its regex.

pathspec costs tens of milliseconds to import, more than a third of the hook's budget and a
tenth of `ci` on a small pull request; the regex it makes for a glob never changes. The globs of
the built-in packs are translated when the package is made (`prebuilt/globs.json`, written by
`python -m agentops_hooks.docsgen --write`; a test fails when it is not what pathspec gives now)
and read from this package's own folder only, so no run translates them, `ci` included. Any
other glob is translated when first met, and cached by its text for the hooks (cache.py).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable

from agentops_hooks import cache

SHIPPED = os.path.join(os.path.dirname(os.path.realpath(__file__)), "prebuilt", "globs.json")


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
    shipped = shipped_table()
    rest = [g for g in globs if g not in shipped]
    known = _others(rest, use_cache) if rest else shipped
    return tuple(
        _Glob(g, regex, include)
        for g, (regex, include) in ((g, shipped.get(g) or known[g]) for g in globs)
        if regex is not None
    )


def _others(globs: list[str], use_cache: bool) -> cache.GlobTable:
    """The translations of globs the package does not ship: from the cache when `use_cache`, else made now."""
    known = cache.glob_table() if use_cache else {}  # the process's one copy of the cache, or a fresh dict
    missing = [g for g in globs if g not in known]
    if missing:
        known.update(_translate(missing))
        if use_cache:
            cache.save_glob_table(known)
    return known


@functools.cache
def shipped_table() -> cache.GlobTable:
    """The built-in packs' globs as translated when the package was made (empty when the file is missing or unreadable)."""
    try:
        with open(SHIPPED, "rb") as f:
            data = json.load(f)
        return {g: (regex, bool(include)) for g, (regex, include) in data["globs"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def table_text(globs: Iterable[str]) -> str:
    """`prebuilt/globs.json` for these globs: each one's translation by pathspec now, one a line, sorted."""
    table = _translate(sorted(set(globs)))
    lines = [json.dumps(g) + ":" + json.dumps(list(table[g])) for g in sorted(table)]
    return '{"format":1,"globs":{\n' + ",\n".join(lines) + "\n}}\n"


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
        patterns = pathspec.GitIgnoreSpec.from_lines([g]).patterns
        if not patterns:  # an empty glob: pathspec makes no pattern of it at all
            raise ValueError(f"{g!r} is an empty glob; remove it")
        pattern = patterns[0]
        regex = getattr(pattern, "regex", None)
        out[g] = (regex.pattern if regex is not None and pattern.include is not None else None, bool(pattern.include))
    return out
