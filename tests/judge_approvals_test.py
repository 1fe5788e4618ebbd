"""No way around the judge, exemptions: an agent cannot waive its own findings, tried for real.

Every test is an attack that went through before (issue 19's list) and must now be refused with a
clear reason, beside the benign form that must still pass.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.attacks import CONFIG, exempt
from tests.ci_test import github_env
from tests.testing import CLAUDE, commit, git, run_cli, write

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


# --- exemptions are accountable: added by this task ------------------------------------------------


def test_an_exemption_without_approval_in_the_staged_hook_is_refused_for_an_agent(git_repo: Path) -> None:
    """The commit-msg hook of an agent shell refuses the self-waived exemption and says why."""
    commit("chore: config", (".agentops.yaml", CONFIG))
    write("a.py", "x = 1\n")
    git("add", "a.py")
    msg = write(".git/COMMIT_EDITMSG", exempt())

    proc = run_cli("commit-msg", str(msg), env={**os.environ, "CLAUDE_CODE_CHILD_SESSION": "1"})

    assert proc.returncode == 1, proc.stdout
    assert "needs an Approved-by: person other than the author" in proc.stdout


def test_an_agent_exemption_is_reported_in_every_format(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    commit(exempt("Approved-by: Pat Lead <pat@example.com>"), ("a.py", "x = 1\n"))

    doc = json.loads(run_cli("range", "HEAD~1..HEAD", "-f", "json").stdout)
    markdown = run_cli("range", "HEAD~1..HEAD", "-f", "markdown").stdout

    findings = doc["commits"][0]["findings"]
    waived = [f for f in findings if f["waived"]]
    assert waived and all("unverified approval" in f["waived"]["reason"] for f in waived)
    added = [f for f in findings if f["rule_id"] == "agent-added-exemption"]
    assert [f["severity"] for f in added] == ["warning"]
    assert "exempts 'ai-context-sections'" in added[0]["message"] and "unverified approval" in added[0]["message"]
    assert "unverified approval" in markdown


def test_configured_agent_signatures_do_not_approve(git_repo: Path) -> None:
    config = CONFIG + "agents:\n  signatures:\n    - {agent: acme-bot, where: identity, pattern: '^helper@acme\\.dev$'}\n"
    commit("chore: config", (".agentops.yaml", config))
    commit(exempt("Approved-by: Helper <helper@acme.dev>"), ("a.py", "x = 1\n"))

    proc = run_cli("range", "HEAD~1..HEAD")

    assert proc.returncode == 1
    assert "'Approved-by: Helper <helper@acme.dev>' is an agent identity, not a person" in proc.stdout


def test_ci_reads_approvers_from_the_base(git_repo: Path, tmp_path: Path) -> None:
    """A pull request that adds its own approver to the config is judged by the base's approvers."""
    base = commit("chore: config", (".agentops.yaml", CONFIG + "approvers: [lead@example.com]\n"))
    git("checkout", "-q", "-b", "feat/parser")
    widened = CONFIG + "approvers: [lead@example.com, pat@example.com]\n"
    commit(f"chore: widen\n\nApproved-by: Lee Lead <lead@example.com>\n{CLAUDE}\n", (".agentops.yaml", widened))
    head = commit(exempt("Approved-by: Pat Other <pat@example.com>"), ("a.py", "x = 1\n"))

    proc = run_cli("ci", env=github_env(tmp_path, base, head))

    assert proc.returncode == 1, proc.stdout
    assert "'Approved-by: Pat Other <pat@example.com>' is not an approver (approvers: lead@example.com)" in proc.stdout


# --- signed approvals (approvals: signed), with real SSH keys ----------------------------------------


