"""The report's JSON document (schema_version 1): its vocabulary, its items and its derived shares."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agentops_hooks.model import Commit, Finding

if TYPE_CHECKING:
    from agentops_hooks.report.aggregate import Accumulator, Week

SCHEMA_VERSION = 1
VERDICTS = ("ai", "automation", "human")
SECTIONS = ("Context", "Solution", "Learning", "Impact")
FACTORS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
WAIVERS = ("trailer", "inline", "ignore-file")


def counts() -> dict[str, int]:
    """A zero count per verdict."""
    return dict.fromkeys(VERDICTS, 0)


def checked_failed() -> dict[str, dict[str, int]]:
    """Checked and failed commits, per verdict."""
    return {"checked": counts(), "failed": counts()}


def iso_week(date: str) -> str:
    """The ISO week (`2024-W03`) of an ISO 8601 date, in the date's own time zone."""
    try:
        year, week, _ = datetime.date.fromisoformat(date[:10]).isocalendar()
    except ValueError:
        return "unknown"
    return f"{year}-W{week:02d}"


def ratio(part: int, whole: int) -> float:
    """part / whole rounded to 4 places; 0.0 for an empty whole."""
    return round(part / whole, 4) if whole else 0.0


def derived(by_verdict: dict[str, int]) -> dict[str, float]:
    """agent_share ((ai + automation) / commits) and ai_share of a verdict count."""
    total = sum(by_verdict.values())
    agent = by_verdict["ai"] + by_verdict["automation"]
    return {"agent_share": ratio(agent, total), "ai_share": ratio(by_verdict["ai"], total)}


def commit_item(commit: Commit, verdict: str, **extra: Any) -> dict[str, Any]:
    """A commit as list items show it."""
    return {
        "sha": commit.sha,
        "date": commit.committer.date,
        "subject": commit.message.subject,
        "verdict": verdict,
    } | extra


def finding_item(f: Finding, commit: Commit, verdict: str) -> dict[str, Any]:
    """One finding of the table: its commit, rule, place and whether it was waived."""
    waived = {"by": f.waived.by, "reason": f.waived.reason} if f.waived else None
    return commit_item(
        commit, verdict, rule_id=f.rule_id, severity=f.severity, path=f.path, line=f.line, message=f.message
    ) | {"waived": waived}


def spiral_item(f: Finding, verdict: str) -> dict[str, Any]:
    """A range finding (a spiral) with the commits involved."""
    waived = {"by": f.waived.by, "reason": f.waived.reason} if f.waived else None
    return {
        "rule_id": f.rule_id,
        "message": f.message,
        "commits": list(f.commits),
        "verdict": verdict,
        "waived": waived,
    }


def build(acc: Accumulator, meta: dict[str, Any]) -> dict[str, Any]:
    """The document from an accumulator's counts and the run's facts (tool, repository, range)."""
    shared: dict[tuple[int, ...], dict[str, int]] = {}
    weeks = [week_row(k, acc.weeks.pop(k), shared) for k in sorted(acc.weeks)]  # each week's counts become its row
    rules = {r.id: r for r in acc.rules}
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "agentops-hooks", "version": meta["version"]},
        "repository": meta["repository"],
        "commit_url": meta.get("commit_url"),
        "range": meta.get("range"),
        "commits": sum(acc.commits.values()),
        "by_verdict": dict(acc.commits),
        "checked": acc.checked,
        "failed": acc.failed,
        **derived(acc.commits),
        "agents": dict(sorted(acc.agents.items())),
        "agent_checks": {name: agent_check(*n) for name, n in sorted(acc.agent_checks.items())},
        "attribution": attribution(*acc.attribution),
        "rules": [
            {
                "rule_id": rid,
                "factor": rules[rid].factor if rid in rules else None,
                "severity": rules[rid].severity if rid in rules else None,
                **c,
            }
            for rid, c in sorted(acc.rule_counts.items())
        ],
        "factors": [{"factor": f, **acc.factor_counts[f]} for f in FACTORS],
        "weeks": weeks,
        "sections": {"commits": dict(acc.commits), **acc.sections},
        "conventional": acc.conventional,
        "exemptions": exemptions(acc),
        "findings": {"count": acc.finding_counts, "items": list(acc.findings)},
        "spirals": acc.spirals,
        "largest_commits": [item for _, _, item in sorted(acc.largest, reverse=True)],
        "learnings": {"count": acc.learning_counts, "items": list(acc.learnings)},
        "patterns": acc.miner.document(),
    }
    return with_repository(report)


