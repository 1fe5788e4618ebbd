"""Output formats: each turns checked commits into lines, with no I/O and no counting of its own.

Formatters load on first use: the commit-msg hook prints text and should not pay for SARIF or XML.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator

from agentops_hooks.formats.common import RunInfo, Totals
from agentops_hooks.model import Checked

__all__ = ["FORMATTERS", "SHARES_STDOUT", "Formatter", "RunInfo", "Totals", "formatter"]

Formatter = Callable[[Iterable[Checked], RunInfo, Totals], Iterator[str]]  # totals: read after the stream

FORMATTERS: dict[str, str] = {  # the one table of formats: name → module whose `render` writes it
    "github": "agentops_hooks.formats.github",
    "gitlab": "agentops_hooks.formats.gitlab",
    "json": "agentops_hooks.formats.json_",
    "junit": "agentops_hooks.formats.junit",
    "markdown": "agentops_hooks.formats.markdown",
    "sarif": "agentops_hooks.formats.sarif",
    "text": "agentops_hooks.formats.text",
}
# Line formats that may share standard output with each other (the GitHub annotations beside the text);
# every other format is one document, alone on standard output or in its own file.
SHARES_STDOUT = frozenset({"github", "text"})


def formatter(name: str) -> Formatter:
    """The render function of a format."""
    render: Formatter = importlib.import_module(FORMATTERS[name]).render
    return render
