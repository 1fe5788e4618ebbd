"""Every output format on real ranges through the real CLI: SARIF valid against the official schema,
GitHub within its caps, JUnit and GitLab parseable, markdown cut to fit, no secret in any of them."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.testing import AWS_KEY, CLAUDE, commit, git, run_cli, write

# the official OASIS SARIF 2.1.0 schema (a copy of shared/reference/schemas, so a clone anywhere has it)
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
FORMATS = ("text", "json", "sarif", "github", "junit", "markdown", "gitlab")
MARKER_RULES = """\
version: 1
rules:
  - id: no-fixme
    kind: added-pattern
    description: No FIXME markers.
    message: "FIXME added in {path}"
    hint: Finish the work or open an issue.
    severity: error
    applies-to: all
    pattern: "FIXME"
  - id: no-xxx
    kind: added-pattern
    description: No XXX markers.
    message: "XXX added in {path}"
    severity: warning
    applies-to: all
    pattern: "XXX"
"""


def validate_sarif(doc: dict[str, Any]) -> None:
    """Valid against the official SARIF 2.1.0 schema, with the validator its own `$schema` names."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    assert validator_cls is jsonschema.Draft4Validator  # the file says draft-04
    validator_cls.check_schema(schema)
    errors = sorted(validator_cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def markers(git_repo: Path) -> str:
    """A config with two marker rules (error FIXME, warning XXX); returns the base sha."""
    write(".agentops/rules.yaml", MARKER_RULES)
    write(".agentops.yaml", "version: 1\nextends: [builtin:core, builtin:secrets, .agentops/rules.yaml]\n")
    git("add", "-A")
    return commit("chore: agentops config")


def commit_markers(errors: int, warnings: int, name: str = "a") -> str:
    lines = [f"e{i} = 1  # FIXME {i}" for i in range(errors)] + [f"w{i} = 2  # XXX {i}" for i in range(warnings)]
    return commit(f"feat: {name} with markers", (f"{name}.py", "\n".join(lines) + "\n"))


@pytest.fixture
def mixed(markers: str) -> dict[str, str]:
    """base; a human commit with a FIXME and an XXX; a bad agent commit; a leaked key; a clean commit."""
    shas = {"base": markers, "markers": commit_markers(1, 1)}
    shas["agent"] = commit(
        f"fix(parser): strip input\n\n{CLAUDE}\n", ("parser.py", "def parse(t):\n    return t.strip()\n")
    )
    shas["leak"] = commit("feat: configure storage", ("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n"))
    shas["clean"] = commit("docs: readme", ("README.md", "# demo\n"))
    return shas


def test_sarif_is_valid_and_names_each_commit(mixed: dict[str, str]) -> None:
    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", "sarif")

    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    validate_sarif(doc)
    results = doc["runs"][0]["results"]
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in results} == {"no-fixme", "no-xxx", "ai-context-sections", "aws-access-key-id"}
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["no-fixme"]["properties"]["commit"] == mixed["markers"]
    assert by_rule["no-fixme"]["level"] == "error" and by_rule["no-xxx"]["level"] == "warning"
    assert by_rule["no-fixme"]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a.py"},
        "region": {"startLine": 1},
    }
    assert by_rule["ai-context-sections"]["properties"]["commit"] == mixed["agent"]
    assert by_rule["aws-access-key-id"]["properties"]["commit"] == mixed["leak"]
    assert all(len(r["partialFingerprints"]["agentopsFinding/v1"]) == 64 for r in results)


def test_sarif_of_a_clean_range_and_of_waived_findings_is_valid(markers: str) -> None:
    clean = run_cli("range", f"{markers}..HEAD", "-f", "sarif")  # empty range
    commit("feat: todo\n\nContext: a\n", ("b.py", "x = 1  # FIXME later  agentops: allow no-fixme tracked in #12\n"))
    waived = run_cli("range", f"{markers}..HEAD", "-f", "sarif")

    assert clean.returncode == 0 and waived.returncode == 0, clean.stderr + waived.stderr
    validate_sarif(json.loads(clean.stdout))
    doc = json.loads(waived.stdout)
    validate_sarif(doc)
    [result] = doc["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "inSource"


def test_sarif_of_ci_with_squash_and_range_findings_is_valid(markers: str, tmp_path: Path) -> None:
    for i in range(4):  # a fix spiral: range-level findings
        commit(f"fix: parser again {i}\n\n{CLAUDE}\n", ("parser.py", f"x = {i}\n"))
    event = write(
        tmp_path / "event.json",
        json.dumps(
            {
                "pull_request": {
                    "base": {"sha": markers},
                    "head": {"sha": git("rev-parse", "HEAD").strip(), "ref": "claude/fix"},
                    "title": "wip",
                    "body": "",
                }
            }
        ),
    )
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}

    proc = run_cli("ci", "--squash", "-f", "sarif", env=env)

    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    validate_sarif(doc)
    spiral = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "fix-spiral"]
    assert spiral and len(spiral[0]["properties"]["commits"]) == 4  # a range finding names its commits
    squash = [r for r in doc["runs"][0]["results"] if r["properties"]["commit"] is None]
    assert [r["ruleId"] for r in squash if r["ruleId"] == "vague-subject"] == ["vague-subject"]


