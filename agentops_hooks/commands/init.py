"""`init`: a starter `.agentops.yaml`, our hooks in `.pre-commit-config.yaml`, agent runtime settings.

Existing files are edited as text at the places ruamel.yaml locates, so every comment and every
line other than the ones added stays as it was; running it twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from agentops_hooks.commands import files, yamltext
from agentops_hooks.commands.files import FileEdit, read_text
from agentops_hooks.errors import FatalError
from agentops_hooks.names import CONFIG_FILE

DEFAULT_REPO = "https://github.com/agentops-hooks/agentops-hooks"
# git hook types init has pre-commit install: a `git commit` starts pre-commit once (prepare-commit-msg,
# which git runs even under --no-verify) and the reference-transaction guard natively. commit-msg is
# not among them: the guard judges every commit a branch takes, the edited message included.
HOOK_TYPES = ("prepare-commit-msg", "pre-push")
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
    """Every file init would write, with its new text; unchanged files are left out.

    Packs are checked before anything is planned: an unknown name is a usage error, nothing written.
    """
    named = [_pack_ref(p) for p in packs]
    changes = []
    before = read_text(files.inside(root, CONFIG_FILE), exact=True)
    if before is None:
        wanted = _unique([*DEFAULT_PACKS, *named])
        changes.append(FileEdit(CONFIG_FILE, None, STARTER.format(schema=SCHEMA_URL, packs=", ".join(wanted))))
    elif named:
        after = _add_packs(before, named)
        if after != before:
            changes.append(FileEdit(CONFIG_FILE, before, after))
    before = read_text(files.inside(root, PRE_COMMIT_CONFIG), exact=True)
    after = pre_commit_config(before, repo or DEFAULT_REPO, rev or default_rev())
    if after != before:
        changes.append(FileEdit(PRE_COMMIT_CONFIG, before, after))
    if agent:
        rel = AGENT_FILES[agent]
        before = read_text(files.inside(root, rel))
        after = agent_settings(agent, before, rel)
        if after != before:
            changes.append(FileEdit(rel, before, after))
    return changes


class UnknownPack(FatalError):
    """`--pack` names no built-in pack: a usage error (exit 2), raised before anything is written."""


DEFAULT_PACKS = ("builtin:core", "builtin:secrets")  # a pack named with --pack adds to these


def _pack_ref(name: str) -> str:
    """`python` → `builtin:python`; a path or `builtin:x` as given; an unknown built-in name refused."""
    from agentops_hooks.packs import builtin_names

    if "/" in name or name.endswith((".yaml", ".yml")):
        return name
    bare = name.removeprefix("builtin:")
    if bare not in builtin_names():
        raise UnknownPack(
            f"unknown pack '{name}' (available: {', '.join(builtin_names())}, or a path to a rule file); nothing written"
        )
    return f"builtin:{bare}"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _add_packs(text: str, packs: list[str]) -> str:
    """The existing config with the packs it does not extend yet added to `extends:`."""

    def edit(t: str) -> str:
        have = _load(t, CONFIG_FILE).get("extends") or []
        have = [have] if isinstance(have, str) else [str(x) for x in have]
        for pack in packs:
            if pack not in have:

                def block(dash: int, _key: int, pack: str = pack) -> list[str]:
                    return [f"{' ' * dash}- {pack}"]

                t = yamltext.append_item(CONFIG_FILE, t, "extends", block, pack)
                have.append(pack)
        return t

    return with_text_form(text, edit)


def with_text_form(text: str, edit: Callable[[str], str]) -> str:
    """Edit `text` as plain LF text without a BOM, then give back its BOM and CRLF line ends."""
    bom = text.startswith("\ufeff")
    body = text.removeprefix("\ufeff")
    crlf = "\r\n" in body
    plain = body.replace("\r\n", "\n")
    out = edit(plain)
    if out == plain:
        return text
    return ("\ufeff" if bom else "") + (out.replace("\n", "\r\n") if crlf else out)


def default_rev() -> str:
    """The rev init pins when none is given: one that exists in the hook repository (see _build_info)."""
    from agentops_hooks.buildinfo import hook_rev

    return hook_rev()


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
    """The config with our repo entry and hook types added (or its repo/rev updated), everything else untouched."""
    if text is None or not text.strip(" \r\n\ufeff"):
        head = (text or "").rstrip("\r\n")
        body = f"{_TYPES_KEY}: [{', '.join(HOOK_TYPES)}]\nrepos:\n" + "\n".join(_entry("  ", repo, rev)) + "\n"
        return with_text_form((head + "\n" if head else "\n"), lambda t: (t.lstrip("\n") or "") + body) if head else body
    return with_text_form(text, lambda t: _edit_config(t, repo, rev))


def _edit_config(text: str, repo: str, rev: str) -> str:
    doc = _load(text)
    others = _has_other_hooks(doc)
    if not _has_our_hooks(doc):
        flow_item = f"{{repo: {repo}, rev: {rev}, hooks: [{', '.join(f'{{id: {h}}}' for h in HOOK_IDS)}]}}"
        text = yamltext.append_item(
            PRE_COMMIT_CONFIG, text, "repos", lambda dash, _: _entry(" " * dash, repo, rev), flow_item
        )
        doc = _load(text)
    else:
        text = _update_entry(text, repo, rev)
        doc = _load(text)
    return _add_hook_types(doc, text, others)


def _update_entry(text: str, repo: str, rev: str) -> str:
    """Our entry's `repo:` and `rev:` values replaced in place when they differ (a re-run with --repo/--rev)."""
    root = yamltext.compose(text)
    found = yamltext.top_value(root, "repos")
    if found is None or found[2].id != "sequence":
        return text
    spans = []
    for item in found[2].value:
        if item.id != "mapping":
            continue
        values = {k.value: v for k, v in item.value}
        hooks = values.get("hooks")
        ids = [
            dict((k.value, v.value) for k, v in h.value).get("id", "")
            for h in (hooks.value if hooks is not None and hooks.id == "sequence" else ())
            if h.id == "mapping"
        ]
        if not any(str(i).startswith("agentops-") for i in ids):
            continue
        for key, new in (("repo", repo), ("rev", rev)):
            node = values.get(key)
            if node is not None and node.id == "scalar" and node.value != new:
                spans.append((node.start_mark.index, node.end_mark.index, _scalar(new)))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _scalar(value: str) -> str:
    """A plain YAML scalar when it reads back as the same string, else double-quoted."""
    from ruamel.yaml import YAML

    try:
        if YAML(typ="safe").load(f"k: {value}") == {"k": value}:
            return value
    except Exception:  # noqa: BLE001 - any parse problem: quote it
        pass
    return json.dumps(value)


