"""GitLab Code Quality report: a JSON array of issues with stable fingerprints."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from agentops_hooks.formats.common import COMMIT_LEVEL_PATH, RunInfo, Totals, about, each_finding, fingerprint
from agentops_hooks.model import Checked

SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """Every unwaived finding as a Code Quality issue (one JSON array)."""
    issues = []
    for result, f in each_finding(results):
        if f.waived is not None:
            continue
        path = f.path or COMMIT_LEVEL_PATH
        line = f.line if f.path and f.line else 1
        where = "" if f.path else f"{about(result)}: "
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
