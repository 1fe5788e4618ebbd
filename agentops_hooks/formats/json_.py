"""JSON, SPEC §12 (`schema_version: 1`): every checked commit, streamed one at a time."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from agentops_hooks.formats.common import RunInfo, Totals
from agentops_hooks.model import Checked, CommitResult, Finding, RangeFindings

SCHEMA_VERSION = 1
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every line: dumps makes one per call


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """The document as lines: the head, one line per commit, then range findings and summary."""
    head = {"schema_version": SCHEMA_VERSION, "tool": {"name": "agentops-check", "version": run.version}}
    yield json.dumps(head)[:-1] + ', "commits": ['
    first = True
    range_findings: list[dict[str, Any]] = []
    for result in results:
        if isinstance(result, RangeFindings):
            range_findings += [range_finding_dict(f) for f in result.findings]
            continue
        yield ("  " if first else ", ") + _ENCODE(commit_dict(result))
        first = False
    summary = {
        "commits": totals.commits,
        "findings_by_severity": totals.by_severity,
        "waived": totals.waived,
        "blocking": totals.blocking,
    }
    tail = json.dumps(range_findings, ensure_ascii=False)
    yield '], "range_findings": ' + tail + ', "summary": ' + json.dumps(summary) + "}"


def commit_dict(result: CommitResult) -> dict[str, Any]:
    """One commit with its verdict and findings."""
    c, a = result.commit, result.agent
    return {
        "sha": c.sha,
        "source": c.source,
        "subject": c.message.subject,
        "author": {"name": c.author.name, "email": c.author.email},
        "agent": {
            "is_agent": a.is_agent,
            "kind": a.kind,
            "agents": list(a.agents),
            "reasons": list(a.reasons),
            "roles": list(a.roles),
            "ai_share": a.ai_share,
        },
        "findings": [finding_dict(f) for f in result.findings],
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding in the §12 shape."""
    return {
        "rule_id": f.rule_id,
        "severity": f.severity,
        "factor": f.factor,
        "path": f.path,
        "line": f.line,
        "message": f.message,
        "hint": f.hint,
        "match": f.match,
        "waived": None if f.waived is None else {"by": f.waived.by, "reason": f.waived.reason},
    }


def range_finding_dict(f: Finding) -> dict[str, Any]:
    """A range finding: the finding shape with `commits` in place of `path` and `line`."""
    d = finding_dict(f)
    del d["path"], d["line"]
    return {**d, "commits": list(f.commits)}
