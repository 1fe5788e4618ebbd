"""`agentops-check ci` as GitHub Actions and GitLab CI run it: their real environment variables and
event payloads, rules from the base revision, --squash, shallow clones; the action and the docs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.testing import CLAUDE, GOOD_SECTIONS, ROOT, commit, git, run_cli, write

BAD_MSG = f"fix(parser): strip input\n\n{CLAUDE}\n"
GOOD_MSG = f"feat(parser): add the parser\n\n{GOOD_SECTIONS}\n{CLAUDE}\n"
CONFIG = "version: 1\nextends: [builtin:core, builtin:secrets]\n"


def github_env(
    tmp_path: Path,
    base: str,
    head: str,
    title: str = "feat(parser): add the parser",
    body: str = "",
    ref: str = "feat/parser",
    **extra: str,
) -> dict[str, str]:
    """What GitHub Actions gives a `pull_request` job: the variables and a real event payload file."""
    payload: dict[str, Any] = {
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "title": title,
            "body": body,
            "base": {"ref": "main", "sha": base},
            "head": {"ref": ref, "sha": head},
        },
    }
    event = write(tmp_path / "event.json", json.dumps(payload))
    return {
        **os.environ,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_HEAD_REF": ref,
        "GITHUB_BASE_REF": "main",
        "GITHUB_SHA": head,
        **extra,
    }


def gitlab_env(
    base: str, head: str, title: str = "feat(parser): add the parser", description: str = "", **extra: str
) -> dict[str, str]:
    """What GitLab CI gives a merge request pipeline job."""
    return {
        **os.environ,
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
        "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": base,
        "CI_COMMIT_SHA": head,
        "CI_MERGE_REQUEST_TITLE": title,
        "CI_MERGE_REQUEST_DESCRIPTION": description,
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feat/parser",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        **extra,
    }


@pytest.fixture
def pr(git_repo: Path) -> dict[str, str]:
    """main with a config; a PR branch of three commits where only the middle one is bad."""
    shas = {"base": commit("chore: agentops config", (".agentops.yaml", CONFIG))}
    git("checkout", "-q", "-b", "feat/parser")
    shas["good"] = commit(GOOD_MSG, ("parser.py", "def parse(t):\n    return t\n"))
    shas["bad"] = commit(BAD_MSG, ("parser.py", "def parse(t):\n    return t.strip()\n"))
    shas["human"] = commit("docs: describe the parser", ("README.md", "# demo\n\nIt parses.\n"))
    return shas


def test_github_pull_request_names_the_bad_commit_and_annotates(pr: dict[str, str], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = github_env(tmp_path, pr["base"], pr["human"], GITHUB_STEP_SUMMARY=str(summary))

    proc = run_cli("ci", env=env)

    assert proc.returncode == 1, proc.stderr
    bad = pr["bad"][:7]
    lines = proc.stdout.splitlines()
    assert (
        lines[0]
        == f"agentops: commit {bad} 'fix(parser): strip input': ai agent (claude-code) because of trailer {CLAUDE}"
    )
    assert f"{bad}: ai-context-sections missing the 'Context:' section (error)" in lines
    assert "agentops: 4 errors in 3 commits checked: refused" in lines
    annotations = [ln for ln in lines if ln.startswith("::")]  # text and annotations by default on GitHub
    assert len(annotations) == 4
    assert annotations[0].startswith(f"::error title=ai-context-sections ({bad})::missing the 'Context:' section")
    assert f"### `{bad}` fix(parser): strip input" in summary.read_text(encoding="utf-8")
    assert proc.stderr == ""


def test_github_pull_request_json_lists_exactly_the_pr_commits(pr: dict[str, str], tmp_path: Path) -> None:
    git("checkout", "-q", "main")  # CI checks out a merge ref, not the branch: the payload decides
    proc = run_cli("ci", "-f", "json", env=github_env(tmp_path, pr["base"], pr["human"]))

    doc = json.loads(proc.stdout)
    assert [c["sha"] for c in doc["commits"]] == [pr["good"], pr["bad"], pr["human"]]
    assert [bool(c["findings"]) for c in doc["commits"]] == [False, True, False]
    assert doc["summary"]["blocking"] is True


def test_github_clean_pull_request_passes_silently(pr: dict[str, str], tmp_path: Path) -> None:
    proc = run_cli("ci", env=github_env(tmp_path, pr["base"], pr["good"]))

    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_github_push_event_checks_before_to_after(pr: dict[str, str], tmp_path: Path) -> None:
    event = write(
        tmp_path / "push.json", json.dumps({"before": pr["good"], "after": pr["human"], "ref": "refs/heads/x"})
    )
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)}

    doc = json.loads(run_cli("ci", "-f", "json", env=env).stdout)

    assert [c["sha"] for c in doc["commits"]] == [pr["bad"], pr["human"]]


def test_github_push_of_a_new_branch_checks_the_head_and_says_so(pr: dict[str, str], tmp_path: Path) -> None:
    event = write(tmp_path / "push.json", json.dumps({"before": "0" * 40, "after": pr["bad"], "created": True}))
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)}

    proc = run_cli("ci", "-f", "json", env=env)

    assert [c["sha"] for c in json.loads(proc.stdout)["commits"]] == [pr["bad"]]
    assert proc.stderr == f"agentops: no base revision for this push: checking {pr['bad'][:12]} only\n"


def test_the_pr_branch_from_the_payload_is_an_agent_signal(pr: dict[str, str], tmp_path: Path) -> None:
    """A commit with no marker on a `claude/…` head branch: its branch is reported, and counts as
    an agent's only when the config counts the branch role (issue 14; agents_corpus_test.py)."""
    env = github_env(tmp_path, pr["bad"], pr["human"], ref="claude/parser")

    [human] = json.loads(run_cli("ci", "-f", "json", env=env).stdout)["commits"]
    assert (human["sha"], human["agent"]["kind"], human["agent"]["roles"]) == (pr["human"], "human", ["branch"])
    assert human["agent"]["reasons"] == ["branch claude/parser (role branch, not counted)"]


