"""Proposing a pattern: one offending line → a readable RE2 pattern and an example it must flag.

Secrets are never copied: a span a `redact` rule matches becomes a character class of its shape,
and the example gets a filler of the same length that no secret rule matches.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from typing import Any

from agentops_hooks import rulefile
from agentops_hooks.errors import FatalError
from agentops_hooks.values import frozen

# lines that say nothing about an incident: closers, imports, keywords alone, very short lines
GENERIC = re.compile(
    r"""^\s*(?:
        [\[\](){};,]*
      | (?:import|from|using|use|package|require|include|\#include|\#import)\b.*
      | (?:const|let|var)\s+\w+\s*=\s*require\(.*
      | \}?\s*(?:else|try|finally|do|end|fi|done|esac|pass|break|continue|return)\b\s*[;{:]?
      | .{0,3}
    )\s*$""",
    re.VERBOSE,
)
ORDINARY_LINES = (  # a pattern matching all of these matches every line
    "x",
    "}",
    "import os",
    "return 0;",
    "def main():",
    "    // a comment",
    "hello world",
    "#",
    " ",
    "0",
)
_META = re.compile(r"([\\.^$*+?()\[\]{}|])")
_TOKENS = re.compile(  # a hex word of 7+ (a commit id, a hash) is one token: its digits are never split off
    r"(?P<hex>(?<![0-9A-Za-z_])(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{7,}(?![0-9A-Za-z_]))"
    r"|(?P<digits>(?<![A-Za-z_0-9])\d+(?![A-Za-z_]))"
    r"|(?P<space>\s+)"
)
_TRAILING = re.compile(r"[\s;,)\]}]+$")
FILLERS = ("0", "x", "X", "-", "_")


@frozen
class Piece:
    """One offending line: where it was added, the pattern it gives, the example that pattern must flag."""

    path: str
    line: int
    pattern: str
    example: str
    redacted: bool = False


def generalise(text: str) -> str:
    """A readable RE2 pattern for a literal: digits → \\d+, a hex word (a commit id) → \\b[0-9a-f]{7,}\\b,
    whitespace → \\s+, the rest escaped."""
    out: list[str] = []
    pos = 0
    for m in _TOKENS.finditer(text):
        out.append(_escape(text[pos : m.start()]))
        if m.group("hex"):
            hexdigits = "0-9a-f" if m.group().islower() else "0-9A-Fa-f"
            out.append(rf"\b[{hexdigits}]{{7,}}\b")  # whole words only: never the hex letters of `added`
        elif m.group("digits"):
            out.append(r"\d+")
        else:
            out.append(r"\s+")
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def _escape(text: str) -> str:
    return _META.sub(r"\\\1", text)


def secret_class(secret: str) -> str:
    """A character class of the secret's shape (letters, digits, its symbols), never its literal."""
    parts = []
    if any(c.isdigit() for c in secret):
        parts.append("0-9")
    if any(c.isupper() for c in secret):
        parts.append("A-Z")
    if any(c.islower() for c in secret):
        parts.append("a-z")
    symbols = sorted({c for c in secret if not c.isalnum() and not c.isspace()})
    parts += [("\\" + c) if c in "\\]^-[" else c for c in symbols]
    return "[" + "".join(parts) + "]+" if parts else r"\S+"


def is_generic(text: str) -> bool:
    """Closers, imports, lone keywords, very short lines: nothing an incident is recognised by."""
    return bool(GENERIC.match(text))


def piece(path: str, number: int, text: str, secrets: Sequence[Any]) -> Piece | None:
    """The pattern and example of one offending line; secrets become classes (None: no safe form exists)."""
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    spans = _merge(sorted({m.span() for s in secrets for m in s.finditer(text) if m.end() > m.start()}))
    core_end = _core_end(text, start, end, spans)
    shaped = _shape(text, start, core_end, spans, secrets)
    if shaped is None:
        return None
    pattern, example = shaped
    literal = sum(b - a for a, b in _gaps(spans, start, core_end))
    if spans and literal < 4:  # nothing but the secret: its class alone would flag any word
        return None
    if text[start : start + 1].isalnum() or text[start : start + 1] == "_":
        pattern = r"\b" + pattern
    if any(s.search(example) for s in secrets):
        return None
    return Piece(path, number, pattern, example, redacted=bool(spans))


def _core_end(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> int:
    """Where the line's distinctive part ends: trailing closers dropped, unless a secret reaches past them."""
    trimmed = _TRAILING.search(text[start:end])
    core_end = start + trimmed.start() if trimmed else end
    if core_end - start < 4:  # trimming left too little: keep the closers
        core_end = end
    for a, b in spans:
        core_end = max(core_end, min(b, end)) if a < core_end + 1 else core_end
    return core_end


def _shape(
    text: str, start: int, core_end: int, spans: Sequence[tuple[int, int]], secrets: Sequence[Any]
) -> tuple[str, str] | None:
    """(pattern, example) with each secret span as its class and a filler; None when no filler is safe."""
    parts: list[str] = []
    example = text
    pos = start
    for a, b in spans:
        if b <= start or a >= core_end:
            continue
        a, b = max(a, start), min(b, core_end)
        parts.append(generalise(text[pos:a]))
        cls = secret_class(text[a:b])
        filler = _filler(cls, b - a, example, a, secrets)
        if filler is None:
            return None
        example = example[:a] + filler + example[b:]
        parts.append(cls)
        pos = b
    parts.append(generalise(text[pos:core_end]))
    return "".join(parts), example


def _gaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The stretches of [start, end) outside the secret spans."""
    pos = start
    for a, b in spans:
        if a > pos:
            yield pos, min(a, end)
        pos = max(pos, b)
    if pos < end:
        yield pos, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _filler(cls: str, n: int, line: str, at: int, secrets: Sequence[Any]) -> str | None:
    """Text of the secret's length that its class matches and no secret rule does."""
    full = rulefile.regex(f"(?:{cls})", "the secret's class", full=True)
    for ch in FILLERS:
        candidate = ch * n
        trial = line[:at] + candidate + line[at + n :]
        if full.search(candidate) and not any(s.search(trial) for s in secrets):
            return candidate
    return None


def include_glob(path: str) -> str:
    """`src/app.js` → `src/**/*.js`; a root file → `*.js`; no extension → the path itself."""
    folder, name = os.path.split(path)
    ext = os.path.splitext(name)[1]
    if not ext:
        return "/" + path if "/" not in path else path
    return f"{folder}/**/*{ext}" if folder else f"*{ext}"


def check_pattern(pattern: str, where: str = "--pattern") -> Any:
    """The compiled pattern; RE2 refusing it, or a pattern that matches every line, is exit 3 in one line."""
    regex = rulefile.regex(pattern, where)
    if regex.search(""):
        raise FatalError(
            f"{where}: pattern {pattern!r} matches every line (it matches the empty line); "
            "make it match only the bad code"
        )
    if all(regex.search(s) for s in ORDINARY_LINES):
        raise FatalError(
            f"{where}: pattern {pattern!r} matches every line (it matches ordinary lines such as 'x' and '}}'); "
            "make it match only the bad code"
        )
    return regex
