"""RE2 patterns and glob sets as rules use them; a bad one names where it was written.

Every user pattern is RE2 (linear time, no backtracking); `LazyRegex` holds one already proven
to compile (when its file was validated) until a check first searches with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from agentops_hooks.errors import RuleFileError

if TYPE_CHECKING:
    from agentops_hooks.globs import GlobSet


class Match(Protocol):
    """A match of a Regex (RE2's match object)."""

    def group(self, *groups: int | str) -> Any:
        """The matched text (of a group)."""
        ...

    def span(self, group: int | str = 0) -> tuple[int, int]:
        """Where the match (or a group) is; (-1, -1) for a group that took no part."""
        ...


class Regex(Protocol):
    """An RE2 pattern, compiled now or on first use (rulefile.LazyRegex)."""

    def search(self, text: str | bytes) -> Match | None:
        """RE2 search (UTF-8 bytes are searched as they are; a str is encoded first)."""
        ...

    def match(self, text: str) -> Match | None:
        """RE2 match."""
        ...

    def finditer(self, text: str) -> Iterator[Match]:
        """Every non-overlapping match, in order."""
        ...

    @property
    def pattern(self) -> str:
        """The pattern as compiled."""
        ...

    @property
    def groupindex(self) -> Any:
        """Group name → group number."""
        ...


def holds(pattern: Regex, text: str) -> bool:
    """Whether the pattern matches somewhere in the text: RE2 searches its UTF-8 bytes, as it does
    for a str, without working the match's offsets back into characters (most of a search's cost
    on a short text, such as a subject)."""
    return pattern.search(text.encode("utf-8")) is not None


class LazyRegex:
    """An RE2 pattern already proven to compile (when its file was validated), compiled on first use.

    The hook loads every rule but most patterns are never searched on a given commit: the
    combined prefilter rules their files out first.
    """

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args: Any) -> None:
        self._args = args
        self._compiled: Any = None

    def _get(self) -> Any:
        if self._compiled is None:
            self._compiled = regex(*self._args)
        return self._compiled

    def search(self, text: str | bytes) -> Match | None:
        """RE2 search."""
        found: Match | None = self._get().search(text)
        return found

    def match(self, text: str) -> Match | None:
        """RE2 match."""
        found: Match | None = self._get().match(text)
        return found

    def finditer(self, text: str) -> Iterator[Match]:
        """Every non-overlapping match, in order."""
        found: Iterator[Match] = self._get().finditer(text)
        return found

    @property
    def pattern(self) -> str:
        """The pattern as compiled."""
        return str(self._get().pattern)

    @property
    def groupindex(self) -> Any:
        """Group name → group number."""
        return self._get().groupindex


def regex(pattern: str, where: str, full: bool = False, max_mem: int = 0, lazy: bool = False) -> Any:
    """An RE2 pattern (search semantics; `full`: whole text, any case); a bad one names where it is."""
    if lazy:
        return LazyRegex(pattern, where, full, max_mem)
    import re2

    options = re2.Options()
    options.log_errors = False
    if max_mem:
        options.max_mem = max_mem
    try:
        return re2.compile(f"(?i)^(?:{pattern})$" if full else pattern, options=options)
    except re2.error as e:
        reason = e.args[0].decode("utf-8", "replace") if e.args and isinstance(e.args[0], bytes) else str(e)
        raise RuleFileError(
            f"{where}: pattern {pattern!r} is not valid RE2: {reason} (RE2 has no backreferences or look-around)"
        ) from None


def re2_escape(text: str) -> str:
    """A literal for an RE2 pattern."""
    import re

    return re.escape(text)


def globs(patterns: list[str], where: str, cache: bool = True, lazy: bool = False) -> GlobSet:
    """A gitignore-style glob set; a bad glob names where it is (`cache`: translations may come from
    the cache; `lazy`: proven when its file was validated, compiled on first use)."""
    from agentops_hooks.globs import compile_globs

    try:
        return compile_globs(patterns, cache, lazy)
    except (ValueError, TypeError) as e:
        raise RuleFileError(f"{where}: bad glob: {e}") from None
