"""builtin:secrets-saas: every SaaS provider's rule is complete and proven, and a real commit of
tokens built from the corpus' documented templates is refused without printing one of them.

No token is written in this file: each is expanded at run time from the corpus templates, so the
project's own secrets scan stays silent here.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from agentops_hooks import packs, rulefile
from tests.testing import ROOT, benchmark_module, commit, run_cli, write

PACK = Path(packs.builtin_path("secrets-saas"))
CORPUS = ROOT / "benchmarks" / "secrets_corpus" / "saas.yaml"
RULES: list[dict[str, Any]] = rulefile.load_text(str(PACK), PACK.read_text("utf-8"))["rules"]
PROVIDERS: list[dict[str, Any]] = yaml.safe_load(CORPUS.read_text("utf-8"))["providers"]

PLACEHOLDER = re.compile(r"x{6,}|0{8,}|<your-[\w-]+>")


RECALL = benchmark_module("secrets_recall")  # the recall benchmark's expander of corpus templates


def _lines(fill: str | None) -> list[str]:
    rng = random.Random(1616)
    out = []
    for provider in PROVIDERS:
        context = provider.get("context") or "TOKEN={}"
        out += [context.replace("{}", RECALL.placeholder(t, fill) if fill else RECALL.expand(t, rng)) for t in provider["tokens"]]
    return out


def test_the_pack_covers_the_providers_and_fits_the_rule_file_bound() -> None:
    assert len(PROVIDERS) >= 70, len(PROVIDERS)
    assert len(RULES) >= 80, len(RULES)
    assert PACK.stat().st_size < rulefile.MAX_BYTES, f"{PACK.stat().st_size} bytes: split the pack"
    messages = [r["message"] for r in RULES]
    for provider in PROVIDERS:  # every provider of the corpus has a rule that names it
        assert any(m.startswith(provider["provider"] + " ") for m in messages), provider["provider"]


@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_every_rule_blocks_masks_prefilters_and_proves_a_placeholder(rule: dict[str, Any]) -> None:
    assert rule["kind"] == "added-pattern"
    assert (rule["severity"], rule["exemptible"], rule["redact"], rule["factor"]) == ("error", False, True, "XI")
    assert rule["keywords"] and all(isinstance(k, str) and k for k in rule["keywords"])
    assert "(?P<secret>" in rule["pattern"]
    assert rule["references"] and all(ref.startswith("https://") for ref in rule["references"])
    assert rule["message"].endswith("added in {path}: {match}")
    fails, passes = rule["examples"]["fail"], rule["examples"]["pass"]
    assert len(fails) >= 2 and len(passes) >= 2
    passing = [line for case in passes for f in case["files"] for line in f.get("added", ())]
    assert any(PLACEHOLDER.search(line) for line in passing), f"{rule['id']}: no placeholder among its pass examples"


def test_rules_test_proves_every_example_of_the_pack() -> None:
    proc = run_cli("rules", "test", str(PACK))

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1].endswith(f"0 failed, 0 rules untested ({len(RULES)} rules)")


def test_a_commit_of_every_documented_format_is_refused_and_no_token_is_printed(git_repo: Path) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:secrets-saas]\n")
    commit("chore: start", ("README.md", "hello\n"))
    tokens = _lines(None)
    placeholders = _lines("x") + _lines("0")
    commit(
        "feat: settings",
        ("leak.env", "".join(f"{t}\n" for t in tokens)),
        ("sample.env", "".join(f"{p}\n" for p in placeholders)),
    )

    proc = run_cli("range", "HEAD~1..HEAD", "-f", "json")
    text = run_cli("range", "HEAD~1..HEAD")

    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = [f for c in json.loads(proc.stdout)["commits"] for f in c["findings"]]
    found_lines = {f["line"] for f in findings if f["path"] == "leak.env"}
    missed = [tokens[n - 1] for n in range(1, len(tokens) + 1) if n not in found_lines]
    assert not missed, f"{len(missed)} of {len(tokens)} documented tokens not found: {missed[:5]}"
    assert [f for f in findings if f["path"] == "sample.env"] == []
    for token in tokens:  # the secret part never shows: at most the masked prefix
        secret = token.split("=", 1)[1]
        assert secret not in proc.stdout + text.stdout + text.stderr
