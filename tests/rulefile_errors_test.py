"""Malformed rule files: each is exit 3 with one line naming file:line:col and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentops_hooks.cli import main

HEAD = "version: 1\nrules:\n"
RULE = (
    "  - id: no-print\n    kind: added-pattern\n    description: d\n    message: m\n"
    "    severity: error\n    pattern: 'print\\('\n"
)
CASES = [
    (
        "wrong-type-severity",
        HEAD + RULE.replace("severity: error", "severity: [error]"),
        "7:15",
        "'severity' should be a string, found a list",
    ),
    (
        "unknown-key-for-kind",
        HEAD + RULE + "    max-files: 3\n",
        "9:5",
        "'max-files' is not valid for kind 'added-pattern' (valid: ",
    ),
    ("missing-message", HEAD + RULE.replace("    message: m\n", ""), "3:5", "missing required key 'message'"),
    ("missing-id", HEAD + RULE.replace("  - id: no-print\n    kind", "  - kind"), "3:5", "missing required key 'id'"),
    ("duplicate-id", HEAD + RULE + RULE, "9:9", "duplicate id"),
    ("bad-glob-type", HEAD + RULE + "    paths: {include: src/**}\n", "9:22", "'include' should be a list"),
    ("re2-backreference", HEAD + RULE.replace("'print\\('", "'(a)\\1'"), "8:14", "is not valid RE2"),
    ("re2-lookahead", HEAD + RULE.replace("'print\\('", "'foo(?=bar)'"), "8:14", "is not valid RE2"),
    ("unbalanced-regex", HEAD + RULE.replace("'print\\('", "'print('"), "8:14", "is not valid RE2"),
    ("tab-indentation", HEAD + "\t- id: x\n", "3:1", "indent with spaces, not tabs"),
    ("empty-file", "", "1:1", "the file is empty"),
    ("only-comments", "# nothing here\n", "1:1", "the file is empty"),
    ("list-instead-of-map", "- version: 1\n", "1:1", "expected a mapping"),
    ("rules-is-a-map", HEAD + "  id: x\n", "3:3", "'rules' should be a list, found a mapping"),
    (
        "anchor-and-alias",
        HEAD
        + RULE.replace("description: d", "description: &d d")
        + RULE.replace("id: no-print", "id: b").replace("description: d", "description: *d"),
        "5:18",
        "anchors and aliases are not allowed",
    ),
    (
        "python-tag",
        HEAD + RULE.replace("message: m", "message: !!python/object/apply:os.system ['true']"),
        "6:14",
        "YAML tags",
    ),
    ("custom-tag", HEAD + RULE.replace("message: m", "message: !secret m"), "6:14", "YAML tags"),
    ("unknown-kind", HEAD + RULE.replace("added-pattern", "added-patern"), "4:11", "did you mean 'added-pattern'"),
    ("bad-severity-value", HEAD + RULE.replace("severity: error", "severity: errror"), "7:15", "did you mean 'error'"),
    (
        "bad-applies-to",
        HEAD + RULE + "    applies-to: robots\n",
        "9:17",
        "expected one of: ai, automation, agent, human, all",
    ),
    ("bad-id-case", HEAD + RULE.replace("id: no-print", "id: No_Print"), "3:9", "kebab-case"),
    ("wrong-version", "version: 2\nrules: []\n", "1:10", "'version' must be 1"),
    ("unknown-top-level-key", "version: 1\nrulez: []\n", "2:1", "unknown key 'rulez' (did you mean 'rules'?"),
    (
        "date-like-value",
        HEAD + RULE.replace("message: m", "message: 2024-01-01"),
        "6:14",
        "'message' should be a string, found a date",
    ),
    ("duplicate-key", HEAD + RULE + "    pattern: 'x'\n", "9:5", "duplicate key"),
    (
        "placeholder-attribute",
        HEAD + RULE.replace("message: m", "message: '{path.__class__}'"),
        "6:14",
        "must be a plain name",
    ),
    ("bad-template-brace", HEAD + RULE.replace("message: m", "message: 'oops {'"), "6:14", "bad template"),
    (
        "negative-limit",
        HEAD
        + "  - id: big\n    kind: file-limits\n    description: d\n    message: m\n    severity: error\n    max-size: -1\n",
        "8:15",
        "'max-size'",
    ),
    ("bytes-not-utf8", None, "3:1", "not UTF-8"),
    ("nul-bytes", "version: 1\x00\n", "1:1", "NUL"),
]


@pytest.mark.parametrize(("name", "text", "where", "what"), CASES, ids=[c[0] for c in CASES])
def test_malformed_rule_file_is_one_line_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, where: str, what: str
) -> None:
    path = tmp_path / f"{name}.yaml"
    if text is None:
        path.write_bytes(b"version: 1\nrules: []\n# caf\xe9\n")
    else:
        path.write_text(text, encoding="utf-8")

    code = main(["rules", "validate", str(path)])

    err = capsys.readouterr().err
    assert code == 3, err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith(f"agentops-check: {path}:"), err
    line_col = err.split(f"{path}:", 1)[1].split(":", 2)[:2]
    assert ":".join(line_col) == where, err
    assert what in err, err


def test_at_least_25_cases() -> None:
    assert len(CASES) >= 25


BASE_CONFIG = "version: 1\nextends: [builtin:core]\noverrides:\n  no-such-rule: {severity: info}\n"


def test_ci_names_positions_in_the_base_file_it_judges_by(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ci` loads the base's config: an error in it points into the base's text, not the head's."""
    from tests.testing import commit

    base = commit("chore: rules", (".agentops.yaml", BASE_CONFIG))
    commit("chore: comments", (".agentops.yaml", "# one\n# two\n# three\n" + BASE_CONFIG))

    assert main(["ci", "--base", base]) == 3
    err = capsys.readouterr().err
    assert ".agentops.yaml:4:3: overrides: no loaded rule has the id 'no-such-rule'" in err, err
    assert main(["staged"]) == 3  # the working tree's file: the same error, three lines down
    assert ".agentops.yaml:7:3: overrides: no loaded rule has the id 'no-such-rule'" in capsys.readouterr().err
