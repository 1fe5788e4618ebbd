"""The report as a text table for a terminal; pure: a document in, lines out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentops_hooks.report import mining
from agentops_hooks.report.document import AGENT_COLUMNS, SECTIONS, VERDICTS, agent_rows, attribution_line


def pct(part: int, whole: int) -> str:
    """`75%`, or `-` when there is nothing to divide by."""
    return f"{round(100 * part / whole)}%" if whole else "-"


def percent(share: float) -> str:
    """A share (0..1) as a whole percentage."""
    return f"{round(100 * share)}%"


def pass_rate(row: dict[str, Any], verdict: str) -> str:
    """`80% (4/5)`: the share of checked commits that passed, with the counts."""
    checked, failed = row["checked"][verdict], row["failed"][verdict]
    return f"{pct(checked - failed, checked)} ({checked - failed}/{checked})" if checked else "-"


def by_verdict(counts: dict[str, int]) -> str:
    """`ai 3, automation 0, human 5`."""
    return ", ".join(f"{v} {counts[v]}" for v in VERDICTS)


def one_line(text: str, width: int = 72) -> str:
    """Text on one line, cut with an ellipsis past `width`."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def short(sha: str | None) -> str:
    """The short sha."""
    return (sha or "staged")[:7]


def _agents(report: dict[str, Any]) -> Iterator[str]:
    """The AI share of added lines where notes exist, and each agent's commits and pass rate."""
    if (line := attribution_line(report)) is not None:
        yield line
    yield from _table("Agents", AGENT_COLUMNS, agent_rows(report))


def render(report: dict[str, Any]) -> Iterator[str]:
    """Every figure of the report, split by verdict."""
    yield f"agentops report: {report['repository']}" + (f" ({report['range']})" if report["range"] else "")
    yield (
        f"commits: {report['commits']} ({by_verdict(report['by_verdict'])}); "
        f"agent share {percent(report['agent_share'])}, ai share {percent(report['ai_share'])}"
    )
    yield from _agents(report)
    rows: list[tuple[str, ...]] = [
        (r["rule_id"], r["factor"] or "", *(pass_rate(r, v) for v in VERDICTS)) for r in report["rules"]
    ]
    yield from _table("Rule pass rates (passed/checked)", ("rule", "factor", *VERDICTS), rows)
    rows = [
        (f["factor"], *(pass_rate(f, v) for v in VERDICTS)) for f in report["factors"] if any(f["checked"].values())
    ]
    yield from _table("Factor pass rates", ("factor", *VERDICTS), rows)
    yield from _table(
        "Weeks", ("week", "commits", "agent share", "passed", *VERDICTS), [week_row(w) for w in report["weeks"]]
    )
    sec = report["sections"]
    rows = [(s, *(pct(sec[s][v], sec["commits"][v]) for v in VERDICTS)) for s in (*SECTIONS, "complete")]
    rows.append(("conventional subject", *(pct(report["conventional"][v], report["by_verdict"][v]) for v in VERDICTS)))
    yield from _table("Message sections (share of commits)", ("section", *VERDICTS), rows)
    ex = report["exemptions"]
    rows = [(e["rule_id"], e["by"], one_line(e["reason"], 48), str(sum(e["count"].values()))) for e in ex["used"]]
    yield from _table(f"Exemptions used: {by_verdict(ex['count'])}", ("rule", "by", "reason", "times"), rows)
    rows = [(s["rule_id"], one_line(" ".join(short(c) for c in s["commits"]), 60)) for s in report["spirals"]]
    yield from _table("Spirals", ("rule", "commits"), rows)
    rows = [
        (short(c["sha"]), c["verdict"], f"+{c['added']} -{c['removed']}", one_line(c["subject"], 50))
        for c in report["largest_commits"]
    ]
    yield from _table("Largest commits", ("commit", "verdict", "lines", "subject"), rows)
    le = report["learnings"]
    rows = [(short(i["sha"]), i["date"][:10], i["verdict"], one_line(i["text"], 60)) for i in le["items"]]
    yield from _table(f"Learnings captured: {by_verdict(le['count'])}", ("commit", "date", "verdict", "learning"), rows)
    mined = list(mining.lines(report.get("patterns")))
    if mined:  # Factor IX: what recurs, and the command that turns it into a check
        yield ""
        yield "Recurring patterns"
        yield from (f"  {line}" for line in mined)
    if len(report["repositories"]) > 1:
        rows = [(r["repository"], str(r["commits"]), percent(r["agent_share"])) for r in report["repositories"]]
        yield from _table("Repositories", ("repository", "commits", "agent share"), rows)


def week_row(w: dict[str, Any]) -> tuple[str, ...]:
    """One week as table cells: week, commits, agent share, pass rate, commits per verdict."""
    checked, failed = sum(w["checked"].values()), sum(w["failed"].values())
    return (
        w["week"],
        str(w["commits"]),
        percent(w["agent_share"]),
        pct(checked - failed, checked),
        *(str(w["by_verdict"][v]) for v in VERDICTS),
    )


def _table(title: str, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterator[str]:
    yield ""
    yield title
    if not rows:
        yield "  (none)"
        return
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(len(head))]
    for row in (head, *rows):
        yield "  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