def test_gitlab_merge_request_names_the_bad_commit_and_writes_code_quality(pr: dict[str, str]) -> None:
    proc = run_cli("ci", "-f", "text", "-f", "gitlab=gl-code-quality.json", env=gitlab_env(pr["base"], pr["human"]))

    assert proc.returncode == 1, proc.stderr
    bad = pr["bad"][:7]
    assert f"{bad}: ai-context-sections missing the 'Context:' section (error)" in proc.stdout.splitlines()
    assert "::error" not in proc.stdout  # no GitHub annotations on GitLab
    issues = json.loads(Path("gl-code-quality.json").read_text(encoding="utf-8"))
    assert [i["check_name"] for i in issues] == ["ai-context-sections"] * 4
    assert all(i["description"].startswith(f"commit {bad}: ") for i in issues)


def test_gitlab_squash_judges_the_merge_request_title(pr: dict[str, str]) -> None:
    proc = run_cli("ci", "--squash", env=gitlab_env(pr["base"], pr["good"], title="WIP"))

    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "agentops: pull request title and body (squash) 'WIP': no agent marker, judged as human" in lines
    assert "pr:msg:1: vague-subject subject 'WIP' does not say what changed or why (error)" in lines


def test_gitlab_branch_pipeline_checks_before_to_head(pr: dict[str, str]) -> None:
    env = {**os.environ, "GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": pr["bad"], "CI_COMMIT_SHA": pr["human"]}

    doc = json.loads(run_cli("ci", "-f", "json", env=env).stdout)

    assert [c["sha"] for c in doc["commits"]] == [pr["human"]]


def test_squash_judges_the_pr_title_and_body(pr: dict[str, str], tmp_path: Path) -> None:
    proc = run_cli("ci", "--squash", env=github_env(tmp_path, pr["base"], pr["good"], title="wip"))

    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert "pr:msg:1: vague-subject subject 'wip' does not say what changed or why (error)" in lines
    assert (
        "::error title=vague-subject (pr)::subject 'wip' does not say what changed or why%0ASay what changed and where, e.g. 'fix(parser): accept empty files'."
        in lines
    )
    assert "agentops: 1 error, 1 warning in 2 commits checked: refused" in lines  # and conventional-subject

    good = run_cli("ci", "--squash", env=github_env(tmp_path, pr["base"], pr["good"]))
    assert (good.returncode, good.stdout) == (0, "")

    json_doc = json.loads(
        run_cli("ci", "--squash", "-f", "json", env=github_env(tmp_path, pr["base"], pr["good"], title="wip")).stdout
    )
    squash = json_doc["commits"][-1]
    assert (squash["sha"], squash["source"], squash["subject"]) == (None, "squash", "wip")
    assert [f["rule_id"] for f in squash["findings"]] == ["vague-subject", "conventional-subject"]


