"""The history path's prefilters never lose a finding: the patch searched as git wrote it, joined lines
kept or read back from the spill, keywords in any case or exact, rules without keywords, removed lines.

One real history, judged by `range` with the memory budget as shipped, with every section spilled
and kept, and with every section spilled and read back for each rule: the findings are the same.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from agentops_hooks import diffparse
from tests.testing import clean_env, commit, environment, git, run_cli

CONFIG = """\
version: 1
extends: []
rules:
  - id: any-case
    kind: added-pattern
    description: a token whose keyword may be in any case
    message: '{match}'
    severity: error
    keywords: ['tok_']
    pattern: '(?i)\\btok_[0-9]{6}\\b'
  - id: exact-case
    kind: added-pattern
    description: a token whose prefix is written in one case only
    message: '{match}'
    severity: error
    keywords: ['TOK-']
    keywords-case: exact
    pattern: '(?i)TOK-[0-9]{6}'
  - id: no-keywords
    kind: added-pattern
    description: a rule every line is searched for
    message: '{match}'
    severity: error
    pattern: 'NOKW[0-9]{4}'
  - id: removed
    kind: removed-pattern
    description: a removed line
    message: '{match}'
    severity: error
    keywords: ['gone_']
    pattern: 'gone_[0-9]{4}'
"""
PAD = "".join(f"padding line {i}\n" for i in range(9000))  # ~190 KiB: past the commit's memory budget


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prefilter") / "repo"
    root.mkdir()
    env = {**clean_env(), "XDG_CACHE_HOME": str(root.parent / "cache")}
    with environment(env):
        here = os.getcwd()
        os.chdir(root)
        try:
            git("init", "-q", "-b", "main")
            commit("chore: rules", (".agentops.yaml", CONFIG))
            commit("feat: keywords in other cases", ("a.txt", "x = TOK_123456\ny = Tok_234567\nz = tok-345678\nw = TOK-456789\n"))
            (root / "bin.txt").write_bytes(b"head\n\xff\xfetok_567890 after invalid bytes\n")
            git("add", "bin.txt")
            commit("feat: a keyword right after bytes that are not UTF-8")
            # a keyword cut by a file's end is not in any line; those at the commit's first and last bytes are
            commit("feat: edges", ("e1.txt", "tok_111111 first\nends with tok"), ("e2.txt", "_222222 starts\nlast tok_333333"))
            commit("feat: a large file", ("big.txt", PAD + "tail tok_444444 and NOKW1234\n"), ("small.txt", "tok_555555\n"))
            commit("feat: a function", ("func.py", "def tok_999999():\n    x = 0\n    return 1\n"))
            # the keyword is only in the hunk's header (git names the function there)
            commit("fix: the function", ("func.py", "def tok_999999():\n    x = 0\n    return 2\n"))
            commit("feat: to remove", ("r.txt", "keep\ngone_1234 tok_666666\n"))
            commit("chore: removed lines", ("r.txt", "keep\n"))
        finally:
            os.chdir(here)
    return root


def _findings(repo: Path) -> list[tuple[str, str, Any, Any]]:
    with environment({**clean_env(), "XDG_CACHE_HOME": str(repo.parent / "cache")}):
        proc = run_cli("range", "HEAD", "-f", "json", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    return [
        (c["subject"], f["rule_id"], f["path"], f["match"])
        for c in doc["commits"]
        for f in c["findings"]
        if f["rule_id"] in ("any-case", "exact-case", "no-keywords", "removed")
    ]


EXPECTED = [
    ("feat: keywords in other cases", "any-case", "a.txt", "TOK_123456"),
    ("feat: keywords in other cases", "any-case", "a.txt", "Tok_234567"),
    ("feat: keywords in other cases", "exact-case", "a.txt", "TOK-456789"),
    ("feat: a keyword right after bytes that are not UTF-8", "any-case", "bin.txt", "tok_567890"),
    ("feat: edges", "any-case", "e1.txt", "tok_111111"),
    ("feat: edges", "any-case", "e2.txt", "tok_333333"),
    ("feat: a large file", "any-case", "big.txt", "tok_444444"),
    ("feat: a large file", "no-keywords", "big.txt", "NOKW1234"),
    ("feat: a large file", "any-case", "small.txt", "tok_555555"),
    ("feat: a function", "any-case", "func.py", "tok_999999"),
    ("feat: to remove", "any-case", "r.txt", "tok_666666"),
    ("chore: removed lines", "removed", "r.txt", "gone_1234"),
]


@pytest.mark.parametrize(
    ("budget", "keep"),
    [(diffparse.BUDGET, diffparse.KEEP_JOINED), (0, diffparse.KEEP_JOINED), (0, 0)],
    ids=["as-shipped", "all-spilled-and-kept", "all-spilled-read-back"],
)
def test_every_finding_is_found_however_the_patches_are_held(
    repo: Path, budget: int, keep: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTOPS_JOBS", "1")
    monkeypatch.setattr(diffparse, "BUDGET", budget)
    monkeypatch.setattr(diffparse, "KEEP_JOINED", keep)
    found = _findings(repo)
    assert sorted(found) == sorted(EXPECTED)

