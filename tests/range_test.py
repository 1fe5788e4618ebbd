"""`agentops-check range`: every commit judged on its own message and diff, text and JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.testing import AWS_KEY, CLAUDE, GOOD_SECTIONS, commit, git, run_cli

FINDING_KEYS = {"rule_id", "severity", "factor", "path", "line", "message", "hint", "match", "waived"}


@pytest.fixture
def history(git_repo: Path) -> dict[str, str]:
    """base, then a good agent commit, a bad agent commit, a human commit."""
    shas = {"base": commit("feat: start", ("README.md", "# demo\n"))}
    shas["good"] = commit(
        f"feat(parser): add the parser\n\n{GOOD_SECTIONS}\n{CLAUDE}\n", ("parser.py", "def parse(t):\n    return t\n")
    )
    shas["bad"] = commit(
        f"fix(parser): strip input\n\n{CLAUDE}\n", ("parser.py", "def parse(t):\n    return t.strip()\n")
    )
    shas["human"] = commit("docs: describe the parser", ("README.md", "# demo\n\nIt parses.\n"))
    return shas


def test_text_reports_the_bad_commit_on_its_own(history: dict[str, str]) -> None:
    proc = run_cli("range", f"{history['base']}..{history['human']}")

    assert proc.returncode == 1
    bad = history["bad"][:7]
    assert proc.stdout.splitlines() == [
        f"agentops: commit {bad} 'fix(parser): strip input': ai agent (claude-code) because of trailer {CLAUDE}",
        f"{bad}: ai-context-sections missing the 'Context:' section (error)",
        "    hint: Add the sections to the message body, one per line, e.g. 'Context: why this change was needed'"
        " (also accepted: '- Context: …', '**Context:** …' or 'Context - …'; 'N/A' for a trivial commit).",
        f"{bad}: ai-context-sections missing the 'Solution:' section (error)",
        f"{bad}: ai-context-sections missing the 'Learning:' section (error)",
        f"{bad}: ai-context-sections missing the 'Impact:' section (error)",
        "agentops: 4 errors in 3 commits checked: refused",
    ]
    assert proc.stderr == ""


def test_verbose_text_shows_every_commit(history: dict[str, str]) -> None:
    proc = run_cli("range", "-v", f"{history['base']}..{history['human']}")

    headers = [ln for ln in proc.stdout.splitlines() if ln.startswith("agentops: commit ")]
    assert [h.split()[2] for h in headers] == [history[k][:7] for k in ("good", "bad", "human")]
    assert "judged as human" in headers[2]


def test_json_lists_every_checked_commit(history: dict[str, str]) -> None:
    proc = run_cli("range", "--format", "json", f"{history['base']}..{history['human']}")

    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "agentops-check"
    assert doc["range_findings"] == []
    commits = doc["commits"]
    assert [c["sha"] for c in commits] == [history["good"], history["bad"], history["human"]]
    assert all(re.fullmatch(r"[0-9a-f]{40}", c["sha"]) for c in commits)
    assert [c["subject"] for c in commits] == [
        "feat(parser): add the parser",
        "fix(parser): strip input",
        "docs: describe the parser",
    ]
    assert [(c["agent"]["is_agent"], c["agent"]["kind"], c["agent"]["agents"]) for c in commits] == [
        (True, "ai", ["claude-code"]),
        (True, "ai", ["claude-code"]),
        (False, "human", []),
    ]
    assert commits[1]["agent"]["reasons"] == [f"trailer {CLAUDE}"]
    assert commits[0]["findings"] == [] and commits[2]["findings"] == []
    findings = commits[1]["findings"]
    assert [f["message"] for f in findings] == [
        f"missing the '{name}:' section" for name in ("Context", "Solution", "Learning", "Impact")
    ]
    for f in findings:
        assert FINDING_KEYS <= set(f)
        assert (f["rule_id"], f["severity"], f["factor"], f["path"], f["line"], f["waived"]) == (
            "ai-context-sections",
            "error",
            "I",
            None,
            None,  # a missing section has no line: the finding is about the message as a whole
            None,
        )
    assert doc["summary"]["commits"] == 3
    assert doc["summary"]["findings_by_severity"]["error"] == 4
    assert doc["summary"]["blocking"] is True


def test_each_commit_is_judged_on_its_own_diff(git_repo: Path) -> None:
    base = commit("feat: start", ("README.md", "# demo\n"))
    leak = commit("feat: configure storage", ("settings.py", f"KEY = '{AWS_KEY}'\n"))
    fix = commit("fix: read the key from the environment", ("settings.py", "import os\nKEY = os.environ['KEY']\n"))

    proc = run_cli("range", "-f", "json", f"{base}..{fix}")

    assert proc.returncode == 1
    assert AWS_KEY not in proc.stdout + proc.stderr
    by_sha = {c["sha"]: c["findings"] for c in json.loads(proc.stdout)["commits"]}
    assert [(f["rule_id"], f["path"], f["line"], f["match"]) for f in by_sha[leak]] == [
        ("aws-access-key-id", "settings.py", 1, "AKIA…[sha256:53de5baa]")
    ]
    assert by_sha[fix] == []

    text = run_cli("range", f"{base}..{fix}").stdout.splitlines()
    assert f"agentops: commit {leak[:7]} 'feat: configure storage': no agent marker, judged as human" in text


def test_clean_range_prints_nothing(history: dict[str, str]) -> None:
    proc = run_cli("range", f"{history['bad']}..{history['human']}")

    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_base_option_checks_since_the_merge_base(history: dict[str, str]) -> None:
    git("checkout", "-q", "-b", "topic", history["bad"])
    git("checkout", "-q", "main")
    git("reset", "-q", "--hard", history["good"])
    git("checkout", "-q", "topic")

    proc = run_cli("range", "--base", "main", "-f", "json")

    assert [c["sha"] for c in json.loads(proc.stdout)["commits"]] == [history["bad"]]
    assert proc.returncode == 1


@pytest.mark.parametrize("spec", ["nope..HEAD", "HEAD..nope", "nope", "HEAD~10..HEAD"])
def test_unknown_revision_is_exit_3_in_one_line(history: dict[str, str], spec: str) -> None:
    proc = run_cli("range", spec)

    assert proc.returncode == 3
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("agentops-check: unknown revision")
    assert "Traceback" not in proc.stderr


def test_merge_commits_are_skipped(history: dict[str, str]) -> None:
    git("checkout", "-q", "-b", "side", history["good"])
    side = commit("feat: side work", ("side.txt", "x\n"))
    git("checkout", "-q", "main")
    git("merge", "-q", "--no-ff", "--no-edit", "side")
    merge = git("rev-parse", "HEAD").strip()

    shas = [
        c["sha"] for c in json.loads(run_cli("range", "-f", "json", f"{history['human']}..{merge}").stdout)["commits"]
    ]

    assert shas == [side]
