"""`agent-hook`: an agent runtime's pre-tool-use hook that refuses commands bypassing git hooks.

Each runtime reads the answer in its own convention (shared/reference/agent-signatures.md §3):

| runtime | input | block | allow |
|---|---|---|---|
| claude, codex | `tool_input.command` | exit 2, reason on stderr | exit 0, no output |
| gemini | `tool_input.command` (`run_shell_command`) | exit 2, reason on stderr | exit 0, `{}` |
| cursor | `command` (beforeShellExecution) | `{"permission":"deny",…}` and exit 2 | `{"permission":"allow"}` |
| copilot | `toolArgs` (JSON text or object) | `{"permissionDecision":"deny",…}` | `{"permissionDecision":"allow"}` |

Anything unreadable fails closed: it blocks, in the runtime's convention.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from agentops_hooks.commands import bypass
from agentops_hooks.values import frozen

RUNTIMES = ("claude", "codex", "gemini", "cursor", "copilot")
SHELL_TOOLS = {"bash", "shell", "run_shell_command", "powershell", "terminal", "exec_command", "local_shell"}
FILE_TOOLS = {"write", "edit", "multiedit", "write_file", "replace", "str_replace", "create", "apply_patch"}
ADVICE = (
    "Do not bypass the git hooks: fix what the hook reports (run `agentops-check staged` to see it), "
    "or, when a rule really must not apply, add `AgentOps-Exempt: <rule-id>: <reason>` to the commit "
    "message for a person to review."
)


@frozen
class Answer:
    """What the hook prints and its exit code."""

    code: int
    stdout: str = ""
    stderr: str = ""


def decide(raw: str, runtime: str = "auto") -> Answer:
    """Read the runtime's JSON and answer allow or deny in its convention; fail closed."""
    try:
        return _decide(raw, runtime)
    except Exception as e:  # a bug or an input we did not foresee: exit 3 would let Claude Code run the command
        return _deny(
            runtime if runtime in RUNTIMES else "claude",
            f"agentops agent-hook: internal error ({type(e).__name__}); blocking to stay safe",
        )


def _decide(raw: str, runtime: str) -> Answer:
    try:
        event = json.loads(raw)
        if not isinstance(event, dict):
            raise ValueError("expected a JSON object")
    except (ValueError, RecursionError) as e:
        return _deny(
            runtime if runtime != "auto" else "claude",
            f"agentops agent-hook: cannot read the hook input ({e}); blocking to stay safe",
        )
    if runtime == "auto":
        runtime = detect_runtime(event)
    try:
        command, path = _target(runtime, event)
    except (KeyError, TypeError, ValueError) as e:
        return _deny(
            runtime,
            f"agentops agent-hook: the {runtime} hook input has an unexpected shape ({e!s}); blocking to stay safe",
        )
    reasons = list(bypass.problems(command)) if command else []
    if path and (".git/hooks/" in path.replace("\\", "/") or path.replace("\\", "/").endswith(".git/hooks")):
        reasons.append(f"editing {path} changes a git hook")
    if reasons:
        return _deny(runtime, f"agentops: blocked: {reasons[0]}. {ADVICE}")
    return _allow(runtime)


def detect_runtime(event: Mapping[str, Any]) -> str:
    """Which runtime sent this input, from its shape."""
    if "toolName" in event or "toolArgs" in event:
        return "copilot"
    name = str(event.get("hook_event_name", ""))
    if name == "beforeShellExecution" or ("command" in event and "tool_input" not in event):
        return "cursor"
    if name in ("BeforeTool",) or event.get("tool_name") == "run_shell_command":
        return "gemini"
    if "turn_id" in event:
        return "codex"
    return "claude"


def _target(runtime: str, event: Mapping[str, Any]) -> tuple[str, str]:
    """(shell command, file path) the tool is about to act on; empty strings when neither."""
    if runtime == "cursor":
        if "command" in event:
            return _text(event["command"]), ""
        tool_input = event.get("tool_input") or {}
        return _text(tool_input.get("command", "")), _text(tool_input.get("file_path", ""))
    if runtime == "copilot":
        args = event.get("toolArgs") or {}
        if isinstance(args, str):
            args = json.loads(args) if args.strip() else {}
        tool = str(event.get("toolName", "")).lower()
        command = _text(args.get("command", "")) if tool in SHELL_TOOLS or "command" in args else ""
        return command, _text(args.get("path", args.get("file_path", "")))
    tool = str(event.get("tool_name", "")).lower()
    tool_input = event["tool_input"] if "tool_input" in event else {}
    if not isinstance(tool_input, dict):
        raise TypeError("tool_input is not an object")
    if tool in SHELL_TOOLS or (not tool and "command" in tool_input):
        return _text(tool_input.get("command", "")), ""
    if tool in FILE_TOOLS:
        return "", _text(tool_input.get("file_path", tool_input.get("path", "")))
    return "", ""


def _text(value: Any) -> str:
    if isinstance(value, list):  # some runtimes pass argv
        return " ".join(_quote(str(v)) for v in value)
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


def _deny(runtime: str, reason: str) -> Answer:
    if runtime == "cursor":
        body = {"permission": "deny", "user_message": reason, "agent_message": reason}
        return Answer(2, json.dumps(body), reason)
    if runtime == "copilot":
        return Answer(0, json.dumps({"permissionDecision": "deny", "permissionDecisionReason": reason}), reason)
    return Answer(2, "", reason)


def _allow(runtime: str) -> Answer:
    if runtime == "cursor":
        return Answer(0, json.dumps({"permission": "allow"}))
    if runtime == "copilot":
        return Answer(0, json.dumps({"permissionDecision": "allow"}))
    if runtime == "gemini":
        return Answer(0, "{}")
    return Answer(0)