def _key(tmp_path: Path, name: str) -> Path:
    key = tmp_path / "keys" / name
    key.parent.mkdir(exist_ok=True)
    subprocess.run(("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)), check=True)
    return key


def _signer_line(principal: str, key: Path) -> str:
    kind, blob = key.with_suffix(".pub").read_text().split()[:2]
    return f"{principal} {kind} {blob}\n"


def _approve(sha: str, key: Path, email: str = "lee@leads.example.com", rule: str = "ai-context-sections") -> str:
    """The approver's own signed, empty commit that approves one rule's exemption on one commit."""
    who = ("-c", "user.name=Lee Lead", "-c", f"user.email={email}", "-c", "gpg.format=ssh")
    message = f"chore: approve the parser exemption\n\nAgentOps-Approve: {sha[:12]} {rule}\n"
    git(*who, "-c", f"user.signingkey={key}", "commit", "-q", "--allow-empty", "--no-verify", "-S", "-m", message)
    return git("rev-parse", "HEAD").strip()


@pytest.fixture
def signed_repo(git_repo: Path, tmp_path: Path) -> dict[str, Path]:
    """A repository whose config wants signed approvals from Lee; Eve's key is allowed, for Eve only."""
    keys = {name: _key(tmp_path, name) for name in ("lee", "eve", "stranger")}
    signers = _signer_line("lee@leads.example.com", keys["lee"]) + _signer_line("eve@example.com", keys["eve"])
    config = CONFIG + (
        "approvers: ['*@leads.example.com']\napprovals: signed\nallowed-signers: .github/allowed_signers\n"
    )
    commit("chore: config", (".agentops.yaml", config), (".github/allowed_signers", signers))
    return keys


LEE = "Approved-by: Lee Lead <lee@leads.example.com>"


def test_a_signed_approval_by_the_approver_is_accepted(signed_repo: dict[str, Path]) -> None:
    agent = commit(exempt(LEE), ("a.py", "x = 1\n"))
    before = run_cli("range", "HEAD~1..HEAD")
    approval = _approve(agent, signed_repo["lee"])

    after = run_cli("range", "HEAD~2..HEAD", "-v")

    assert before.returncode == 1, before.stdout
    assert "has no signed approval (approvals: signed): lee@leads.example.com must sign a commit" in before.stdout
    assert f"AgentOps-Approve: {agent[:12]} ai-context-sections" in before.stdout
    assert after.returncode == 0, after.stdout
    assert f"(signed approval {approval[:12]})" in after.stdout
    assert "unverified approval" not in after.stdout


@pytest.mark.parametrize(
    ("signer", "why"),
    [("stranger", "a key no allowed-signers line names"), ("eve", "an allowed key of another principal")],
)
def test_a_signature_that_is_not_the_approvers_is_refused(signed_repo: dict[str, Path], signer: str, why: str) -> None:
    agent = commit(exempt(LEE), ("a.py", "x = 1\n"))
    _approve(agent, signed_repo[signer])  # author Lee, but not Lee's key

    proc = run_cli("range", "HEAD~2..HEAD")

    assert proc.returncode == 1, (why, proc.stdout)
    assert "has no signed approval (approvals: signed)" in proc.stdout


def test_a_signed_approval_of_another_commit_or_rule_does_not_count(signed_repo: dict[str, Path]) -> None:
    agent = commit(exempt(LEE), ("a.py", "x = 1\n"))
    _approve(agent, signed_repo["lee"], rule="vague-subject")
    _approve("0123456789ab", signed_repo["lee"])

    proc = run_cli("range", "HEAD~3..HEAD")

    assert proc.returncode == 1, proc.stdout
    assert "has no signed approval" in proc.stdout


def test_signed_approvals_are_checked_in_ci_with_the_base_signers(signed_repo: dict[str, Path], tmp_path: Path) -> None:
    """A pull request that adds its own key to allowed-signers does not sign for Lee: ci reads the base's file."""
    base = git("rev-parse", "HEAD").strip()
    git("checkout", "-q", "-b", "feat/parser")
    forged = _signer_line("lee@leads.example.com", signed_repo["stranger"])
    commit(f"chore: add a key\n\n{LEE}\n{CLAUDE}\n", (".github/allowed_signers", forged))
    agent = commit(exempt(LEE), ("a.py", "x = 1\n"))
    _approve(agent, signed_repo["stranger"])
    refused = run_cli("ci", env=github_env(tmp_path, base, git("rev-parse", "HEAD").strip()))
    git("reset", "-q", "--hard", base)
    agent = commit(exempt(LEE), ("a.py", "x = 2\n"))
    head = _approve(agent, signed_repo["lee"])
    accepted = run_cli("ci", env=github_env(tmp_path, base, head))

    assert refused.returncode == 1, refused.stdout
    assert "has no signed approval" in refused.stdout
    assert "protect-agentops-config" in refused.stdout  # the signers file is protected like the config
    assert accepted.returncode == 0, accepted.stdout


def test_signed_approvals_need_an_allowed_signers_file(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + "approvals: signed\n"))

    proc = run_cli("range", "HEAD~0")

    assert proc.returncode == 3
    assert "'approvals: signed' needs 'allowed-signers: <file>'" in proc.stderr


def test_at_commit_time_a_signed_approval_cannot_exist_yet_and_is_shown_unverified(signed_repo: dict[str, Path]) -> None:
    write("a.py", "x = 1\n")
    git("add", "a.py")
    msg = write(".git/COMMIT_EDITMSG", exempt(LEE))

    proc = run_cli("commit-msg", str(msg), "-f", "json", env={**os.environ, "CLAUDE_CODE_CHILD_SESSION": "1"})

    assert proc.returncode == 0, proc.stdout
    reasons = [f["waived"]["reason"] for f in json.loads(proc.stdout)["commits"][0]["findings"] if f["waived"]]
    assert reasons and all("unverified approval until range and ci find it signed" in r for r in reasons)
