"""Pure parsing of `git diff|log --raw -z -p -U0` output into FileChange values."""

from __future__ import annotations

import re
from collections.abc import Iterator

from agentops_hooks.model import FileChange, Line

_SECTION = b"\ndiff --git "
_BINARY = re.compile(rb"^(?:Binary files .* differ|GIT binary patch)$", re.MULTILINE)


def parse(out: bytes) -> tuple[FileChange, ...]:
    """Raw records (paths, NUL-separated) paired in order with their patch sections."""
    records, patch = split_raw(out)
    sections = iter(_sections(patch))
    files = []
    for meta, path, old in records:
        status = meta[-1][:1]
        body = next(sections, b"")
        if status == "T":  # a type change is one record but two sections (delete, add)
            body = next(sections, body)
        files.append(_file(meta, status, path, old, body))
    return tuple(files)


def split_raw(out: bytes) -> tuple[list[tuple[list[str], str, str | None]], bytes]:
    """The `--raw -z` records at the head of `out`, and the patch text after them."""
    records: list[tuple[list[str], str, str | None]] = []
    pos = 0
    n = len(out)
    while pos < n and out[pos] in b"\x00\n":
        pos += 1
    while pos < n and out[pos : pos + 1] == b":":
        end = out.index(b"\x00", pos)
        meta = out[pos + 1 : end].decode("ascii").split(" ")
        pos = end + 1
        end = out.index(b"\x00", pos)
        path = _path(out[pos:end])
        pos = end + 1
        old = None
        if meta[-1][:1] in ("R", "C"):
            end = out.index(b"\x00", pos)
            old, path = path, _path(out[pos:end])
            pos = end + 1
        records.append((meta, path, old))
    return records, out[pos:]


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _sections(patch: bytes) -> Iterator[bytes]:
    start = patch.find(b"diff --git ")
    if start < 0:
        return
    while True:
        nxt = patch.find(_SECTION, start)
        if nxt < 0:
            yield patch[start:]
            return
        yield patch[start : nxt + 1]
        start = nxt + 1


def _file(meta: list[str], status: str, path: str, old: str | None, body: bytes) -> FileChange:
    hunks = body.find(b"\n@@ ")
    head = body if hunks < 0 else body[:hunks]
    binary = _BINARY.search(head) is not None
    added, removed = _lines(body[hunks + 1 :]) if hunks >= 0 and not binary else ((), ())
    return FileChange(
        status=status,  # type: ignore[arg-type]  # git's status letters
        path=path,
        old_path=old,
        binary=binary,
        added=added,
        removed=removed,
        old_mode=meta[0],
        new_mode=meta[1],
        new_oid=meta[3],
    )


def _lines(hunks: bytes) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    added: list[Line] = []
    removed: list[Line] = []
    new_no = old_no = 0
    for raw in hunks.split(b"\n"):
        first = raw[:1]
        if first == b"+":
            added.append(Line(new_no, raw[1:].decode("utf-8", "replace")))
            new_no += 1
        elif first == b"-":
            removed.append(Line(old_no, raw[1:].decode("utf-8", "replace")))
            old_no += 1
        elif first == b"@":
            m = re.match(rb"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@", raw)
            if m:
                old_no, new_no = int(m.group(1)), int(m.group(2))
    return tuple(added), tuple(removed)
