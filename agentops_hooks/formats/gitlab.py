"""GitLab Code Quality report: a JSON array of issues with stable fingerprints."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from agentops_hooks.formats.common import RunInfo, Totals, each_finding, fingerprint, message_location
from agentops_hooks.model import Checked, RangeFindings
from agentops_hooks.names import CONFIG_FILE

SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}
RANGE_SHORT = "staged"  # what a range finding without a file has always been called here (kept byte for byte)


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """Every unwaived finding as a Code Quality issue (one JSON array)."""
    issues = []
    for result, f in each_finding(results):
        if f.waived is not None:
            continue
        path = f.path or message_location(result) or CONFIG_FILE
        line = f.line if f.path and f.line else 1
        short = RANGE_SHORT if isinstance(result, RangeFindings) else result.commit.short
        where = "" if f.path else f"commit {short} message: "
        issues.append(
            {
                "description": f"{where}{f.message}",
                "check_name": f.rule_id,
                "fingerprint": fingerprint(result, f)[:32],
                "severity": SEVERITY[f.severity],
                "location": {"path": path, "lines": {"begin": line}},
            }
        )
    yield json.dumps(issues, indent=2, ensure_ascii=False)
