"""The `-U0` hunks of one file as text: windows cut at line ends, the lines of one sign joined, counted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

LONG_LINE, OVERLAP = 1 << 20, 1 << 10  # a line longer than LONG_LINE is searched in overlapping pieces
HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_HUNK_BYTES = re.compile(rb"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@", re.MULTILINE)
# the lines of a sign after the first: a literal newline-and-sign is found by a fast search, where a
# `^` of re.MULTILINE is tried at every byte (five times slower over a history's patches)
_AFTER = {False: re.compile(rb"\n\+([^\n]*)"), True: re.compile(rb"\n-([^\n]*)")}


class Continued(bytes):
    """A window whose first line goes on the line before it: the rest of a long line that was cut."""

    __slots__ = ()


def windows(blocks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """The hunks in pieces of about `size` bytes, each ending at a line end (the newline dropped).

    A line longer than LONG_LINE (a hostile one-line file) is not waited for: it is cut, and the
    rest continues in the next piece, a `Continued` one, as a line of the same sign repeating its
    last OVERLAP bytes, so a match across the cut is still found (one within those bytes may be
    found in both pieces). Lines are numbered as git numbers them: a continued line keeps the
    number of the line it continues. Memory stays bounded.
    """
    carry, continued = b"", False
    for block in blocks:
        data = carry + block if carry else block
        start = 0
        while len(data) - start > size and (cut := data.find(b"\n", start + size)) >= 0:
            yield Continued(data[start:cut]) if continued and start == 0 else data[start:cut]
            start = cut + 1
        if start:
            continued = False
        carry = data[start:]
        if len(carry) > LONG_LINE:
            begin = carry.rfind(b"\n") + 1
            if begin:
                yield Continued(carry[: begin - 1]) if continued else carry[: begin - 1]
                continued = False
            yield Continued(carry[begin:]) if continued else carry[begin:]
            carry, continued = carry[begin : begin + 1] + carry[-OVERLAP:], True
    if carry:
        yield Continued(carry) if continued else carry


def joined(window: bytes, removed: bool) -> str:
    """The added (or removed) lines of a window, without their sign, joined by newlines."""
    return joined_bytes(window, removed).decode("utf-8", "replace")


def joined_utf8(window: bytes, removed: bool) -> bytes:
    """`joined(window, removed)` as UTF-8: the lines' own bytes when they are valid UTF-8 (no copy of
    a text through str), else the text with U+FFFD for the bytes that are not, as `joined` has it."""
    text = joined_bytes(window, removed)
    if text.isascii():
        return text
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return text.decode("utf-8", "replace").encode("utf-8")
    return text


def joined_bytes(window: bytes, removed: bool) -> bytes:
    """The added (or removed) lines of a window as git wrote them, without their sign, joined by newlines.

    A window whose lines of that sign are one run to its end (a new file, a deleted one, the added
    half of a rewrite), after at most a hunk header, is one replace; one without them, one search;
    any other, one search for each of its lines of that sign."""
    sign = b"-" if removed else b"+"
    body = window
    if body.startswith(b"@@"):
        cut = body.find(b"\n")
        body = body[cut + 1 :] if cut >= 0 else b""
    if body.endswith(b"\n"):
        body = body[:-1]
    if not body:
        return b""
    if not body.startswith(sign):
        first = body.find(b"\n" + sign)
        if first < 0:
            return b""
        body = body[first + 1 :]  # from the first line of that sign
    if body.count(b"\n") == body.count(b"\n" + sign):
        return body[1:].replace(b"\n" + sign, b"\n")
    lines = _AFTER[removed].findall(window)
    if window.startswith(sign):
        end = window.find(b"\n")
        lines.insert(0, window[1:] if end < 0 else window[1:end])
    return b"\n".join(lines)


def counted(window: bytes, number: int, removed: bool) -> int:
    """The line number after a window whose lines are passed over, not read."""
    sign, at = b"-" if removed else b"+", 0
    last = _last_header(window)
    if last is not None:
        number, at = int(last.group(1 if removed else 2)), last.end()
    elif window.startswith(sign) and not isinstance(window, Continued):  # a continued line has its number
        number += 1
    return number + window.count(b"\n" + sign, at)


def _last_header(window: bytes) -> re.Match[bytes] | None:
    """The window's last hunk header, looked for from its end (a `^` of re.MULTILINE is tried at every byte)."""
    end = len(window)
    while True:
        cut = window.rfind(b"\n@@", 0, end)
        start = cut + 1 if cut >= 0 else 0
        m = _HUNK_BYTES.match(window, start)
        if m is not None:
            return m
        if cut < 0:
            return None
        end = cut
