"""No way around the judge: each way an agent could waive, blind or route around the rules, tried for real.

Every test is an attack that went through before (issue 19's list) and must now be refused with a
clear reason, beside the benign form that must still pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing import AWS_KEY, CLAUDE, commit, run_cli

CONFIG = "version: 1\nextends: [builtin:core, builtin:secrets]\n"
AGENT_BAD = f"fix(parser): strip input\n\n{CLAUDE}\n"  # an agent commit without the sections
KEY_LINE = f'aws_key = "{AWS_KEY}"\n'


def exempt(*trailers: str) -> str:
    body = "\n".join(("AgentOps-Exempt: ai-context-sections: a one-line fix", *trailers, CLAUDE))
    return f"fix(parser): strip input\n\n{body}\n"


# --- exemptions are accountable -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approval", "why"),
    [
        ((), "needs an Approved-by: person"),
        (("Approved-by: Deploy Bot [bot] <deploy@example.com>",), "not a person"),
        (("Approved-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",), "not a person"),
        (("Approved-by: Claude <noreply@anthropic.com>",), "agent identity"),
        (("Approved-by: Dana Dev <dana@example.com>",), "its own author"),
    ],
)
def test_an_agent_cannot_waive_its_own_finding(git_repo: Path, approval: tuple[str, ...], why: str) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    commit(exempt(*approval), ("a.py", "x = 1\n"))

    proc = run_cli("range", "HEAD~1..HEAD")

    assert proc.returncode == 1, proc.stdout
    assert "ai-context-sections missing the 'Context:' section" in proc.stdout
    assert why in proc.stdout


def test_a_persons_approval_counts_and_is_shown_as_unverified(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    commit(exempt("Approved-by: Pat Lead <pat@example.com>"), ("a.py", "x = 1\n"))

    proc = run_cli("range", "HEAD~1..HEAD", "-v")

    assert proc.returncode == 0, proc.stdout
    assert "unverified approval" in proc.stdout


def test_approvers_in_the_config_name_who_may_approve(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + "approvers: [lead@example.com, '*@leads.example.com']\n"))
    commit(exempt("Approved-by: Pat Other <pat@example.com>"), ("a.py", "x = 1\n"))
    refused = run_cli("range", "HEAD~1..HEAD")
    commit(exempt("Approved-by: Lee Lead <lee@leads.example.com>"), ("a.py", "x = 2\n"))
    accepted = run_cli("range", "HEAD~1..HEAD")

    assert refused.returncode == 1 and "not an approver" in refused.stdout
    assert accepted.returncode == 0, accepted.stdout


def test_a_human_commit_keeps_its_exemption_without_an_approver(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + "overrides:\n  ai-context-sections: {applies-to: all}\n"))
    commit("fix(docs): correct a typo\n\nAgentOps-Exempt: ai-context-sections: a typo\n", ("a.py", "x = 1\n"))

    proc = run_cli("range", "HEAD~1..HEAD")

    assert proc.returncode == 0, proc.stdout
