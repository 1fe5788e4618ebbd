"""Agent-shell environments a local hook runs in (git hooks inherit the agent's environment).

Each entry names every variable that must be set (and the value it must match, `.` = any); weak
entries are reported but decide nothing, because people's own terminals set them too. The false
positive each one risks is written beside it and in docs/agents.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agentops_hooks.values import frozen


@frozen
class Shell:
    """An agent runtime recognised by its variables: all of `needs` must match."""

    agent: str
    needs: tuple[tuple[str, str], ...]  # (variable, regex searched in its value)
    strong: bool = True


def _e(agent: str, *needs: tuple[str, str], strong: bool = True) -> Shell:
    return Shell(agent, needs, strong)


ANY = "."
SHELLS: tuple[Shell, ...] = (
    _e("claude-code", ("CLAUDE_CODE_CHILD_SESSION", ANY)),  # only Claude Code's own subprocesses
    _e("claude-code", ("CLAUDE_CODE_SESSION_ID", ANY)),  # Bash tool, hook and MCP subprocesses; not IDE terminals
    _e("claude-code", ("CLAUDE_CODE_ACTION", ANY)),
    _e("claude-code", ("CLAUDE_CODE_REMOTE", ANY)),
    _e("claude-code", ("CLAUDE_CODE_IS_COWORK", ANY)),
    _e("claude-code", ("CLAUDECODE", ANY), strong=False),  # IDE extensions set it in people's terminals
    _e("codex", ("CODEX_THREAD_ID", ANY)),
    _e("codex", ("CODEX_SANDBOX", ANY)),
    _e("gemini", ("GEMINI_CLI", ANY)),
    _e("qwen-code", ("QWEN_CODE", ANY)),
    _e("cursor", ("CURSOR_AGENT", ANY)),
    _e("cursor", ("CURSOR_EXTENSION_HOST_ROLE", r"^agent-exec$")),
    _e("cursor", ("CURSOR_TRACE_ID", ANY), ("PAGER", r"^head -n 10000 \| cat$")),
    _e("cursor", ("CURSOR_TRACE_ID", ANY), strong=False),  # any Cursor terminal
    _e("copilot", ("COPILOT_AGENT", ANY)),
    _e("copilot", ("COPILOT_AGENT_SESSION_ID", ANY)),
    _e("copilot", ("TERM_PROGRAM", r"^vscode$"), ("GIT_PAGER", r"^cat$"), strong=False),  # people set GIT_PAGER=cat
    _e("amp", ("AGENT", r"^amp$")),
    _e("amp", ("AMP_CURRENT_THREAD_ID", ANY)),
    _e("crush", ("CRUSH", ANY)),
    _e("crush", ("AGENT", r"^crush$")),
    _e("opencode", ("OPENCODE", ANY)),
    _e("opencode", ("OPENCODE_CLIENT", ANY)),
    _e("augment", ("AUGMENT_AGENT", ANY)),
    _e("antigravity", ("ANTIGRAVITY_AGENT", ANY)),
    _e("warp", ("OZ_RUN_ID", ANY)),
    _e("pi", ("PI_CODING_AGENT", ANY)),
    _e("cline", ("CLINE_ACTIVE", ANY)),
    _e("zed", ("TERM_PROGRAM", r"^zed$"), ("PAGER", r"^cat$")),  # a person with PAGER=cat in Zed's terminal
    _e("windsurf", ("CODEIUM_EDITOR_APP_ROOT", ANY), strong=False),  # every Windsurf terminal
    _e("jules", ("HOME", r"^/home/jules$"), ("USER", r"^swebot$")),  # Jules's VM
    _e("replit", ("REPL_ID", ANY), ("REPLIT_MODE", r"^assistant$")),
    _e("replit", ("REPL_ID", ANY), strong=False),  # every Replit shell, people's too
    _e("bolt", ("SHELL", r"^/bin/jsh$"), ("npm_config_yes", ANY)),  # Bolt's WebContainer agent
    _e("junie", ("JUNIE_DATA", ANY), strong=False),
    _e("goose", ("GOOSE_PROVIDER", ANY), strong=False),  # a person's own Goose config
    _e("amazon-q", ("AWS_EXECUTION_ENV", r"amazonq"), strong=False),
    _e("aider", ("OR_APP_NAME", r"^Aider$"), strong=False),  # inferred from aider's source, not documented
    _e("agent", ("AI_AGENT", ANY)),  # the proposed generic standard: AI_AGENT=<name>[@version]
)

# the variables a local hook records as evidence: every one a shell needs, and aider's identities
AGENT_ENV: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *(name for shell in SHELLS for name, _ in shell.needs),
            "CLAUDE_CODE_ENTRYPOINT",
            "CODEX_CI",
            "COPILOT_CLI",
            "GIT_AUTHOR_NAME",
            "GIT_COMMITTER_NAME",
        )
    )
)
_COMPILED: dict[str, re.Pattern[str]] = {}


def _matches(pattern: str, value: str) -> bool:
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled.search(value) is not None


def shells(env: tuple[tuple[str, str], ...]) -> Iterator[tuple[Shell, str]]:
    """Each runtime whose variables are all set, with the evidence (`A=1, B=cat`)."""
    values = dict(env)
    for shell in SHELLS:
        if all(name in values and _matches(p, values[name]) for name, p in shell.needs):
            yield shell, ", ".join(f"{name}={values[name]}" for name, _ in shell.needs)


def agent_name(shell: Shell, env: tuple[tuple[str, str], ...]) -> str:
    """The agent a shell names: AI_AGENT's own value (`name@version` → name), else the shell's."""
    if shell.needs[0][0] == "AI_AGENT":
        value = dict(env).get("AI_AGENT", "")
        return value.split("@")[0].strip().lower() or shell.agent
    return shell.agent
