"""`report --fail-under NAME=VALUE`: a trend turned into a CI gate (Factor V).

Each gate is a share from 0 to 1 read off the report's document; a range where it measures
nothing (no agent commits, say) has no value and does not fail. `rule:ID` is one rule's pass rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from agentops_hooks.report.document import SECTIONS

Gate = Callable[[dict[str, Any]], float | None]
AGENT = ("ai", "automation")


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _pass_rate(report: dict[str, Any], verdicts: Sequence[str]) -> float | None:
    checked = sum(report["checked"][v] for v in verdicts)
    return _share(checked - sum(report["failed"][v] for v in verdicts), checked)


GATES: dict[str, tuple[Gate, str]] = {
    "pass-rate": (lambda r: _pass_rate(r, ("ai", "automation", "human")), "judged commits with no unwaived finding"),
    "agent-pass-rate": (lambda r: _pass_rate(r, AGENT), "judged agent commits with no unwaived finding"),
    "section-completeness": (
        lambda r: _share(r["sections"]["complete"]["ai"], r["by_verdict"]["ai"]),
        "AI commits carrying all of " + ", ".join(SECTIONS),
    ),
    "learning-share": (
        lambda r: _share(r["learnings"]["count"]["ai"], r["by_verdict"]["ai"]),
        "AI commits with a Learning section",
    ),
}


def parse(specs: Sequence[str]) -> list[tuple[str, float]]:
    """`NAME=VALUE` pairs (VALUE a share such as 0.8, or a percentage such as 80%); ValueError says what is wrong."""
    out = []
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip()
        if not sep or (name not in GATES and not name.startswith("rule:")):
            known = ", ".join([*GATES, "rule:ID"])
            raise ValueError(f"--fail-under {spec!r}: expected NAME=VALUE with NAME one of {known}")
        try:
            value = float(raw.strip().rstrip("%")) / (100 if raw.strip().endswith("%") else 1)
        except ValueError:
            raise ValueError(f"--fail-under {spec!r}: {raw!r} is not a number (0.8 or 80%)") from None
        if not 0 <= value <= 1:
            raise ValueError(f"--fail-under {spec!r}: a share is between 0 and 1 (or 0% and 100%)")
        out.append((name, value))
    return out


def value(report: dict[str, Any], name: str) -> float | None:
    """The gate's value in this report; None when the range measures nothing for it."""
    if name.startswith("rule:"):
        rule = next((r for r in report["rules"] if r["rule_id"] == name[5:]), None)
        if rule is None:
            return None
        checked = sum(rule["checked"].values())
        return _share(checked - sum(rule["failed"].values()), checked)
    return GATES[name][0](report)


def judge(report: dict[str, Any], wanted: Sequence[tuple[str, float]]) -> Iterator[tuple[bool, str]]:
    """(failed, the line to print) per gate."""
    for name, least in wanted:
        got = value(report, name)
        if got is None:
            yield False, f"report: {name}: nothing to measure in this range (not gated)"
        elif got < least:
            yield True, f"report: {name} is {got:.2%}, under {least:.2%} (--fail-under)"
        else:
            yield False, f"report: {name} is {got:.2%}, at least {least:.2%}"
