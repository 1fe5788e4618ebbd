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
