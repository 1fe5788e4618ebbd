"""A glob's regex is compiled only once a path holds its literal part: the answers never change."""

from __future__ import annotations

import re

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentops_hooks.globs import compile_globs, literal

GLOBS = [
    "*.lock", "package-lock.json", "**/*secret*.yaml", "id_rsa", ".env", ".env.*", "!.env.example", "build/",
    "/docs/**", "a/**/b", "*.[pP][nN][gG]", r"\!important", "foo\\[x].txt", "**/tests/fixtures/**", "my file.txt",
    "!*.min.js", "node_modules", "**/.ssh/*", "*~", "?ecret", "a*b*c", "src/**/*.py", ".agentops.yaml",
]  # fmt: skip
PARTS = ["a", "b", "docs", "build", "id_rsa", ".env", ".example", "x.lock", "secret.yaml", "my file.txt", "node_modules",
         ".ssh", "k", "tests", "fixtures", "c", "logo.PNG", "!important", "foo[x].txt", "fooa.txt", "src", "m.py", "~"]  # fmt: skip


def test_the_literal_part_of_a_glob() -> None:
    def lit(glob: str) -> str:
        regex = pathspec.GitIgnoreSpec.from_lines([glob]).patterns[0].regex.pattern
        return literal(glob, regex)

    assert [lit(g) for g in ("*.lock", "**/*secret*.yaml", "!.env.example", "build/", "a/**/b")] == [
        ".lock", "secret", ".env.example", "build", "a"
    ]
    assert lit("*.[pP][nN][gG]") == "." and lit(r"\!important") == "" and lit("my file.txt") == "file.txt"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(GLOBS), min_size=1, max_size=6), st.lists(st.sampled_from(PARTS), min_size=1, max_size=4))
def test_a_glob_set_selects_what_its_regexes_select(globs: list[str], parts: list[str]) -> None:
    path = "/".join(parts)
    spec = pathspec.GitIgnoreSpec.from_lines(globs)
    expected = False
    for pattern in spec.patterns:
        if pattern.include is not None and pattern.regex is not None and re.match(pattern.regex, path):
            expected = pattern.include

    assert compile_globs(globs, use_cache=False).match_file(path) is expected
    assert compile_globs(globs, use_cache=False, lazy=True).match_file(path) is expected


SIGNATURE_PATTERNS = [
    r"^noreply@anthropic\.com$", r"Generated with \[?Claude Code", r"\(aider\)\s*$", r"^(\d+\+)?Copilot@users\.noreply\.github\.com$",
    r"Generated with \[Devin\]\(https://(cli\.)?devin\.ai", r"^devin/\d+-", r"ab?c+d{2}e*f", r"x[ab]yz|q", r"(?i)clau(de)?\b",
]  # fmt: skip
TEXTS = ["noreply@anthropic.com", "NoReply@Anthropic.COM", "Generated with Claude Code", "Generated with [Claude Code]",
         "x (aider)  ", "123+copilot@users.noreply.github.com", "Generated with [Devin](https://devin.ai", "devin/12-x",
         "acccddf", "abcdde", "xayz", "q", "clau", "claude", "Noreply@anthropic.com\u212a", "a\u017fb"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SIGNATURE_PATTERNS), st.lists(st.sampled_from(TEXTS), min_size=1, max_size=3))
def test_a_signature_answers_as_its_regex_does(pattern: str, parts: list[str]) -> None:
    from agentops_hooks.agents.signatures import Lazy

    text = " ".join(parts)
    assert bool(Lazy(pattern).search(text)) is bool(re.search(pattern, text, re.IGNORECASE))


def test_an_empty_glob_is_a_value_error_naming_it_not_a_crash() -> None:
    from agentops_hooks import globs

    with pytest.raises(ValueError, match="'' is an empty glob"):
        globs.compile_globs([""], use_cache=False)
    assert not globs.compile_globs(["   "], use_cache=False).match_file("a")  # blank: matches nothing, as before
