"""agent-hook: bypass commands blocked, ordinary ones allowed, in each runtime's own convention."""

from __future__ import annotations

import json

import pytest

from agentops_hooks.commands.agent_hook import decide
from tests.testing import run_cli

BYPASS = [
    "git commit --no-verify -m 'fix: x'",
    "git commit -n -m 'fix: x'",
    "git commit -nm 'fix: x'",
    "git commit -anm wip",
    "git commit -a -n",
    "git commit --no-veri -m x",
    "git commit --no-verif -m x",
    "git commit -m x --no-verify",
    "git commit --amend --no-edit --no-verify",
    "git -C sub commit --no-verify -m x",
    "git add . && git commit --no-verify -m x",
    "make test; git commit -n -m x",
    "false || git commit --no-verify -m x",
    "(cd sub && git commit -n -m x)",
    "bash -c 'git commit --no-verify -m x'",
    'sh -c "git commit -n -m x"',
    "bash -lc 'git commit --no-verify -m x'",
    "env git commit --no-verify -m x",
    "sudo git commit --no-verify -m x",
    "eval 'git commit --no-verify -m x'",
    "echo $(git commit --no-verify -m x)",
    "git push --no-verify",
    "git push --no-verify origin main",
    "git push origin HEAD --no-verify",
    "git merge --no-verify feature",
    "git -c core.hooksPath=/dev/null commit -m x",
    "git -c core.hookspath=/tmp/none commit -m x",
    "git config core.hooksPath /dev/null",
    "git config --local core.hooksPath .nohooks",
    "HUSKY=0 git commit -m x",
    "export HUSKY=0",
    "env HUSKY=0 git push",
    "LEFTHOOK=0 git commit -m x",
    "SKIP=agentops-commit-msg git commit -m x",
    "SKIP=ruff,agentops-staged git commit -m x",
    "git commit-tree HEAD^{tree} -p HEAD -m x",
    "git update-ref refs/heads/main abc123",
    "rm .git/hooks/commit-msg",
    "rm -rf .git/hooks",
    "chmod -x .git/hooks/pre-commit",
    "chmod 644 .git/hooks/commit-msg",
    "mv .git/hooks/commit-msg /tmp/",
    "echo '' > .git/hooks/commit-msg",
    "pre-commit uninstall",
    "pre-commit uninstall --hook-type commit-msg",
    "GIT_CONFIG_PARAMETERS=\"'core.hooksPath'='/dev/null'\" git commit -m x",
]

ALLOWED = [
    "git commit -m 'fix: x'",
    'git commit -m "--no-verify is bad"',
    "git commit -m 'do not use -n here'",
    "git commit -am 'feat: add x'",
    "git commit -F msg.txt",
    "git commit --amend --no-edit",
    "git commit -S -m x",
    "git commit -m x -m 'Context: why'",
    "git commit --message='--no-verify mentioned'",
    "git commit -C HEAD",
    "git log -n 5",
    "git log --oneline -n 10",
    "git push",
    "git push -n origin main",
    "git push --dry-run",
    "git merge -n feature",
    "git status",
    "git diff --cached",
    "git add -A",
    "git config user.name 'Dana'",
    "git config --get core.hooksPath",
    "git config --list",
    "git update-ref -d refs/tags/old",
    "git rev-parse HEAD",
    "grep -n 'no-verify' README.md",
    "grep -rn HUSKY docs/",
    "echo HUSKY=0",
    "echo 'git commit --no-verify'",
    "ls -la .git/hooks",
    "cat .git/hooks/commit-msg",
    "chmod +x .git/hooks/commit-msg",
    "pre-commit install --hook-type commit-msg",
    "pre-commit run --all-files",
    "pytest -q -n 4",
    "npm test",
    "head -n 20 file.txt",
    "SKIP=ruff git commit -m x",
    "cd src && make",
    "python -m agentops_hooks staged",
    "git commit -m \"$(cat <<'EOF'\nfix: don't skip\n\nContext: the hook said --no-verify is never the fix\nEOF\n)\"",
    "agentops-check commit-msg .git/COMMIT_EDITMSG",
]


