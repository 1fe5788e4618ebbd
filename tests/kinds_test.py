"""Kinds on real commits where git and the CLI are the point, and the schema against the registry and the metaschema.

Each kind failing and passing on plain data is in tests/cases/ (tests/cases_test.py)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from agentops_hooks import packs, rulefile
from agentops_hooks.kinds import KINDS
from tests.testing import CLAUDE, commit, git, run_cli, write

# one rule of every kind; `{config-files}` is the .agentops.yaml written below
RULES = r"""
version: 1
rules:
  - id: no-print
    kind: added-pattern
    description: No prints in library code.
    message: "print in {path}"
    severity: warning
    pattern: "\\bprint\\("
    keywords: [print]
    paths: {include: ["src/**"]}
  - id: kept-asserts
    kind: removed-pattern
    description: Assertions are not deleted.
    message: "assertion removed from {path}: {match}"
    severity: warning
    pattern: "^\\s*assert\\b"
    keywords: [assert]
    paths: {include: ["tests/**"]}
  - id: no-env
    kind: file-limits
    description: No .env files.
    message: "{problem}"
    severity: warning
    forbidden-names: [".env"]
  - id: short-subject
    kind: message-format
    description: Short subjects.
    message: "{problem}"
    severity: warning
    max-subject-length: 30
  - id: has-context
    kind: message-sections
    description: A Context section.
    message: "{problem}"
    severity: warning
    sections: [Context]
  - id: disclosed
    kind: message-trailers
    description: Disclosure trailer, no sign-off.
    message: "{problem}"
    severity: warning
    required: [assisted-by]
    forbidden: [Signed-off-by]
    value-patterns: {Assisted-By: "^[A-Za-z][\\w.-]*$"}
  - id: small-commits
    kind: scope
    description: Small commits inside src.
    message: "{problem}"
    severity: warning
    max-files: 2
    ignore: ["*.lock"]
    allowed: ["src/**", "*.lock"]
  - id: small-range
    kind: scope
    description: A small range.
    message: "{problem}"
    severity: warning
    per: range
    max-lines-added: 5
    ignore: ["*.lock"]
  - id: guarded
    kind: protected-paths
    description: Config changes need a person.
    message: "{problem}"
    severity: warning
    applies-to: agent
    protected: ["{config-files}", ".github/**"]
    operations: [modified, deleted]
    approver-not-author: true
  - id: tested
    kind: co-change
    description: Code with tests.
    message: "{problem}"
    severity: warning
    when: ["src/**"]
    then: ["tests/**"]
  - id: spiralling
    kind: spiral
    description: Fix after fix.
    message: "{problem}"
    severity: warning
    min-commits: 3
