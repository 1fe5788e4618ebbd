"""Agent detection on real commits made the way each agent makes them, and lookalikes that are not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agentops_hooks import agents, message
from agentops_hooks.model import Commit, Person
from tests.testing import git, install_hooks, run_cli, write

BOT = "users.noreply.github.com"
DANA = Person("Dana", "dana@example.com")
# (label, author, committer, message, expected kind, expected agent or None)
COMMITS = [
    (
        "claude",
        None,
        None,
        "feat: add parser\n\n\U0001f916 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n",
        "ai",
        "claude-code",
    ),
    ("cursor", None, None, "fix: cursor fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n", "ai", "cursor"),
    (
        "aider-trailer",
        None,
        None,
        "feat: aider change\n\nCo-authored-by: aider (gpt-5) <aider@aider.chat>\n",
        "ai",
        "aider",
    ),
    (
        "aider-name",
        ("Dana Dev (aider)", "dana@example.com"),
        ("Dana Dev (aider)", "dana@example.com"),
        "aider: feat: older aider\n",
        "ai",
        "aider",
    ),
    (
        "copilot-agent",
        ("Copilot", f"198982749+Copilot@{BOT}"),
        ("GitHub", "noreply@github.com"),
        "Add retry\n\nAgent-Logs-Url: https://github.com/o/r/sessions/0d1e\nCo-authored-by: dana <1+dana@users.noreply.github.com>\n",
        "ai",
        "copilot",
    ),
    (
        "devin",
        ("devin-ai-integration[bot]", f"158243242+devin-ai-integration[bot]@{BOT}"),
        None,
        "Fix flaky test\n\nGenerated with [Devin](https://devin.ai)\n",
        "ai",
        "devin",
    ),
    ("codex", None, None, "chore: codex\n\nCo-authored-by: Codex <noreply@openai.com>\n", "ai", "codex"),
    ("disclosure", None, None, "fix: kernel style\n\nAssisted-by: gemini-2.5-pro\n", "ai", "gemini-2.5-pro"),
    (
        "dependabot",
        ("dependabot[bot]", f"49699333+dependabot[bot]@{BOT}"),
        None,
        "Bump requests from 2.31 to 2.32\n",
        "automation",
        "dependabot[bot]",
    ),
    # lookalikes: none of these is an agent
    ("human-named-claude", ("Claude Shannon", "claude@example.com"), None, "feat: information theory\n", "human", None),
    (
        "display-name-only",
        None,
        None,
        "feat: pair work\n\nCo-Authored-By: Claude <claude@example.com>\n",
        "human",
        None,
    ),
    ("web-flow", None, ("GitHub", "noreply@github.com"), "Merge edits from the web editor\n", "human", None),
    ("human-coauthor", None, None, "feat: pairing\n\nCo-authored-by: Alex Doe <alex@example.com>\n", "human", None),
    (
        "kernel-codev",
        None,
        None,
        "mm: fix\n\nCo-developed-by: Jane Roe <jane@kernel.org>\nSigned-off-by: Jane Roe <jane@kernel.org>\n",
        "human",
        None,
    ),
    (
        "precommit-ci-fixup",
        None,
        None,
        "feat: x\n\nCo-authored-by: pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>\n",
        "human",
        None,
    ),
]


def _commit_as(label: str, author: tuple[str, str] | None, committer: tuple[str, str] | None, msg: str) -> str:
    env = dict(os.environ)
    if author:
        env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1])
    if committer:
        env.update(GIT_COMMITTER_NAME=committer[0], GIT_COMMITTER_EMAIL=committer[1])
    write(f"{label}.txt", label + "\n")
    git("add", f"{label}.txt")
    git("commit", "-q", "--no-verify", "--cleanup=verbatim", "-m", msg, env=env)
    return git("rev-parse", "HEAD").strip()


def test_range_json_lists_every_commit_with_its_verdict_and_reason(git_repo: Path) -> None:
    base = _commit_as("base", None, None, "chore: start\n")
    shas = {label: _commit_as(label, a, c, m) for label, a, c, m, _, _ in COMMITS}

    proc = run_cli("range", f"{base}..HEAD", "--format", "json")

    doc = json.loads(proc.stdout)
    by_sha = {c["sha"]: c for c in doc["commits"]}
    assert len(by_sha) == len(COMMITS)
    for label, _, _, _, kind, agent in COMMITS:
        verdict = by_sha[shas[label]]["agent"]
        assert verdict["kind"] == kind, (label, verdict)
        assert verdict["is_agent"] == (kind != "human"), label
        if agent:
            assert agent in verdict["agents"], (label, verdict)
            assert verdict["reasons"], label
        else:
            assert verdict["agents"] == [], (label, verdict)
    claude = by_sha[shas["claude"]]["agent"]
    assert "trailer Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>" in claude["reasons"]
    weak = by_sha[shas["precommit-ci-fixup"]]["agent"]["reasons"]
    assert any("weak signal" in r for r in weak)


def _verdict(
    msg: str = "feat: x\n",
    author: Person = DANA,
    env: tuple[tuple[str, str], ...] = (),
    branch: str | None = None,
) -> tuple[str, tuple[str, ...]]:
    c = Commit(sha=None, message=message.parse(msg), author=author, committer=author, env=env, branch=branch)
    v = agents.detect(c)
    return v.kind, v.agents


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ((("CLAUDE_CODE_CHILD_SESSION", "1"),), ("ai", ("claude-code",))),
        ((("CLAUDECODE", "1"), ("CLAUDE_CODE_SESSION_ID", "3f2a")), ("ai", ("claude-code",))),  # the Bash tool's shell
        ((("CLAUDECODE", "1"),), ("human", ())),  # also an IDE's integrated terminal: weak alone
        ((("CODEX_THREAD_ID", "t-1"),), ("ai", ("codex",))),
        ((("GEMINI_CLI", "1"),), ("ai", ("gemini",))),
        ((("CURSOR_AGENT", "1"),), ("ai", ("cursor",))),
        ((("TERM_PROGRAM", "zed"), ("PAGER", "cat")), ("ai", ("zed",))),
        ((("TERM_PROGRAM", "zed"), ("PAGER", "less")), ("human", ())),  # a person in Zed's terminal
        ((("HOME", "/home/jules"), ("USER", "swebot")), ("ai", ("jules",))),
        ((("REPL_ID", "r1"), ("REPLIT_MODE", "assistant")), ("ai", ("replit",))),
        ((("REPL_ID", "r1"),), ("human", ())),  # every Replit shell: weak
        ((("SHELL", "/bin/jsh"), ("npm_config_yes", "true")), ("ai", ("bolt",))),
        ((("AGENT", "amp"),), ("ai", ("amp",))),
        ((("AGENT", "crush"),), ("ai", ("crush",))),
        ((("AGENT", "vim"),), ("human", ())),
        ((("AI_AGENT", "acme-coder@1.2"),), ("ai", ("acme-coder",))),
        ((("CODEIUM_EDITOR_APP_ROOT", "/opt/windsurf"),), ("human", ())),  # every Windsurf terminal: weak
        ((("CLAUDECODE", "1"),), ("human", ())),  # IDE terminals set it too: weak
        ((("CURSOR_TRACE_ID", "abc"),), ("human", ())),  # any Cursor terminal: weak
    ],
)
def test_agent_shell_environment(env: tuple[tuple[str, str], ...], expected: tuple[str, tuple[str, ...]]) -> None:
    assert _verdict(env=env) == expected


def test_github_app_noreply_with_and_without_id() -> None:
    assert _verdict(author=Person("x", f"copilot-swe-agent[bot]@{BOT}"))[0] == "ai"
    assert _verdict(author=Person("x", f"1234+renovate[bot]@{BOT}")) == ("automation", ("renovate[bot]",))
    assert _verdict(author=Person("x", f"renovate[bot]@{BOT}"))[0] == "automation"


def test_branch_prefix_alone_is_reported_but_counts_only_when_the_config_says_so() -> None:
    c = Commit(sha="a" * 40, message=message.parse("feat: x\n"), author=DANA, committer=DANA, branch="codex/add-retries", source="range")
    v = agents.detect(c)
    assert (v.kind, v.agents, v.roles) == ("human", (), ("branch",))
    assert v.reasons == ("branch codex/add-retries (role branch, not counted)",)
    counted = agents.detect(c, count=("branch",))
    assert (counted.kind, counted.agents) == ("ai", ("codex",))
    assert _verdict(branch="feature/codex-support") == ("human", ())


def test_branch_prefix_spares_a_persons_signed_off_commit_even_when_counted() -> None:
    msg = message.parse("fix: typo\n\nSigned-off-by: Dana <dana@example.com>\n")
    c = Commit(sha="b" * 40, message=msg, author=DANA, committer=DANA, branch="claude/fix-typo", source="range")
    v = agents.detect(c, count=("branch",))
    assert v.kind == "human"
    assert v.reasons == ("branch claude/fix-typo (role branch, not counted: the author's own Signed-off-by)",)


def test_gemini_at_hook_time_through_the_real_hook(git_repo: Path) -> None:
    install_hooks()
    write("a.py", "x = 1\n")
    git("add", "a.py")
    env = {**os.environ, "GEMINI_CLI": "1"}
    proc = __import__("subprocess").run(
        ["git", "commit", "-q", "-m", "feat: add x"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1
    assert "ai agent (gemini) because of environment GEMINI_CLI=1" in proc.stdout + proc.stderr
    proc = __import__("subprocess").run(["git", "commit", "-q", "-m", "feat: add x"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_config_adds_signatures_and_turns_builtins_off(git_repo: Path) -> None:
    write(
        ".agentops.yaml",
        "version: 1\nextends: [builtin:core]\nagents:\n  builtin-signatures: false\n"
        "  signatures:\n    - {agent: acme-bot, where: co-author, pattern: '^bot@acme\\.dev$'}\n",
    )
    base = _commit_as("base", None, None, "chore: start\n")
    acme = _commit_as("acme", None, None, "feat: y\n\nCo-authored-by: Acme <bot@acme.dev>\n")
    claude = _commit_as("claude", None, None, "feat: z\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n")

    doc = json.loads(run_cli("range", f"{base}..HEAD", "-f", "json").stdout)

    verdicts = {c["sha"]: c["agent"] for c in doc["commits"]}
    assert verdicts[acme]["kind"] == "ai" and verdicts[acme]["agents"] == ["acme-bot"]
    assert verdicts[claude]["kind"] == "human"  # built-ins turned off


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s\n\n* a\n---------\nCo-authored-by: A <a@x>\nCo-authored-by: B <b@x>\n", ["A <a@x>", "B <b@x>"]),
        ("s\n\n---------\n\nCo-authored-by: A <a@x>\n\n", ["A <a@x>"]),
        ("s\n\nCo-authored-by: A <a@x>\n  continued\nSigned-off-by: C <c@x>\n", ["A <a@x> continued"]),
        ("s\n\nCo-authored-by: A <a@x>\nand prose after it\n", []),  # not the trailing block
        ("s\n\nCo-authored-by: A <a@x>\n\n    indented body text\n", []),
        ("Co-authored-by: A <a@x>\n", []),  # the subject is never a co-author line
    ],
)
def test_co_author_lines_are_read_from_the_trailing_block_as_github_credits_them(
    text: str, expected: list[str]
) -> None:
    from agentops_hooks.agents import coauthors

    assert [v for k, v in coauthors.lines(message.parse(text)) if k.lower() == "co-authored-by"] == expected
