"""`init`: a starter `.agentops.yaml`, our hooks in `.pre-commit-config.yaml`, agent runtime settings.

Existing files are edited as text at the places ruamel.yaml locates, so every comment and every
line other than the ones added stays as it was; running it twice changes nothing.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterator
from typing import Any

from agentops_hooks import __version__
from agentops_hooks.commands.files import read_text
from agentops_hooks.errors import FatalError
from agentops_hooks.values import frozen

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
# builtin:python, builtin:javascript, builtin:strict; or paths to your own rule files.
extends: [{packs}]
# Your own rules, in the same format as a rule file (see docs/rules.md):
rules: []
# Tune a rule by id, e.g.:
# overrides:
#   subject-length: {{max-subject-length: 72}}
# disable: [vague-subject]
# exclude: ["vendor/**"]
"""
AGENT_FILES = {
    "claude": ".claude/settings.json",
    "codex": ".codex/hooks.json",
    "gemini": ".gemini/settings.json",
    "cursor": ".cursor/hooks.json",
    "copilot": ".github/hooks/agentops.json",
}


@frozen
class Change:
    """One file init writes: its path, text before (None: new) and after."""

    path: str
    before: str | None
    after: str

    def diff(self) -> str:
        """A unified diff of the change."""
        old = (self.before or "").splitlines(keepends=True)
        lines = difflib.unified_diff(old, self.after.splitlines(keepends=True), f"a/{self.path}", f"b/{self.path}")
        return "".join(lines)


def plan(root: str, packs: list[str], repo: str | None, rev: str | None, agent: str | None) -> list[Change]:
    """Every file init would write, with its new text; unchanged files are left out."""
    changes = []
    config = os.path.join(root, ".agentops.yaml")
    if not os.path.exists(config):
        extends = ", ".join(p if ":" in p or "/" in p else f"builtin:{p}" for p in packs)
        changes.append(Change(".agentops.yaml", None, STARTER.format(schema=SCHEMA_URL, packs=extends)))
    path = os.path.join(root, ".pre-commit-config.yaml")
    before = read_text(path)
    after = pre_commit_config(before, repo or DEFAULT_REPO, rev or f"v{__version__}")
    if after != before:
        changes.append(Change(".pre-commit-config.yaml", before, after))
    if agent:
        rel = AGENT_FILES[agent]
        before = read_text(os.path.join(root, rel))
        after = agent_settings(agent, before, rel)
        if after != before:
            changes.append(Change(rel, before, after))
    return changes


def apply(root: str, changes: list[Change]) -> None:
    """Write the planned files."""
    for c in changes:
        path = os.path.join(root, c.path)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(c.after)


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
        body = (
            f"default_install_hook_types: [{', '.join(HOOK_TYPES)}]\nrepos:\n"
            + "\n".join(_entry("  ", repo, rev))
            + "\n"
        )
        return (head + "\n" if head else "") + body
    doc = _load(text)
    lines = text.split("\n")
    if not _has_our_hooks(doc):
        lines = _add_entry(doc, lines, repo, rev)
    text = "\n".join(lines)
    return _add_hook_types(_load(text), text)


