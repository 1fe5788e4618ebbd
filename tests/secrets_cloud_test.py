"""builtin:secrets-cloud: every provider's rule is prefiltered, blocking and masked (tests/packs_test.py proves the examples), finds its
formats in a real diff without printing them, and stays silent on this project's own source and docs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from agentops_hooks import rulefile
from agentops_hooks.patterns import regex
from tests.testing import CLAUDE, ROOT, commit, git, run_cli, write

PACK = ROOT / "rules" / "secrets-cloud.yaml"
CORPUS = ROOT / "benchmarks" / "secrets_corpus" / "cloud.yaml"
DOC = rulefile.load_text(str(PACK), PACK.read_text("utf-8"))
RULES: list[dict[str, Any]] = list(DOC["rules"])
PROVIDERS = [p["provider"] for p in YAML(typ="safe").load(CORPUS.read_text("utf-8"))["providers"]]
PLACEHOLDER_MARKS = ("<", "${", "xxxxxx", "XXXXXX", "000000")


def _lines(case: dict[str, Any]) -> list[str]:
    return [line for f in case["files"] for line in f.get("added", ())]


def test_the_pack_covers_at_least_75_providers_within_the_size_bound() -> None:
    assert len(set(PROVIDERS)) == len(PROVIDERS) >= 75, PROVIDERS
    assert len(RULES) >= 100
    assert len({r["id"] for r in RULES}) == len(RULES)
    assert PACK.stat().st_size < rulefile.MAX_BYTES, f"{PACK.name} is over {rulefile.MAX_BYTES} bytes: split it"
    assert DOC.get("allow"), "the pack-wide allow list drops placeholders"


@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_every_rule_is_blocking_masked_prefiltered_and_has_a_placeholder_pass(rule: dict[str, Any]) -> None:
    assert (rule["kind"], rule["severity"], rule["exemptible"], rule["redact"], rule["factor"]) == (
        "added-pattern",
        "error",
        False,
        True,
        "XI",
    )
    assert rule["keywords"] and all(isinstance(k, str) and k for k in rule["keywords"])
    assert "(?P<secret>" in rule["pattern"] and rule.get("secret-group") == "secret"
    assert rule["references"] and all(ref.startswith("https://") for ref in rule["references"])
    fails, passes = rule["examples"]["fail"], rule["examples"]["pass"]
    assert len(fails) >= 2 and len(passes) >= 2
    # a placeholder of the same format: the pattern matches it and allow/entropy must drop it
    # (rules test proves it is not found), or an obvious template such as <your-token>
    pattern = regex(rule["pattern"], rule["id"])
    placeholders = [
        line
        for case in passes
        for line in _lines(case)
        if pattern.search(line) is not None or any(mark in line for mark in PLACEHOLDER_MARKS)
    ]
    assert placeholders, f"{rule['id']}: no placeholder among its pass examples"
    # every fail example holds one of the rule's keywords, or the prefilter would skip it
    for case in fails:
        text = "\n".join(_lines(case)).lower()
        assert any(k.lower() in text for k in rule["keywords"]), (rule["id"], text)


def test_each_rule_finds_its_first_fail_example_in_a_real_diff_and_never_prints_it(git_repo: Path) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:secrets-cloud]\n")
    commit("chore: start", ("README.md", "hello\n"))
    files = []
    for rule in RULES:
        case = rule["examples"]["fail"][0]["files"][0]
        files.append((f"leaks/{rule['id']}/{case['path']}", "".join(f"{line}\n" for line in case["added"])))
    commit("feat: add settings", *files)

    proc = run_cli("range", "HEAD~1..HEAD", "-f", "json")

    assert proc.returncode == 1, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    findings = [f for c in doc["commits"] for f in c["findings"]]
    found = {(f["rule_id"], f["path"].split("/")[1]) for f in findings}
    missing = [r["id"] for r in RULES if (r["id"], r["id"]) not in found]
    assert missing == [], missing
    for rule in RULES:
        pattern = regex(rule["pattern"], rule["id"])
        for line in rule["examples"]["fail"][0]["files"][0]["added"]:
            m = pattern.search(line)
            assert m is not None, rule["id"]
            assert m.group("secret") not in proc.stdout + proc.stderr, rule["id"]


def test_the_pack_is_silent_on_this_projects_own_source_and_docs(git_repo: Path) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:secrets-cloud]\n")
    commit("chore: start", ("README.md", "hello\n"))
    for folder in ("agentops_hooks", "docs", "benchmarks"):
        shutil.copytree(
            ROOT / folder,
            git_repo / "copy" / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "secrets_corpus"),
        )
    git("add", "-A")
    git("commit", "-q", "--no-verify", "-m", f"feat: copy the project\n\n{CLAUDE}\n")

    proc = run_cli("range", "HEAD~1..HEAD", "-f", "json")

    doc = json.loads(proc.stdout)
    findings = [(f["rule_id"], f["path"], f["line"]) for c in doc["commits"] for f in c["findings"]]
    assert findings == [], findings
    assert proc.returncode == 0, proc.stderr
