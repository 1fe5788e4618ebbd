"""Co-author lines read the way GitHub credits them, beside git's own trailers.

git takes the last paragraph as trailers only when it looks like a trailer block. GitHub credits
`Co-authored-by:` lines in the message's trailing block: the lines after the last line that is
neither trailer-shaped nor blank. So a squash body a person edited, where `Co-authored-by:`
follows `---------` with no blank line between, still credits its co-authors on GitHub, though
`git interpret-trailers` sees no trailer there. Only co-author lines are read this way; every
other trailer rule keeps git's reading.
"""

from __future__ import annotations

import re

from agentops_hooks.model import Message

CO_AUTHOR_KEYS = ("co-authored-by",)
CO_DEVELOPED = "co-developed-by"  # the Linux kernel's, for people: it counts only with an agent address
_HINT = re.compile(r"(?i)co-authored-by")
_SHAPE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")


def trailing_block(text: str) -> list[tuple[str, str]]:
    """The (key, value) lines of the message's trailing block, top to bottom; never the subject."""
    lines = text.rstrip("\n").split("\n")[1:]
    found: list[tuple[str, str]] = []
    held: list[str] = []  # indented lines below: they belong to the block only as a trailer's continuation
    for line in reversed(lines):
        if line[:1] in (" ", "\t") and line.strip():
            held.insert(0, line.strip())
            continue
        m = _SHAPE.match(line) if line.strip() else None
        if (line.strip() and m is None) or (m is None and held):
            break  # prose ends the block; so does indented text under a blank line (the body's)
        if m is not None:
            found.append((m.group(1), " ".join([m.group(2).strip(), *held])))  # continued, as git folds it
        held = []
    return found[::-1]


def lines(message: Message) -> tuple[tuple[str, str], ...]:
    """Every co-author line (key as written, value): git's trailers, then GitHub's trailing block."""
    seen: dict[tuple[str, str], None] = {}
    for t in message.trailers:
        if t.key.lower() in CO_AUTHOR_KEYS or t.key.lower() == CO_DEVELOPED:
            seen[(t.key, t.value)] = None
    if _HINT.search(message.text):
        for key, value in trailing_block(message.text):
            if key.lower() in CO_AUTHOR_KEYS:
                seen.setdefault((key, value), None)
    return tuple(seen)
