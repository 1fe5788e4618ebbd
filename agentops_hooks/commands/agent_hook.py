"""`agent-hook`: an agent runtime's pre-tool-use hook that refuses what would get around the judge.

Each runtime reads the answer in its own convention (shared/reference/agent-signatures.md §3):

| runtime | input | block | allow |
|---|---|---|---|
| claude, codex | `tool_input.command` (Bash); `tool_input.file_path` (Write/Edit/MultiEdit), apply_patch | exit 2, reason on stderr | exit 0, no output |
| gemini | `tool_input.command` (`run_shell_command`); `tool_input.file_path` (write_file, replace) | exit 2, reason on stderr | exit 0, `{}` |
| cursor | `command` (beforeShellExecution); `tool_input` (preToolUse) | `{"permission":"deny",…}` and exit 2 | `{"permission":"allow"}` |
| copilot | `toolArgs` (JSON text or object): `command`, `path` | `{"permissionDecision":"deny",…}` | `{"permissionDecision":"allow"}` |

Anything unreadable fails closed: it blocks, in the runtime's convention.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from agentops_hooks.commands import bypass
from agentops_hooks.names import RUNTIMES
from agentops_hooks.shellguard.context import Problem
from agentops_hooks.shellguard.lexer import quote
from agentops_hooks.values import frozen

SHELL_TOOLS = {"bash", "shell", "run_shell_command", "powershell", "terminal", "exec_command", "local_shell", "container.exec"}
READ_TOOLS = {"read", "view", "glob", "grep", "ls", "read_file", "read_many_files", "list_directory", "search", "webfetch", "websearch", "web_fetch", "google_web_search", "search_file_content", "todowrite", "task", "agent"}
PATH_KEYS = ("file_path", "path", "notebook_path", "absolute_path", "target_file", "filePath")
PATCH_KEYS = ("patch", "input", "command")

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
        command, paths = _target(runtime, event)
    except (KeyError, TypeError, ValueError) as e:
        return _deny(
            runtime,
            f"agentops agent-hook: the {runtime} hook input has an unexpected shape ({e!s}); blocking to stay safe",
        )
    found = _judge(command, paths, _folder(event))
    if found:
        return _deny(runtime, bypass.message(found[0]))
    return _allow(runtime)


def _judge(command: str, paths: list[str], folder: str) -> list[Problem]:
    found = bypass.problems(command, folder) if command else []
    return found + [p for p in map(bypass.file_problem, paths) if p is not None]


def _folder(event: Mapping[str, Any]) -> str:
    """The agent's working folder: the event's `cwd` when it is an existing absolute folder."""
    cwd = event.get("cwd")
    return cwd if isinstance(cwd, str) and os.path.isabs(cwd) and os.path.isdir(cwd) else os.getcwd()


def detect_runtime(event: Mapping[str, Any]) -> str:
    """Which runtime sent this input, from its shape."""
    if "toolName" in event or "toolArgs" in event:
        return "copilot"
    name = str(event.get("hook_event_name", ""))
    if name in ("beforeShellExecution", "preToolUse") or ("command" in event and "tool_input" not in event):
        return "cursor"
    if name in ("BeforeTool",) or event.get("tool_name") in ("run_shell_command", "write_file", "replace"):
        return "gemini"
    if "turn_id" in event:
        return "codex"
    return "claude"


def _target(runtime: str, event: Mapping[str, Any]) -> tuple[str, list[str]]:
    """(shell command, file paths) the tool is about to act on; empty when neither."""
    if runtime == "cursor" and "command" in event:
        return _text(event["command"]), []
    if runtime == "copilot":
        args = event.get("toolArgs") or {}
        if isinstance(args, str):
            args = json.loads(args) if args.strip() else {}
        return _tool(str(event.get("toolName", "")), args)
    tool_input = event["tool_input"] if "tool_input" in event else {}
    return _tool(str(event.get("tool_name", "")), tool_input)


def _tool(name: str, args: Any) -> tuple[str, list[str]]:
    """What one tool call runs or writes: shell tools run `command`; any tool that is not read-only writes its path."""
    if not isinstance(args, dict):
        raise TypeError("the tool input is not an object")
    tool = name.lower()
    if tool in SHELL_TOOLS or (not tool and "command" in args):
        return _text(args.get("command", "")), []
    if tool in READ_TOOLS:
        return "", []
    if tool == "apply_patch" or "patch" in tool:
        text = next((args[k] for k in PATCH_KEYS if isinstance(args.get(k), str)), "")
        return ("apply_patch " + quote(text)) if text else "", []
    found = [_text(args[k]) for k in PATH_KEYS if k in args]
    found += [_text(e.get("file_path", e.get("path", ""))) for e in args.get("edits", []) if isinstance(e, dict)]
    return "", [p for p in found if p]


def _text(value: Any) -> str:
    if isinstance(value, list):  # some runtimes pass argv
        return " ".join(quote(str(v)) for v in value)
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def settings_command(runtime: str, python: str | None = None) -> str:
    """The command a runtime's settings run: this interpreter by absolute path, blocking if it is gone.

    `-P` keeps a folder named `agentops_hooks` in the repository from shadowing the installed
    package. When the interpreter cannot start (exit 126/127, or any code but 0 and 2), the
    shell answers "block" in the runtime's convention (exit 2; a deny answer for Cursor and
    Copilot) instead of letting the command run.
    """
    exe = quote(python or sys.executable)
    reason = "agentops agent-hook could not run (is agentops-hooks still installed? run agentops-check init --agent again); blocking to stay safe"
    deny = {"cursor": {"permission": "deny", "user_message": reason, "agent_message": reason}, "copilot": {"permissionDecision": "deny", "permissionDecisionReason": reason}}
    say = f"printf '%s\\n' {quote(json.dumps(deny[runtime]))}; " if runtime in deny else ""
    return (
        f"{exe} -P -m agentops_hooks agent-hook --runtime {runtime}; rc=$?; "
        f"case $rc in 0|2) exit $rc;; esac; {say}echo {quote(reason)} >&2; exit {0 if runtime == 'copilot' else 2}"
    )


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