def _load(text: str, name: str = PRE_COMMIT_CONFIG) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        doc = YAML(typ="rt").load(text)
    except YAMLError as e:
        raise FatalError(f"{name}: not valid YAML ({str(e).splitlines()[0]}); fix it, then run init again") from None
    if not isinstance(doc, dict):
        raise FatalError(f"{name}: expected a mapping" + (" with `repos:`" if name == PRE_COMMIT_CONFIG else ""))
    return doc


def _has_other_hooks(doc: Any) -> bool:
    """Whether the config runs hooks besides ours (they need the `pre-commit` hook type pre-commit installs by default)."""
    for r in doc.get("repos") or ():
        for h in (r or {}).get("hooks") or ():
            if not str((h or {}).get("id", "")).startswith("agentops-"):
                return True
    return False


def _has_our_hooks(doc: Any) -> bool:
    for r in doc.get("repos") or ():
        for h in (r or {}).get("hooks") or ():
            if str((h or {}).get("id", "")).startswith("agentops-"):
                return True
    return False


def _add_hook_types(doc: Any, text: str, others: bool = False) -> str:
    """`default_install_hook_types` naming every type our hooks need (a new key goes first, in flow style).

    A new key keeps `pre-commit` (pre-commit's own default) when the config has hooks besides ours.
    """
    if _TYPES_KEY not in doc:
        types = ("pre-commit", *HOOK_TYPES) if others else HOOK_TYPES
        root = yamltext.compose(text)
        lines = text.split("\n")
        at = root.value[0][0].start_mark.line if root is not None and root.value else len(lines)
        lines.insert(at, f"{_TYPES_KEY}: [{', '.join(types)}]")
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
    """What init did, for people: each file, and what in it changed."""
    for c in changes:
        what = _what_changed(c)
        yield f"{'created' if c.before is None else 'updated'} {c.path}" + (f" ({what})" if what else "")


def _what_changed(c: FileEdit) -> str:
    from ruamel.yaml import YAML

    if not c.path.endswith(".yaml"):
        return ""
    try:
        old = YAML(typ="safe").load(c.before or "") or {}
        new = YAML(typ="safe").load(c.after) or {}
    except Exception:  # noqa: BLE001 - the summary never fails a run that wrote the file
        return ""
    if c.path == CONFIG_FILE:
        added = [p for p in new.get("extends") or () if p not in (old.get("extends") or ())]
        return f"extends: {', '.join(added)}" if c.before is None else (f"extends += {', '.join(added)}" if added else "")
    notes = []
    ours = [_our_entry(d) for d in (old, new)]
    if ours[0] is None and ours[1] is not None:
        notes.append(f"added {ours[1].get('repo')} at rev {ours[1].get('rev')}")
    elif ours[0] and ours[1]:
        for key in ("repo", "rev"):
            if ours[0].get(key) != ours[1].get(key):
                notes.append(f"{key} {ours[0].get(key)} -> {ours[1].get(key)}")
    types = [t for t in new.get(_TYPES_KEY) or () if t not in (old.get(_TYPES_KEY) or ())]
    if types:
        notes.append(f"{_TYPES_KEY} += {', '.join(types)}")
    return "; ".join(notes)


def _our_entry(doc: Any) -> dict[str, Any] | None:
    for r in doc.get("repos") or () if isinstance(doc, dict) else ():
        if any(str((h or {}).get("id", "")).startswith("agentops-") for h in (r or {}).get("hooks") or ()):
            return dict(r)
    return None