def claude(cmd: str) -> str:
    return json.dumps(
        {"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": cmd}}
    )


def codex(cmd: str) -> str:
    return json.dumps(
        {"hook_event_name": "PreToolUse", "turn_id": "t", "tool_name": "Bash", "tool_input": {"command": cmd}}
    )


def gemini(cmd: str) -> str:
    return json.dumps(
        {"hook_event_name": "BeforeTool", "tool_name": "run_shell_command", "tool_input": {"command": cmd}}
    )


def cursor(cmd: str) -> str:
    return json.dumps({"hook_event_name": "beforeShellExecution", "command": cmd, "cwd": "/repo"})


def copilot(cmd: str) -> str:
    return json.dumps({"timestamp": 1, "cwd": "/repo", "toolName": "bash", "toolArgs": json.dumps({"command": cmd})})


RUNTIMES = {"claude": claude, "codex": codex, "gemini": gemini, "cursor": cursor, "copilot": copilot}


def blocked(runtime: str, answer_code: int, stdout: str) -> bool:
    if runtime == "cursor":
        return answer_code == 2 and json.loads(stdout)["permission"] == "deny"
    if runtime == "copilot":
        return json.loads(stdout)["permissionDecision"] == "deny"
    return answer_code == 2


def test_counts() -> None:
    assert len(BYPASS) >= 40 and len(ALLOWED) >= 40


@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
@pytest.mark.parametrize("command", BYPASS)
def test_bypass_is_blocked(runtime: str, command: str) -> None:
    for explicit in ("auto", runtime):
        answer = decide(RUNTIMES[runtime](command), explicit)
        assert blocked(runtime, answer.code, answer.stdout), (runtime, explicit, command, answer)
        assert "guard rule" in answer.stderr and "ask a person" in answer.stderr  # what to do instead
        assert "AgentOps-Exempt" not in answer.stderr  # an agent may not waive its own checks


@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
@pytest.mark.parametrize("command", ALLOWED)
def test_ordinary_command_is_allowed(runtime: str, command: str) -> None:
    answer = decide(RUNTIMES[runtime](command), "auto")
    assert not blocked(runtime, answer.code, answer.stdout or "{}"), (runtime, command, answer)
    assert answer.code == 0


def test_writing_a_hook_file_is_blocked() -> None:
    event = {
        "hook_event_name": "PreToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": "/r/.git/hooks/commit-msg", "content": ""},
    }
    assert decide(json.dumps(event)).code == 2
    event["tool_input"]["file_path"] = "/r/src/app.py"
    assert decide(json.dumps(event)).code == 0


@pytest.mark.parametrize(
    ("runtime", "stdin"),
    [
        ("claude", "not json"),
        ("codex", "[1, 2]"),
        ("gemini", '{"tool_name": "run_shell_command", "tool_input": "x"}'),
        ("auto", ""),
    ],
)
def test_malformed_input_fails_closed_through_the_cli(runtime: str, stdin: str) -> None:
    proc = run_cli("agent-hook", "--runtime", runtime, stdin=stdin)
    assert proc.returncode == 2
    assert proc.stderr.startswith("agentops agent-hook: ")
    assert "blocking to stay safe" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cursor_and_copilot_answer_in_json_through_the_cli() -> None:
    proc = run_cli("agent-hook", "--runtime", "cursor", stdin=cursor("git commit -n -m x"))
    assert proc.returncode == 2 and json.loads(proc.stdout)["permission"] == "deny"
    proc = run_cli("agent-hook", "--runtime", "copilot", stdin=copilot("git status"))
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"permissionDecision": "allow"}
    proc = run_cli("agent-hook", "--runtime", "copilot", stdin="{broken")
    assert json.loads(proc.stdout)["permissionDecision"] == "deny"
