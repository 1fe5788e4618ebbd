"""The registry of rule kinds: each kind is a scope and a check that yields findings."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import NamedTuple

from agentops_hooks.kinds import diff, message
from agentops_hooks.model import Commit, Finding, Rule


class Scope(enum.Enum):
    """What a kind looks at: the message, the commit's files, or a whole range."""

    MESSAGE = "message"
    COMMIT = "commit"
    RANGE = "range"


class Kind(NamedTuple):
    """A kind's scope and its check."""

    scope: Scope
    check: Callable[[Rule, Commit], Iterator[Finding]]


KINDS: dict[str, Kind] = {
    "added-pattern": Kind(Scope.COMMIT, diff.added_pattern),
    "file-limits": Kind(Scope.COMMIT, diff.file_limits),
    "message-format": Kind(Scope.MESSAGE, message.message_format),
    "message-sections": Kind(Scope.MESSAGE, message.message_sections),
}