def test_github_stays_within_the_caps_with_500_findings(markers: str, tmp_path: Path) -> None:
    commit_markers(250, 250)
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}

    proc = run_cli("range", f"{markers}..HEAD", "-f", "github", env=env)

    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    errors = [ln for ln in lines if ln.startswith("::error ")]
    warnings = [ln for ln in lines if ln.startswith("::warning ")]
    notices = [ln for ln in lines if ln.startswith("::notice ")]
    assert (len(errors), len(warnings), len(notices), len(lines)) == (10, 10, 1, 21)
    assert errors[0].startswith(
        f"::error file=a.py,line=1,title=no-fixme ({git('rev-parse', '--short=7', 'HEAD').strip()})::"
    )
    assert notices == [
        "::notice title=agentops::480 more findings not annotated (GitHub shows 10 per type); see the job summary"
    ]
    text = summary.read_text(encoding="utf-8")
    assert len(text.encode()) < 1024 * 1024
    assert text.startswith("## agentops: \u274c refused")
    assert "250 errors, 250 warnings" in text


def test_step_summary_stays_under_1_mib_with_thousands_of_findings(markers: str, tmp_path: Path) -> None:
    for n in range(3):
        commit_markers(1500, 1500, name=f"m{n}")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}

    proc = run_cli("range", f"{markers}..HEAD", "-f", "github", "-f", "markdown=report.md", env=env)

    assert proc.returncode == 1, proc.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## agentops:")  # appended, not overwritten
    assert len(text.encode()) < 1024 * 1024
    assert "more findings left out" in text
    assert len(proc.stdout.splitlines()) == 21


def test_markdown_is_cut_under_65536_characters_and_says_so(markers: str) -> None:
    for n in range(2):
        commit_markers(1500, 1500, name=f"m{n}")

    proc = run_cli("range", f"{markers}..HEAD", "-f", "markdown")

    assert proc.returncode == 1, proc.stderr
    assert len(proc.stdout) < 65_536
    lines = proc.stdout.splitlines()
    assert lines[0] == "## agentops: \u274c refused"
    assert lines[2] == "2 commits checked: 3000 errors, 3000 warnings, 0 infos."
    assert "| \u274c | `no-fixme` | `m0.py:1` | FIXME added in m0.py |" in lines  # the first findings are shown
    shown = sum(ln.startswith("| \u274c") or ln.startswith("| \u26a0") for ln in lines)
    assert 100 < shown < 6000
    assert lines[-1] == (
        f"_…{6000 - shown} more findings left out to fit the comment; run `agentops-check` locally for all._"
    )


def test_markdown_of_a_small_range(mixed: dict[str, str]) -> None:
    lines = run_cli("range", f"{mixed['base']}..HEAD", "-f", "markdown").stdout.splitlines()

    assert lines[:3] == ["## agentops: \u274c refused", "", "4 commits checked: 6 errors, 1 warning, 0 infos."]
    assert f"### `{mixed['agent'][:7]}` fix(parser): strip input" in lines
    assert "| \u26a0\ufe0f | `no-xxx` | `a.py:2` | XXX added in a.py |" in lines
    assert not any("left out" in ln for ln in lines)


def test_junit_parses_with_the_right_failure_count(mixed: dict[str, str], tmp_path: Path) -> None:
    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", f"junit={tmp_path / 'junit.xml'}")

    assert (proc.returncode, proc.stdout) == (1, "")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 4  # every checked commit
    failures = root.findall(".//failure")
    assert len(failures) == 6  # 4 sections + FIXME + the key; the XXX warning is not a failure
    assert sum(int(s.get("failures", "0")) for s in suites) == 6
    assert {f.get("type") for f in failures} == {"ai-context-sections", "no-fixme", "aws-access-key-id"}
    by_name = {s.get("name"): s for s in suites}
    agent = by_name[f"commit {mixed['agent'][:7]} fix(parser): strip input"]
    assert agent.get("failures") == "4"
    assert by_name[f"commit {mixed['clean'][:7]} docs: readme"].find("testcase").get("name") == "agentops"


