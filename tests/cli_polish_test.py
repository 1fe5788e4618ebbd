"""What `explain`, `rules list`, `config show` and `rules validate` print: rendered, complete, aligned, YAML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentops_hooks.commands.rules import effective
from agentops_hooks.explain import explain
from tests.testing import clean_env, git, run_cli

PLACEHOLDER = re.compile(r"\{[a-z_-]+\}")


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh repository without a config: the default packs apply."""
    where = tmp_path_factory.mktemp("outside")
    git("init", "-q", cwd=where)
    return where


def cli(where: Path, *args: str) -> list[str]:
    proc = run_cli(*args, cwd=where, env={**clean_env(), "XDG_CACHE_HOME": str(where / ".cache")})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_explain_renders_the_message_never_a_raw_placeholder(outside: Path) -> None:
    rules = effective(None, True)  # every built-in rule, explained in-process (the CLI path is checked below)
    for rule in rules:
        says = [ln for ln in explain(rule) if ln.startswith("A finding says: ")]
        assert len(says) == 1 and not PLACEHOLDER.search(says[0]), (rule.id, says)
    assert len(rules) > 20
    assert cli(outside, "explain", "ai-context-sections")[5] == (
        "A finding says: missing the 'Context:' section (e.g. for message 'feat: add the parser')"
    )


def test_explain_lists_every_example_it_counts(outside: Path) -> None:
    lines = cli(outside, "explain", "vague-subject")
    start = lines.index("Flagged (6 examples):")

    assert [ln[:4] for ln in lines[start + 1 : start + 8]] == ["  - "] * 6 + ["Allo"]
    assert "  - message 'take 2'" in lines


def test_a_line_comment_is_offered_only_where_a_rule_flags_a_line(outside: Path) -> None:
    line_rule = "\n".join(cli(outside, "explain", "js-console-log"))
    message_rule = "\n".join(cli(outside, "explain", "vague-subject"))

    assert "a comment 'agentops: allow js-console-log <reason>'" in line_rule
    assert "How to exempt one commit" in message_rule and "agentops: allow" not in message_rule


def test_rules_list_columns_line_up(outside: Path) -> None:
    lines = cli(outside, "rules", "list", "--all")
    starts = {tuple(m.start() for m in re.finditer(r"(?<=  )\S", ln)) for ln in lines}

    assert len(lines) > 20
    assert len(starts) == 1, lines[:3]


def test_config_show_prints_yaml_values(outside: Path) -> None:
    text = "\n".join(cli(outside, "config", "show"))

    assert "exemptible: true    [default]" in text
    assert "include-merges: false" in text
    assert "True" not in text and "False" not in text and "['" not in text
    assert re.search(r"^\d+ rules:$", text, re.M)


def test_counts_say_one_rule_not_one_rules(outside: Path) -> None:
    rule = outside / "one.yaml"
    rule.write_text(
        "version: 1\nrules:\n  - id: no-fixme\n    kind: added-pattern\n    description: No FIXME.\n"
        "    message: a FIXME\n    severity: error\n    pattern: FIXME\n",
        encoding="utf-8",
    )

    assert cli(outside, "rules", "validate", "--config", str(rule)) == ["ok: 1 rule"]
    assert cli(outside, "rules", "test", str(rule))[-1] == "rules test: 0 examples proven, 0 failed, 1 rule untested (1 rule)"
