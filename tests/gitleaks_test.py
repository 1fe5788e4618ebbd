"""gitleaks.convert: each part of a gitleaks v8 config onto our fields, or reported with its rule id."""

from __future__ import annotations

import tomllib
from typing import Any

from agentops_hooks import rulefile
from agentops_hooks.gitleaks import Problem, convert


def converted(toml: str) -> tuple[dict[str, Any], list[Problem]]:
    doc, problems, _ = convert(tomllib.loads(toml))
    return doc, problems


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in doc["rules"]}


def test_targeted_global_allowlists_go_to_their_rules_only() -> None:
    doc, problems = converted(
        """
[[allowlists]]
targetRules = ["a-key"]
regexes = ['''^a_test_''']
paths = ['''^fixtures/''']

[[allowlists]]
stopwords = ["sample"]

[[rules]]
id = "a-key"
regex = '''a_[a-z0-9]{16}'''

[[rules]]
id = "b-key"
regex = '''b_[a-z0-9]{16}'''
"""
    )

    rules = by_id(doc)
    assert problems == []
    assert doc["allow"] == ["(?i)sample"]  # the untargeted one: pack-wide
    assert rules["gitleaks-a-key"]["allow"] == ["^a_test_"]
    assert rules["gitleaks-a-key"]["paths"] == {"exclude": ["/fixtures/**"]}
    assert "allow" not in rules["gitleaks-b-key"] and "paths" not in rules["gitleaks-b-key"]


def test_match_targets_carry_only_where_the_match_is_the_secret() -> None:
    doc, problems = converted(
        """
[[rules]]
id = "whole"
regex = '''w_[a-z]{8}'''
[rules.allowlist]
regexTarget = "match"
regexes = ['''^w_test''']

[[rules]]
id = "grouped"
regex = '''key=(g_[a-z]{8})'''
secretGroup = 1
[[rules.allowlists]]
regexTarget = "match"
regexes = ['''^key=g_test''']
"""
    )

    assert by_id(doc)["gitleaks-whole"]["allow"] == ["^w_test"]
    assert "allow" not in by_id(doc)["gitleaks-grouped"]
    assert problems == [Problem("grouped", "allowlist 1: regexTarget match: our allow patterns are searched in the secret")]


def test_ids_rules_without_a_regex_and_extend_paths() -> None:
    doc, problems = converted(
        """
[extend]
path = "../base.toml"

[[rules]]
id = "My_Rule.v2"
regex = '''mr_[0-9]{8}'''
path = '''(?:^|/)config/.*\\.ini$'''

[[rules]]
id = "nothing"
description = "no regex, no path"

[[rules]]
description = "no id"
regex = "x"

[[rules]]
id = "p12"
path = '''(?i)\\.p12$'''
"""
    )

    rules = by_id(doc)
    assert list(rules) == ["gitleaks-my-rule-v2", "gitleaks-p12"]
    assert "paths" not in rules["gitleaks-my-rule-v2"]
    assert rules["gitleaks-p12"]["kind"] == "file-limits" and rules["gitleaks-p12"]["forbidden-names"] == ["*.[pP]12"]
    assert "extends" not in doc
    assert problems == [
        Problem("[extend]", "path '../base.toml': import that file too and list it in extends:"),
        Problem("My_Rule.v2", "path '(?:^|/)config/.*\\\\.ini$' has no glob that says the same: every file is read"),
        Problem("nothing", "neither regex nor path"),
        Problem("[[rules]]", "a rule without an id"),
    ]


def test_the_first_group_is_the_secret_when_gitleaks_names_none_and_the_file_loads() -> None:
    doc, _ = converted(
        """
[[rules]]
id = "t"
description = "T token."
regex = '''token=(t_[a-f0-9]{20})'''
entropy = 3.2
keywords = ["t_"]
"""
    )

    [rule] = doc["rules"]
    assert rule["secret-group"] == 1 and rule["entropy"] == 3.2 and rule["keywords"] == ["t_"]
    assert rule["description"] == "T token (gitleaks rule t)." and rule["message"] == "T token in {path}: {match}"
    assert (rule["exemptible"], rule["redact"], rule["severity"], rule["factor"]) == (False, True, "error", "XI")
    import json

    _, (loaded,) = rulefile.load_rules("imported.yaml", json.dumps(doc), use_cache=False)
    assert loaded.id == "gitleaks-t" and not loaded.exemptible
