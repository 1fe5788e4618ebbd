"""The report as markdown for a pull-request comment (GitHub caps a comment at 65,536 characters)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from agentops_hooks.report import links, mining
from agentops_hooks.report.document import AGENT_COLUMNS, SECTIONS, VERDICTS, agent_rows, attribution_line
from agentops_hooks.report.render_text import by_verdict, one_line, pass_rate, pct, percent, short, week_row

LIMIT = 65_536
NOTE = "\n\n_…report cut to fit a pull-request comment ({shown} of {total} characters); run `agentops-check report --format html` for all of it._\n"


def cell(text: Any, width: int = 80) -> str:
    """Commit text made safe for a table cell: one line, no HTML, no column breaks."""
    return html.escape(one_line(str(text), width), quote=False).replace("|", "\\|").replace("`", "'")


def commit_ref(item: dict[str, Any], urls: dict[str, str | None]) -> str:
    """The short sha, linked to the commit when its repository's web address is known."""
    url = links.link(urls.get(item.get("repository", "")), item.get("sha"))
    return f"[`{short(item['sha'])}`]({url})" if url else f"`{short(item['sha'])}`"


def render(report: dict[str, Any], limit: int = LIMIT) -> Iterator[str]:
    """The report's markdown, cut at a line with a note when it would pass `limit` characters."""
    lines = list(_lines(report))
    total = sum(len(ln) + 1 for ln in lines)
    if total <= limit:
        yield from lines
        return
    budget, shown = limit - len(NOTE) - 40, 0
    for ln in lines:
        if shown + len(ln) + 1 > budget:
            break
        shown += len(ln) + 1
        yield ln
    yield NOTE.format(shown=shown, total=total)


def _lines(report: dict[str, Any]) -> Iterator[str]:
    urls = {r["repository"]: r["commit_url"] for r in report["repositories"]}
    yield f"## agentops report: {cell(report['repository'])}"
    yield ""
    yield (
        f"**{report['commits']} commits** ({by_verdict(report['by_verdict'])}): agent share "
        f"**{percent(report['agent_share'])}**, ai share **{percent(report['ai_share'])}**"
        + (f" — {cell(report['range'])}" if report["range"] else "")
    )
    if len(report["repositories"]) > 1:
        rows: list[tuple[str, ...]] = [
            (
                cell(r["repository"]),
                str(r["commits"]),
                percent(r["agent_share"]),
                pct(sum(r["checked"].values()) - sum(r["failed"].values()), sum(r["checked"].values())),
            )
            for r in report["repositories"]
        ]
        yield from _table("Repositories", ("repository", "commits", "agent share", "passed"), rows)
    rows = [(cell(r["rule_id"]), r["factor"] or "", *(pass_rate(r, v) for v in VERDICTS)) for r in report["rules"]]
    yield from _table("Rule pass rates", ("rule", "factor", *VERDICTS), rows)
    rows = [
        (f["factor"], *(pass_rate(f, v) for v in VERDICTS)) for f in report["factors"] if any(f["checked"].values())
    ]
    yield from _table("Factor pass rates", ("factor", *VERDICTS), rows)
    sec = report["sections"]
    rows = [(s, *(pct(sec[s][v], sec["commits"][v]) for v in VERDICTS)) for s in (*SECTIONS, "complete")]
    rows.append(("conventional subject", *(pct(report["conventional"][v], report["by_verdict"][v]) for v in VERDICTS)))
    yield from _table("Message sections", ("section", *VERDICTS), rows)
    if (line := attribution_line(report)) is not None:
        yield ""
        yield line
    yield from _table("Agents", AGENT_COLUMNS, agent_rows(report, cell))
    yield from _later(report, urls)


def _later(report: dict[str, Any], urls: dict[str, str | None]) -> Iterator[str]:
    ex = report["exemptions"]
    rows: list[tuple[str, ...]] = [
        (cell(e["rule_id"]), e["by"], cell(e["reason"], 60), str(sum(e["count"].values()))) for e in ex["used"]
    ]
    yield from _table(f"Exemptions used ({by_verdict(ex['count'])})", ("rule", "by", "reason", "times"), rows)
    rows = [
        (
            cell(s["rule_id"]),
            " ".join(commit_ref({"sha": c, "repository": s.get("repository", "")}, urls) for c in s["commits"]),
        )
        for s in report["spirals"]
    ]
    yield from _table("Spirals", ("rule", "commits"), rows)
    rows = [
        (commit_ref(c, urls), c["verdict"], f"+{c['added']} −{c['removed']}", cell(c["subject"], 60))
        for c in report["largest_commits"]
    ]
    yield from _table("Largest commits", ("commit", "verdict", "lines", "subject"), rows)
    le = report["learnings"]
    rows = [(commit_ref(i, urls), i["date"][:10], i["verdict"], cell(i["text"], 120)) for i in reversed(le["items"])]
    yield from _table(
        f"Learnings captured ({by_verdict(le['count'])})", ("commit", "date", "verdict", "learning"), rows
    )
    mined = list(mining.lines(report.get("patterns")))
    if mined:  # Factor IX: what recurs, and the command that turns it into a check
        yield from ("", "### Recurring patterns", "", *(f"- {cell(line, 200)}" for line in mined))
    rows = [week_row(w) for w in reversed(report["weeks"])]
    yield from _table("Weeks (newest first)", ("week", "commits", "agent share", "passed", *VERDICTS), rows)


def _table(title: str, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterator[str]:
    yield ""
    yield f"### {title}"
    yield ""
    if not rows:
        yield "_none_"
        return
    yield "| " + " | ".join(head) + " |"
    yield "|" + "---|" * len(head)
    for row in rows:
        yield "| " + " | ".join(row) + " |"
