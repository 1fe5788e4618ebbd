"""agent-hook: file-edit tools, the depth and size bounds, real repositories, the settings command, the real process.

The bypass and ordinary shell commands live in the corpus (tests/agent_hook_corpus_test.py).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentops_hooks.commands.agent_hook import decide, settings_command
from agentops_hooks.names import RUNTIMES
from tests.agent_hook_corpus_test import event, seen_as_blocked
from tests.testing import clean_env, git, install_hooks, run_cli, run_process, write


def claude_tool(tool: str, **tool_input: object) -> str:
    return json.dumps({"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input})


def blocked_in(runtime: str, raw: str) -> bool:
    answer = decide(raw, runtime)
    return seen_as_blocked(runtime, answer.code, answer.stdout, answer.stderr)


PATCH = "*** Begin Patch\n*** Update File: {path}\n@@\n-a\n+b\n*** End Patch\n"
EDITS = {  # each runtime's file-edit tool, as its pre-tool-use input names the file (agent-signatures.md §3)
    "claude-Write": ("claude", lambda p: claude_tool("Write", file_path=p, content="")),
    "claude-Edit": ("claude", lambda p: claude_tool("Edit", file_path=p, old_string="a", new_string="b")),
    "claude-MultiEdit": ("claude", lambda p: claude_tool("MultiEdit", file_path=p, edits=[])),
    "claude-NotebookEdit": ("claude", lambda p: claude_tool("NotebookEdit", notebook_path=p, new_source="")),
    "codex-apply_patch": ("codex", lambda p: json.dumps({"turn_id": "t", "hook_event_name": "PreToolUse", "tool_name": "apply_patch", "tool_input": {"command": PATCH.format(path=p)}})),
    "codex-shell-apply_patch": ("codex", lambda p: json.dumps({"turn_id": "t", "tool_name": "Bash", "tool_input": {"command": ["apply_patch", PATCH.format(path=p)]}})),
    "gemini-write_file": ("gemini", lambda p: json.dumps({"hook_event_name": "BeforeTool", "tool_name": "write_file", "tool_input": {"file_path": p, "content": ""}})),
    "gemini-replace": ("gemini", lambda p: json.dumps({"hook_event_name": "BeforeTool", "tool_name": "replace", "tool_input": {"file_path": p, "old_string": "a", "new_string": "b"}})),
    "cursor-Write": ("cursor", lambda p: json.dumps({"hook_event_name": "preToolUse", "tool_name": "Write", "tool_input": {"file_path": p}})),
    "copilot-edit": ("copilot", lambda p: json.dumps({"timestamp": 1, "cwd": "/r", "toolName": "edit", "toolArgs": json.dumps({"path": p})})),
    "copilot-create": ("copilot", lambda p: json.dumps({"timestamp": 1, "cwd": "/r", "toolName": "create", "toolArgs": {"path": p, "file_text": ""}})),
}
PROTECTED = ["/r/.git/hooks/commit-msg", "/r/.git/./hooks/pre-commit", ".agentops.yaml", "/r/.git/config", ".gitattributes", "/r/.claude/settings.json", ".github/hooks/agentops.json", "/home/d/.cache/agentops-hooks/rules/x.json"]


@pytest.mark.parametrize("tool", sorted(EDITS))
def test_file_edit_tools_may_not_change_what_judges_a_commit(tool: str) -> None:
    runtime, shape = EDITS[tool]
    for path in PROTECTED:
        assert blocked_in(runtime, shape(path)), (tool, path)
    assert not blocked_in(runtime, shape("/r/src/app.py"))
    assert not blocked_in(runtime, shape("docs/hooks.md"))


def test_read_only_tools_are_not_judged_by_their_path() -> None:
    assert decide(claude_tool("Read", file_path="/r/.git/hooks/pre-commit")).code == 0
    assert decide(claude_tool("Grep", pattern="x", path="/r/.git/hooks")).code == 0


def nest(command: str, levels: int) -> str:
    for _ in range(levels):
        command = f"bash -c {shlex.quote(command)}"
    return command


def test_nesting_is_followed_to_the_bound_and_blocks_past_it() -> None:
    assert blocked_in("claude", event_json(nest("git commit -n -m x", 6)))
    assert not blocked_in("claude", event_json(nest("pytest -q", 6)))
    answer = decide(event_json(nest("pytest -q", 12)), "claude")
    assert answer.code == 2 and "`too-deep`" in answer.stderr  # past the bound: blocked, not allowed


def event_json(command: str) -> str:
    return json.dumps(event("claude", command, "/"))


@pytest.mark.parametrize(
    ("command", "code"),
    [
        ("git commit -m '" + "never --no-verify " * 55_000 + "'", 0),
        ("cat <<'EOF' > notes.md\n" + "git commit --no-verify\n" * 45_000 + "EOF\n", 0),
        ("echo " + "'a'" * 330_000, 0),
        ("echo a; " * 125_000, 2),
        ("(" * 500_000 + ")" * 500_000, 2),
        ("$(" * 350_000 + ")" * 350_000, 2),
        ("bash -c " * 120_000 + "x", 2),
    ],
    ids=["message", "heredoc", "quotes", "commands", "parens", "substitutions", "shells"],
)
def test_a_1_mb_command_is_decided_in_under_a_second(command: str, code: int) -> None:
    assert len(command) >= 900_000
    start = time.perf_counter()
    answer = decide(event_json(command), "claude")
    assert time.perf_counter() - start < 1.0
    assert answer.code == code, answer.stderr


def test_activating_a_sample_is_enabling_unless_it_replaces_an_installed_hook(git_repo: Path) -> None:
    command = "mv .git/hooks/pre-commit.sample .git/hooks/pre-commit"
    assert decide(json.dumps(event("claude", command, str(git_repo))), "claude").code == 0
    install_hooks(git_repo)
    answer = decide(json.dumps(event("claude", command, str(git_repo))), "claude")
    assert answer.code == 2 and "the git hooks" in answer.stderr


def test_the_rule_files_the_config_extends_are_protected(git_repo: Path) -> None:
    command = "echo 'rules: {}' > policy/team-rules.yaml"
    assert decide(json.dumps(event("claude", command, str(git_repo))), "claude").code == 0
    write(git_repo / ".agentops.yaml", "extends:\n  - builtin:core\n  - policy/team-rules.yaml\n")
    answer = decide(json.dumps(event("claude", command, str(git_repo))), "claude")
    assert answer.code == 2 and "a rule file the config extends" in answer.stderr


def test_a_stored_git_alias_is_read_as_what_it_runs(git_repo: Path) -> None:
    git("config", "alias.ci", "commit --no-verify")
    git("config", "alias.lg", "log --oneline")
    assert decide(json.dumps(event("claude", "git ci -m x", str(git_repo))), "claude").code == 2
    assert decide(json.dumps(event("claude", "git lg -n 5", str(git_repo))), "claude").code == 0


@pytest.mark.parametrize(
    ("runtime", "stdin"),
    [("claude", "not json"), ("codex", "[1, 2]"), ("gemini", '{"tool_name": "run_shell_command", "tool_input": "x"}'), ("auto", "")],
)
def test_malformed_input_fails_closed_through_the_cli(runtime: str, stdin: str) -> None:
    proc = run_cli("agent-hook", "--runtime", runtime, stdin=stdin)
    assert proc.returncode == 2
    assert proc.stderr.startswith("agentops agent-hook: ") and "blocking to stay safe" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_real_process_blocks_and_allows_in_each_convention(runtime: str, tmp_path: Path) -> None:
    for command, expected in (("git -c core.hooksPath=/dev/null commit -m x", True), ("git commit -m 'no --no-verify'", False)):
        stdin = json.dumps(event(runtime, command, str(tmp_path)))
        proc = run_process("agent-hook", "--runtime", runtime, stdin=stdin, env=clean_env())
        assert seen_as_blocked(runtime, proc.returncode, proc.stdout, proc.stderr) is expected, proc.stderr


def run_setting(command: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """The settings' command as the runtime runs it: a POSIX shell with the event on stdin."""
    return subprocess.run(("/bin/sh", "-c", command), input=stdin, capture_output=True, text=True, env=clean_env())


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_settings_command_needs_no_path_and_blocks_when_the_tool_is_gone(runtime: str, tmp_path: Path) -> None:
    command = settings_command(runtime)
    assert command.startswith(shlex.quote(sys.executable) + " -P -m agentops_hooks agent-hook --runtime " + runtime)
    bypass, ordinary = (json.dumps(event(runtime, c, str(tmp_path))) for c in ("git commit -n -m x", "git status"))
    env_without_path = {**clean_env(), "PATH": ""}
    proc = subprocess.run(("/bin/sh", "-c", command), input=ordinary, capture_output=True, text=True, env=env_without_path)
    assert not seen_as_blocked(runtime, proc.returncode, proc.stdout, proc.stderr), proc.stderr
    proc = run_setting(command, bypass)
    assert seen_as_blocked(runtime, proc.returncode, proc.stdout, proc.stderr)
    gone = run_setting(settings_command(runtime, str(tmp_path / "no-such-python")), ordinary)
    assert seen_as_blocked(runtime, gone.returncode, gone.stdout, gone.stderr)
    assert "agentops agent-hook could not run" in gone.stderr


def test_a_package_planted_in_the_repository_does_not_replace_the_hook(tmp_path: Path) -> None:
    write(tmp_path / "agentops_hooks" / "__main__.py", "raise SystemExit(0)\n")
    write(tmp_path / "agentops_hooks" / "__init__.py", "")
    stdin = json.dumps(event("claude", "git commit -n -m x", str(tmp_path)))
    proc = subprocess.run(("/bin/sh", "-c", settings_command("claude")), input=stdin, capture_output=True, text=True, cwd=tmp_path, env=clean_env())
    assert proc.returncode == 2
