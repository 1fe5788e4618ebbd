"""The secrets packs as a whole: every rule is prefiltered by its keywords, and no exact keyword hides a match."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from agentops_hooks import packs, rulefile
from agentops_hooks.kinds.diff import holds_secret

SECRETS_PACKS = [n for n in packs.builtin_names() if n.startswith("secrets")]


def _pack(name: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(Path(packs.builtin_path(name)).read_text("utf-8"))
    return data


@pytest.mark.parametrize("name", SECRETS_PACKS)
def test_every_secrets_rule_has_keywords(name: str) -> None:
    """Keywords are the prefilter: a rule without them is searched on every added line of every file."""
    missing = [r["id"] for r in _pack(name).get("rules") or () if r["kind"] == "added-pattern" and not r.get("keywords")]
    assert not missing, f"builtin:{name}: these rules need `keywords`: {missing}"


@pytest.mark.parametrize("name", SECRETS_PACKS)
def test_an_exact_keyword_never_hides_what_the_pattern_finds(name: str) -> None:
    """`keywords-case: exact` is safe only where the pattern needs that case too: an agent that writes a
    fail example's keyword in another case (`tWILIO_AUTH_TOKEN`) must get either a line the keywords
    still select or one the pattern does not find — never a match the prefilter skipped."""
    path = packs.builtin_path(name)
    rules = rulefile.load_rules(path, Path(path).read_text("utf-8"))[1]
    hidden = []
    for rule in (r for r in rules if r.param("keywords-case") == "exact"):
        keywords = rule.param("keywords")
        lines = [line for case in rule.examples["fail"] for f in case.get("files", ()) for line in f.get("added", ())]
        for line, keyword in ((line, k) for line in lines for k in keywords):
            for m in re.finditer(re.escape(keyword), line, re.IGNORECASE):
                for spelled in {keyword.lower(), keyword.upper(), keyword.swapcase(), keyword.capitalize()}:
                    variant = line[: m.start()] + spelled + line[m.end() :]
                    if holds_secret(rule, variant) and not any(k in variant for k in keywords):
                        hidden.append((rule.id, variant))
    assert not hidden, f"builtin:{name}: matches the exact keywords skip: {sorted(set(hidden))}"
