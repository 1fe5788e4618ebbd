"""`learnings -f markdown=DIR`: one note per learning, with front matter a notes app (Obsidian) reads.

    ---
    commit: 3f2a9c1e…
    date: 2026-05-04T10:22:31+02:00
    agent: ai
    files:
      - "src/parse.py"
    rule: learned-3f2a9c1
    ---

A note's name is `<date>-<sha7>-<subject words>.md`: the same commit always gives the same name, made
of `a-z0-9-` only, so notes can be written again over an older export and sit in any file system.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from agentops_hooks.errors import FatalError

_WORD = re.compile(r"[^a-z0-9]+")
SLUG_MAX = 48


def note_name(item: Mapping[str, Any]) -> str:
    """A stable, portable file name: date, short sha and the subject's first words."""
    slug = _WORD.sub("-", str(item.get("subject") or "").lower()).strip("-")[:SLUG_MAX].rstrip("-")
    parts = [str(item.get("date") or "")[:10], (item.get("sha") or "staged")[:7], slug]
    return "-".join(p for p in parts if p) + ".md"


def note(item: Mapping[str, Any]) -> str:
    """The note: YAML front matter (JSON-quoted strings are YAML too), the subject, the learning."""
    files = item.get("files") or []
    lines = [
        "---",
        f"commit: {_q(item.get('sha') or '')}",
        f"date: {_q(item.get('date') or '')}",
        f"agent: {_q(item.get('verdict') or 'human')}",
        "files:" + ("" if files else " []"),
        *(f"  - {_q(f)}" for f in files),
        f"rule: {_q(item['rule']) if item.get('rule') else 'null'}",
        "tags: [learning]",
        "---",
        "",
        f"# {item.get('subject') or '(no subject)'}",
        "",
        str(item.get("text") or ""),
        "",
    ]
    return "\n".join(lines)


def write_notes(items: Iterable[Mapping[str, Any]], folder: str) -> list[str]:
    """Write each learning's note into `folder` (made if missing); the paths written."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise FatalError(f"{folder}: cannot make the notes folder: {e.strerror}") from None
    written = []
    for item in items:
        path = os.path.join(folder, note_name(item))
        try:
            with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as f:
                f.write(note(item))
        except OSError as e:
            raise FatalError(f"{path}: cannot write the note: {e.strerror}") from None
        written.append(path)
    return written


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's), ASCII-safe for odd bytes."""
    return json.dumps(text, ensure_ascii=False)
