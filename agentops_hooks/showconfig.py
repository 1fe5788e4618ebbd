"""`config show`: the effective rules and settings, each with where it was set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from agentops_hooks.config import Config
from agentops_hooks.formats.common import plural


def text(cfg: Config) -> Iterator[str]:
    """Lines for people: the config file, then each rule with the source of each setting."""
    yield f"config: {cfg.path or '(none: the defaults builtin:core and builtin:secrets)'}"
    yield f"files read: {', '.join(cfg.files) or '-'}"
    yield f"{plural(len(cfg.rules), 'rule')}:"
    for rule in cfg.rules:
        set_by = cfg.provenance.get(rule.id, {})
        yield f"  {rule.id}  ({rule.kind}, {rule.origin})"
        values = {
            "severity": rule.severity,
            "applies-to": rule.applies_to,
            "exemptible": rule.exemptible,
            "redact": rule.redact,
            "factor": rule.factor,
            **(rule.params or {}),
        }
        for key, value in values.items():
            if value is None:
                continue
            source = set_by.get(key, "default")
            yield f"    {key}: {_show(value)}    [{source}]"
    for rid, where in cfg.disabled:
        yield f"disabled: {rid}    [{where}]"
    yield f"exclude: {', '.join(cfg.exclude.globs) if cfg.exclude else '-'}"
    yield f"ignore: authors {_show(list(cfg.ignore_authors))}, subjects {_show([p.pattern for p in cfg.ignore_subjects])}"
    agents = cfg.agents
    yield (
        f"agents: builtin-signatures {_show(agents.get('builtin-signatures', True))}, "
        f"{plural(len(agents.get('signatures') or []), 'extra signature')}, "
        f"stamp-trailer {_show(agents.get('stamp-trailer', False))}"
    )
    yield f"include-merges: {_show(cfg.include_merges)}"


def as_json(cfg: Config) -> str:
    """The same as one JSON document."""
    doc: dict[str, Any] = {
        "config": cfg.path,
        "files": list(cfg.files),
        "rules": [
            {
                "id": r.id,
                "kind": r.kind,
                "pack": r.pack,
                "origin": r.origin,
                "severity": r.severity,
                "applies_to": r.applies_to,
                "exemptible": r.exemptible,
                "params": r.params,
                "set_by": cfg.provenance.get(r.id, {}),
            }
            for r in cfg.rules
        ],
        "disabled": [{"id": rid, "by": where} for rid, where in cfg.disabled],
        "include_merges": cfg.include_merges,
    }
    return json.dumps(doc, indent=2)


def _show(value: Any) -> str:
    """A value as YAML writes it: `true`, `null`, `["a", "b"]`; a plain string as it is."""
    return value if isinstance(value, str) else json.dumps(value)
