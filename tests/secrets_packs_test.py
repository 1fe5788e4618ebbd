"""The secrets packs as a whole: every rule is prefiltered by its keywords."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from agentops_hooks import packs

SECRETS_PACKS = [n for n in packs.builtin_names() if n.startswith("secrets")]


def _pack(name: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(Path(packs.builtin_path(name)).read_text("utf-8"))
    return data


@pytest.mark.parametrize("name", SECRETS_PACKS)
def test_every_secrets_rule_has_keywords(name: str) -> None:
    """Keywords are the prefilter: a rule without them is searched on every added line of every file."""
    missing = [r["id"] for r in _pack(name).get("rules") or () if r["kind"] == "added-pattern" and not r.get("keywords")]
    assert not missing, f"builtin:{name}: these rules need `keywords`: {missing}"
