"""The environment policy: variables that switch hooks off, redirect git's config, or hide the agent."""

from __future__ import annotations

from agentops_hooks.shellguard import git
from agentops_hooks.shellguard.context import Ctx
from agentops_hooks.shellguard.expand import ANY

OFF_VALUES = ("0", "false", "no", "off")
_CONFIG = "replaces the git config that may hold the hooks folder"
ANY_VALUE = {  # set to anything, these skip hooks or redirect what judges a commit
    **dict.fromkeys(("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG", "GIT_CONFIG_NOSYSTEM"), _CONFIG),
    **dict(
        HUSKY_SKIP_HOOKS="skips the husky hooks", LEFTHOOK_EXCLUDE="skips lefthook hooks",
        PRE_COMMIT_ALLOW_NO_CONFIG="lets pre-commit run without its config", PRE_COMMIT_HOME="points pre-commit at other installed hooks",
        AGENTOPS_CONFIG="points the agentops hooks at another config", GIT_EXEC_PATH="runs git commands from another folder",
        AGENTOPS_GUARD="is the person's one-time pass of the reference-transaction guard: skips the hook that judges a branch update",
        GIT_ATTR_SOURCE="reads attributes that may hide content from the checks", GIT_TEMPLATE_DIR="installs other hooks into new repositories",
        XDG_CONFIG_HOME="replaces the global git config that may hold the hooks folder",
        GIT_DIR="points git at another repository folder, whose hooks judge nothing",
        GIT_COMMON_DIR="points git at another repository folder, whose hooks judge nothing",
    ),
}
AGENT_MARKS = ("CLAUDE", "CODEX", "GEMINI", "CURSOR", "COPILOT", "AIDER", "AI_AGENT", "AGENT", "OPENCODE", "CRUSH", "AMP_")


def assignment(word: str) -> tuple[str, str] | None:
    """(name, value) when the word is `NAME=value`."""
    name, eq, value = word.partition("=")
    return (name, value) if eq and name.isidentifier() else None


def check(name: str, value: str, ctx: Ctx, how: str = "") -> None:
    """Judge one variable set for a command or the shell."""
    shown = f"{how}{name}={value.replace(ANY, '…')}"
    if name in ("HUSKY", "LEFTHOOK") and (ANY in value or value.strip().lower() in OFF_VALUES):
        ctx.block("skip-hooks", f"`{shown}` turns the git hooks off")
    elif name == "SKIP" and (ANY in value or "agentops" in value.lower()):
        ctx.block("skip-hooks", f"`{shown}` skips the agentops pre-commit hooks")
    elif name in ANY_VALUE:
        ctx.block("skip-hooks" if "skip" in ANY_VALUE[name] else "hooks-path", f"`{shown}` {ANY_VALUE[name]}")
    elif name == "GIT_CONFIG_PARAMETERS":
        for pair in value.replace("'", "").split():
            git.config_pair(pair, ctx, "GIT_CONFIG_PARAMETERS")
        if ANY in value:
            ctx.block("unreadable", "GIT_CONFIG_PARAMETERS is only known when the command runs")
    elif name.startswith("GIT_CONFIG_KEY_"):
        git.config_pair(value + "=", ctx, name)
    elif name == "HOME":
        ctx.block("hooks-path", f"`{shown}` changes which global git config applies, which may hold the hooks folder")
    elif name == "XDG_CACHE_HOME":
        ctx.block("hooks-path", f"`{shown}` points the agentops hooks at another cache")
    elif not value and agent_mark(name):
        ctx.block("agent-identity", f"`{shown}` hides that an agent runs the command")


def agent_mark(name: str) -> bool:
    """Whether the variable is one an agent runtime sets to say an agent runs the shell."""
    return not name.startswith("GIT_") and any(m in name for m in AGENT_MARKS)


def unset(names: list[str], ctx: Ctx, how: str) -> None:
    """`unset NAME…` or `env -u NAME`: removing a marker hides the agent."""
    for name in names:
        if agent_mark(name) or ANY in name:
            ctx.block("agent-identity", f"`{how} {name}` hides that an agent runs the command")
        elif name in ("HOME",):
            ctx.block("hooks-path", f"`{how} {name}` changes which git config applies")
