"""SARIF 2.1.0 for code scanning: one run, rules described, results fingerprinted without lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from agentops_hooks.formats.common import COMMIT_LEVEL_PATH, RunInfo, Totals, about, each_finding, fingerprint
from agentops_hooks.model import Checked, Finding, RangeFindings

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://github.com/agentops-hooks/agentops-hooks"
MIXED = "mixed"  # a range finding about commits of several kinds (human and ai, say)


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """The whole log as one JSON document."""
    kinds: dict[str, str] = {}  # sha → agent kind of every commit seen: a range finding's commits come before it
    items = [_result(r, f, kinds) for r, f in each_finding(_noting(results, kinds))]
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


def _noting(results: Iterable[Checked], kinds: dict[str, str]) -> Iterator[Checked]:
    for result in results:
        if not isinstance(result, RangeFindings) and result.commit.sha:
            kinds[result.commit.sha] = result.agent.kind
        yield result


def _range_agent(f: Finding, kinds: dict[str, str]) -> str | None:
    """The kind of the commits a range finding names: theirs when they agree, `mixed`, or None if unseen."""
    seen = {kinds[sha] for sha in f.commits if sha in kinds}
    return None if not seen else seen.pop() if len(seen) == 1 else MIXED


def _result(result: Checked, f: Finding, kinds: dict[str, str]) -> dict[str, Any]:
    if isinstance(result, RangeFindings):  # no commit of their own: the verdict of the commits they name
        sha, agent = None, _range_agent(f, kinds)
    else:
        sha, agent = result.commit.sha, result.agent.kind
    where = about(result)
    path = f.path or COMMIT_LEVEL_PATH
    line = f.line if f.path is not None and f.line else 1
    text = f.message if f.path is not None else f"{where}: {f.message}"
    item: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": LEVELS[f.severity],
        "message": {"text": text + (f" (hint: {f.hint})" if f.hint else "")},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": path}, "region": {"startLine": line}}}],
        "partialFingerprints": {"agentopsFinding/v1": fingerprint(result, f)},
        "properties": {"commit": sha, "agent": agent, "commits": list(f.commits) or None},
    }
    if f.path is None:
        item["locations"][0]["logicalLocations"] = [{"name": where, "kind": "commit"}]
    if f.waived is not None:
        kind = "inSource" if f.waived.by == "inline" else "external"
        item["suppressions"] = [{"kind": kind, "justification": f"{f.waived.by}: {f.waived.reason}"}]
    return item
