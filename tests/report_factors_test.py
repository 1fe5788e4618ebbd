"""`report -f openmetrics` read by a real OpenMetrics parser, `--fail-under` both ways, and mined patterns.

One shared repository (built once, only read): agent commits with and without their sections,
a file whose agent-written lines are fixed three times within days, and a learning said three
times in other words.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from tests.testing import CLAUDE, GOOD_SECTIONS, clean_env, git, run_cli, write

RULES = """\
version: 1
rules:
  - id: ai-sections
    kind: message-sections
    factor: I
    description: AI commits explain themselves.
    message: "{problem}"
    severity: error
    applies-to: ai
    sections: [Context, Solution, Learning, Impact]
"""
LEARNINGS = (
    "Empty input files must be handled before parsing starts.",
    "Parsing must handle empty input files first.",
    "Handle empty input files before parsing anything.",
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("factors")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(clean_env(), XDG_CACHE_HOME=str(root / "cache"))
    try:
        git("init", "-q", "-b", "main", cwd=root)
        day = iter(range(1, 40))

        def commit(message: str, **files: str) -> None:
            for name, text in files.items():
                write(root / name.replace("__", "/"), text)
            git("add", "-A", cwd=root)
            when = f"2026-03-{next(day):02d}T10:00:00+00:00"
            env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
            git("commit", "-q", "--no-verify", "--cleanup=verbatim", "-m", message, cwd=root, env=env)

        commit("chore: set up", **{".agentops.yaml": RULES, "src__parse.py": "def parse(text):\n    return text\n"})
        for n, learning in enumerate(LEARNINGS):
            sections = GOOD_SECTIONS.replace("Learning: empty input is a normal input.", f"Learning: {learning}")
            body = "".join(f"    step{n}_{i} = {i}\n" for i in range(3))
            commit(f"feat: parse step {n}\n\n{sections}\n{CLAUDE}\n", **{"src__parse.py": f"def parse(text):\n{body}    return text\n"})
            commit(f"fix: parse step {n} again", **{"src__parse.py": "def parse(text):\n    return text\n"})
        commit(f"feat: no sections\n\n{CLAUDE}\n", **{"src__other.py": "x = 1\n"})
        yield root
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _report(repo: Path, *args: str) -> Any:
    return run_cli("report", *args, cwd=repo)


def test_openmetrics_parses_with_the_prometheus_parser(repo: Path) -> None:
    proc = _report(repo, "-f", "openmetrics")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("# EOF\n")
    families = {f.name: f for f in text_string_to_metric_families(proc.stdout)}
    assert all(f.type == "gauge" for f in families.values())

    def value(family: str, **labels: str) -> float:
        (sample,) = [s for s in families[family].samples if all(s.labels.get(k) == v for k, v in labels.items())]
        return float(sample.value)

    assert value("agentops_commits", verdict="ai") == 4 and value("agentops_commits", verdict="human") == 4
    assert value("agentops_failed_commits", verdict="ai") == 1
    assert value("agentops_agent_pass_rate", agent="claude-code") == 0.75
    assert value("agentops_section_commits", section="complete", verdict="ai") == 3
    assert value("agentops_gate", name="agent-pass-rate") == 0.75
    assert value("agentops_rule_failed_commits", rule_id="ai-sections", verdict="ai") == 1


@pytest.mark.parametrize(
    ("gate", "code", "line"),
    [
        ("agent-pass-rate=0.8", 1, "report: agent-pass-rate is 75.00%, under 80.00% (--fail-under)"),
        ("agent-pass-rate=75%", 0, "report: agent-pass-rate is 75.00%, at least 75.00%"),
        ("section-completeness=0.7", 0, "report: section-completeness is 75.00%, at least 70.00%"),
        ("rule:ai-sections=1", 1, "report: rule:ai-sections is 75.00%, under 100.00% (--fail-under)"),
        ("rule:no-such-rule=1", 0, "report: rule:no-such-rule: nothing to measure in this range (not gated)"),
    ],
)
def test_fail_under_gates_both_ways(repo: Path, gate: str, code: int, line: str) -> None:
    proc = _report(repo, "-f", "json", "--fail-under", gate)
    assert (proc.returncode, proc.stderr.strip()) == (code, line)
    json.loads(proc.stdout)  # the report is written either way


def test_fail_under_refuses_what_it_cannot_read(repo: Path) -> None:
    for gate, said in (("pass=1", "expected NAME=VALUE"), ("pass-rate=high", "is not a number"), ("pass-rate=2", "between 0 and 1")):
        proc = _report(repo, "--fail-under", gate)
        assert proc.returncode == 2 and said in proc.stderr, proc.stderr


def test_recurring_patterns_are_grouped_and_the_third_proposes_learn(repo: Path) -> None:
    doc = json.loads(_report(repo, "-f", "json").stdout)
    patterns = doc["patterns"]
    (learned,) = patterns["learnings"]
    assert (learned["text"], learned["count"]) == (LEARNINGS[0], 3)
    (fixed,) = patterns["fix_after_agent"]
    assert (fixed["path"], fixed["count"], len(fixed["agent_commits"]), len(fixed["fix_commits"])) == ("src/parse.py", 3, 3, 3)
    latest_agent = fixed["agent_commits"][-1]
    assert fixed["learn"] == f"agentops-check learn --from-commit {latest_agent[:12]}"
    text = _report(repo).stdout
    assert "fix-after-agent x3: src/parse.py (agent lines fixed again within 7 days)" in text
    assert f"seen 3 times: turn it into a check: agentops-check learn --from-commit {latest_agent[:12]}" in text
    assert "### Recurring patterns" in _report(repo, "-f", "markdown").stdout


def test_two_recurrences_propose_nothing_yet(git_repo: Path) -> None:
    write(".agentops.yaml", RULES)
    git("add", "-A")
    git("commit", "-q", "--no-verify", "-m", "chore: set up")
    for n in range(2):
        write("a.py", "".join(f"v{n}_{i} = {i}\n" for i in range(3)))
        git("add", "-A")
        git("commit", "-q", "--no-verify", "--cleanup=verbatim", "-m", f"feat: a{n}\n\n{GOOD_SECTIONS}\n{CLAUDE}\n")
        write("a.py", "v = 0\n")
        git("add", "-A")
        git("commit", "-q", "--no-verify", "-m", f"fix: a{n}")
    doc = json.loads(run_cli("report", "-f", "json").stdout)
    assert [(g["count"], g["learn"]) for g in doc["patterns"]["fix_after_agent"]] == [(2, None)]
    assert [(g["count"], g["learn"]) for g in doc["patterns"]["learnings"]] == [(2, None)]
