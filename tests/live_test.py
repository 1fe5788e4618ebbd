"""Range rules at commit-msg time (`live: N`): the commit being made judged with the branch's last commits."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.testing import CLAUDE, GOOD_SECTIONS, commit, git, run_cli, write

RULES = """\
version: 1
rules:
  - id: live-spiral
    kind: spiral
    description: Fixes in a row on one file.
    message: "{problem}"
    severity: error
    area: file
    live: 5
"""


def _commit_msg(message: str, env: dict[str, str] | None = None) -> tuple[int, list[dict[str, Any]]]:
    proc = run_cli("commit-msg", str(write(".git/COMMIT_EDITMSG", message)), "-f", "json", env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["commits"][0]["findings"]


def test_the_third_fix_in_a_row_on_a_file_is_refused_before_it_lands(git_repo: Path) -> None:
    commit("chore: set up", (".agentops.yaml", RULES), ("src/x.py", "0\n"), ("src/y.py", "0\n"))
    first = commit("fix: crash", ("src/x.py", "1\n"))
    second = commit("fix: crash, take 2", ("src/x.py", "2\n"))
    write("src/x.py", "3\n")
    git("add", "src/x.py")
    code, findings = _commit_msg("fix: crash again\n")
    assert code == 1
    (finding,) = findings
    assert finding["rule_id"] == "live-spiral"
    assert finding["message"] == (
        f"3 fix/revert/retry commits in a row on src/x.py: {first[:7]} 'fix: crash'; {second[:7]} 'fix: crash, take 2'; "
        "staged 'fix: crash again' (counting the commit being made)"
    )
    assert _commit_msg("feat: cache the parse\n") == (0, [])  # not a fix: the run ends here
    git("reset", "-q")
    write("src/y.py", "1\n")
    git("add", "src/y.py")
    assert _commit_msg("fix: another file\n") == (0, [])  # a fix, on another file


def test_a_spiral_already_in_history_is_not_blamed_on_the_next_commit(git_repo: Path) -> None:
    commit("chore: set up", (".agentops.yaml", RULES), ("src/x.py", "0\n"), ("docs/d.md", "0\n"))
    for n in range(3):
        commit(f"fix: crash, take {n}", ("src/x.py", f"{n}\n"))
    write("docs/d.md", "1\n")
    git("add", "docs/d.md")
    assert _commit_msg("docs: explain the crash\n") == (0, [])


def test_the_first_commit_has_no_past_and_the_pack_keeps_its_handoff_current_live(git_repo: Path) -> None:
    write(".agentops.yaml", RULES)
    git("add", ".agentops.yaml")
    assert _commit_msg("fix: start\n") == (0, [])  # unborn HEAD
    write(".agentops.yaml", "version: 1\nextends: [builtin:agentops]\n")
    commit("chore: set up", (".agentops.yaml", Path(".agentops.yaml").read_text()), ("PROGRESS.md", "## State\nstarted\n"))
    agent = {**os.environ, "CLAUDE_CODE_CHILD_SESSION": "1"}
    for name in ("a", "b"):
        commit(f"feat: {name}\n\n{GOOD_SECTIONS}\n{CLAUDE}\n", (f"src/{name}.py", "1\n"))
    write("src/c.py", "1\n")
    git("add", "src/c.py")
    code, findings = _commit_msg(f"feat: c\n\n{GOOD_SECTIONS}\n{CLAUDE}\n", env=agent)
    assert code == 0  # a warning
    (finding,) = [f for f in findings if f["rule_id"] == "handoff-file-current"]
    assert finding["message"].startswith("3 agent commits in a row left the hand-off file")
