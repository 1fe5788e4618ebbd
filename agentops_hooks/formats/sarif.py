"""SARIF 2.1.0 for code scanning: one run, rules described, results fingerprinted without lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from agentops_hooks.formats.common import RunInfo, Totals, each_finding, fingerprint, message_location
from agentops_hooks.model import AgentVerdict, Checked, Finding, RangeFindings
from agentops_hooks.names import CONFIG_FILE

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://github.com/agentops-hooks/agentops-hooks"
FALLBACK_URI = CONFIG_FILE  # a result needs a file: a range finding with no file points at the config


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """The whole log as one JSON document."""
    items = [_result(r, f) for r, f in each_finding(results)]
    ids = sorted({i["ruleId"] for i in items})
    for item in items:
        item["ruleIndex"] = ids.index(item["ruleId"])
    driver = {
        "name": "agentops-check",
        "version": run.version,
        "semanticVersion": run.version,
        "informationUri": INFO_URI,
        "rules": [_rule(rid, run) for rid in ids],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": items}]}
    yield json.dumps(log, indent=2, ensure_ascii=False)


def _rule(rid: str, run: RunInfo) -> dict[str, Any]:
    doc = run.rules.get(rid)
    desc = doc.description if doc else rid
    rule: dict[str, Any] = {
        "id": rid,
        "name": "".join(part.title() for part in rid.split("-")),
        "shortDescription": {"text": desc},
        "fullDescription": {"text": desc},
        "defaultConfiguration": {"level": LEVELS.get(doc.severity if doc else "warning", "warning")},
        "properties": {"tags": ["agentops"] + ([f"factor-{doc.factor}"] if doc and doc.factor else [])},
    }
    if doc and doc.hint:
        rule["help"] = {"text": doc.hint}
    return rule


def _result(result: Checked, f: Finding) -> dict[str, Any]:
    if isinstance(result, RangeFindings):  # no commit, no verdict of their own
        sha, agent, where = None, AgentVerdict().kind, "the range"
    else:
        sha, agent, where = result.commit.sha, result.agent.kind, f"commit {result.commit.short}"
    path = f.path or message_location(result) or FALLBACK_URI
    line = f.line if f.path is not None and f.line else 1
    text = f.message if f.path is not None else f"{where} message: {f.message}"
    item: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": LEVELS[f.severity],
        "message": {"text": text + (f" (hint: {f.hint})" if f.hint else "")},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": path}, "region": {"startLine": line}}}],
        "partialFingerprints": {"agentopsFinding/v1": fingerprint(result, f)},
        "properties": {"commit": sha, "agent": agent, "commits": list(f.commits) or None},
    }
    if f.path is None:
        item["locations"][0]["logicalLocations"] = [{"name": f"{where} message", "kind": "commitMessage"}]
    if f.waived is not None:
        kind = "inSource" if f.waived.by == "inline" else "external"
        item["suppressions"] = [{"kind": kind, "justification": f"{f.waived.by}: {f.waived.reason}"}]
    return item
