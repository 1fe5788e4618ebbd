"""The agent-hook corpus: every command, in each runtime's real input shape, answered as that runtime reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from agentops_hooks.names import RUNTIMES
from tests.testing import run_cli

CORPUS = YAML(typ="safe").load((Path(__file__).parent / "data" / "agent_hook_corpus.yaml").read_text(encoding="utf-8"))
CASES = [("block", e["cmd"]) for e in CORPUS["block"]] + [("allow", e["cmd"]) for e in CORPUS["allow"]]


def event(runtime: str, command: str, cwd: str) -> dict[str, Any]:
    """The pre-tool-use input each runtime sends for a shell command (agent-signatures.md §3)."""
    if runtime == "claude":
        return {"session_id": "s1", "transcript_path": "/t.jsonl", "cwd": cwd, "permission_mode": "default",
                "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_use_id": "toolu_1",
                "tool_input": {"command": command, "description": "run it"}}
    if runtime == "codex":
        return {"session_id": "s1", "turn_id": "t1", "cwd": cwd, "model": "gpt-5", "hook_event_name": "PreToolUse",
                "tool_name": "Bash", "tool_input": {"command": command}}
    if runtime == "gemini":
        return {"session_id": "s1", "transcript_path": "/t.json", "cwd": cwd, "hook_event_name": "BeforeTool",
                "timestamp": "2026-12-03T10:00:00Z", "tool_name": "run_shell_command",
                "tool_input": {"command": command, "description": "run it"}, "mcp_context": None}
    if runtime == "cursor":
        return {"hook_event_name": "beforeShellExecution", "conversation_id": "c1", "generation_id": "g1",
                "workspace_roots": [cwd], "command": command, "cwd": cwd}
    return {"timestamp": 1764756000000, "cwd": cwd, "toolName": "bash", "toolArgs": json.dumps({"command": command})}


def seen_as_blocked(runtime: str, code: int, stdout: str, stderr: str) -> bool:
    """Block or allow, as the runtime itself reads the hook's answer."""
    if runtime == "cursor":
        answer = json.loads(stdout)
        assert (code == 2) == (answer["permission"] == "deny")
        return bool(answer["permission"] == "deny")
    if runtime == "copilot":
        assert code == 0
        return bool(json.loads(stdout)["permissionDecision"] == "deny")
    assert code in (0, 2) and (code == 2 or stdout.strip() in ("", "{}"))
    return code == 2


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("agent"))


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS["block"]) >= 150 and len(CORPUS["allow"]) >= 60
    assert all(e.get("why") for e in CORPUS["block"] + CORPUS["allow"])  # each says why it is there
    assert len({c for _, c in CASES}) == len(CASES)  # no command twice


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize(("expected", "command"), CASES)
def test_each_runtime_sees_the_answer_the_corpus_expects(runtime: str, expected: str, command: str, folder: str) -> None:
    proc = run_cli("agent-hook", "--runtime", runtime, stdin=json.dumps(event(runtime, command, folder)))
    blocked = seen_as_blocked(runtime, proc.returncode, proc.stdout, proc.stderr)
    assert blocked == (expected == "block"), (runtime, command, proc.stderr)
    if blocked:
        assert "guard rule `" in proc.stderr and "ask a person" in proc.stderr
        assert "AgentOps-Exempt" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
