"""The built-in packs validated at build time: a hook reads their data, not their YAML.

The packs are shipped code, so they are validated when the package is made (`python -m
agentops_hooks.docsgen --write` writes `agentops_hooks/prebuilt/<name>.json`; a test fails when a
file is not what the pack's YAML gives now), not on every hook run, and not in `ci` either:
no YAML parse, no JSON Schema, on any run.

A rule's `examples` are kept apart, in `<name>.examples` (a line per rule: base64 of their JSON),
read when `rules test` or `explain` first asks: a hook never does (they are most of a pack's
bytes), and the fake keys of the secrets packs' examples are not spelled out in a second file
for every scanner to find.

A prebuilt file is read only for a `builtin:NAME` the config extends, only from this package's
own folder (never from a repository: the path is not something a config can name), and only when
its first line records the digest of exactly the bytes the loader read for the pack. Any other
bytes (a checkout whose YAML was edited, a wheel whose files differ) are validated as any rule
file is: the prebuilt data is only ever what validating those same bytes gives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from agentops_hooks.errors import FatalError
from agentops_hooks.hashing import digest
from agentops_hooks.values import Deferred

FORMAT = 2  # bump when the shape of a prebuilt file changes
FOLDER = os.path.join(os.path.dirname(os.path.realpath(__file__)), "prebuilt")


def path(name: str, part: str = "json") -> str:
    """This package's prebuilt file of `builtin:NAME` (`part` "examples": its examples)."""
    return os.path.join(FOLDER, f"{name}.{part}")


def doc(name: str, source: bytes) -> dict[str, Any] | None:
    """The validated data of `builtin:NAME` when its prebuilt file was made from exactly `source`; else None."""
    try:
        with open(path(name), "rb") as f:
            head, _, body = f.read().partition(b"\n")
        meta = json.loads(head)
        if not isinstance(meta, dict) or meta != {**meta, **_meta(name, source)}:
            return None
        top, _, rules = body.partition(b"\n")
        data = json.loads(top)
        if meta["rules"] is not None:
            data["rules"] = json.loads(b"[" + b",".join(rules.splitlines()) + b"]")
            shelf = _Shelf(name, meta["examples"])
            for i, rule in enumerate(data["rules"]):
                if rule.pop("examples", None):  # True: the rule has examples, on the shelf
                    rule["examples"] = _examples(shelf, i)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _examples(shelf: _Shelf, i: int) -> Deferred:
    """The examples of the pack's rule number `i`, decoded from its line on the shelf when first read."""

    def decode() -> dict[str, Any]:
        import binascii

        examples: dict[str, Any] = json.loads(binascii.a2b_base64(shelf.line(i)))
        return examples

    return Deferred(decode)


class _Shelf:
    """A pack's examples file, read (and checked against the digest its prebuilt file records) on first use."""

    __slots__ = ("name", "digest", "lines")

    def __init__(self, name: str, recorded: str) -> None:
        self.name, self.digest = name, recorded
        self.lines: list[bytes] | None = None

    def line(self, i: int) -> bytes:
        if self.lines is None:
            with open(path(self.name, "examples"), "rb") as f:
                data = f.read()
            if digest(data) != self.digest:
                raise FatalError(
                    f"{path(self.name, 'examples')}: not the examples of builtin:{self.name} this package was built with;"
                    " reinstall agentops-hooks"
                )
            self.lines = data.split(b"\n")
        return self.lines[i]


def render(name: str, source: bytes, data: Mapping[str, Any]) -> dict[str, str]:
    """The prebuilt files of a pack from its YAML bytes and their validated data, by part: "json", a
    line of what it was made from, the pack's keys but its rules, then one rule a line (a change
    reads as a diff; `examples: true` where the rule has them); "examples", their line per rule."""
    import binascii

    rules = data.get("rules")
    shelf = "\n".join(
        binascii.b2a_base64(_json(r["examples"]).encode("utf-8"), newline=False).decode("ascii") if "examples" in r else ""
        for r in rules or ()
    )
    meta = {**_meta(name, source), "rules": None if rules is None else len(rules), "examples": digest(shelf.encode())}
    top = {k: v for k, v in data.items() if k != "rules"}
    lines = [_json(meta), _json(top), *(_json({**r, "examples": True} if "examples" in r else r) for r in rules or ())]
    return {"json": "\n".join(lines) + "\n", "examples": shelf}


def build(name: str, source: bytes) -> dict[str, str]:
    """Validate the pack's YAML now, as a user's rule file is (no cache), and render its prebuilt files."""
    from agentops_hooks import rulefile

    return render(name, source, rulefile.load_rules(f"builtin:{name}", source.decode("utf-8"), use_cache=False)[0])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _meta(name: str, source: bytes) -> dict[str, Any]:
    return {"pack": name, "format": FORMAT, "source": digest(source)}