def exemptions(acc: Accumulator) -> dict[str, Any]:
    """Waived findings: how many per verdict, by what, and each (rule, by, reason) used."""
    used = [{"rule_id": r, "by": by, "reason": why, "count": n} for (r, by, why), n in sorted(acc.exemptions.items())]
    return {"count": acc.exemption_counts, "by": acc.exemptions_by, "used": used}


def agent_check(checked: int, failed: int) -> dict[str, Any]:
    """An agent's commits that rules judged, those that failed one, and the share that passed."""
    return {"checked": checked, "failed": failed, "pass_rate": ratio(checked - failed, checked)}


def attribution(commits: int, ai_lines: int, added_lines: int) -> dict[str, Any]:
    """Commits with an attribution note and the share of their added lines that AI wrote."""
    return {
        "commits_with_notes": commits,
        "ai_lines": ai_lines,
        "added_lines": added_lines,
        "ai_share_of_added_lines": ratio(ai_lines, added_lines) if commits else None,
    }


AGENT_COLUMNS = ("agent", *VERDICTS, "passed / checked")


def agent_rows(report: dict[str, Any], esc: Callable[[str], str] = str) -> list[tuple[str, ...]]:
    """The agents table: commits per verdict, then the commits rules judged that passed, with the rate."""
    checks = report.get("agent_checks") or {}  # absent from reports made before pass rates per agent
    rows = []
    for name, c in report["agents"].items():
        n = checks.get(name)
        passed = (
            f"{n['checked'] - n['failed']}/{n['checked']} ({n['pass_rate'] * 100:.0f}%)" if n and n["checked"] else "—"
        )
        rows.append((esc(name), *(str(c[v]) for v in VERDICTS), passed))
    return rows


def attribution_line(report: dict[str, Any]) -> str | None:
    """The AI share of added lines where attribution notes exist, in one sentence; None without notes."""
    a = report.get("attribution")
    if not a or not a["commits_with_notes"]:
        return None
    share = f"{(a['ai_share_of_added_lines'] or 0) * 100:.1f}%"
    return (
        f"AI share of added lines (attribution notes): {share}, {a['ai_lines']} of {a['added_lines']} "
        f"added lines in the {a['commits_with_notes']} commits with a note"
    )


def week_row(key: str, w: Week, shared: dict[tuple[int, ...], dict[str, int]]) -> dict[str, Any]:
    """One week's counts and shares. Equal counts share one dict: a long history has a row per week,
    and a built document is only read (rendered, or written as JSON)."""

    def counts(n: tuple[int, ...]) -> dict[str, int]:
        if n not in shared:
            shared[n] = dict(zip(VERDICTS, n, strict=True))
        return shared[n]

    by_verdict = counts(w.counted("by_verdict"))
    counted = {
        "by_verdict": by_verdict,
        "agents": {name: counts(tuple(n)) for name, n in sorted(w.agents.items())},
        "checked": counts(w.counted("checked")),
        "failed": counts(w.counted("failed")),
    }
    return {"week": key, "commits": sum(by_verdict.values()), **counted, **derived(by_verdict)}


def repository_row(report: dict[str, Any]) -> dict[str, Any]:
    """A report's one-line summary, as merged views list repositories."""
    keys = ("repository", "commit_url", "commits", "agent_share", "ai_share", "by_verdict", "checked", "failed")
    return {k: report[k] for k in keys}


def with_repository(report: dict[str, Any]) -> dict[str, Any]:
    """Name the repository on every list item and list the report's own row under `repositories`."""
    name = report["repository"]
    for items in (
        report["findings"]["items"],
        report["learnings"]["items"],
        report["largest_commits"],
        report["spirals"],
    ):
        for item in items:
            item.setdefault("repository", name)
    report["repositories"] = [repository_row(report)]
    return report