def _load(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        doc = YAML(typ="rt").load(text)
    except YAMLError as e:
        raise FatalError(
            f".pre-commit-config.yaml: not valid YAML ({str(e).splitlines()[0]}); fix it, then run init again"
        ) from None
    if not isinstance(doc, dict):
        raise FatalError(".pre-commit-config.yaml: expected a mapping with `repos:`")
    return doc


def _has_our_hooks(doc: Any) -> bool:
    for r in doc.get("repos") or ():
        for h in (r or {}).get("hooks") or ():
            if str((h or {}).get("id", "")).startswith("agentops-"):
                return True
    return False


def _add_entry(doc: Any, lines: list[str], repo: str, rev: str) -> list[str]:
    repos = doc.get("repos")
    if "repos" not in doc:
        return [*_strip_end(lines), "repos:", *_entry("  ", repo, rev), ""]
    key_line = doc.lc.key("repos")[0]
    if not repos:  # `repos: []` or `repos:` (comment kept)
        line = lines[key_line]
        m = re.match(r"^(repos\s*:)\s*(\[\s*\])?\s*(#.*)?$", line)
        if m is None:
            raise FatalError(
                f".pre-commit-config.yaml:{key_line + 1}: cannot add to `repos:` written this way; add the agentops entry by hand"
            )
        comment = f"  {m.group(3)}" if m.group(3) else ""
        return [*lines[:key_line], f"repos:{comment}", *_entry("  ", repo, rev), *lines[key_line + 1 :]]
    if getattr(repos, "fa", None) is not None and repos.fa.flow_style():
        raise FatalError(
            f".pre-commit-config.yaml:{key_line + 1}: `repos:` is a flow list; write it as a block list, then run init again"
        )
    line, col = repos.lc.item(0)  # where the first item's content starts
    column = max(lines[line].rfind("-", 0, col + 1), 0)  # its dash
    end = _block_end(lines, key_line)
    return [*lines[:end], *_entry(" " * column, repo, rev), *lines[end:]]


def _block_end(lines: list[str], key_line: int) -> int:
    """The line after the last non-blank, non-comment line belonging to the block under `key_line`."""
    end = key_line + 1
    for i in range(key_line + 1, len(lines)):
        ln = lines[i]
        if ln.strip() and not ln.startswith((" ", "\t", "-", "#")):
            break
        if ln.strip() and not ln.lstrip().startswith("#"):
            end = i + 1
    return end


def _strip_end(lines: list[str]) -> list[str]:
    out = list(lines)
    while out and not out[-1].strip():
        out.pop()
    return out


def _add_hook_types(doc: Any, text: str) -> str:
    lines = text.split("\n")
    key = "default_install_hook_types"
    if key not in doc:
        at = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")), len(lines))
        lines.insert(at, f"{key}: [{', '.join(HOOK_TYPES)}]")
        return "\n".join(lines)
    have = [str(t) for t in doc[key] or ()]
    missing = [t for t in HOOK_TYPES if t not in have]
    if not missing:
        return text
    key_line = doc.lc.key(key)[0]
    line = lines[key_line]
    m = re.match(r"^(\s*default_install_hook_types\s*:\s*)\[(.*?)\](\s*#.*)?$", line)
    if m:
        items = [s.strip() for s in m.group(2).split(",") if s.strip()] + missing
        lines[key_line] = f"{m.group(1)}[{', '.join(items)}]{m.group(3) or ''}"
        return "\n".join(lines)
    values = doc[key]
    indent = " " * values.lc.item(0)[1] if values else "  "
    end = _block_end(lines, key_line)
    lines[end:end] = [f"{indent}- {t}" for t in missing]
    return "\n".join(lines)


def agent_settings(agent: str, text: str | None, rel: str) -> str:
    """The runtime's settings with our pre-tool-use hook added once (other settings kept)."""
    try:
        data: dict[str, Any] = json.loads(text) if text and text.strip() else {}
    except ValueError as e:
        raise FatalError(f"{rel}: not valid JSON ({e}); fix it, then run init again") from None
    command = f"agentops-check agent-hook --runtime {agent}"
    if command in json.dumps(data):
        return text or ""
    hooks = data.setdefault("hooks", {})
    if agent == "claude":
        hooks.setdefault("PreToolUse", []).append(
            {"matcher": "Bash", "hooks": [{"type": "command", "command": command, "timeout": 30}]}
        )
    elif agent == "codex":
        hooks.setdefault("PreToolUse", []).append(
            {"matcher": "Bash", "hooks": [{"type": "command", "command": command}]}
        )
    elif agent == "gemini":
        hooks.setdefault("BeforeTool", []).append(
            {"matcher": "run_shell_command", "hooks": [{"type": "command", "command": command, "name": "agentops"}]}
        )
    elif agent == "cursor":
        data.setdefault("version", 1)
        hooks.setdefault("beforeShellExecution", []).append({"command": command})
    elif agent == "copilot":
        data.setdefault("version", 1)
        hooks.setdefault("preToolUse", []).append({"type": "command", "bash": command, "timeoutSec": 30})
    return json.dumps(data, indent=2) + "\n"


def summary(changes: list[Change]) -> Iterator[str]:
    """What init did, for people."""
    for c in changes:
        yield f"{'created' if c.before is None else 'updated'} {c.path}"