"""
Files = dict[str, str | None]  # path → new text, None: delete
Commit = tuple[str, Files]
# kind → (rule id, files of the set-up commit, failing commits, passing commits): the real-commit tests below
CASES: dict[str, tuple[str, Files, list[Commit], list[Commit]]] = {
    "scope": (
        "small-commits",
        {},
        [("feat: wide", {"src/a.py": "a\n", "src/b.py": "b\n", "docs/c.md": "c\n"})],
        [("feat: narrow", {"src/a.py": "a\n", "src/b.py": "b\n", "uv.lock": "x\n"})],
    ),
    "protected-paths": (
        "guarded",
        {},
        [
            (f"chore: relax\n\n{CLAUDE}", {".agentops.yaml": RULES + "# relaxed\n"}),
            (f"chore: relax\n\nApproved-by: Dana Dev <dana@example.com>\n{CLAUDE}", {".agentops.yaml": RULES + "#\n"}),
            (f"ci: drop\n\nApproved-by: Claude <noreply@anthropic.com>\n{CLAUDE}", {".github/ci.yml": None}),
        ],
        [
            (f"chore: relax\n\nApproved-by: Pat Doe <pat@example.com>\n{CLAUDE}", {".agentops.yaml": RULES + "# ok\n"}),
            ("chore: relax", {".agentops.yaml": RULES + "# by a person\n"}),
            (f"ci: add\n\n{CLAUDE}", {".github/other.yml": "on: push\n"}),
        ],
    ),
    "spiral": (
        "spiralling",
        {"src/x.py": "0\n", "src/y.py": "0\n", "docs/d.md": "0\n"},
        [("fix: crash", {"src/x.py": "1\n"}), ("fix: crash again", {"src/y.py": "1\n"}), ('Revert "fix"', {"src/x.py": "2\n"})],
        [("fix: crash", {"src/x.py": "3\n"}), ("feat: more", {"src/x.py": "4\n"}), ("fix: docs", {"docs/d.md": "1\n"})],
    ),
}
RANGE_RULES = {"spiralling", "small-range"}


def _commit(message: str, files: Files) -> str:
    for path, text in files.items():
        if text is None:
            git("rm", "-q", "--", path)
        else:
            write(path, text)
            git("add", "--", path)
    return commit(message + "\n")


def _range(commits: list[Commit]) -> tuple[list[str], dict[str, Any]]:
    """Commit each, then `range` over exactly those: their shas and the JSON document."""
    base = git("rev-parse", "HEAD").strip()
    shas = [_commit(message, files) for message, files in commits]
    proc = run_cli("range", f"{base}..HEAD", "-f", "json")
    assert proc.returncode in (0, 1), proc.stderr
    return shas, json.loads(proc.stdout)


def _hits(doc: dict[str, Any], rule_id: str, sha: str) -> list[dict[str, Any]]:
    if rule_id in RANGE_RULES:
        return [f for f in doc["range_findings"] if f["rule_id"] == rule_id and sha in f["commits"]]
    (entry,) = [c for c in doc["commits"] if c["sha"] == sha]
    return [f for f in entry["findings"] if f["rule_id"] == rule_id]


def _set_up(files: Files) -> None:
    write(".agentops.yaml", RULES)
    _commit("chore: set up", {".agentops.yaml": RULES, ".github/ci.yml": "on: push\n", **files})


def test_scope_names_every_limit_and_the_files_outside_allowed(git_repo: Path) -> None:
    _set_up({})
    (sha,), doc = _range(CASES["scope"][2])
    problems = sorted(f["message"] for f in _hits(doc, "small-commits", sha))
    assert problems == ["3 files changed (limit 2)", "docs/c.md is outside the allowed paths (src/**, *.lock)"]


def test_protected_paths_says_why_an_approval_does_not_count(git_repo: Path) -> None:
    _set_up({})
    shas, doc = _range(CASES["protected-paths"][2])
    messages = [_hits(doc, "guarded", sha)[0]["message"] for sha in shas]
    assert "no 'Approved-by:' trailer" in messages[0]
    assert "is the author of the commit: its own author cannot approve it" in messages[1]
    assert "is an agent identity, not a person" in messages[2] and "(deleted)" in messages[2]


def test_protected_paths_wait_for_the_message_and_then_need_the_approval(git_repo: Path) -> None:
    _set_up({})
    write(".agentops.yaml", RULES + "# relaxed\n")
    git("add", ".agentops.yaml")
    agent_shell = {**os.environ, "CLAUDE_CODE_CHILD_SESSION": "1"}
    staged = json.loads(run_cli("staged", "-f", "json", env=agent_shell).stdout)
    assert staged["commits"][0]["agent"]["kind"] == "ai"
    assert "guarded" not in {f["rule_id"] for f in staged["commits"][0]["findings"]}  # the approval may come with the message
    for message, expected in ((f"chore: relax\n\n{CLAUDE}\n", True), (f"chore: relax\n\nApproved-by: Pat <pat@example.com>\n{CLAUDE}\n", False)):
        proc = run_cli("commit-msg", str(write(".git/COMMIT_EDITMSG", message)), "-f", "json")
        found = {f["rule_id"] for f in json.loads(proc.stdout)["commits"][0]["findings"] if f["waived"] is None}
        assert ("guarded" in found) is expected, (message, found)


def test_range_findings_name_their_commits_in_json_and_text_and_block(git_repo: Path) -> None:
    write("range.yaml", RULES.replace("severity: warning\n    per: range", "severity: error\n    per: range"))
    _commit("chore: set up", {"range.yaml": Path("range.yaml").read_text()})
    base = git("rev-parse", "HEAD").strip()
    spiral = CASES["spiral"][2]
    shas = [_commit(m, f) for m, f in [("feat: lines", {"src/a.py": "1\n2\n3\n4\n5\n6\n"}), *spiral]]
    proc = run_cli("range", f"{base}..HEAD", "--config", "range.yaml", "-f", "json")
    assert proc.returncode == 1, proc.stderr  # small-range is an error
    found = {f["rule_id"]: f for f in json.loads(proc.stdout)["range_findings"]}
    assert found["spiralling"]["commits"] == shas[1:]
    assert "3 fix/revert/retry commits in a row on src/" in found["spiralling"]["message"]
    assert found["small-range"]["commits"] == shas and found["small-range"]["severity"] == "error"
    assert "path" not in found["small-range"] and "line" not in found["small-range"]
    text = run_cli("range", f"{base}..HEAD", "--config", "range.yaml")
    assert "agentops: the range as a whole: 2 findings" in text.stdout
    assert f"{shas[1][:7]},{shas[2][:7]},{shas[3][:7]}: spiralling" in text.stdout


def test_a_spiral_exemption_in_one_of_its_commits_waives_it(git_repo: Path) -> None:
    _set_up(CASES["spiral"][1])
    failing = list(CASES["spiral"][2])
    failing[-1] = (failing[-1][0] + "\n\nAgentOps-Exempt: spiralling: a planned series of reverts", failing[-1][1])
    shas, doc = _range(failing)
    (finding,) = _hits(doc, "spiralling", shas[-1])
    assert finding["waived"] == {"by": "trailer", "reason": "a planned series of reverts"}


def test_range_kinds_do_not_run_at_commit_time(git_repo: Path) -> None:
    _set_up(CASES["spiral"][1])
    for message, files in CASES["spiral"][2][:2]:
        _commit(message, files)
    write("src/x.py", "9\n")
    git("add", "src/x.py")
    proc = run_cli("commit-msg", str(write(".git/COMMIT_EDITMSG", "fix: again\n")), "-f", "json")
    doc = json.loads(proc.stdout)
    assert [c["source"] for c in doc["commits"]] == ["commit-msg"] and doc["range_findings"] == []
    assert not {"spiralling", "small-range"} & {f["rule_id"] for f in doc["commits"][0]["findings"]}


def test_schema_kind_enum_matches_the_registry() -> None:
    assert set(rulefile.schema()["$defs"]["kind"]["enum"]) == set(KINDS)
    branches = {b["if"]["properties"]["kind"]["const"] for b in rulefile.schema()["$defs"]["rule"]["allOf"]}
    assert branches == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schema_parameters_of_each_kind_are_its_declaration(kind: str) -> None:
    """Names in the schema's order (error messages list them so), and every default the schema states."""
    (branch,) = [b for b in rulefile.schema()["$defs"]["rule"]["allOf"] if b["if"]["properties"]["kind"]["const"] == kind]
    properties = branch["then"]["properties"]
    declared = KINDS[kind].params
    assert [p.name for p in declared] == list(properties)
    stated = {name: prop["default"] for name, prop in properties.items() if "default" in prop}
    assert stated == {p.name: p.default for p in declared if p.name in stated}
    assert not any(isinstance(p.default, list) for p in declared)  # shared by every rule: tuples, never lists


