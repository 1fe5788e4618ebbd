"""Compatibility names for the modules this one was split into; new code imports those directly.

context (open a run), judge (one commit), hookchecks (staged, commit-msg, prepare-commit-msg),
revisions (which commits), walk (history as it streams). Kept so code written against
`checks.X` keeps working while it moves; docs/architecture.md says where each thing lives now.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, overload

from agentops_hooks.context import Context, environ, open_context, signatures
from agentops_hooks.hookchecks import commit_msg, message_file, prepare, staged
from agentops_hooks.judge import ignored, light
from agentops_hooks.model import CommitResult, RangeFindings
from agentops_hooks.revisions import ci_revs, range_revs
from agentops_hooks.walk import commits

__all__ = [
    "Context",
    "ci_revs",
    "commit_msg",
    "environ",
    "history",
    "ignored",
    "light",
    "message_file",
    "open_context",
    "prepare",
    "range_revs",
    "signatures",
    "staged",
]


@overload
def history(
    ctx: Context, revs: list[str], keep_lines: bool = ..., *, ranges: Literal[False]
) -> Iterator[CommitResult]: ...


@overload
def history(
    ctx: Context, revs: list[str], keep_lines: bool = ..., ranges: bool = ...
) -> Iterator[CommitResult | RangeFindings]: ...


def history(
    ctx: Context, revs: list[str], keep_lines: bool = False, ranges: bool = True
) -> Iterator[CommitResult] | Iterator[CommitResult | RangeFindings]:
    """walk.history, or walk.commits when `ranges` is False (the caller runs range rules itself)."""
    from agentops_hooks import walk

    return walk.history(ctx, revs, keep_lines) if ranges else commits(ctx, revs, keep_lines)
