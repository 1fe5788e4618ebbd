"""Path regexes as globs: the globs select exactly the sample paths the regex selects, or there are none."""

from __future__ import annotations

import re

import pytest

from agentops_hooks.globs import compile_globs
from agentops_hooks.regexglob import path_globs

PATHS = [
    "node_modules/a/index.js", "web/node_modules/x.js", "web/my_node_modules.txt", "src/app.py",
    "img/logo.PNG", "img/logo.png", "img/logo.pngx", "photo.jpeg", "photo.jpg", "go.mod", "tools/go.sum",
    "go.work.sum", "vendor/modules.txt", "a/vendor/modules.txt", "gradlew", "gradlew.bat", "sub/gradlew",
    "docs/setup.md", "src/docs/setup.md", "tests/fixtures/env", "pkg/tests/fixtures/k.json", "yarn.lock",
    "web/yarn.lock", "Database.refactorlog", "db/DatabaseXrefactorlog", "gitleaks.toml", "cfg/.gitleaks.toml",
]  # fmt: skip
CARRIED = [
    "(?:^|/)node_modules(?:/.*)?$",
    r"(?i)\.(?:bmp|gif|jpe?g|png|svg|tiff?)$",
    r"go\.(?:mod|sum|work(?:\.sum)?)$",
    r"(?:^|/)vendor/modules\.txt$",
    r"(?:^|/)gradlew(?:\.bat)?$",
    r"(?:^|/)(?:package-lock\.json|yarn\.lock)$",
    "^docs/",
    "tests/fixtures/",
    "Database.refactorlog",
    r"gitleaks\.toml",
    r"(.*?)(jpg|gif|pdf)$",
]
NOT_CARRIED = [r"(?i)(?:^|/)[a-z0-9_.]+-[0-9.]+\.dist-info(?:/.+)?$", r"\d+\.log$", "a+b", "(?P<x>a)", "[ab]c", ""]


@pytest.mark.parametrize("pattern", CARRIED)
def test_the_globs_select_what_the_regex_selects(pattern: str) -> None:
    globs = path_globs(pattern)

    assert globs is not None
    chosen = compile_globs(globs, use_cache=False)
    assert [p for p in PATHS if chosen.match_file(p)] == [p for p in PATHS if re.search(pattern, p)]


@pytest.mark.parametrize("pattern", NOT_CARRIED)
def test_a_regex_with_other_syntax_has_no_globs(pattern: str) -> None:
    assert path_globs(pattern) is None


def test_expansions_are_readable_globs() -> None:
    assert path_globs("(?:^|/)node_modules(?:/.*)?$") == ["node_modules"]
    assert path_globs(r"(?i)\.png$") == ["*.[pP][nN][gG]"]
    assert path_globs("^docs/") == ["/docs/**"]
    assert path_globs("tests/fixtures/") == ["**/*tests/fixtures/**"]
    assert path_globs(r"(.*?)(jpg|pdf)$") == ["*jpg", "*pdf"]
