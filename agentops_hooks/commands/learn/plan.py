"""Editing the files: the rule appended to its rule file, the rule file added to `extends`, both validated."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from agentops_hooks import rulefile
from agentops_hooks.commands import yamltext
from agentops_hooks.commands.files import FileEdit
from agentops_hooks.commands.learn.ruletext import flow, render_rule, scalar
from agentops_hooks.errors import FatalError
from agentops_hooks.model import Rule
from agentops_hooks.names import CONFIG_FILE
from agentops_hooks.values import field, frozen

NEW_CONFIG = "version: 1\nextends: [builtin:core, builtin:secrets, {path}]\n"
NEW_RULE_FILE = "version: 1\nrules:\n"
Reader = Callable[[str], str | None]


@frozen
class Proposal:
    """The new rule (compiled from the new file text) and the files to write."""

    rule: Rule
    edits: tuple[FileEdit, ...]
    notes: tuple[str, ...] = field(default=())


def append_rule(path: str, text: str | None, data: Mapping[str, Any]) -> str:
    """The rule file's text with the rule appended to its `rules:` list; every other line kept as it was."""
    if text is None or not text.strip():
        return NEW_RULE_FILE + "\n".join(render_rule(data, 2, 4)) + "\n"
    if not isinstance(rulefile.read_yaml(path, text), Mapping):
        raise FatalError(f"{path}: not a rule file (expected a mapping with `version: 1` and `rules:`)")
    flow_item = "{" + ", ".join(f"{k}: {flow(v)}" for k, v in data.items()) + "}"
    return yamltext.append_item(path, text, "rules", lambda dash, key: render_rule(data, dash, key), flow_item)


def append_extends(path: str, text: str, entry: str) -> str:
    """The config's text with `entry` added to `extends` (as text, so its comments stay)."""
    if not isinstance(rulefile.read_yaml(path, text), Mapping):
        raise FatalError(f"{path}: not a config file (expected a mapping with `version: 1`)")
    item = scalar(entry)
    return yamltext.append_item(path, text, "extends", lambda dash, key: [" " * dash + "- " + item], item)


def plan(
    *,
    toplevel: str,
    config_path: str | None,
    config_files: Sequence[str],
    existing: Iterable[Rule],
    rule_file: str,
    data: Mapping[str, Any],
    read: Reader,
) -> Proposal:
    """Every file edit (rule file, and `.agentops.yaml` when it does not load the rule file yet), validated."""
    rule_id = str(data["id"])
    existing = tuple(existing)
    if rule_id in {r.id for r in existing}:
        raise FatalError(f"a rule with the id '{rule_id}' is already loaded; choose another with --id")
    same = duplicate_of(data, existing)
    if same is not None:
        raise FatalError(
            f"the proposed rule duplicates '{same.id}' ({same.origin}): the same kind and pattern "
            f"{data['pattern']!r}; that rule already catches this (widen its paths, or learn from other lines with --line)"
        )
    rule_abs = os.path.normpath(os.path.join(toplevel, rule_file))
    shown_rule = _rel(rule_abs, toplevel)
    before = read(rule_abs)
    after = append_rule(shown_rule, before, data)
    rule = _proven(shown_rule, after, rule_id)
    edits = [FileEdit(rule_abs, before, after)]
    cfg_abs = os.path.join(toplevel, CONFIG_FILE) if config_path is None else os.path.abspath(config_path)
    if shown_rule in config_files or rule_abs in config_files or rule_abs == cfg_abs:
        return Proposal(rule, tuple(edits))
    cfg_edit = _extends_edit(toplevel, cfg_abs, rule_abs, read)
    return Proposal(
        rule, (*edits, cfg_edit), (f"{_rel(cfg_abs, toplevel)}: extends {_rel(rule_abs, os.path.dirname(cfg_abs))}",)
    )


def duplicate_of(data: Mapping[str, Any], existing: Iterable[Rule]) -> Rule | None:
    """The loaded rule of the same kind with the same pattern as the proposed one, if any."""
    pattern = data.get("pattern")
    for rule in existing:
        if rule.kind == data.get("kind") and pattern is not None and rule.params.get("pattern") == pattern:
            return rule
    return None


def _proven(shown: str, text: str, rule_id: str) -> Rule:
    """The new rule compiled from the whole new file text (re-parsed, validated), its examples holding."""
    from agentops_hooks import ruletest

    doc = rulefile.load_text(shown, text)
    raw = next(r for r in doc["rules"] if r.get("id") == rule_id)
    rule = rulefile.compile_rule(shown, raw, "local", origin=f"{shown} rule #{len(doc['rules'])}")
    failed = [o for o in ruletest.run([rule]) if o.problem and not o.problem.startswith("untested")]
    if failed:
        raise FatalError(
            f"the proposed rule's examples do not hold ({failed[0].case}: {failed[0].problem}); "
            "adjust --pattern or choose lines with --line"
        )
    return rule


def _extends_edit(toplevel: str, cfg_abs: str, rule_abs: str, read: Reader) -> FileEdit:
    """The config made to extend the rule file (a new config when there is none), validated."""
    entry = _rel(rule_abs, os.path.dirname(cfg_abs))
    cfg_before = read(cfg_abs)
    if cfg_before is None:
        cfg_after = NEW_CONFIG.format(path=entry)
    else:
        cfg_after = append_extends(_rel(cfg_abs, toplevel), cfg_before, entry)
    rulefile.load_text(_rel(cfg_abs, toplevel), cfg_after)
    return FileEdit(cfg_abs, cfg_before, cfg_after)


def _rel(path: str, base: str) -> str:
    rel = os.path.relpath(path, base).replace(os.sep, "/")
    return path if rel.startswith("../") else rel
