"""Output formats: each turns checked commits into lines, with no I/O of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from agentops_hooks.formats import github, gitlab, json_, junit, markdown, sarif, text
from agentops_hooks.formats.common import RunInfo, Totals
from agentops_hooks.model import CommitResult

Formatter = Callable[[Iterable[CommitResult], RunInfo, Totals], Iterator[str]]

__all__ = ["FORMATTERS", "Formatter", "RunInfo", "Totals"]

FORMATTERS: dict[str, Formatter] = {
    "github": github.render,
    "gitlab": gitlab.render,
    "json": json_.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
    "text": text.render,
}
