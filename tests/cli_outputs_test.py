"""Outputs a user can trust: commit-level locations, odd file names, one report per secret, honest verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from agentops_hooks.counting import Totals
from agentops_hooks.formats import RunInfo, formatter
from agentops_hooks.model import AgentVerdict, Commit, CommitResult, Finding, Message, Person, RangeFindings
from tests.testing import AWS_KEY, CLAUDE, clean_env, commit, environment, git, run_cli, write

ODD = b"caf\xe9.txt"  # a latin-1 file name: not UTF-8



@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: a start; then an agent commit adding a key in a file whose name has the byte 0xE9."""
    root = tmp_path_factory.mktemp("outputs") / "repo"
    root.mkdir()
    with environment(_env(root)):
        git("init", "-q", "-b", "main", cwd=root)
        commit("feat: start", ("README.md", "# demo\n"), cwd=root)
        with open(os.path.join(os.fsencode(root), ODD), "wb") as f:
            f.write(f"key = {AWS_KEY}\n".encode())
        subprocess.run(("git", "add", "-A"), cwd=root, check=True)
        commit(f"feat: add the config\n\n{CLAUDE}\n", cwd=root)
    return root


def _env(root: Path, **extra: str) -> dict[str, str]:
    return {**clean_env(), "XDG_CACHE_HOME": str(root.parent / "cache"), **extra}


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=repo, env=_env(repo))


def test_a_non_utf8_file_name_keeps_json_sarif_gitlab_valid_and_junit_well_formed(repo: Path, tmp_path: Path) -> None:
    outs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("json", "sarif", "gitlab", "junit")}
    args = [a for fmt, path in outs.items() for a in ("-f", f"{fmt}={path}")]

    proc = cli(repo, "range", "HEAD~1..HEAD", *args)

    assert proc.returncode == 1, proc.stderr
    texts = {fmt: path.read_bytes().decode("utf-8") for fmt, path in outs.items()}  # strict: valid UTF-8
    finding = next(f for f in json.loads(texts["json"])["commits"][0]["findings"] if f["path"])
    assert os.fsencode(finding["path"]) == ODD  # the \udcXX escape gives the bytes back
    sarif = json.loads(texts["sarif"])["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif}
    assert os.fsencode("caf\udce9.txt").decode("utf-8", "surrogateescape") in uris
    assert any(os.fsencode(i["location"]["path"]) == ODD for i in json.loads(texts["gitlab"]))
    names = [case.get("name") or "" for case in ET.fromstring(texts["junit"]).iter("testcase")]
    assert any("caf\\udce9.txt" in n for n in names)


def test_the_text_output_shows_the_odd_byte_as_its_escape(repo: Path) -> None:
    proc = cli(repo, "range", "HEAD~1..HEAD", "-q")

    assert any(ln.startswith("caf\\udce9.txt:1: aws-access-key-id ") for ln in proc.stdout.splitlines()), proc.stdout


def test_commit_level_findings_point_at_the_config_never_a_changed_file(repo: Path) -> None:
    issues = json.loads(cli(repo, "range", "HEAD~1..HEAD", "-f", "gitlab").stdout)
    sarif = json.loads(cli(repo, "range", "HEAD~1..HEAD", "-f", "sarif").stdout)["runs"][0]["results"]
    sha = git("rev-parse", "--short=7", "HEAD", cwd=repo).strip()

    sections = [i for i in issues if i["check_name"] == "ai-context-sections"]
    assert len(sections) == 4
    assert all(i["location"] == {"path": ".agentops.yaml", "lines": {"begin": 1}} for i in sections)
    assert sections[0]["description"] == f"commit {sha}: missing the 'Context:' section"
    result = next(r for r in sarif if r["ruleId"] == "ai-context-sections")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".agentops.yaml"
    assert result["locations"][0]["logicalLocations"] == [{"name": f"commit {sha}", "kind": "commit"}]


def test_a_new_commit_s_findings_are_not_called_commit_staged(repo: Path, tmp_path: Path) -> None:
    msg = write(tmp_path / "MSG", f"feat: more\n\n{CLAUDE}\n")

    proc = cli(repo, "commit-msg", str(msg), "-f", "gitlab")

    descriptions = [i["description"] for i in json.loads(proc.stdout) if i["check_name"] == "ai-context-sections"]
    assert descriptions[0] == "the new commit: missing the 'Context:' section"
    assert "staged" not in proc.stdout


def test_ci_squash_reports_a_secret_once(repo: Path) -> None:
    proc = cli(repo, "ci", "--base", "HEAD~1", "--squash", "-f", "json")

    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert [c["source"] for c in doc["commits"]] == ["range", "squash"]
    keys = [f for c in doc["commits"] for f in c["findings"] if f["rule_id"] == "aws-access-key-id"]
    assert len(keys) == 1


def test_sarif_gives_a_range_finding_the_verdict_of_its_commits() -> None:
    who = Person("Dana", "dana@example.com", "2024-01-02T00:00:00+00:00")
    ai = AgentVerdict("ai", ("claude",), ("trailer",))
    commits = [Commit(c * 40, Message("fix: x\n", "fix: x", ""), author=who, committer=who) for c in "bcd"]
    spiral = Finding("spiral", "warning", "3 fixes in a row", commits=("b" * 40, "c" * 40))
    mixed = Finding("spiral", "warning", "2 fixes in a row", commits=("c" * 40, "d" * 40))
    results = [
        CommitResult(commits[0], ai),
        CommitResult(commits[1], ai),
        CommitResult(commits[2], AgentVerdict()),
        RangeFindings((spiral, mixed)),
    ]
    totals = Totals()

    doc = json.loads("\n".join(formatter("sarif")(totals.counted(results), RunInfo("9.9", "range"), totals)))

    agents = [r["properties"]["agent"] for r in doc["runs"][0]["results"]]
    assert agents == ["ai", "mixed"]
    assert doc["runs"][0]["results"][0]["message"]["text"] == "the range: 3 fixes in a row"
