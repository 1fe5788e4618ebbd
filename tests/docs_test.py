"""Generated documentation is current: docs/packs.md and docs/rules.md equal what docsgen makes now."""

from __future__ import annotations

import re

import pytest

from agentops_hooks import docsgen, rulefile
from tests.testing import ROOT, run_cli

REGENERATE = "regenerate it: python -m agentops_hooks.docsgen --write"


def test_packs_page_is_current() -> None:
    assert (ROOT / "docs" / "packs.md").read_text("utf-8") == docsgen.packs_markdown(), REGENERATE


def test_rules_page_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text("utf-8") == docsgen.rules_markdown(), REGENERATE


def test_packs_page_lists_every_builtin_rule() -> None:
    page = docsgen.packs_markdown()
    for line in run_cli("rules", "list", "--all").stdout.splitlines():
        rule_id = line.split()[0]
        assert f"| `{rule_id}` |" in page, rule_id


def test_rules_page_documents_every_kind_and_parameter() -> None:
    page = docsgen.rules_markdown()
    for kind, branch in docsgen.kind_branches().items():
        assert f"### `{kind}`" in page
        for param in branch.get("properties", {}):
            assert f"| `{param}` |" in page, (kind, param)


@pytest.mark.parametrize("block", re.findall(r"```yaml\n(.*?)```", docsgen.rules_markdown(), re.S))
def test_every_yaml_example_on_the_rules_page_is_a_valid_rule_file(block: str) -> None:
    doc = rulefile.load_text("docs/rules.md", block)
    assert doc["rules"]


def test_docsgen_entry_point_prints_the_pages() -> None:
    assert run_cli_module("packs") == docsgen.packs_markdown()
    assert run_cli_module("rules") == docsgen.rules_markdown()


def run_cli_module(*args: str) -> str:
    import subprocess
    import sys

    proc = subprocess.run((sys.executable, "-m", "agentops_hooks.docsgen", *args), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
