"""A valid rule file read by libyaml (C) with ruamel's YAML 1.2 meaning, or None: then ruamel reads it.

ruamel's pure-Python parser costs about 15 ms per rule, and `ci` validates every rule file of the
base on every run (it trusts no cache). libyaml, through PyYAML (which pre-commit already
installs), parses the same text about 15 times faster. It is only a fast path: it returns plain
data for the files it is sure to read exactly as ruamel would, and None for anything else, so
errors (with their positions) and every unusual file still go through ruamel:

- scalars are resolved as YAML 1.2 (ruamel's meaning), not PyYAML's 1.1: `on`, `yes`, `0777`,
  `1:20` stay what ruamel makes of them; any plain scalar that ruamel would read as something other
  than a string, a decimal int, a simple float, a bool or null (octal, hex, underscores,
  exponents, `.inf`, timestamps — the schema sees ruamel's date objects —, `<<`, `=`) gives None;
- duplicate keys, keys that are not scalars, a `%YAML` directive, several documents, anchors,
  aliases, tags and deep nesting give None (ruamel then refuses them with their position);
- libyaml missing (a PyYAML built without it) gives None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"~", "null", "Null", "NULL", ""}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+\Z")
# what else ruamel's 1.2 resolver reads as a non-string (its int, float, timestamp, merge, value forms)
_OTHER = re.compile(
    r"""(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}.*)?|<<|=)\Z""",
    re.X,
)
_STR = "tag:yaml.org,2002:str"


class _Unsure(Exception):
    """This file is one for ruamel."""


def load(text: str, refuse: Callable[[Iterable[Any]], None]) -> Any | None:
    """Plain data (dicts, lists, str, int, float, bool, None) exactly as ruamel + `plain()` give, or None.

    `refuse(events)` is the reader's own check for anchors, tags, nesting and complex keys; any
    error it raises here means None (ruamel then raises it again, with its wording).
    """
    if "%YAML" in text:
        return None
    try:
        import yaml

        loader_cls = yaml.CSafeLoader
    except (ImportError, AttributeError):
        return None
    try:
        refuse(yaml.parse(text, Loader=loader_cls))
        loader = loader_cls(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        return None if node is None else _value(node, set())
    except (_Unsure, Exception):  # noqa: BLE001 — anything unusual is ruamel's to read and word
        return None


def _value(node: Any, seen: set[int]) -> Any:
    if id(node) in seen:  # an alias (the event check refuses them first; this is the safety net)
        raise _Unsure
    seen.add(id(node))
    kind = type(node).__name__
    if kind == "MappingNode":
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node).__name__ != "ScalarNode":
                raise _Unsure
            key = str(_scalar(key_node))
            if key in out:
                raise _Unsure  # ruamel refuses duplicate keys
            out[key] = _value(value_node, seen)
        return out
    if kind == "SequenceNode":
        return [_value(item, seen) for item in node.value]
    return _scalar(node)


def _scalar(node: Any) -> Any:
    text: str = node.value
    if node.style:  # quoted or block: always a string (plain is '' from libyaml, None from PyYAML's Python parser)
        if node.tag != _STR:
            raise _Unsure
        return text
    if text in _BOOL:
        return _BOOL[text]
    if text in _NULL:
        return None
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _OTHER.match(text):
        raise _Unsure
    return text
