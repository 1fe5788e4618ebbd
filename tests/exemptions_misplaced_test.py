"""An `AgentOps-Exempt:` line outside the trailer block is reported, whatever its case or script."""

from __future__ import annotations

import pytest

from agentops_hooks import exemptions, message
from agentops_hooks.model import Commit


def _misplaced(text: str) -> list[str]:
    return [f.message for f in exemptions.misplaced(Commit(sha="a" * 40, message=message.parse(text)))]


@pytest.mark.parametrize(
    "body_line",
    [
        "AgentOps-Exempt: no-secrets: test fixture",
        "agentops-exempt: no-secrets: test fixture",
        "  AGENTOPS-EXEMPT : no-secrets: test fixture",
        "AgentOpſ-Exempt: no-secrets: test fixture",  # U+017F: Python's IGNORECASE folds it to s
        "AgentOps-Exempt: no-secrets: für die Tests",  # not ASCII: the full reading, not the quick one
    ],
)
def test_an_exemption_in_the_body_is_reported(body_line: str) -> None:
    text = f"fix(parser): accept empty files\n\n{body_line}\n\nSigned-off-by: Dev <dev@example.com>\n"
    (problem,) = _misplaced(text)
    assert "on line 3 is ignored" in problem


@pytest.mark.parametrize(
    "text",
    [
        "fix(parser): accept empty files\n\nThe exempt list is read once.\n",
        "fix(parser): accept empty files\n\nWhy: faster.\n\nAgentOps-Exempt: no-secrets: test fixture\n",
        "fix: größere Dateien\n\nKein Hinweis hier.\n",
    ],
)
def test_no_report_without_a_misplaced_line(text: str) -> None:
    assert _misplaced(text) == []
