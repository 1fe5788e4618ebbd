"""Pure parsing of git's `--raw -z -p -U0` output (a diff, or a log of many commits), streamed.

The output is read block by block as git writes it: a commit's header fields, its `--raw`
records, then its patch sections one at a time. A commit keeps at most `BUDGET` bytes of patch
text in memory; a section past that is counted as it streams by and written to a `Spill` (a
private temporary file) that gives it back only when a rule asks for its lines, so no commit,
however large, is held whole (SPEC §2, §11). The joined lines of the first KEEP_JOINED bytes of
spilled sections are kept once read back, for the next rule that asks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from agentops_hooks.errors import GitError
from agentops_hooks.model import FileChange

MARK = b"\x00\x01AGENTOPS\x02"  # gitrepo.LOG_FORMAT starts every commit with it
HEADER_FIELDS = 9  # sha, parents, author name, email, date, committer name, email, date, message
BUDGET = 1 << 17  # patch bytes one commit keeps in memory
# bytes of spilled sections (the first ones) whose joined lines a commit may keep once a rule has read
# them back: every rule whose keywords a large file holds would otherwise read and join it again
KEEP_JOINED = 8 << 20
# git's own binary test (a NUL byte in the first 8000 bytes), applied to the lines it shows: with
# `--text` git shows every file's lines, so the classification is ours, and no attribute sets it
SNIFF = 8000
BIG = 5 << 20  # a section with more bytes of lines than this is a large file, classed with binaries
_FILE = b"diff --git "
_NEXT_FILE = b"\n" + _FILE
_NEXT_COMMIT = b"\n" + MARK  # a patch line never starts with NUL: a MARK inside a file's text is not this
_HUNKS = b"\n@@ "
assert len(_NEXT_FILE) == len(_NEXT_COMMIT)  # _section_end relies on it
_TAIL = len(_NEXT_FILE) - 1  # bytes that may begin a boundary the next block ends
_BINARY = re.compile(rb"^(?:Binary files .* differ|GIT binary patch)$", re.MULTILINE)

Reread = Callable[[], Iterator[bytes]]
Record = tuple[list[str], str, str | None]  # (the `:` fields, path, old path of a rename or copy)


class Spill(Protocol):
    """Where the sections a commit cannot keep in memory wait while it is judged (sources.Spool)."""

    def next_commit(self) -> None:
        """The previous commit is judged: what it spilled is no longer needed."""

    def write(self, data: bytes | memoryview) -> int:
        """Append to the current section; the offset after it."""
        ...

    def reader(self, start: int, end: int) -> Reread:
        """What gives back the bytes from `start` to `end` of this commit's spill, in blocks."""
        ...


class Cursor:
    """The unread part of a stream of blocks (`buf[pos:]`), refilled on demand."""

    def __init__(self, blocks: Iterable[bytes]) -> None:
        self._blocks = iter(blocks)
        self.buf = b""
        self.pos = 0
        self.eof = False

    def more(self) -> int:
        """Read on, dropping what was consumed; returns how far positions moved (-1: nothing more).

        It reads at least as much as is still unread, so a long part arriving in small blocks is
        copied a bounded number of times (amortised linear), not once per block.
        """
        tail = self.buf[self.pos :]
        parts, got = [tail], 0
        while not self.eof and got <= len(tail):
            block = next(self._blocks, None)
            if block is None:
                self.eof = True
            else:
                parts.append(block)
                got += len(block)
        if not got:
            return -1
        shift, self.buf, self.pos = self.pos, b"".join(parts), 0
        return shift

    def has(self, n: int) -> bool:
        """Whether `n` unread bytes are there (reading more as needed)."""
        while len(self.buf) - self.pos < n:
            if self.more() < 0:
                return False
        return True

    def at(self, prefix: bytes) -> bool:
        """Whether the unread part starts with `prefix`."""
        self.has(len(prefix))
        return self.buf.startswith(prefix, self.pos)

    def skip_separators(self) -> None:
        """Pass the newlines and NULs git puts between parts (not the NUL that starts a MARK)."""
        while self.has(1):
            byte = self.buf[self.pos]
            if byte == 0x0A or (byte == 0 and not self.at(MARK[:2])):
                self.pos += 1
            else:
                return

    def fields(self, n: int) -> list[bytes]:
        """The next `n` NUL-terminated fields (consumed)."""
        while True:
            buf, end = self.buf, self.pos - 1
            for _ in range(n):  # the n-th NUL from here, then one split
                end = buf.find(b"\x00", end + 1)
                if end < 0:
                    break
            if end >= 0:
                found = buf[self.pos : end].split(b"\x00")
                self.pos = end + 1
                return found
            if self.more() < 0:
                raise ValueError("the output ends inside a record")


