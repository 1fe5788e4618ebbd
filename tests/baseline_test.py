"""`agentops-check baseline`: findings already in history acknowledged, the same secret added again refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.testing import AWS_KEY, commit, run_cli, write

CONFIG = "version: 1\nextends: [builtin:secrets]\n"
BASELINE = ".agentops-baseline.json"


@pytest.fixture
def leaked(git_repo: Path) -> dict[str, str]:
    """A history that leaked a key years ago, and a later harmless commit."""
    shas = {"base": commit("chore: config", (".agentops.yaml", CONFIG))}
    shas["leak"] = commit("feat: settings", ("settings.py", f'AWS_KEY = "{AWS_KEY}"\n'))
    shas["later"] = commit("docs: readme", ("README.md", "# app\n"))
    return shas


def test_baseline_writes_fingerprints_never_the_value(leaked: dict[str, str]) -> None:
    proc = run_cli("baseline")

    assert proc.returncode == 0, proc.stderr
    text = Path(BASELINE).read_text()
    assert AWS_KEY not in text and AWS_KEY[4:] not in text
    doc = json.loads(text)
    assert doc["commit"] == leaked["later"] and doc["version"] == 1
    [entry] = doc["findings"]
    assert entry["rule"] == "aws-access-key-id" and entry["path"] == "settings.py"
    assert entry["commit"] == leaked["leak"] and entry["first-seen"]
    assert entry["digest"].startswith("sha256:") and len(entry["digest"]) == len("sha256:") + 64
    assert proc.stderr.startswith("agentops: 1 finding written to ")
    assert run_cli("baseline").returncode == 0 and Path(BASELINE).read_text() == text  # deterministic


def test_range_acknowledges_the_old_secret_and_refuses_it_added_again(leaked: dict[str, str]) -> None:
    run_cli("baseline")
    after = commit("chore: baseline", (BASELINE, Path(BASELINE).read_text()))

    old = run_cli("range", f"{leaked['base']}..{after}")

    assert old.returncode == 0, old.stdout
    [line] = [ln for ln in old.stdout.splitlines() if "aws-access-key-id" in ln]
    assert line.startswith("settings.py:1: aws-access-key-id ") and "(waived) [waived by baseline: acknowledged, rotate" in line
    assert old.stdout.splitlines()[-1] == "agentops: 0 errors, 1 waived in 3 commits checked: not blocking"

    again = commit("feat: more settings", ("settings.py", f'AWS_KEY = "{AWS_KEY}"\nOTHER = "{AWS_KEY}"\n'))
    proc = run_cli("range", f"{leaked['base']}..{again}", "-f", "json")

    assert proc.returncode == 1
    found = {c["sha"]: [f["waived"] for f in c["findings"]] for c in json.loads(proc.stdout)["commits"]}
    assert found[leaked["leak"]] == [{"by": "baseline", "reason": found[leaked["leak"]][0]["reason"]}]
    assert found[again] == [None]  # the same key, the same path: a new commit is not in the baseline's history


def test_sarif_marks_an_acknowledged_finding_as_an_external_suppression(leaked: dict[str, str]) -> None:
    run_cli("baseline")

    proc = run_cli("range", f"{leaked['base']}..HEAD", "-f", "sarif")

    assert proc.returncode == 0
    [result] = json.loads(proc.stdout)["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "external"
    assert result["suppressions"][0]["justification"].startswith("baseline: acknowledged, rotate")


def test_a_baseline_that_does_not_parse_is_exit_3_never_ignored(leaked: dict[str, str]) -> None:
    for text, reason in (
        ("{not json", "Expecting property name"),
        ('{"version": 1, "findings": []}', "missing 'commit'"),
        (json.dumps({"version": 1, "commit": "abc", "findings": [{"rule": "x", "path": "p", "digest": "md5:1"}]}), "neither sha256: nor sha1:"),
    ):
        write(BASELINE, text)
        proc = run_cli("range", f"{leaked['base']}..HEAD")
        assert proc.returncode == 3, proc.stdout
        assert proc.stderr.startswith(f"agentops-check: {BASELINE}: not a valid baseline (") and reason in proc.stderr
        assert len(proc.stderr.splitlines()) == 1


def test_a_baseline_of_a_commit_not_in_the_clone_is_exit_3(leaked: dict[str, str]) -> None:
    write(BASELINE, json.dumps({"version": 1, "commit": "f" * 40, "findings": []}))

    proc = run_cli("range", f"{leaked['base']}..HEAD")

    assert proc.returncode == 3
    assert "its commit ffffffffffff is not in this clone" in proc.stderr


def test_ci_reads_the_baseline_from_the_base_so_a_pr_cannot_acknowledge_its_own_secret(
    git_repo: Path,
) -> None:
    base = commit("chore: config", (".agentops.yaml", CONFIG))
    leak = commit("feat: settings", ("settings.py", f'AWS_KEY = "{AWS_KEY}"\n'))
    assert run_cli("baseline").returncode == 0  # the attacker's baseline, taken at the PR's own head
    head = commit("chore: baseline", (BASELINE, Path(BASELINE).read_text()))

    attack = run_cli("ci", "--base", base, "-f", "json")

    assert attack.returncode == 1, attack.stderr
    [commit_doc] = [c for c in json.loads(attack.stdout)["commits"] if c["sha"] == leak]
    assert [f["waived"] for f in commit_doc["findings"]] == [None]
    trusting = run_cli("ci", "--base", base, "--rules-from", "head")
    assert trusting.returncode == 0, trusting.stdout  # the head's baseline is what acknowledged it there

    commit("feat: env", ("deploy/env.py", f'KEY = "{AWS_KEY}"\n'))
    later = run_cli("ci", "--base", head)  # a later PR: the baseline is in its base
    assert later.returncode == 1
    assert "deploy/env.py:1: aws-access-key-id " in later.stdout and "waived" not in later.stdout
