"""Many repositories' JSON reports as one: every count is the sum of the parts, shares are re-derived."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from agentops_hooks.report import aggregate
from agentops_hooks.report import document as doc


def add_counts(into: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    """Per-verdict counts added into the first."""
    for v in doc.VERDICTS:
        into[v] += more[v]
    return into


def _add_keyed(into: dict[Any, Any], key: Any, row: dict[str, Any], fields: Sequence[str]) -> None:
    if key not in into:
        into[key] = copy.deepcopy(row)
        return
    for name in fields:
        add_counts(into[key][name], row[name])


def merge(reports: Sequence[dict[str, Any]], version: str) -> dict[str, Any]:
    """One report over all the given ones, with a row per repository."""
    rules: dict[str, Any] = {}
    factors: dict[str, Any] = {}
    weeks: dict[str, Any] = {}
    agents: dict[str, dict[str, int]] = {}
    used: dict[tuple[str, str, str], Any] = {}
    total = {k: doc.counts() for k in ("by_verdict", "checked", "failed", "conventional")}
    sections = {k: doc.counts() for k in ("commits", *doc.SECTIONS, "complete")}
    counted = {k: doc.counts() for k in ("exemptions", "findings", "learnings")}
    waivers = dict.fromkeys(doc.WAIVERS, 0)
    for r in reports:
        for k in ("by_verdict", "checked", "failed", "conventional"):
            add_counts(total[k], r[k])
        for k in sections:
            add_counts(sections[k], r["sections"][k])
        for name, c in r["agents"].items():
            add_counts(agents.setdefault(name, doc.counts()), c)
        for row in r["rules"]:
            _add_keyed(rules, row["rule_id"], row, ("checked", "failed"))
        for row in r["factors"]:
            _add_keyed(factors, row["factor"], row, ("checked", "failed"))
        for row in r["weeks"]:
            _merge_week(weeks, row)
        for row in r["exemptions"]["used"]:
            _add_keyed(used, (row["rule_id"], row["by"], row["reason"]), row, ("count",))
        for k, section in (("exemptions", "exemptions"), ("findings", "findings"), ("learnings", "learnings")):
            add_counts(counted[k], r[section]["count"])
        for by in doc.WAIVERS:
            waivers[by] += r["exemptions"]["by"][by]
    merged: dict[str, Any] = {
        "schema_version": doc.SCHEMA_VERSION,
        "tool": {"name": "agentops-hooks", "version": version},
        "repository": f"{len(reports)} repositories",
        "commit_url": None,
        "range": None,
        "commits": sum(total["by_verdict"].values()),
        "by_verdict": total["by_verdict"],
        "checked": total["checked"],
        "failed": total["failed"],
        **doc.derived(total["by_verdict"]),
        "agents": dict(sorted(agents.items())),
        "rules": [rules[k] for k in sorted(rules)],
        "factors": [factors[f] for f in doc.FACTORS],
        "weeks": [_reweek(weeks[k]) for k in sorted(weeks)],
        "sections": sections,
        "conventional": total["conventional"],
        "exemptions": {"count": counted["exemptions"], "by": waivers, "used": [used[k] for k in sorted(used)]},
        "findings": {"count": counted["findings"], "items": _latest(reports, "findings", aggregate.KEPT)},
        "spirals": [s for r in reports for s in r["spirals"]],
        "largest_commits": _largest(reports),
        "learnings": {"count": counted["learnings"], "items": _latest(reports, "learnings", aggregate.RECENT)},
        "repositories": [row for r in reports for row in r["repositories"]],
    }
    return merged


def _merge_week(weeks: dict[str, Any], row: dict[str, Any]) -> None:
    if row["week"] not in weeks:
        weeks[row["week"]] = copy.deepcopy(row)
        return
    w = weeks[row["week"]]
    for k in ("by_verdict", "checked", "failed"):
        add_counts(w[k], row[k])
    for name, c in row["agents"].items():
        add_counts(w["agents"].setdefault(name, doc.counts()), c)


def _reweek(w: dict[str, Any]) -> dict[str, Any]:
    return {**w, "commits": sum(w["by_verdict"].values()), "agents": dict(sorted(w["agents"].items()))} | doc.derived(
        w["by_verdict"]
    )


def _latest(reports: Sequence[dict[str, Any]], section: str, keep: int) -> list[dict[str, Any]]:
    items = [i for r in reports for i in r[section]["items"]]
    return sorted(items, key=lambda i: i["date"] or "")[-keep:]


def _largest(reports: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    items = [i for r in reports for i in r["largest_commits"]]
    return sorted(items, key=lambda i: -(i["added"] + i["removed"]))[: aggregate.TOP]