def parse(out: bytes) -> tuple[FileChange, ...]:
    """The files of one `git diff --raw -z -p` output held in memory."""
    return diff((out,), None)


def diff(blocks: Iterable[bytes], spill: Spill | None = None) -> tuple[FileChange, ...]:
    """The files of one streamed `git diff --raw -z -p` (the staged change, a PR's diff); with a
    `spill`, sections past BUDGET wait there, so a huge staged file is never held whole."""
    try:
        return _files(Cursor(blocks), spill)
    except (ValueError, IndexError, UnicodeDecodeError) as e:  # git never writes this: say so rather than crash
        raise GitError(f"git's diff output could not be read ({e}); is `git` a real git?") from None


def log(blocks: Iterable[bytes], spill: Spill | None = None) -> Iterator[tuple[list[bytes], tuple[FileChange, ...]]]:
    """Each commit of a streamed `git log` (gitrepo.LOG_FORMAT): its header fields and its files."""
    cur = Cursor(blocks)
    try:
        while True:
            cur.skip_separators()
            if not cur.has(1):
                return
            if not cur.at(MARK):
                raise ValueError("a commit does not start where one should")
            cur.pos += len(MARK)
            if spill is not None:
                spill.next_commit()
            header = cur.fields(HEADER_FIELDS)
            yield header, _files(cur, spill)
    except (ValueError, IndexError, UnicodeDecodeError) as e:
        raise GitError(f"git's log output could not be read ({e}); is `git` a real git?") from None


def _files(cur: Cursor, spill: Spill | None) -> tuple[FileChange, ...]:
    """One commit's (or diff's) records, then each record's patch section, in order."""
    cur.skip_separators()
    records = []
    while cur.at(b":"):
        records.append(_record(cur))
        cur.skip_separators()
    budget = BUDGET if spill is not None else -1
    keep = KEEP_JOINED
    files = []
    for meta, path, old in records:
        status = meta[-1][:1]
        if status == "T":  # a type change is one record but two sections (delete, add): keep the add
            _section(cur, 0, None)
        binary, patch, counts, reread, size = _section(cur, budget, spill)
        budget -= len(patch) if budget >= 0 else 0
        kept = reread is not None and size <= keep  # joined lines are no larger than the hunks
        keep -= size if kept else 0
        files.append(
            FileChange(
                status=status,  # type: ignore[arg-type]  # git's status letters
                path=path,
                old_path=old,
                binary=binary,
                old_mode=meta[0],
                new_mode=meta[1],
                new_oid=meta[3],
                patch=patch,
                counts=counts,
                reread=reread,
                keep=kept,
            )
        )
    cur.skip_separators()
    return tuple(files)


def _record(cur: Cursor) -> Record:
    """One `--raw -z` record: `:modes oids status` NUL path NUL (and the new path of a rename or copy)."""
    meta_raw, path = cur.fields(2)
    meta = meta_raw[1:].decode("ascii").split(" ")
    if len(meta) < 5:
        raise ValueError(f"a raw record has {len(meta)} fields")
    if meta[-1][:1] in ("R", "C"):
        (new,) = cur.fields(1)
        return meta, _path(new), _path(path)
    return meta, _path(path), None


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _section_end(buf: bytes, start: int, width: int = 2048) -> int:
    """The newline that ends the section running from `start` (before the next file or commit); -1: not in `buf`.

    Both boundaries are looked for in a window that grows fourfold from `start` (first `width`
    bytes; a long section's spill asks for its whole buffer at once): a search for the
    next file alone would run to the end of a block of many one-file commits (megabytes), once per
    file. The two markers have one length, so a marker cut by the window's end starts after any
    marker wholly inside it: the nearest one found is the nearest there is.
    """
    size = len(buf)
    while True:
        stop = min(size, start + width)
        nxt = buf.find(_NEXT_FILE, start, stop)
        commit = buf.find(_NEXT_COMMIT, start, nxt + len(_NEXT_FILE) if nxt >= 0 else stop)
        if commit >= 0:
            return commit
        if nxt >= 0 or stop == size:
            return nxt
        width *= 4


