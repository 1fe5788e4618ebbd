"""Core rule behaviour through the commit-msg command: who must explain, what skips, what an exemption waives."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentops_hooks.cli import main
from tests.testing import AWS_KEY, CLAUDE, GOOD_SECTIONS, git, write

MISSING = [
    "staged: ai-context-sections missing the 'Context:' section (error)",
    "staged: ai-context-sections missing the 'Solution:' section (error)",
    "staged: ai-context-sections missing the 'Learning:' section (error)",
    "staged: ai-context-sections missing the 'Impact:' section (error)",
]


def check_message(text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    write("../MSG", text)
    code = main(["commit-msg", "../MSG"])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def has_line(lines: list[str], start: str) -> bool:
    """A line starting so (the severity of a broken exemption is the engine's choice)."""
    return any(ln.startswith(start) for ln in lines)


@pytest.fixture
def staged_change(git_repo: Path) -> Path:
    write("parser.py", "def parse(text):\n    return text.split()\n")
    git("add", "parser.py")
    return git_repo


def test_agent_commit_without_sections_is_refused(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check_message(f"fix(parser): accept empty files\n\n{CLAUDE}\n", capsys)

    assert code == 1
    assert out[0] == (
        f"agentops: new commit 'fix(parser): accept empty files': ai agent (claude-code) because of trailer {CLAUDE}"
    )
    assert [ln for ln in out if ln.startswith("staged:")] == MISSING
    assert out[-1] == "agentops: 4 errors in 1 commit checked: commit refused (your message is kept in ../MSG)"
    assert err == ""


def test_agent_commit_missing_only_context_names_it(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sections = GOOD_SECTIONS.replace("Context: the parser crashed on empty files.\n", "")
    code, out, _ = check_message(f"fix(parser): accept empty files\n\n{sections}\n{CLAUDE}\n", capsys)

    assert code == 1
    assert [ln for ln in out if ln.startswith("staged:")] == MISSING[:1]


def test_agent_commit_with_sections_passes(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check_message(f"fix(parser): accept empty files\n\n{GOOD_SECTIONS}\n{CLAUDE}\n", capsys)

    assert (code, out, err) == (0, [], "")


def test_same_message_from_a_human_passes(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check_message("fix(parser): accept empty files\n", capsys)

    assert (code, out, err) == (0, [], "")


def test_agent_shell_environment_makes_it_an_agent_commit(
    staged_change: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_CODE_CHILD_SESSION", "1")
    code, out, _ = check_message("fix(parser): accept empty files\n", capsys)

    assert code == 1
    assert "environment CLAUDE_CODE_CHILD_SESSION=1" in out[0]
    assert [ln for ln in out if ln.startswith("staged:")] == MISSING


@pytest.mark.parametrize("prefix", ["fixup! ", "squash! ", "amend! "])
def test_fixup_and_squash_commits_skip_message_rules(
    staged_change: Path, capsys: pytest.CaptureFixture[str], prefix: str
) -> None:
    code, out, err = check_message(f"{prefix}fix(parser): accept empty files\n\n{CLAUDE}\n", capsys)

    assert (code, out, err) == (0, [], "")


def test_fixup_commits_still_get_file_rules(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write("settings.py", f"KEY = '{AWS_KEY}'\n")
    git("add", "settings.py")
    code, out, _ = check_message(f"fixup! fix(parser): accept empty files\n\n{CLAUDE}\n", capsys)

    assert code == 1
    assert [ln.split(" ")[1] for ln in out if ":1: " in ln] == ["aws-access-key-id"]
    assert AWS_KEY not in "\n".join(out)


def test_vague_subject_is_refused_for_everyone(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check_message("wip\n", capsys)

    assert code == 1
    assert "staged:msg:1: vague-subject subject 'wip' does not say what changed or why (error)" in out


def test_exemption_waives_an_exemptible_finding(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check_message(
        f"fix(parser): accept empty files\n\n{CLAUDE}\n"
        "AgentOps-Exempt: ai-context-sections: the change is a one-liner\nApproved-by: Lee Lead <lee@example.com>\n",
        capsys,
    )

    approval = "approved by Lee Lead <lee@example.com> (unverified approval: a line in the agent's own commit)"
    assert code == 0, out
    assert [ln for ln in out if ln.startswith("staged:")] == [
        ln.replace("(error)", f"(waived) [waived by trailer: the change is a one-liner; {approval}]") for ln in MISSING
    ] + [f"staged:msg:1: agent-added-exemption an agent's commit exempts 'ai-context-sections': the change is a one-liner ({approval}) (warning)"]
    assert out[-1] == "agentops: 0 errors, 1 warning, 4 waived in 1 commit checked: not blocking"
    assert err == ""


def test_exemption_without_reason_does_not_count(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check_message(
        f"fix(parser): accept empty files\n\n{CLAUDE}\nAgentOps-Exempt: ai-context-sections:\n", capsys
    )

    assert code == 1
    assert has_line(out, "staged:msg:1: invalid-exemption the exemption of 'ai-context-sections' gives no reason (")


def test_expired_exemption_does_not_count(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check_message(
        f"fix(parser): accept empty files\n\n{CLAUDE}\n"
        "AgentOps-Exempt: ai-context-sections: a one-liner until=2001-01-01\n",
        capsys,
    )

    assert code == 1
    assert has_line(
        out, "staged:msg:1: invalid-exemption the exemption of 'ai-context-sections' expired on 2001-01-01 ("
    )


def test_exemption_cannot_waive_a_secret(staged_change: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write("settings.py", f"KEY = '{AWS_KEY}'\n")
    git("add", "settings.py")
    code, out, _ = check_message(
        "feat: configure storage\n\nAgentOps-Exempt: aws-access-key-id: it is only a test key\n", capsys
    )

    assert code == 1
    assert (
        "settings.py:1: aws-access-key-id AWS access key id added in settings.py: AKIA…[sha256:53de5baa] (error)" in out
    )
    assert has_line(out, "staged:msg:1: invalid-exemption 'aws-access-key-id' cannot be exempted (exemptible: false) (")
    assert AWS_KEY not in "\n".join(out)
