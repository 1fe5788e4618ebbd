"""`rules test` counting, in-process: what each outcome prints and the closing line."""

from __future__ import annotations

from agentops_hooks.ruletest import Outcome, Score


def test_score_counts_and_says_what_failed() -> None:
    score = Score()
    assert score.add(Outcome("a", "fail[0]", None)) is None
    assert score.add(Outcome("b", "", "untested: no examples")) == "warning: b: untested: no examples"
    assert score.add(Outcome("c", "pass[1]", "flagged a pass case")) == "FAIL c pass[1]: flagged a pass case"
    assert (score.proven, score.failed, score.untested) == (1, 1, 1)
    assert score.summary(3) == "rules test: 1 example proven, 1 failed, 1 rule untested (3 rules)"