def test_gitlab_is_a_json_array_of_code_quality_issues(mixed: dict[str, str]) -> None:
    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", "gitlab")

    assert proc.returncode == 1, proc.stderr
    issues = json.loads(proc.stdout)
    assert isinstance(issues, list) and len(issues) == 7
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == 7
    fixme = next(i for i in issues if i["check_name"] == "no-fixme")
    assert (fixme["severity"], fixme["location"]) == ("critical", {"path": "a.py", "lines": {"begin": 1}})
    sections = [i for i in issues if i["check_name"] == "ai-context-sections"]
    assert sections[0]["description"].startswith(f"commit {mixed['agent'][:7]}: missing the 'Context:'")
    assert sections[0]["location"] == {"path": ".agentops.yaml", "lines": {"begin": 1}}  # not the first changed file


def test_fingerprints_do_not_move_with_line_numbers(markers: str) -> None:
    commit_markers(1, 0, name="a")
    first = json.loads(run_cli("range", f"{markers}..HEAD", "-f", "gitlab").stdout)
    git("reset", "-q", "--hard", markers)
    commit("feat: a with markers", ("a.py", "import os\n\ne0 = 1  # FIXME 0\n"))
    moved = json.loads(run_cli("range", f"{markers}..HEAD", "-f", "gitlab").stdout)

    assert first[0]["location"]["lines"]["begin"] == 1 and moved[0]["location"]["lines"]["begin"] == 3
    assert first[0]["fingerprint"] == moved[0]["fingerprint"]


def test_two_formats_in_one_run(mixed: dict[str, str]) -> None:
    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", "sarif=out.sarif", "-f", "github")

    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("::error ")
    assert all(ln.startswith("::") for ln in proc.stdout.splitlines())
    doc = json.loads(Path("out.sarif").read_text(encoding="utf-8"))
    validate_sarif(doc)
    assert len(doc["runs"][0]["results"]) == 7


def test_output_option_writes_the_single_format(mixed: dict[str, str]) -> None:
    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", "json", "--output", "report.json")

    assert (proc.returncode, proc.stdout) == (1, "")
    doc = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert [c["sha"] for c in doc["commits"]] == [mixed[k] for k in ("markers", "agent", "leak", "clean")]

    text = run_cli("range", f"{mixed['base']}..HEAD", "--output", "report.txt")
    assert text.stdout == ""
    assert (
        Path("report.txt")
        .read_text(encoding="utf-8")
        .endswith("agentops: 6 errors, 1 warning in 4 commits checked: refused\n")
    )

    two = run_cli("range", f"{mixed['base']}..HEAD", "-f", "json", "-f", "text", "--output", "x")
    assert two.returncode == 2
    assert "--output takes a single format" in two.stderr


def test_unwritable_output_is_exit_3_in_one_line(mixed: dict[str, str]) -> None:
    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", "sarif=no/such/dir/out.sarif")

    assert proc.returncode == 3
    assert proc.stderr.startswith("agentops-check: no/such/dir/out.sarif: cannot write the output")
    assert len(proc.stderr.splitlines()) == 1


def test_unknown_format_is_a_usage_error(mixed: dict[str, str]) -> None:
    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", "xml")

    assert proc.returncode == 2
    assert "`agentops-check range` has no format 'xml'; it writes github, gitlab, json, junit, markdown, sarif, text" in proc.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_planted_secret_appears_whole_in_no_format(mixed: dict[str, str], fmt: str, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}

    proc = run_cli("range", f"{mixed['base']}..HEAD", "-f", fmt, env=env)

    assert proc.returncode == 1, proc.stderr
    assert "aws-access-key-id" in proc.stdout
    assert "AKIA" in proc.stdout  # the finding is there, redacted
    assert AWS_KEY not in proc.stdout + proc.stderr
    if fmt == "github":
        assert "aws-access-key-id" in summary.read_text(encoding="utf-8")
        assert AWS_KEY not in summary.read_text(encoding="utf-8")


def test_a_secret_in_a_pull_request_body_does_not_leak_through_squash(markers: str, tmp_path: Path) -> None:
    commit("feat: configure storage", ("settings.py", f"KEY = '{AWS_KEY}'\n"))
    event = write(
        tmp_path / "event.json",
        json.dumps(
            {
                "pull_request": {
                    "base": {"sha": markers},
                    "head": {"sha": git("rev-parse", "HEAD").strip(), "ref": "feat/storage"},
                    "title": "feat: configure storage",
                    "body": "Context: storage needs credentials.\n",
                }
            }
        ),
    )
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(summary),
    }

    for fmt in FORMATS:
        proc = run_cli("ci", "--squash", "-f", fmt, env=env)
        assert proc.returncode == 1, proc.stderr
        assert AWS_KEY not in proc.stdout + proc.stderr, fmt
    assert AWS_KEY not in summary.read_text(encoding="utf-8")
