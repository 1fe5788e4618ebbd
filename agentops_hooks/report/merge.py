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
    t = _Sums()
    for r in reports:
        t.add(r)
    total, counted = t.total, t.counted
    return {
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
        "agents": dict(sorted(t.agents.items())),
        "agent_checks": {name: doc.agent_check(*n) for name, n in sorted(t.agent_checks.items())},
        "attribution": doc.attribution(*t.attribution),
        "rules": [t.rules[k] for k in sorted(t.rules)],
        "factors": [t.factors[f] for f in doc.FACTORS],
        "weeks": [_reweek(t.weeks[k]) for k in sorted(t.weeks)],
        "sections": t.sections,
        "conventional": total["conventional"],
        "exemptions": {"count": counted["exemptions"], "by": t.waivers, "used": [t.used[k] for k in sorted(t.used)]},
        "findings": {"count": counted["findings"], "items": _latest(reports, "findings", aggregate.KEPT)},
        "spirals": [s for r in reports for s in r["spirals"]],
        "largest_commits": _largest(reports),
        "learnings": {"count": counted["learnings"], "items": _latest(reports, "learnings", aggregate.RECENT)},
        "repositories": [row for r in reports for row in r["repositories"]],
    }


class _Sums:
    """Every count of many reports, added one report at a time."""

    def __init__(self) -> None:
        self.rules: dict[str, Any] = {}
        self.factors: dict[str, Any] = {}
        self.weeks: dict[str, Any] = {}
        self.agents: dict[str, dict[str, int]] = {}
        self.agent_checks: dict[str, list[int]] = {}
        self.attribution = [0, 0, 0]
        self.used: dict[tuple[str, str, str], Any] = {}
        self.total = {k: doc.counts() for k in ("by_verdict", "checked", "failed", "conventional")}
        self.sections = {k: doc.counts() for k in ("commits", *doc.SECTIONS, "complete")}
        self.counted = {k: doc.counts() for k in ("exemptions", "findings", "learnings")}
        self.waivers = dict.fromkeys(doc.WAIVERS, 0)

    def add(self, r: dict[str, Any]) -> None:
        """Add one report's counts."""
        for k in self.total:
            add_counts(self.total[k], r[k])
        for k in self.sections:
            add_counts(self.sections[k], r["sections"][k])
        for name, c in r["agents"].items():
            add_counts(self.agents.setdefault(name, doc.counts()), c)
        for row in r["rules"]:
            _add_keyed(self.rules, row["rule_id"], row, ("checked", "failed"))
        for row in r["factors"]:
            _add_keyed(self.factors, row["factor"], row, ("checked", "failed"))
        for row in r["weeks"]:
            _merge_week(self.weeks, row)
        for row in r["exemptions"]["used"]:
            _add_keyed(self.used, (row["rule_id"], row["by"], row["reason"]), row, ("count",))
        for k in self.counted:
            add_counts(self.counted[k], r[k]["count"])
        for by in doc.WAIVERS:
            self.waivers[by] += r["exemptions"]["by"][by]
        self._add_agents(r)

    def _add_agents(self, r: dict[str, Any]) -> None:
        """Pass rates per agent and attribution notes (absent from reports made before they existed)."""
        for name, c in (r.get("agent_checks") or {}).items():
            n = self.agent_checks.setdefault(name, [0, 0])
            n[0], n[1] = n[0] + c["checked"], n[1] + c["failed"]
        a = r.get("attribution") or {}
        for i, key in enumerate(("commits_with_notes", "ai_lines", "added_lines")):
            self.attribution[i] += a.get(key, 0)


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
