"""The report as OpenMetrics text (Factor V): gauges a dashboard scrapes or a textfile collector reads.

Every value is a gauge over the range the report covers (not a counter: a report is a snapshot,
and a shorter range gives smaller numbers). One metric family per question, labels for the
verdict, agent, rule, factor and section; `# EOF` ends the exposition, as the format requires.
https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentops_hooks.report import gates
from agentops_hooks.report.document import SECTIONS, VERDICTS

PREFIX = "agentops_"


def render(report: dict[str, Any]) -> Iterator[str]:
    """The exposition: HELP and TYPE before each family's samples, then `# EOF`."""
    repo = {"repository": str(report["repository"])}
    for name, help_text, samples in _families(report):
        yield f"# HELP {PREFIX}{name} {help_text}"
        yield f"# TYPE {PREFIX}{name} gauge"
        for labels, value in samples:
            yield f"{PREFIX}{name}{_labels({**repo, **labels})} {_number(value)}"
    yield "# EOF"


Sample = tuple[dict[str, str], float]


def _families(report: dict[str, Any]) -> Iterator[tuple[str, str, list[Sample]]]:
    def per_verdict(counts: dict[str, int]) -> list[Sample]:
        return [({"verdict": v}, counts[v]) for v in VERDICTS]

    yield "commits", "Commits in the range, by verdict.", per_verdict(report["by_verdict"])
    yield "checked_commits", "Commits some rule judged, by verdict.", per_verdict(report["checked"])
    yield "failed_commits", "Commits with an unwaived finding, by verdict.", per_verdict(report["failed"])
    yield "agent_share", "Share of commits made by AI agents or automation.", [({}, report["agent_share"])]
    yield "findings", "Unwaived findings, by verdict.", per_verdict(report["findings"]["count"])
    yield "exemptions", "Waived findings, by verdict.", per_verdict(report["exemptions"]["count"])
    yield "learnings", "Commits with a Learning section, by verdict.", per_verdict(report["learnings"]["count"])
    yield "spirals", "Range findings (spirals and other range rules) in the range.", [({}, len(report["spirals"]))]
    sections = report["sections"]
    yield "section_commits", "Commits carrying each message section with content, by verdict.", [
        ({"section": s, "verdict": v}, sections[s][v]) for s in (*SECTIONS, "complete") for v in VERDICTS
    ]
    checks = report.get("agent_checks") or {}
    yield "agent_pass_rate", "Share of an agent's judged commits with no unwaived finding.", [
        ({"agent": name}, c["pass_rate"]) for name, c in checks.items()
    ]
    yield "rule_failed_commits", "Commits a rule failed, by verdict.", [
        ({"rule_id": r["rule_id"], "factor": r["factor"] or "", "verdict": v}, r["failed"][v])
        for r in report["rules"]
        for v in VERDICTS
    ]
    yield "factor_failed_commits", "Commits failing some rule of a 12-Factor AgentOps factor, by verdict.", [
        ({"factor": f["factor"], "verdict": v}, f["failed"][v]) for f in report["factors"] for v in VERDICTS
    ]
    yield "gate", "The values --fail-under can gate on (absent: nothing to measure in the range).", [
        ({"name": n}, v) for n in gates.GATES if (v := gates.value(report, n)) is not None
    ]


def _labels(labels: dict[str, str]) -> str:
    """`{k="v",...}` with backslash, quote and newline escaped, as the text format asks."""
    if not labels:
        return ""
    esc = {k: v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") for k, v in labels.items()}
    return "{" + ",".join(f'{k}="{v}"' for k, v in esc.items()) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