def test_a_pr_that_disables_a_rule_is_judged_by_the_base_rules(pr: dict[str, str], tmp_path: Path) -> None:
    weakened = CONFIG + "disable: [ai-context-sections]\n"
    head = commit(f"chore: relax the config\n\n{CLAUDE}\n", (".agentops.yaml", weakened))  # an agent, no sections
    env = github_env(tmp_path, pr["base"], head)

    proc = run_cli("ci", "-f", "json", env=env)

    assert proc.returncode == 1, proc.stderr
    by_sha = {c["sha"]: [(f["rule_id"], f["path"]) for f in c["findings"]] for c in json.loads(proc.stdout)["commits"]}
    assert ("protect-agentops-config", ".agentops.yaml") in by_sha[head]
    assert ("ai-context-sections", None) in by_sha[head]  # still on: the base's rules judge
    assert ("ai-context-sections", None) in by_sha[pr["bad"]]

    text = run_cli("ci", env=env).stdout.splitlines()
    assert (
        ".agentops.yaml: protect-agentops-config .agentops.yaml is protected (modified) and the commit has no"
        " 'Approved-by:' trailer naming a person (error)"
    ) in text

    head_rules = json.loads(run_cli("ci", "--rules-from", "head", "-f", "json", env=env).stdout)
    rules_seen = {f["rule_id"] for c in head_rules["commits"] for f in c["findings"]}
    assert "ai-context-sections" not in rules_seen  # the head's config really disables it
    assert "protect-agentops-config" in rules_seen


def test_a_pr_that_adds_a_weakening_rule_file_is_judged_by_the_base(git_repo: Path, tmp_path: Path) -> None:
    base = commit("chore: agentops config", (".agentops.yaml", CONFIG))
    head = commit(
        f"chore: tune subjects\n\n{GOOD_SECTIONS}\n{CLAUDE}\n",
        (".agentops.yaml", CONFIG + "overrides:\n  vague-subject: {severity: info}\n"),
    )
    wip = commit(f"wip\n\n{GOOD_SECTIONS}\n{CLAUDE}\n", ("a.py", "x = 1\n"))

    proc = run_cli("ci", env=github_env(tmp_path, base, wip))

    lines = proc.stdout.splitlines()
    assert proc.returncode == 1
    assert f"{wip[:7]}:msg:1: vague-subject subject 'wip' does not say what changed or why (error)" in lines
    assert any(ln.startswith(".agentops.yaml: protect-agentops-config") for ln in lines)
    assert (
        f"agentops: commit {head[:7]} 'chore: tune subjects': ai agent (claude-code) because of trailer {CLAUDE}"
        in lines
    )


def test_generic_ci_with_base(pr: dict[str, str]) -> None:
    git("update-ref", "refs/remotes/origin/main", pr["base"])

    proc = run_cli("ci", "--base", "origin/main", "-f", "json")

    assert proc.returncode == 1, proc.stderr
    assert [c["sha"] for c in json.loads(proc.stdout)["commits"]] == [pr["good"], pr["bad"], pr["human"]]


def test_outside_ci_without_base_is_a_usage_error_with_the_fix(pr: dict[str, str]) -> None:
    proc = run_cli("ci")

    assert proc.returncode == 2
    assert proc.stderr == (
        "agentops-check: not in a known CI (GitHub Actions, GitLab CI): pass --base REF,"
        " e.g. `agentops-check ci --base origin/main`\n"
    )


def test_unreadable_event_payload_is_exit_3(pr: dict[str, str], tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(tmp_path / "none.json"),
    }

    proc = run_cli("ci", env=env)

    assert proc.returncode == 3
    assert proc.stderr.startswith("agentops-check: cannot read the GitHub event payload GITHUB_EVENT_PATH=")
    assert len(proc.stderr.splitlines()) == 1


@pytest.fixture
def shallow(pr: dict[str, str], tmp_path: Path) -> Path:
    """A depth-1 clone of the PR branch from a bare remote, as `actions/checkout` makes by default."""
    bare = tmp_path / "remote.git"
    git("clone", "-q", "--bare", ".", str(bare))
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth", "1", "--branch", "feat/parser", f"file://{bare}", str(clone))
    assert git("rev-parse", "--is-shallow-repository", cwd=clone).strip() == "true"
    return clone


