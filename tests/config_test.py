"""`.agentops.yaml` and the rule files it extends: team rules apply, bad input is one exact line (exit 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.testing import commit, git, git_commit, install_hooks, run_cli, write

TEAM_RULES = """\
version: 1
rules:
  - id: no-internal-host
    kind: added-pattern
    description: Internal host names must not leak into the code.
    message: "internal host name in {path}: {match}"
    hint: Read the host from the configuration.
    severity: error
    pattern: '\\binternal\\.corp\\.example\\b'
"""
CONFIG = "version: 1\nextends: [builtin:core, builtin:secrets, team/rules.yaml]\n"


def test_team_rule_from_an_extended_file_refuses_a_commit(git_repo: Path) -> None:
    commit("chore: adopt agentops", (".agentops.yaml", CONFIG), ("team/rules.yaml", TEAM_RULES))
    install_hooks()
    write("app.py", "import os\nURL = 'https://db.internal.corp.example/'\n")
    git("add", "app.py")

    refused = git_commit("-m", "feat: connect to the database")

    assert refused.returncode != 0
    seen = (refused.stdout + refused.stderr).splitlines()
    assert "app.py:2: no-internal-host internal host name in app.py: internal.corp.example (error)" in seen
    assert "    hint: Read the host from the configuration." in seen
    assert git("log", "-1", "--format=%s") == "chore: adopt agentops\n"

    write("app.py", "import os\nURL = os.environ['DATABASE_URL']\n")
    git("add", "app.py")
    done = git_commit("-m", "feat: connect to the database")

    assert done.returncode == 0, done.stdout + done.stderr
    listed = run_cli("rules", "list").stdout.splitlines()
    assert ["no-internal-host", "team/rules.yaml", "added-pattern", "error", "applies-to=all"] in [ln.split() for ln in listed]
    assert any(ln.split()[:2] == ["ai-context-sections", "builtin:core"] for ln in listed)


def test_without_a_config_core_and_secrets_apply(git_repo: Path) -> None:
    ids = {ln.split()[0] for ln in run_cli("rules", "list").stdout.splitlines()}

    assert {"ai-context-sections", "vague-subject", "aws-access-key-id", "private-key"} <= ids
    assert "no-internal-host" not in ids


RULE_HEAD = """\
version: 1
rules:
  - id: no-todo
    kind: {kind}
    description: No TODO without an owner.
    message: "TODO in {{path}}"
    severity: error
"""
BAD_INPUTS = [
    pytest.param(
        ".agentops.yaml",
        "version: 1\nrules:\n\t- id: x\n",
        ".agentops.yaml:3:1: invalid YAML: found character '\\t' that cannot start any token (indent with spaces, not tabs)",
        id="tabs",
    ),
    pytest.param(
        ".agentops.yaml",
        "version: 1\nextends: [builtin:core]\noverrides:\n  - vague-subject\n",
        ".agentops.yaml:4:3: 'overrides' should be a mapping, found a list",
        id="list-for-map",
    ),
    pytest.param(
        "team/rules.yaml",
        "version: 1\nrules:\n  rule: {id: x}\n",
        "team/rules.yaml:3:3: 'rules' should be a list, found a mapping",
        id="map-for-list",
    ),
    pytest.param(
        "team/rules.yaml",
        RULE_HEAD.format(kind="added-patern") + "    pattern: TODO\n",
        "team/rules.yaml:4:11: rule 'no-todo': 'kind' is 'added-patern' (did you mean 'added-pattern'?); expected one of: ",
        id="unknown-kind",
    ),
    pytest.param(
        "team/rules.yaml",
        RULE_HEAD.format(kind="added-pattern") + "    pattern: TODO\n    max-files: 3\n",
        "team/rules.yaml:9:5: rule 'no-todo': 'max-files' is not valid for kind 'added-pattern' (valid: ",
        id="unknown-key-for-kind",
    ),
    pytest.param(
        "team/rules.yaml",
        RULE_HEAD.format(kind="added-pattern") + "    pattern: 'TODO(['\n",
        "team/rules.yaml:8:14: rule 'no-todo': 'pattern': pattern 'TODO([' is not valid RE2: ",
        id="bad-regex",
    ),
    pytest.param(
        "team/rules.yaml",
        RULE_HEAD.format(kind="added-pattern") + "    pattern: '(a)\\1'\n",
        "team/rules.yaml:8:14: rule 'no-todo': 'pattern': pattern '(a)\\\\1' is not valid RE2: ",
        id="backreference",
    ),
    pytest.param(
        "team/rules.yaml",
        RULE_HEAD.format(kind="added-pattern") + "    pattern: '(?=TODO)x'\n",
        "team/rules.yaml:8:14: rule 'no-todo': 'pattern': pattern '(?=TODO)x' is not valid RE2: ",
        id="look-ahead",
    ),
    pytest.param(
        ".agentops.yaml",
        "version: 1\nextends: &packs [builtin:core]\n",
        ".agentops.yaml:2:10: YAML anchors and aliases are not allowed here; write the value out",
        id="anchor",
    ),
    pytest.param(
        ".agentops.yaml",
        "version: 1\nextends: [builtin:core]\ndisable:\n  - vague-subjects\n",
        ".agentops.yaml:4:5: disable: no loaded rule has the id 'vague-subjects' (did you mean 'vague-subject'?)",
        id="unknown-disable",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_INPUTS)
def test_bad_config_is_one_line_with_its_position(git_repo: Path, name: str, text: str, expected: str) -> None:
    if name != ".agentops.yaml":
        write(".agentops.yaml", "version: 1\nextends: [builtin:core, team/rules.yaml]\n")
    write(name, text)

    for args in (("staged",), ("rules", "validate"), ("range", "HEAD")):
        proc = run_cli(*args)

        assert proc.returncode == 3, (args, proc.stdout, proc.stderr)
        assert proc.stdout == ""
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"agentops-check: {expected}"), lines[0]
        if args == ("staged",):  # the rest need a commit; the config is read first all the same
            commit("feat: start", ("README.md", "# demo\n"))


def test_config_errors_block_the_commit_hook(git_repo: Path) -> None:
    install_hooks()
    write(".agentops.yaml", "version: 1\nrules:\n\t- id: x\n")
    write("README.md", "# demo\n")
    git("add", "README.md")

    proc = git_commit("-m", "docs: start the readme")

    assert proc.returncode != 0
    assert "agentops-check: .agentops.yaml:3:1: invalid YAML" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_outside_a_repository(tmp_path: Path) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)}

    for args in (("staged",), ("range", "HEAD~1..HEAD"), ("commit-msg", __file__)):
        proc = run_cli(*args, cwd=outside, env=env)

        assert proc.returncode == 3, args
        assert proc.stdout == ""
        assert proc.stderr.splitlines() == [
            f"agentops-check: not a git repository: {outside} (run inside one, or `git init`)"
        ]


def test_unknown_revision(git_repo: Path) -> None:
    commit("feat: start", ("README.md", "# demo\n"))

    proc = run_cli("range", "main..no-such-branch")

    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [
        "agentops-check: unknown revision 'no-such-branch' (check the name, or fetch it: `git fetch origin no-such-branch`)"
    ]


def test_missing_config_named_by_option(git_repo: Path) -> None:
    proc = run_cli("staged", "--config", "nowhere.yaml")

    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [
        "agentops-check: nowhere.yaml: config file not found (check --config / AGENTOPS_CONFIG)"
    ]