def test_schema_is_valid_2020_12_and_documents_every_property() -> None:
    schema = rulefile.schema()
    Draft202012Validator.check_schema(schema)
    undocumented = [where for where, prop in _properties(schema) if "$ref" not in prop and not (prop.get("description") and prop.get("examples"))]
    assert undocumented == []


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property the schema declares, with where it is (the `if` tests of allOf are not properties)."""
    if isinstance(node, dict):
        if not where.endswith(".if"):
            for name, prop in (node.get("properties") or {}).items():
                yield f"{where}.{name}", prop
        for key, value in node.items():
            if key != "examples":
                yield from _properties(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _properties(value, f"{where}[{i}]")


@pytest.mark.parametrize("name", packs.builtin_names())
def test_every_builtin_pack_validates(name: str) -> None:
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(Path(packs.builtin_path(name)).read_text(encoding="utf-8"))
    Draft202012Validator(rulefile.schema()).validate(doc)


def test_keywords_are_a_prefilter_per_line_not_per_file(git_repo: Path) -> None:
    """The schema says a line is searched only when it holds a keyword: another line's keyword does not count."""
    rules = (
        'version: 1\nrules:\n  - id: loud-debug\n    kind: added-pattern\n    description: Loud debug calls.\n'
        '    message: "debug call in {path}"\n    severity: warning\n    pattern: "debug\\\\("\n    keywords: [loud]\n'
    )
    _commit("chore: set up", {".agentops.yaml": rules})
    (sha,), doc = _range([("feat: debug", {"src/app.py": "debug(1)  # loud\ndebug(2)\n"})])
    assert [(f["path"], f["line"]) for f in _hits(doc, "loud-debug", sha)] == [("src/app.py", 1)]
