"""`explain ID` and `rules show ID`: what a rule checks, why, its factor, examples, fix and exemption."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from agentops_hooks.formats.common import plural
from agentops_hooks.model import Rule

LINE_KINDS = frozenset({"added-pattern"})  # findings on an added line, which an inline allow comment can waive
_PLACEHOLDER = re.compile(r"\{([a-z_-]+)\}")

FACTORS = {
    "I": "Factor I: commits carry intent, context and learnings",
    "IV": "Factor IV: validate at every step",
    "V": "Factor V: measure everything",
    "VIII": "Factor VIII: humans approve risky changes",
    "IX": "Factor IX: mine history for patterns",
    "XI": "Factor XI: fail-safe checks (new failures become new checks)",
    "XII": "Factor XII: package what works",
}
APPLIES = {
    "all": "every commit",
    "ai": "commits an AI agent made or co-made",
    "automation": "commits of non-AI bots",
    "agent": "commits of AI agents and bots",
    "human": "commits with no agent marker",
}


def explain(rule: Rule) -> Iterator[str]:
    """The rule for people, section by section."""
    yield f"{rule.id} — {rule.kind}, {rule.severity}, from {rule.pack or 'local'} ({rule.origin})"
    yield ""
    yield f"What and why: {rule.description}"
    yield f"Judges: {APPLIES.get(rule.applies_to, rule.applies_to)} (applies-to: {rule.applies_to})"
    if rule.factor:
        yield FACTORS.get(rule.factor, f"Factor {rule.factor}")
    yield f"A finding says: {rendered(rule)}"
    if rule.params:
        yield "Parameters:"
        for key, value in rule.params.items():
            yield f"  {key}: {_show(value)}"
    if rule.hint:
        yield f"How to fix: {rule.hint}"
    if rule.exemptible:
        line = (
            f"; for a line: a comment 'agentops: allow {rule.id} <reason>' (an agent's is reported)"
            if rule.kind in LINE_KINDS
            else ""
        )
        yield (
            f"How to exempt one commit: a person approves it: the trailer 'AgentOps-Exempt: {rule.id}: <reason>"
            " [until=YYYY-MM-DD]' with 'Approved-by: Name <email>' of a person who is not the author (an agent"
            " cannot waive its own finding; under 'approvals: signed' the approver signs a commit carrying"
            f" 'AgentOps-Approve: <sha> {rule.id}'){line}"
        )
    else:
        yield (
            "How to exempt: it cannot be exempted (exemptible: false), nor hidden by exclude or ignore; "
            f"narrow it by name in .agentops.yaml (overrides: {{{rule.id}: {{paths: …}}}}), where reviewers see it"
        )
    examples = rule.examples or {}
    for expect, label in (("fail", "Flagged"), ("pass", "Allowed")):
        cases = examples.get(expect) or []
        if cases:
            yield f"{label} ({plural(len(cases), 'example')}):"
            for case in cases:
                yield f"  - {_case(case)}"
    if rule.redact:
        yield "Matched text is masked in every output (redact: true)."


def rendered(rule: Rule) -> str:
    """The message template as a reader sees it: what the first failing example prints, else `<placeholder>`s."""
    from agentops_hooks import ruletest

    for case in (rule.examples or {}).get("fail") or []:
        try:
            found = ruletest.findings(rule, case)
        except Exception:  # an example the rule cannot run is `rules test`'s to report, not explain's
            break
        if found:
            return f"{found[0].message} (e.g. for {_case(case)})"
    return _PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", rule.message)


def _case(case: Mapping[str, Any]) -> str:
    parts = []
    if "message" in case:
        parts.append(f"message {case['message'].splitlines()[0]!r}" if case["message"] else "empty message")
    for f in case.get("files", ())[:2]:
        added = f.get("added") or []
        line = f" adds {added[0][:70]!r}" if added else ""
        parts.append(f"{f['path']}{line}")
    if case.get("commits"):
        parts.append(f"{len(case['commits'])} commits")
    if "agent" in case:
        parts.append(f"as {case['agent']}")
    return ", ".join(parts) or "(empty case)"


def _show(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (list, dict)) else str(value)
    return text if len(text) <= 160 else text[:157] + "..."
