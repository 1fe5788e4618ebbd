"""Reports over history (SPEC §9): one streamed pass counted into a JSON document, rendered five ways."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from agentops_hooks.report import render_html, render_md, render_om, render_text

Renderer = Callable[[dict[str, Any]], Iterator[str]]


def render_json(report: dict[str, Any]) -> Iterator[str]:
    """The document itself (schema_version 1, described by schema/report.schema.json), line by line.

    Encoded piece by piece: a long history's weekly rows never become one string in memory.
    """
    line: list[str] = []
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(report):
        *done, rest = chunk.split("\n")
        if done:
            yield "".join([*line, done[0]])
            yield from done[1:]
            line = []
        line.append(rest)
    yield "".join(line)


RENDERERS: dict[str, Renderer] = {
    "html": render_html.render,
    "json": render_json,
    "markdown": render_md.render,
    "openmetrics": render_om.render,
    "text": render_text.render,
}


def render_learnings(items: Iterable[dict[str, Any]], fmt: str) -> Iterator[str]:
    """`learnings` output: one line per learning, or a JSON document."""
    if fmt == "json":
        yield json.dumps({"schema_version": 1, "learnings": list(items)}, indent=2, ensure_ascii=False)
        return
    for i in items:
        yield f"{(i['sha'] or '')[:7]} {i['date'][:10]} {i['verdict']}: {i['text']}"
