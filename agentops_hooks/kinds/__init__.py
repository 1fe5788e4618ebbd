"""The registry of rule kinds: each kind is a scope and a check that yields findings."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import NamedTuple

from agentops_hooks.kinds import diff, history, message, paths
from agentops_hooks.kinds.history import RangeFold
from agentops_hooks.kinds.params import Param
from agentops_hooks.model import Commit, Finding, Rule

CommitCheck = Callable[[Rule, Commit], Iterator[Finding]]
RangeCheck = Callable[[Rule], RangeFold]  # a fold the range's commits stream through (kinds.history)


class Scope(enum.Enum):
    """What a kind looks at: the message, the commit's files, or a whole range."""

    MESSAGE = "message"
    COMMIT = "commit"
    RANGE = "range"


class Kind(NamedTuple):
    """A kind's scope, its check and its parameters; `range_check` judges a whole range (RANGE scope, or `per: range`).

    `needs_message`: a COMMIT kind that also reads the message (an approval trailer), so it waits
    for the commit-msg stage, yet unlike MESSAGE kinds it still judges fixup!/squash! commits.
    """

    scope: Scope
    check: CommitCheck | None = None
    range_check: RangeCheck | None = None
    needs_message: bool = False
    params: tuple[Param, ...] = ()  # in the schema's order (tests/kinds_test.py proves they agree)


KINDS: dict[str, Kind] = {
    "added-pattern": Kind(Scope.COMMIT, diff.added_pattern, params=diff.ADDED_PATTERN),
    "co-change": Kind(Scope.COMMIT, paths.co_change, params=paths.CO_CHANGE),
    "file-limits": Kind(Scope.COMMIT, diff.file_limits, params=diff.FILE_LIMITS),
    "message-format": Kind(Scope.MESSAGE, message.message_format, params=message.FORMAT),
    "message-sections": Kind(Scope.MESSAGE, message.message_sections, params=message.SECTIONS),
    "message-trailers": Kind(Scope.MESSAGE, message.message_trailers, params=message.TRAILERS),
    "protected-paths": Kind(Scope.COMMIT, paths.protected_paths, needs_message=True, params=paths.PROTECTED_PATHS),
    "removed-pattern": Kind(Scope.COMMIT, diff.removed_pattern, params=diff.LINE_PATTERN),
    "scope": Kind(Scope.COMMIT, paths.scope, paths.ScopeRange, params=paths.SCOPE),
    "spiral": Kind(Scope.RANGE, range_check=history.Spiral, params=history.SPIRAL),
}


def scope_of(rule: Rule) -> Scope:
    """The scope a rule runs at: its kind's, or RANGE for a `per: range` rule of a kind that has both."""
    kind = KINDS[rule.kind]
    if kind.range_check is not None and (kind.check is None or rule.param("per") == "range"):
        return Scope.RANGE
    return kind.scope


def kind_params(kind: str) -> tuple[str, ...]:
    """The parameter names a kind accepts, in the schema's order (none for an unknown kind)."""
    found = KINDS.get(kind)
    return tuple(p.name for p in found.params) if found else ()
