"""The one keyword set that picks the line rules to run (engine.KeywordIndex).

The engine asks one RE2 set of every rule's keywords which of them a file's lines hold, instead of
each rule's keywords in turn; it must name exactly the rules whose own keywords are on the lines.
"""

from __future__ import annotations

import random
import string
from typing import Any

import pytest

from agentops_hooks import engine, rulefile
from agentops_hooks.kinds import diff
from agentops_hooks.model import AgentVerdict, Commit, FileChange, Message, patch_of


def _rules(words: list[list[str]], exact: frozenset[int] = frozenset()) -> tuple[Any, ...]:
    """One rule per keyword list, its pattern any of them in any case; those in `exact` say `keywords-case: exact`."""
    body = "".join(
        f"  - id: r{i}\n    kind: added-pattern\n    description: d\n    message: 'found {{match}}'\n"
        f"    severity: error\n    keywords: {ws!r}\n    pattern: '(?i)(?:{'|'.join(ws)})'\n"
        + ("    keywords-case: exact\n" if i in exact else "")
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


@pytest.fixture(params=["literal by literal", "the compiled set"])
def budget(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways the index answers: a small commit's keywords asked one by one, then the RE2 set."""
    if request.param == "the compiled set":
        monkeypatch.setattr(engine.KeywordIndex, "LITERAL_BYTES", 0)
    return str(request.param)


@pytest.mark.usefixtures("budget")
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


def test_an_exact_keyword_selects_only_lines_that_hold_it_as_written() -> None:
    """`SK` exact: `SKa1` is searched, `task` and `sk` are not, though the pattern alone would match them."""
    rules = _rules([["SK"], ["sk"]], exact=frozenset({0}))
    found = engine.check(rules, _commit(["t = task", "k = SKa1"]), AgentVerdict()).findings
    assert sorted((f.rule_id, f.line, f.match) for f in found) == [("r0", 2, "SK"), ("r1", 1, "sk"), ("r1", 2, "SK")]
    assert engine.check(rules[:1], _commit(["t = task", "k = sk"]), AgentVerdict()).findings == ()


@pytest.mark.usefixtures("budget")
def test_the_keyword_set_agrees_with_each_rules_own_keywords_in_either_case_mode() -> None:
    rng = random.Random(20)
    words = [["".join(rng.choice("abAB_") for _ in range(rng.randint(2, 3))) for _ in range(2)] for _ in range(60)]
    exact = frozenset(range(0, 60, 2))
    rules = _rules(words, exact)
    index = engine.KeywordIndex(rules)
    for _ in range(20):
        lines = ["".join(rng.choice("abAB_ ") for _ in range(30)) for _ in range(4)]
        text = "\n".join(lines)
        (f,) = _commit(lines).files
        expected = {
            id(r)
            for i, (r, ws) in enumerate(zip(rules, words, strict=True))
            if any((w in text) if i in exact else (w.lower() in text.lower()) for w in ws)
        }
        assert index.rules_in(f, removed=False) == expected


@pytest.mark.usefixtures("budget")
def test_a_rule_scoped_to_some_paths_does_not_send_other_files_to_be_searched() -> None:
    """`:` of a rule for `*secret*.yaml` files: app.py holds it on every line but is not searched for it,
    a secret manifest is, and another rule's keyword in app.py is still found."""
    body = (
        "version: 1\nrules:\n"
        "  - {id: manifest, kind: added-pattern, description: d, message: m, severity: error,"
        " keywords: [':'], pattern: 'data:', paths: {include: ['**/*secret*.yaml']}}\n"
        "  - {id: general, kind: added-pattern, description: d, message: m, severity: error,"
        " keywords: [token], pattern: 'token'}\n"
    )
    manifest, general = rulefile.load_rules("k.yaml", body)[1]
    index = engine.KeywordIndex([manifest, general])
    app = FileChange("A", "app.py", patch=patch_of(["data: 1", "x: 2"]))
    secret = FileChange("A", "k8s/db-secret.yaml", patch=patch_of(["data: 1"]))
    app_token = FileChange("A", "app.py", patch=patch_of(["data: token"]))
    assert not index.in_patch(app) and index.rules_in(app, removed=False) == set()
    assert index.rules_in(secret, removed=False) == {id(manifest)}
    assert index.rules_in(app_token, removed=False) == {id(general)}
    commit = Commit(None, Message("m", "m", ""), (app, secret, app_token))
    found = engine.check([manifest, general], commit, AgentVerdict()).findings
    assert sorted((f.rule_id, f.path) for f in found) == [("general", "app.py"), ("manifest", "k8s/db-secret.yaml")]


def test_a_keyword_in_another_cases_unicode_spelling_is_found_in_a_small_commit() -> None:
    """RE2 folds `ſ` (long s) to `s` and `K` (Kelvin) to `k`; lowering bytes does not: a text that is
    not ASCII is asked of the set, so `ſecret` and `Key` wake their rules as their patterns match them."""
    rules = _rules([["secret"], ["key"]])
    index = engine.KeywordIndex(rules)
    (f,) = _commit(["x = \u017fecret", "y = \u212aey"]).files
    assert index.rules_in(f, removed=False) == {id(rules[0]), id(rules[1])}
    found = engine.check(rules, _commit(["x = \u017fecret"]), AgentVerdict()).findings
    assert [f.rule_id for f in found] == ["r0"]


def test_a_commit_past_the_literal_budget_is_asked_of_the_set_with_the_same_answer() -> None:
    rules = _rules([["alpha"], ["beta"], ["gamma"]])
    index = engine.KeywordIndex(rules)
    big = ["filler " * 20] * 200 + ["BETA here"]  # ~28 KB: past LITERAL_BYTES
    small, large = _commit(["Alpha"]).files[0], _commit(big).files[0]
    assert index.rules_in(small, removed=False) == {id(rules[0])}
    assert index._sets[True] is None  # nothing compiled for a few bytes
    assert index.rules_in(large, removed=False) == {id(rules[1])}
    assert index._sets[True] is not None
    assert index.rules_in(small, removed=False) == {id(rules[0])}


def test_what_the_index_noted_answers_only_for_its_own_rules() -> None:
    """A file searched by one rule set's index notes, per text, which of *its* rules' keywords are
    there; a rule of another set judging the same file searches for its own keywords again."""
    first, second = _rules([["alpha"]]), _rules([["gamma"], ["beta"]])
    commit = _commit(["alpha one", "beta two"])
    assert [f.rule_id for f in engine.check(first, commit, AgentVerdict()).findings] == ["r0"]
    beta = second[1]
    found = list(diff.added_pattern(beta, commit))  # not a rule of the index that noted the file
    assert [(f.rule_id, f.line, f.match) for f in found] == [("r1", 2, "beta")]
    assert [(f.rule_id, f.line) for f in engine.check(second, commit, AgentVerdict()).findings] == [("r1", 2)]


@pytest.mark.usefixtures("budget")
def test_a_large_file_is_searched_only_in_the_pieces_that_hold_a_rules_keyword() -> None:
    """Past WINDOW bytes a file is searched piece by piece; the pieces without the keyword are
    passed over, counted, and a finding further on keeps its line number."""
    filler = ["x = 1  # " + "padding " * 12] * 2000  # ~200 KB: several pieces
    lines = [*filler, "token = beta", *filler, "beta = 2"]
    rules = _rules([["beta"], ["alpha"]])
    found = engine.check(rules, _commit(lines), AgentVerdict()).findings
    assert [(f.rule_id, f.line) for f in found] == [("r0", 2001), ("r0", 4002)]
    (f,) = _commit(lines).files
    assert len(list(f.utf8())) > 2
