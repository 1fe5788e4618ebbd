"""`init`: a starter `.agentops.yaml`, our hooks in `.pre-commit-config.yaml`, agent runtime settings.

Existing files are edited as text at the places ruamel.yaml locates, so every comment and every
line other than the ones added stays as it was; running it twice changes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

from agentops_hooks import __version__
from agentops_hooks.commands import files, yamltext
from agentops_hooks.commands.files import FileEdit, read_text
from agentops_hooks.errors import FatalError
from agentops_hooks.names import CONFIG_FILE

DEFAULT_REPO = "https://github.com/agentops-hooks/agentops-hooks"
HOOK_TYPES = ("pre-commit", "commit-msg", "prepare-commit-msg", "pre-push")
HOOK_IDS = ("agentops-staged", "agentops-prepare-commit-msg", "agentops-commit-msg", "agentops-pre-push")
SCHEMA_URL = (
    "https://raw.githubusercontent.com/agentops-hooks/agentops-hooks/main/agentops_hooks/schema/agentops.schema.json"
)
STARTER = """\
# yaml-language-server: $schema={schema}
# agentops-hooks configuration: https://github.com/agentops-hooks/agentops-hooks/blob/main/docs/config.md
version: 1
# Rule packs: builtin:core (commit context for AI agents, vague subjects, scope), builtin:secrets,
# builtin:python, builtin:javascript, builtin:agentops (context budgets, hand-offs, risk-scaled
# approval), builtin:strict; or paths to your own rule files.
extends: [{packs}]
# Your own rules, in the same format as a rule file (see docs/rules.md):
rules: []
# Tune a rule by id, e.g.:
# overrides:
#   subject-length: {{max-subject-length: 72}}
# disable: [vague-subject]
# exclude: ["vendor/**"]
"""
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
_TYPES_KEY = "default_install_hook_types"
AGENT_FILES = {  # where each runtime reads its project hooks (names.RUNTIMES, in that order)
    "claude": ".claude/settings.json",
    "codex": ".codex/hooks.json",
    "gemini": ".gemini/settings.json",
    "cursor": ".cursor/hooks.json",
    "copilot": ".github/hooks/agentops.json",
}
# each runtime's pre-tool-use event, our entry under it, and whether its file carries `version: 1`
_RUNTIME_HOOKS: dict[str, tuple[str, Callable[[str], dict[str, Any]], bool]] = {
    "claude": (
        "PreToolUse",
        lambda c: {"matcher": "Bash", "hooks": [{"type": "command", "command": c, "timeout": 30}]},
        False,
    ),
    "codex": ("PreToolUse", lambda c: {"matcher": "Bash", "hooks": [{"type": "command", "command": c}]}, False),
    "gemini": (
        "BeforeTool",
        lambda c: {"matcher": "run_shell_command", "hooks": [{"type": "command", "command": c, "name": "agentops"}]},
        False,
    ),
    "cursor": ("beforeShellExecution", lambda c: {"command": c}, True),
    "copilot": ("preToolUse", lambda c: {"type": "command", "bash": c, "timeoutSec": 30}, True),
}


def plan(root: str, packs: list[str], repo: str | None, rev: str | None, agent: str | None) -> list[FileEdit]:
    """Every file init would write, with its new text; unchanged files are left out."""
    changes = []
    if not os.path.exists(os.path.join(root, CONFIG_FILE)):
        extends = ", ".join(p if ":" in p or "/" in p else f"builtin:{p}" for p in packs)
        changes.append(FileEdit(CONFIG_FILE, None, STARTER.format(schema=SCHEMA_URL, packs=extends)))
    path = os.path.join(root, PRE_COMMIT_CONFIG)
    before = read_text(path)
    after = pre_commit_config(before, repo or DEFAULT_REPO, rev or f"v{__version__}")
    if after != before:
        changes.append(FileEdit(PRE_COMMIT_CONFIG, before, after))
    if agent:
        rel = AGENT_FILES[agent]
        before = read_text(os.path.join(root, rel))
        after = agent_settings(agent, before, rel)
        if after != before:
            changes.append(FileEdit(rel, before, after))
    return changes


def apply(root: str, changes: list[FileEdit]) -> None:
    """Write the planned files."""
    files.write(changes, root)


def uninstall_command() -> str:
    """The command that removes the pre-commit hooks init asked for."""
    return install_command().replace("pre-commit install", "pre-commit uninstall", 1)


def install_command() -> str:
    """The one command that installs every hook type init configured."""
    return "pre-commit install " + " ".join(f"--hook-type {t}" for t in HOOK_TYPES)


def _entry(indent: str, repo: str, rev: str) -> list[str]:
    """Our repo entry, its dash at `indent`."""
    lines = [f"{indent}- repo: {repo}", f"{indent}  rev: {rev}", f"{indent}  hooks:"]
    return lines + [f"{indent}    - id: {hid}" for hid in HOOK_IDS]


def pre_commit_config(text: str | None, repo: str, rev: str) -> str:
    """The config with our repo entry and hook types added, everything else untouched."""
    if text is None or not text.strip():
        head = (text or "").rstrip("\n")
        body = f"{_TYPES_KEY}: [{', '.join(HOOK_TYPES)}]\nrepos:\n" + "\n".join(_entry("  ", repo, rev)) + "\n"
        return (head + "\n" if head else "") + body
    doc = _load(text)
    if not _has_our_hooks(doc):
        flow_item = f"{{repo: {repo}, rev: {rev}, hooks: [{', '.join(f'{{id: {h}}}' for h in HOOK_IDS)}]}}"
        text = yamltext.append_item(
            PRE_COMMIT_CONFIG, text, "repos", lambda dash, _: _entry(" " * dash, repo, rev), flow_item
        )
        doc = _load(text)
    return _add_hook_types(doc, text)


def _load(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        doc = YAML(typ="rt").load(text)
    except YAMLError as e:
        raise FatalError(
            f"{PRE_COMMIT_CONFIG}: not valid YAML ({str(e).splitlines()[0]}); fix it, then run init again"
        ) from None
    if not isinstance(doc, dict):
        raise FatalError(f"{PRE_COMMIT_CONFIG}: expected a mapping with `repos:`")
    return doc


def _has_our_hooks(doc: Any) -> bool:
    for r in doc.get("repos") or ():
        for h in (r or {}).get("hooks") or ():
            if str((h or {}).get("id", "")).startswith("agentops-"):
                return True
    return False


def _add_hook_types(doc: Any, text: str) -> str:
    """`default_install_hook_types` naming every type our hooks need (a new key goes first, in flow style)."""
    if _TYPES_KEY not in doc:
        lines = text.split("\n")
        at = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")), len(lines))
        lines.insert(at, f"{_TYPES_KEY}: [{', '.join(HOOK_TYPES)}]")
        return "\n".join(lines)
    have = [str(t) for t in doc[_TYPES_KEY] or ()]
    missing = [t for t in HOOK_TYPES if t not in have]
    if not missing:
        return text

    def block(dash: int, _key: int) -> list[str]:
        return [f"{' ' * dash}- {t}" for t in missing]

    return yamltext.append_item(
        PRE_COMMIT_CONFIG, text, _TYPES_KEY, block, ", ".join(missing), empty_flow_to_block=False
    )


def agent_settings(agent: str, text: str | None, rel: str) -> str:
    """The runtime's settings with our pre-tool-use hook added once (other settings kept)."""
    try:
        data: dict[str, Any] = json.loads(text) if text and text.strip() else {}
    except ValueError as e:
        raise FatalError(f"{rel}: not valid JSON ({e}); fix it, then run init again") from None
    command = agent_command(agent)
    if command in json.dumps(data):
        return text or ""
    event, entry, versioned = _RUNTIME_HOOKS[agent]
    hooks = data.setdefault("hooks", {})  # before `version`: the key order init has always written
    if versioned:
        data.setdefault("version", 1)
    entries = hooks.setdefault(event, [])
    entries[:] = [e for e in entries if not ours(e, agent)]  # an older form of our hook is replaced
    entries.append(entry(command))
    return json.dumps(data, indent=2) + "\n"


def agent_command(agent: str) -> str:
    """The command init writes into a runtime's settings: this interpreter by absolute path, no PATH needed."""
    from agentops_hooks.commands.agent_hook import settings_command

    return settings_command(agent)


def ours(entry: Any, agent: str) -> bool:
    """Whether a settings entry runs our agent-hook (any form init ever wrote)."""
    return f"agent-hook --runtime {agent}" in json.dumps(entry)


def summary(changes: list[FileEdit]) -> Iterator[str]:
    """What init did, for people."""
    for c in changes:
        yield f"{'created' if c.before is None else 'updated'} {c.path}"
