"""One file's hunks as bounded text: windows, the long-line cut, the line numbers of skipped windows."""

from __future__ import annotations

import pytest

from agentops_hooks import patchtext
from agentops_hooks.model import FileChange

KEY = "AKIA" + "QYLPMN5HHHFPZAM2"


@pytest.mark.parametrize("before", [0, patchtext.OVERLAP], ids=["at-the-cut", "at-the-overlap-start"])
def test_a_line_longer_than_the_bound_is_cut_with_an_overlap_so_a_key_across_the_cut_is_found(before: int) -> None:
    block = 1 << 16
    at = (patchtext.LONG_LINE // block + 1) * block - before  # the carried line is first cut at `before` + this
    line = b"+" + b"\0" * (at - 1 - 8) + KEY.encode() + b"\0" * (3 * patchtext.LONG_LINE)
    assert line[at - 8 : at + 12] == KEY.encode()  # the key spans that position
    pieces = list(patchtext.windows([line[i : i + block] for i in range(0, len(line), block)], block))
    assert len(pieces) > 3 and max(len(p) for p in pieces) <= patchtext.LONG_LINE + 2 * block  # never whole
    assert all(p.startswith(b"+") for p in pieces)  # each piece is a line of the same sign
    assert sum(KEY in patchtext.joined(p, removed=False) for p in pieces) == 1


def test_skipped_windows_keep_the_line_numbers_of_the_windows_read() -> None:
    hunks = "".join(f"@@ -0,0 +{start},3 @@\n" + "".join(f"+line {start + i} padding\n" for i in range(3)) for start in range(1, 40000, 10))
    hunks += f"@@ -0,0 +50000 @@\n+{KEY}\n"
    change = FileChange(status="A", path="big.txt", patch=hunks.encode())
    every = [ln for ln in change.lines() if KEY in ln.text]
    only_hits = [ln for ln in change.lines(within=lambda text: KEY.encode() in text) if KEY in ln.text]
    assert every == only_hits and [ln.number for ln in every] == [50000]
    numbered = {ln.text: ln.number for ln in change.lines(within=lambda text: b"line 30001 " in text)}
    assert numbered["line 30001 padding"] == 30001


def test_a_line_after_a_cut_long_line_keeps_git_s_number_and_the_cut_line_is_reported_once() -> None:
    """A spilled patch is read back in blocks, and a line of 2 MiB in it is cut in pieces; the pieces
    are one line: the next line is numbered as git numbers it, read or passed over, and a key in
    the cut line's overlap is one finding."""
    from agentops_hooks import rulefile
    from agentops_hooks.kinds import diff

    long_line = "Q" * (1 << 21)
    near_cut = "Q" * (patchtext.LONG_LINE - 300) + f" {KEY} " + "Q" * (1 << 20)  # the key sits in the overlap
    lines = ["a = 1", long_line, f"k = {KEY}", "b = 2", near_cut, "c = 3", f"z = {KEY}"]
    patch = (f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{t}\n" for t in lines)).encode()
    blocks = [patch[i : i + (1 << 16)] for i in range(0, len(patch), 1 << 16)]
    change = FileChange(status="A", path="long.py", reread=lambda: iter(blocks))  # spilled: read back in blocks
    numbers = [ln.number for ln in change.lines() if KEY in ln.text]
    assert numbers[0] == 3 and numbers[-1] == 7 and set(numbers) == {3, 5, 7}
    skipped = [ln.number for ln in change.lines(within=lambda text: b"z = " in text) if KEY in ln.text]
    assert skipped == [7]  # the windows passed over are counted as git counts lines
    rule = next(r for r in rulefile.load_rules("s.yaml", _AWS_RULE)[1])
    from agentops_hooks.model import Commit, Message

    found = list(diff.added_pattern(rule, Commit(None, Message("m", "m", ""), (change,))))
    assert [f.line for f in found] == [3, 5, 7]


_AWS_RULE = (
    "version: 1\nrules:\n  - id: aws\n    kind: added-pattern\n    description: d\n    message: m\n"
    "    severity: error\n    keywords: [AKIA]\n    pattern: 'AKIA[0-9A-Z]{16}'\n"
)


def test_a_key_in_the_overlap_of_a_cut_line_is_one_finding_on_that_line() -> None:
    from agentops_hooks import rulefile
    from agentops_hooks.kinds import diff
    from agentops_hooks.model import Commit, Message

    block = 1 << 16
    head = b"@@ -0,0 +1,2 @@\n"
    cut = (patchtext.LONG_LINE // block + 1) * block  # where the carried line is first cut (a patch offset)
    before = b"+" + b"Q" * (cut - patchtext.OVERLAP // 2 - len(head) - 1 - 21) + b" " + KEY.encode()  # ends in the overlap
    patch = head + before + b"Q" * (1 << 20) + b"\n+after\n"
    assert cut - patchtext.OVERLAP < len(head) + len(before) < cut
    blocks = [patch[i : i + block] for i in range(0, len(patch), block)]
    change = FileChange(status="A", path="one.py", reread=lambda: iter(blocks))
    assert [ln.number for ln in change.lines() if KEY in ln.text] == [1, 1]  # both pieces hold it: one line
    assert [ln.number for ln in change.lines() if ln.text == "after"] == [2]
    rule = rulefile.load_rules("s.yaml", _AWS_RULE)[1][0]
    found = list(diff.added_pattern(rule, Commit(None, Message("m", "m", ""), (change,))))
    assert [(f.line, f.match) for f in found] == [(1, KEY)]


@pytest.mark.parametrize(
    ("window", "added", "removed"),
    [
        (b"@@ -1,2 +1,2 @@\n-old one\n-old two\n+new one\n+new two", b"new one\nnew two", b"old one\nold two"),
        (b"-old one\n-old two", b"", b"old one\nold two"),  # a window of a rewrite's removed half
        (b"+new\n\\ No newline at end of file", b"new", b""),  # the marker line is no line of either sign
        (b"-a\n+b\n@@ -9 +9 @@ def f():\n-c\n+d", b"b\nd", b"a\nc"),  # two hunks: each sign's lines, in order
        (b"@@ -3,0 +4,2 @@ x\n+++ not a header\n+--", b"++ not a header\n--", b""),
    ],
)
def test_a_window_s_lines_of_each_sign_are_joined_as_git_wrote_them(window: bytes, added: bytes, removed: bytes) -> None:
    assert patchtext.joined_bytes(window, removed=False) == added
    assert patchtext.joined_bytes(window, removed=True) == removed
