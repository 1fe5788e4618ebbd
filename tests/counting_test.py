"""The one counter: what it counts as results stream past, and the exit code it decides (in-process)."""

from __future__ import annotations

from agentops_hooks.counting import Totals
from agentops_hooks.model import AgentVerdict, Commit, CommitResult, Finding, Message, RangeFindings, Waiver

MSG = Message("fix: x\n", "fix: x", "")


def _result(*findings: Finding) -> CommitResult:
    return CommitResult(Commit("a" * 40, MSG), AgentVerdict(), findings)


ERROR = Finding("no-secrets", "error", "a key", path="app.py", line=3)
WARNING = Finding("vague-subject", "warning", "too vague")
WAIVED = Finding("no-secrets", "error", "a key", waived=Waiver("trailer", "test fixture"))


def test_counted_yields_every_result_once_and_counts_it() -> None:
    totals = Totals()
    results = [_result(ERROR, WARNING), _result(), RangeFindings((WARNING,))]
    assert list(totals.counted(results)) == results
    assert (totals.commits, totals.with_findings, totals.range_findings) == (2, 1, 1)
    assert totals.by_severity == {"error": 1, "warning": 2, "info": 0}
    assert totals.blocking and totals.exit_code == 1


def test_a_waived_error_is_counted_as_waived_and_does_not_block() -> None:
    totals = Totals()
    list(totals.counted([_result(WAIVED, WARNING)]))
    assert totals.waived == 1
    assert totals.by_severity["error"] == 0
    assert not totals.blocking and totals.exit_code == 0


def test_range_findings_are_not_a_commit() -> None:
    totals = Totals()
    list(totals.counted([RangeFindings((ERROR,))]))
    assert (totals.commits, totals.range_findings) == (0, 1)
    assert totals.exit_code == 1


def test_nothing_counted_until_the_stream_is_read() -> None:
    totals = Totals()
    stream = totals.counted([_result(ERROR)])
    assert totals.exit_code == 0
    next(stream)
    assert totals.exit_code == 1
