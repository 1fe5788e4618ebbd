"""Pure: does a shell command skip, replace or redirect what judges a commit? (The agent-hook's question.)

The shell guard (`agentops_hooks.shellguard`) reads the command as a shell would; this module is
its face to the agent-hook: one reason per line, naming the guard rule that fired, with what the
agent should do instead.
"""

from __future__ import annotations

from agentops_hooks.shellguard import paths
from agentops_hooks.shellguard.context import Problem
from agentops_hooks.shellguard.guard import problems as _problems

ASK = "if you believe a check is wrong, stop and ask a person: an agent may not waive or switch off the checks that judge it."
ADVICE = {
    "skip-hooks": "Run the command without skipping the hooks and fix what they report (`agentops-check staged` shows it); ",
    "hooks-path": "Leave git's hooks folder, config and attributes as they are; ",
    "plumbing": "Make commits with plain `git commit` so the hooks run; ",
    "protected-file": "Do not change the files that judge commits (hooks, git config and refs, attributes, hook and agentops configs, the agent's settings); ",
    "uninstall": "Keep the hooks installed; ",
    "agent-identity": "Keep the agent's environment as the runtime set it; ",
    "unreadable": "Write the command plainly (no dynamic command names or options, no programs piped into a shell); ",
    "too-deep": "Write the command without so many nested shells; ",
    "too-large": "Split the work into smaller commands; ",
}


def problems(command: str, folder: str | None = None) -> list[Problem]:
    """Why this command skips, replaces or redirects what judges a commit (nothing when it does not)."""
    return _problems(command, folder)


def file_problem(path: str) -> Problem | None:
    """Why an edit tool may not write this file (None when it may)."""
    spec = paths.protected(path)
    if spec is None:
        return None
    return Problem("protected-file", f"editing `{path}` changes {spec.what}")


def message(problem: Problem) -> str:
    """The one line the agent reads: the rule that fired, what it saw, what to do instead."""
    return f"agentops: blocked by the agent-hook guard rule `{problem.rule}`: {problem.reason}. {ADVICE[problem.rule]}{ASK}"
