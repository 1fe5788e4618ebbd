"""Building the rule: plain data in the order a reader expects, then that data as block-style YAML lines."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_][\w./-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def rule_data(
    *,
    rule_id: str,
    kind: str,
    pattern: str,
    include: Sequence[str],
    message: str,
    hint: str,
    severity: str,
    applies_to: str,
    description: str = "",
    keywords: Sequence[str] = (),
    redact: bool = False,
    fail: Sequence[Mapping[str, Any]] = (),
    passing: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The rule as plain data, keys in the order a reader expects."""
    data: dict[str, Any] = {"id": rule_id, "kind": kind, "description": description or describe(message)}
    data["message"] = message
    if hint:
        data["hint"] = hint
    data["severity"] = severity
    if applies_to != "all":
        data["applies-to"] = applies_to
    if redact:
        data["redact"] = True
    if keywords:
        data["keywords"] = list(keywords)
    data["pattern"] = pattern
    if include:
        data["paths"] = {"include": list(include)}
    if examples := _examples(applies_to, fail, passing):
        data["examples"] = examples
    return data


def _examples(
    applies_to: str, fail: Sequence[Mapping[str, Any]], passing: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """`fail:` and `pass:` cases, each made by the kind of author the rule applies to."""
    who = {"all": None, "agent": "ai"}.get(applies_to, applies_to)
    examples: dict[str, Any] = {}
    if fail:
        examples["fail"] = [_as(c, who) for c in fail]
    if passing:
        examples["pass"] = [_as(c, who) for c in passing]
    return examples


def _as(case: Mapping[str, Any], who: str | None) -> Mapping[str, Any]:
    return case if who is None or "agent" in case else {"agent": who, **case}


def describe(message: str) -> str:
    """A one-sentence description from the message: placeholders dropped."""
    text = re.sub(r"(?:\s+(?:in|at|on|from|of))?\s*\{[\w-]+\}", "", message)
    text = re.sub(r"\s*:\s*(?=$|[.,;])", "", text)
    text = re.sub(r"^[\s:,.;-]+|[\s:,;-]+$", "", re.sub(r"\s{2,}", " ", text))
    text = text[:1].upper() + text[1:]
    return (text if text.endswith(".") else text + ".") if text else "A rule learned from an incident."


def scalar(value: Any) -> str:
    """One YAML scalar: plain when safe, else single-quoted (backslashes stay literal), else JSON-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    if text and text.isprintable() and "'" not in text and text == text.strip():
        return f"'{text}'"  # single quotes keep backslashes literal: patterns stay readable
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def flow(value: Any) -> str:
    """A value in YAML flow style (one line)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def _case(case: Mapping[str, Any]) -> str:
    """`files: [...]` for a one-key case, else one flow mapping."""
    if len(case) == 1:
        ((k, v),) = case.items()
        return f"{k}: {flow(v)}"
    return flow(case)


def render_rule(data: Mapping[str, Any], dash: int, key: int) -> list[str]:
    """The rule as block-style lines: `- ` at column `dash`, its keys at column `key`."""
    pad, sub = " " * key, " " * (key + 2)
    lines: list[str] = []
    for i, (k, v) in enumerate(data.items()):
        lead = " " * dash + "- " + " " * (key - dash - 2) if i == 0 else pad
        if k == "paths":
            lines.append(f"{lead}{k}:")
            lines += [f"{sub}{pk}: {flow(pv)}" for pk, pv in v.items()]
        elif k == "examples":
            lines.append(f"{lead}{k}:")
            for ek, cases in v.items():
                lines.append(f"{sub}{ek}:")
                lines += [f"{sub}  - {_case(case)}" for case in cases]
        else:
            lines.append(f"{lead}{k}: {flow(v)}")
    return lines
