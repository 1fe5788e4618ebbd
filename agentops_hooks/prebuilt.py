"""The built-in packs validated at build time: a hook reads their data, not their YAML.

The packs are shipped code, so they are validated when the package is made (`python -m
agentops_hooks.docsgen --write` writes `agentops_hooks/prebuilt/<name>.json`; a test fails when a
file is not what the pack's YAML gives now), not on every hook run, and not in `ci` either:
no YAML parse, no JSON Schema, on any run.

A rule's `examples` are kept as base64 of their JSON, decoded when `rules test` or `explain`
first reads them: a hook never does, and the fake keys of the secrets packs' examples are not
spelled out in a second file for every scanner to find.

A prebuilt file is read only for a `builtin:NAME` the config extends, only from this package's
own folder (never from a repository: the path is not something a config can name), and only when
its first line records the digest of exactly the bytes the loader read for the pack. Any other
bytes (a checkout whose YAML was edited, a wheel whose files differ) are validated as any rule
file is: the prebuilt data is only ever what validating those same bytes gives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

from agentops_hooks.hashing import digest

FORMAT = 1  # bump when the shape of a prebuilt file changes
FOLDER = os.path.join(os.path.dirname(os.path.realpath(__file__)), "prebuilt")


def path(name: str) -> str:
    """This package's prebuilt file of `builtin:NAME`."""
    return os.path.join(FOLDER, f"{name}.json")


def doc(name: str, source: bytes) -> dict[str, Any] | None:
    """The validated data of `builtin:NAME` when its prebuilt file was made from exactly `source`; else None."""
    try:
        with open(path(name), "rb") as f:
            head, _, body = f.read().partition(b"\n")
        meta = json.loads(head)
        if meta != _meta(name, source, meta.get("rules") if isinstance(meta, dict) else None):
            return None
        top, _, rules = body.partition(b"\n")
        data = json.loads(top)
        if meta["rules"] is not None:
            data["rules"] = json.loads(b"[" + b",".join(rules.splitlines()) + b"]")
            for rule in data["rules"]:
                if "examples" in rule:
                    rule["examples"] = Examples(rule["examples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) else None


class Examples(Mapping[str, Any]):
    """A rule's `examples` as its prebuilt file keeps them (base64 of their JSON), decoded on first read."""

    __slots__ = ("_encoded", "_value")

    def __init__(self, encoded: str) -> None:
        self._encoded = encoded
        self._value: dict[str, Any] | None = None

    def _get(self) -> dict[str, Any]:
        if self._value is None:
            import binascii

            self._value = json.loads(binascii.a2b_base64(self._encoded))
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


def render(name: str, source: bytes, data: dict[str, Any]) -> str:
    """The prebuilt file of a pack from its YAML bytes and their validated data: a line of what it
    was made from, the pack's keys but its rules, then one rule a line (a change reads as a diff)."""
    rules = data.get("rules")
    top = {k: v for k, v in data.items() if k != "rules"}
    lines = [_json(_meta(name, source, None if rules is None else len(rules))), _json(top)]
    return "\n".join([*lines, *(_json(_encoded(r)) for r in rules or ())]) + "\n"


def _encoded(rule: Mapping[str, Any]) -> dict[str, Any]:
    import binascii

    if "examples" not in rule:
        return dict(rule)
    examples = binascii.b2a_base64(_json(rule["examples"]).encode("utf-8"), newline=False).decode("ascii")
    return {**rule, "examples": examples}


def build(name: str, source: bytes) -> str:
    """Validate the pack's YAML now, as a user's rule file is (no cache), and render its prebuilt file."""
    from agentops_hooks import rulefile

    return render(name, source, rulefile.load_rules(f"builtin:{name}", source.decode("utf-8"), use_cache=False)[0])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _meta(name: str, source: bytes, rules: Any) -> dict[str, Any]:
    return {"pack": name, "format": FORMAT, "source": digest(source), "rules": rules}
