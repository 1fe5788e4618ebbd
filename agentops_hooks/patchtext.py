"""The `-U0` hunks of one file as text: windows cut at line ends, the lines of one sign joined, counted."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

LONG_LINE, OVERLAP = 1 << 20, 1 << 10  # a line longer than LONG_LINE is searched in overlapping pieces
HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_HUNK_BYTES = re.compile(rb"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@", re.MULTILINE)
_ADDED = re.compile(rb"^\+(.*)", re.MULTILINE)
_REMOVED = re.compile(rb"^-(.*)", re.MULTILINE)


def windows(blocks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """The hunks in pieces of about `size` bytes, each ending at a line end (the newline dropped).

    A line longer than LONG_LINE (a hostile one-line file) is not waited for: it is cut, and the
    rest continues as a line of the same sign repeating its last OVERLAP bytes, so a match across
    the cut is still found (one within those bytes may be found twice; a line number after such a
    line counts each piece). Memory stays bounded.
    """
    carry = b""
    for block in blocks:
        data = carry + block if carry else block
        start = 0
        while len(data) - start > size and (cut := data.find(b"\n", start + size)) >= 0:
            yield data[start:cut]
            start = cut + 1
        carry = data[start:]
        if len(carry) > LONG_LINE:
            begin = carry.rfind(b"\n") + 1
            if begin:
                yield carry[: begin - 1]
            yield carry[begin:]
            carry = carry[begin : begin + 1] + carry[-OVERLAP:]
    if carry:
        yield carry


def joined(window: bytes, removed: bool) -> str:
    """The added (or removed) lines of a window, without their sign, joined by newlines."""
    return b"\n".join((_REMOVED if removed else _ADDED).findall(window)).decode("utf-8", "replace")


def counted(window: bytes, number: int, removed: bool) -> int:
    """The line number after a window whose lines are passed over, not read."""
    sign, at, last = b"-" if removed else b"+", 0, None
    for header in _HUNK_BYTES.finditer(window):
        last = header
    if last is not None:
        number, at = int(last.group(1 if removed else 2)), last.end()
    elif window.startswith(sign):
        number += 1
    return number + window.count(b"\n" + sign, at)