def _section(
    cur: Cursor, budget: int, spill: Spill | None
) -> tuple[bool, bytes, tuple[int, int] | None, Reread | None, int]:
    """The patch section at the cursor: (binary, its hunks, (added, removed), None, size), or, past
    the budget, (binary, b"", (added, removed), what gives the spilled hunks back, their size).

    `budget` is how many bytes of hunks may still be kept (-1: no limit); past it they are
    counted as they stream by, and written to `spill` (dropped without one).
    """
    if not cur.at(_FILE):
        return False, b"", None, None, 0
    while True:  # the head: up to the first hunk or the section's end
        start = cur.pos
        end = _section_end(cur.buf, start)
        hunks = cur.buf.find(_HUNKS, start, end if end >= 0 else len(cur.buf))
        if hunks >= 0 or end >= 0 or cur.more() < 0:
            break
    if hunks < 0:  # a binary file, a mode change, a pure rename: no lines
        stop = end if end >= 0 else len(cur.buf)
        binary = _binary_head(cur.buf, start, stop)
        cur.pos = stop + 1 if end >= 0 else stop
        return binary, b"", None, None, 0
    binary = _binary_head(cur.buf, start, hunks)
    cur.pos = hunks + 1
    binary = binary or _sniff(cur, end)
    patch, counts, reread, size = _hunks(cur, budget, spill, end)
    if binary or size > BIG:  # counted as git counts a binary (no lines); its bytes stay readable
        return True, patch, (0, 0), reread, size
    return False, patch, counts, reread, size


def _binary_head(buf: bytes, start: int, stop: int) -> bool:
    """Whether a section's head (before its hunks) says the file is binary (git's own two lines)."""
    return buf.find(b"inary", start, stop) >= 0 and _BINARY.search(buf, start, stop) is not None


def _sniff(cur: Cursor, end: int) -> bool:
    """Whether the section's first SNIFF bytes of hunks hold a NUL byte (git's binary test); `end`:
    the section's end in the buffer as it is now (-1: not in it yet)."""
    start = cur.pos
    if end >= 0:
        return cur.buf.find(b"\0", start, min(start + SNIFF, end)) >= 0
    cur.has(SNIFF + len(_NEXT_COMMIT))
    buf, start = cur.buf, cur.pos
    stop = start + SNIFF + len(_NEXT_COMMIT)  # the nearest boundary wholly within, searched in place
    found = [at for at in (buf.find(_NEXT_FILE, start, stop), buf.find(_NEXT_COMMIT, start, stop)) if at >= 0]
    return buf.find(b"\0", start, min([start + SNIFF, *found])) >= 0


def _hunks(
    cur: Cursor, budget: int, spill: Spill | None, end: int = -1
) -> tuple[bytes, tuple[int, int] | None, Reread | None, int]:
    """The hunks from the cursor to the section's end, and their size in bytes: kept when they fit
    `budget`, else counted and spilled. `end`: the section's end in the buffer, when already found."""
    while True:  # keep them: the whole section is in the buffer, within the budget
        start = cur.pos
        if end < 0:
            end = _section_end(cur.buf, start)
        stop = end + 1 if end >= 0 else len(cur.buf)
        if 0 <= budget < stop - start:
            break
        if end >= 0 or cur.more() < 0:  # the whole section is here (the buffer did not move)
            cur.pos = stop
            kept = cur.buf[start:stop]
            return kept, (kept.count(b"\n+"), kept.count(b"\n-")), None, len(kept)
    added = removed = size = 0
    first = spill.write(b"") if spill is not None else 0
    while True:  # count them as they stream by
        buf, start = cur.buf, cur.pos
        end = _section_end(buf, start, len(buf))  # the whole buffer at once: this section is long
        done = end >= 0 or cur.eof
        stop = (end + 1 if end >= 0 else len(buf)) if done else max(start, len(buf) - _TAIL)
        # a pair that starts just before `stop` is counted now: the next piece starts at `stop`
        upto = stop if done else stop + 1
        added, removed = added + buf.count(b"\n+", start, upto), removed + buf.count(b"\n-", start, upto)
        last = spill.write(memoryview(buf)[start:stop]) if spill is not None else 0
        size += stop - start
        cur.pos = stop
        if done:
            return b"", (added, removed), spill.reader(first, last) if spill is not None else None, size
        cur.more()
