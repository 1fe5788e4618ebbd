"""The one keyword set that picks the line rules to run (engine.KeywordIndex).

The engine asks one RE2 set of every rule's keywords which of them a file's lines hold, instead of
each rule's keywords in turn; it must name exactly the rules whose own keywords are on the lines.
"""

from __future__ import annotations

import random
import string
from typing import Any

from agentops_hooks import engine, rulefile
from agentops_hooks.model import AgentVerdict, Commit, FileChange, Message, patch_of


def _rules(words: list[list[str]]) -> tuple[Any, ...]:
    body = "".join(
        f"  - id: r{i}\n    kind: added-pattern\n    description: d\n    message: 'found {{match}}'\n"
        f"    severity: error\n    keywords: {ws!r}\n    pattern: '(?i)(?:{'|'.join(ws)})'\n"
        for i, ws in enumerate(words)
    )
    return rulefile.load_rules("k.yaml", "version: 1\nrules:\n" + body)[1]


def _commit(lines: list[str]) -> Commit:
    return Commit(None, Message("m", "m", ""), (FileChange("A", "a.txt", patch=patch_of(lines)),))


def test_the_keyword_set_finds_overlapping_and_nested_keywords_in_any_case() -> None:
    """`xoxbaws` holds both `xoxb` and `baws`; `AWS_SECRET` holds `aws`, `secret` and `aws_secret`."""
    rules = _rules([["xoxb"], ["baws"], ["aws_secret"], ["aws"], ["secret"], ["nothere"]])
    result = engine.check(rules, _commit(["t = XOXBAWS", "k = AWS_SECRET"]), AgentVerdict())
    assert sorted({f.rule_id for f in result.findings}) == ["r0", "r1", "r2", "r3", "r4"]


def test_the_keyword_set_agrees_with_each_rules_own_keywords_on_random_text() -> None:
    rng = random.Random(16)
    words = [["".join(rng.choice("abc_") for _ in range(rng.randint(2, 4))) for _ in range(2)] for _ in range(60)]
    rules = _rules(words)
    index = engine.KeywordIndex(rules)
    for _ in range(20):
        lines = ["".join(rng.choice("abcABC_ " + string.digits) for _ in range(40)) for _ in range(5)]
        (f,) = _commit(lines).files
        expected = {id(r) for r, ws in zip(rules, words, strict=True) if any(w in "\n".join(lines).lower() for w in ws)}
        assert index.rules_in(f, removed=False) == expected
