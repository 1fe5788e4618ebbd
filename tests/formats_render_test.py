"""Every format rendered from values, in-process: formats only render, and range findings are no commit."""

from __future__ import annotations

import json

import pytest

from agentops_hooks.counting import Totals
from agentops_hooks.formats import FORMATTERS, RunInfo, formatter
from agentops_hooks.model import (
    AgentVerdict,
    Commit,
    CommitResult,
    FileChange,
    Finding,
    Message,
    Person,
    RangeFindings,
    Waiver,
)

WHO = Person("Dana", "dana@example.com", "2024-01-02T00:00:00+00:00")
COMMIT = Commit(
    "a" * 40, Message("fix: x\n", "fix: x", ""), files=(FileChange("app.py", "M"),), author=WHO, committer=WHO
)
KEY = Finding("no-secrets", "error", "a key", "remove it", "app.py", 3, "AKIA…", "V")
SPIRAL = Finding("spiral", "error", "3 fixes in a row", "stop", commits=("b" * 40, "c" * 40))
WAIVED = Finding("spiral", "warning", "waived one", waived=Waiver("trailer", "ok"), commits=("d" * 40,))
RESULTS = [CommitResult(COMMIT, AgentVerdict("ai", ("claude",), ("trailer",)), (KEY,)), RangeFindings((SPIRAL, WAIVED))]
RUN = RunInfo("9.9", "range")


def _render(name: str) -> list[str]:
    totals = Totals()
    return list(formatter(name)(totals.counted(RESULTS), RUN, totals))


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_formats_only_render_they_do_not_count(name: str) -> None:
    totals = Totals()
    list(formatter(name)(RESULTS, RUN, totals))
    assert (totals.commits, totals.range_findings, totals.blocking) == (0, 0, False)


def test_text_names_the_commits_of_a_range_finding() -> None:
    assert _render("text")[-5:] == [
        "agentops: the range as a whole: 2 findings",
        "bbbbbbb,ccccccc: spiral 3 fixes in a row (error)",
        "    hint: stop",
        "ddddddd: spiral waived one (waived) [waived by trailer: ok]",
        "agentops: 2 errors, 1 waived in 1 commit checked: refused",
    ]


def test_json_keeps_range_findings_out_of_the_commits() -> None:
    doc = json.loads("\n".join(_render("json")))
    assert [c["sha"] for c in doc["commits"]] == ["a" * 40]
    assert [f["commits"] for f in doc["range_findings"]] == [["b" * 40, "c" * 40], ["d" * 40]]
    assert doc["summary"] == {
        "commits": 1,
        "findings_by_severity": {"error": 2, "warning": 0, "info": 0},
        "waived": 1,
        "blocking": True,
    }


def test_sarif_and_gitlab_point_a_range_finding_at_the_config() -> None:
    sarif = json.loads("\n".join(_render("sarif")))["runs"][0]["results"]
    spiral = next(r for r in sarif if r["ruleId"] == "spiral")
    assert spiral["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ".agentops.yaml"
    assert spiral["message"]["text"] == "the range: 3 fixes in a row (hint: stop)"
    assert spiral["properties"] == {"commit": None, "agent": None, "commits": ["b" * 40, "c" * 40]}
    gitlab = json.loads("\n".join(_render("gitlab")))
    assert [i["location"]["path"] for i in gitlab] == ["app.py", ".agentops.yaml"]


def test_github_and_junit_call_it_the_range() -> None:
    assert "::error title=spiral (range)::3 fixes in a row%0Astop" in _render("github")
    assert '  <testsuite name="range" tests="2" failures="1">' in _render("junit")
    assert "### The range as a whole" in "\n".join(_render("markdown"))