def test_shallow_clone_without_the_base_is_exit_3_with_the_fix(
    pr: dict[str, str], shallow: Path, tmp_path: Path
) -> None:
    proc = run_cli("ci", cwd=shallow, env=github_env(tmp_path, pr["base"], pr["human"]))

    assert proc.returncode == 3
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"agentops-check: the base {pr['base'][:12]} is not in this shallow clone; fetch the full history:"
        " GitHub Actions `actions/checkout` with `fetch-depth: 0`; GitLab CI `variables: {GIT_DEPTH: 0}`;"
        " elsewhere `git fetch --unshallow`"
    ]

    gitlab = run_cli("ci", cwd=shallow, env=gitlab_env(pr["base"], pr["human"]))
    assert gitlab.returncode == 3 and "GIT_DEPTH: 0" in gitlab.stderr

    git("fetch", "-q", "--unshallow", cwd=shallow)
    fixed = run_cli("ci", cwd=shallow, env=github_env(tmp_path, pr["base"], pr["human"]))
    assert fixed.returncode == 1, fixed.stderr
    assert f"{pr['bad'][:7]}: ai-context-sections missing the 'Context:' section (error)" in fixed.stdout


def test_generic_base_missing_from_a_shallow_clone_is_exit_3(pr: dict[str, str], shallow: Path) -> None:
    proc = run_cli("ci", "--base", pr["base"], cwd=shallow)

    assert proc.returncode == 3
    assert "is not in this shallow clone" in proc.stderr and "git fetch --unshallow" in proc.stderr


# --- the action, its workflow and the docs ---


def test_action_is_a_composite_action_with_the_documented_inputs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))

    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {"config", "formats", "sarif-file", "squash", "version", "python-version"} <= set(inputs)
    assert inputs["formats"]["default"] == "text github"
    assert str(inputs["squash"]["default"]).lower() == "false"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@v5") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@v3"))
    assert "always()" in upload["if"] and "sarif-file" in upload["if"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "github.action_path" in runs and "agentops-check ci" in runs
    assert all("shell" in s for s in steps if "run" in s)  # composite run steps need a shell


def test_action_installs_the_version_from_its_own_checkout_by_default() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    install = next(s for s in action["runs"]["steps"] if "pip install" in s.get("run", ""))
    assert 'pip install --disable-pip-version-check --quiet "${{ github.action_path }}"' in install["run"]
    assert install["env"]["AGENTOPS_VERSION"] == "${{ inputs.version }}"  # an input reaches bash as data, not code


def test_workflow_runs_the_action_on_this_projects_pull_requests() -> None:
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "agentops.yml").read_text(encoding="utf-8"))

    on = wf.get("on", wf.get(True))  # PyYAML reads a bare `on:` key as True
    assert "pull_request" in on
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("uses") == "./" for s in steps)


def test_the_action_script_runs_against_a_pull_request(pr: dict[str, str], tmp_path: Path) -> None:
    """The action's check step, run by bash as the runner runs it, with its inputs as INPUT_ values."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if "agentops-check ci" in s.get("run", ""))
    sarif = tmp_path / "out.sarif"
    inputs = {"config": "", "formats": "text github", "sarif-file": str(sarif), "squash": "true"}
    script = step["run"]
    for key, value in step.get("env", {}).items():
        for name, val in inputs.items():
            value = str(value).replace("${{ inputs." + name + " }}", val)
        script = f"export {key}={_sh(value)}\n{script}"
    for name, val in inputs.items():
        script = script.replace("${{ inputs." + name + " }}", val)
    bindir = Path(sys.executable).parent  # this venv's agentops-check
    env = {**github_env(tmp_path, pr["base"], pr["human"], title="wip"), "PATH": f"{bindir}:{os.environ['PATH']}"}

    proc = subprocess.run(("bash", "-e", "-c", script), capture_output=True, text=True, env=env)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "pr:msg:1: vague-subject" in proc.stdout
    assert any(ln.startswith("::error ") for ln in proc.stdout.splitlines())
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


def _sh(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def test_docs_cover_each_ci_and_what_the_gate_relies_on() -> None:
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")

    for needle in (
        "fetch-depth: 0",
        "uses: agentops-hooks/agentops-hooks@",
        "pip install agentops-hooks",
        "GIT_DEPTH: 0",
        "gitlab=gl-code-quality.json",
        "codequality",
        "agentops-check ci --base origin/main",
        "CODEOWNERS",
        "branch protection",
        "base revision",
        "Approved-by:",
        "signed commits",
        "--no-verify",
        "can be skipped",
        "exit 3",
        "aider",
        "multi-ref push",
        "delete",
        *(f"### {fmt}\n" for fmt in ("text", "json", "sarif", "github", "junit", "markdown", "gitlab")),
    ):
        assert needle.lower() in doc.lower(), needle
