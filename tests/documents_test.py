"""Context budgets, document sections and risk-scaled approval on real repositories, through the real CLI.

The kinds on plain data are in tests/cases/ (context-budget, document-sections, protected-paths-risk);
here git supplies the blobs: a modified file is judged on its whole new content, and the total counts
the context files the commit leaves alone.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from agentops_hooks.kinds.documents import estimate, keys, sections
from tests.testing import CLAUDE, GOOD_SECTIONS, commit, git, run_cli, write

BUDGET = """\
version: 1
rules:
  - id: small-context
    kind: context-budget
    description: Agent context files stay small.
    message: "{problem}"
    severity: error
    max-tokens: 60
    max-total-tokens: 90
  - id: handoff
    kind: document-sections
    description: The hand-off file has its parts.
    message: "{problem}"
    severity: error
    files: [PROGRESS.md]
    sections: ["decisions?", "state", "next( steps?)?"]
"""
RULE = "Always run the whole test suite before you commit any change.\n"  # 16 tokens by the estimate


@pytest.mark.parametrize(
    ("text", "chars", "words"),
    [
        ("", 0, 0),
        ("hello world", 11, 2),
        ("The quick brown fox jumps over the lazy dog", 43, 9),
        ("def f(x):\n    return {'a': [1, 2, 3]}\n", 38, 7),
        ("word " * 300, 1500, 300),
    ],
)
def test_the_estimate_is_the_mean_of_the_two_rules_of_thumb(text: str, chars: int, words: int) -> None:
    assert (len(text), len(text.split())) == (chars, words)
    assert estimate(text) == math.ceil((chars / 4 + words * 4 / 3) / 2)


def test_known_texts_get_known_estimates() -> None:
    # pinned, so a change to the estimate is a visible decision (docs/factors.md quotes these)
    assert [estimate(t) for t in ("hello world", "The quick brown fox jumps over the lazy dog", RULE)] == [3, 12, 16]
    assert estimate(RULE * 250) == 3771  # 4,000 tokens is about 250 lines of instructions


def test_sections_skip_fenced_headings_and_keys_read_front_matter() -> None:
    text = "intro\n# A\none\n```\n# not a heading\n```\n## B ##\ntwo words\n"
    assert sections(text) == [("", "intro"), ("A", "one\n```\n# not a heading\n```"), ("B", "two words")]
    agent = "---\nname: reviewer\ndescription: >-\n  reviews diffs\n# a comment\n---\nbody\n"
    assert keys(agent, ".claude/agents/r.md") == [("name", "reviewer"), ("description", ">- reviews diffs")]
    assert keys("no front matter\n", "x.md") == []
    assert keys('{"a": 1, "b": "x"}', "p.json") == [("a", "1"), ("b", "x")]
    assert keys("[1, 2]", "p.json") == [] and keys("{", "p.json") == []


def _staged(env: dict[str, str] | None = None) -> tuple[int, list[dict[str, Any]]]:
    proc = run_cli("staged", "-f", "json", env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["commits"][0]["findings"]


def test_a_modified_context_file_is_judged_on_its_whole_blob(git_repo: Path) -> None:
    commit("chore: set up", (".agentops.yaml", BUDGET), ("CLAUDE.md", "# Tests\n" + RULE * 3))
    write("CLAUDE.md", "# Tests\n" + RULE * 3 + "## Style\n" + RULE)  # the change grows it past 60
    git("add", "CLAUDE.md")
    code, findings = _staged()
    assert code == 1
    assert [f["message"] for f in findings] == [
        "CLAUDE.md is about 66 tokens (budget 60); largest sections: 'Tests' (46), 'Style' (15)"
    ]
    git("commit", "-q", "--no-verify", "-m", "docs: style")
    write("CLAUDE.md", "# Tests\n" + RULE * 3)  # shrinking an over-budget file is never refused
    git("add", "CLAUDE.md")
    assert _staged() == (0, [])


def test_the_total_counts_the_context_files_the_commit_leaves_alone(git_repo: Path) -> None:
    commit("chore: set up", (".agentops.yaml", BUDGET), ("AGENTS.md", RULE * 3), ("README.md", RULE * 9))
    write(".github/copilot-instructions.md", RULE * 3)
    git("add", ".github")
    code, findings = _staged()
    assert code == 1
    assert [f["message"] for f in findings] == [
        "the agent context files are about 92 tokens together (budget 90): "
        ".github/copilot-instructions.md (46), AGENTS.md (46)"
    ]
    sha = commit("docs: copilot")
    proc = run_cli("range", f"{sha}~1..{sha}", "-f", "json")  # history reads the same tree at the commit
    assert "92 tokens together" in proc.stdout


def test_a_handoff_file_is_read_whole_and_needs_its_sections(git_repo: Path) -> None:
    progress = "## Decisions\nUse RE2.\n## State\nParser done.\n## Next steps\nThe CLI.\n"
    commit("chore: set up", (".agentops.yaml", BUDGET), ("PROGRESS.md", progress))
    write("PROGRESS.md", progress.replace("## Next steps\nThe CLI.\n", "") + "More state.\n")
    git("add", "PROGRESS.md")
    assert _staged()[1][0]["message"] == "PROGRESS.md: the section matching 'next( steps?)?' is missing"


def test_the_agentops_pack_is_offered_by_init_and_its_examples_hold(git_repo: Path) -> None:
    proc = run_cli("init", "--pack", "core", "--pack", "agentops", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "extends: [builtin:core, builtin:secrets, builtin:agentops]" in proc.stdout  # packs add to core + secrets
    proven = run_cli("rules", "test", "--all")
    assert proven.returncode == 0, proven.stdout
    listed = run_cli("rules", "list", "--config", _config("builtin:agentops")).stdout
    for rule_id in ("context-file-budget", "agent-definition-front-matter", "handoff-file-sections", "handoff-file-current", "large-agent-change-approval"):
        assert rule_id in listed


def _config(*packs: str) -> str:
    path = write(".agentops.yaml", f"version: 1\nextends: [{', '.join(packs)}]\n")
    return str(path)


def test_a_large_agent_commit_needs_a_persons_approval_at_commit_msg(git_repo: Path) -> None:
    _config("builtin:agentops")
    commit("chore: set up", (".agentops.yaml", Path(".agentops.yaml").read_text()))
    write("src/big.py", "x = 1\n" * 401)
    git("add", "src/big.py")
    agent = {**os.environ, "CLAUDE_CODE_CHILD_SESSION": "1"}
    for trailer, code in (("", 1), ("Approved-by: Pat Doe <pat@example.com>\n", 0)):
        msg = write(".git/COMMIT_EDITMSG", f"feat: big\n\n{GOOD_SECTIONS}\n{trailer}{CLAUDE}\n")
        proc = run_cli("commit-msg", str(msg), env=agent)
        assert proc.returncode == code, proc.stdout
        assert "the commit changes 401 lines (approval needed over 400)" in proc.stdout


def test_fewer_but_longer_lines_are_not_a_shrink(git_repo: Path) -> None:
    # an agent that removes many short lines and adds a few long ones grows the file: judged
    commit("chore: set up", (".agentops.yaml", BUDGET), ("CLAUDE.md", "# Tests\n" + "Run tests.\n" * 6))
    write("CLAUDE.md", "# Tests\n" + RULE.strip() * 6 + "\n")
    git("add", "CLAUDE.md")
    code, findings = _staged()
    assert code == 1 and findings[0]["message"].startswith("CLAUDE.md is about"), findings


def test_a_context_file_that_is_a_symlink_is_refused_not_skipped(git_repo: Path) -> None:
    # the agent reads what the link points to; the budget cannot weigh a link's target path
    commit("chore: set up", (".agentops.yaml", BUDGET), ("docs/guide.md", "# Guide\n" + RULE * 20))
    os.symlink("docs/guide.md", "CLAUDE.md")
    git("add", "CLAUDE.md")
    code, findings = _staged()
    assert code == 1 and "symlink" in findings[0]["message"], findings
