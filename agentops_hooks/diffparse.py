"""Pure parsing of `git diff|log --raw -z -p -U0` output into FileChange values."""

from __future__ import annotations

import re
from collections.abc import Iterator

from agentops_hooks.errors import GitError
from agentops_hooks.model import FileChange, Line

_SECTION = b"\ndiff --git "
_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_BINARY = re.compile(rb"^(?:Binary files .* differ|GIT binary patch)$", re.MULTILINE)


def parse(out: bytes) -> tuple[FileChange, ...]:
    """Raw records (paths, NUL-separated) paired in order with their patch sections."""
    try:
        return _parse(out)
    except (ValueError, IndexError) as e:  # git never writes this: say so rather than crash
        raise GitError(f"git's diff output could not be read ({e}); is `git` a real git?") from None


def _parse(out: bytes) -> tuple[FileChange, ...]:
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
    added, removed, added_text, removed_text = (
        _lines(body[hunks + 1 :]) if hunks >= 0 and not binary else ((), (), "", "")
    )
    return FileChange(
        status=status,  # type: ignore[arg-type]  # git's status letters
        path=path,
        old_path=old,
        binary=binary,
        added=added,
        removed=removed,
        added_text=added_text,
        removed_text=removed_text,
        old_mode=meta[0],
        new_mode=meta[1],
        new_oid=meta[3],
    )


def _lines(hunks: bytes) -> tuple[tuple[Line, ...], tuple[Line, ...], str, str]:
    """Added and removed lines with their numbers, and each side as one text (decoded once)."""
    added: list[Line] = []
    removed: list[Line] = []
    added_text: list[str] = []
    removed_text: list[str] = []
    new_no = old_no = 0
    for raw in hunks.decode("utf-8", "replace").split("\n"):
        first = raw[:1]
        if first == "+":
            text = raw[1:]
            added.append(Line(new_no, text))
            added_text.append(text)
            new_no += 1
        elif first == "-":
            text = raw[1:]
            removed.append(Line(old_no, text))
            removed_text.append(text)
            old_no += 1
        elif first == "@" and (m := _HUNK.match(raw)):
            old_no, new_no = int(m.group(1)), int(m.group(2))
    return tuple(added), tuple(removed), "\n".join(added_text), "\n".join(removed_text)
