"""The report as one self-contained HTML page: inline CSS and SVG, no script, no network.

Every string that comes from a commit or a config passes through `esc` (html.escape).
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from agentops_hooks.report import links
from agentops_hooks.report.document import AGENT_COLUMNS, SECTIONS, VERDICTS, agent_rows, attribution_line
from agentops_hooks.report.render_text import one_line, pass_rate, pct, percent, short

CSS = """
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--agent:#8250df;--human:#0969da;
--ai:#8250df;--automation:#bf8700;--pass:#1a7f37;--fail:#cf222e;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;
--agent:#ab7df8;--human:#4493f8;--ai:#ab7df8;--automation:#d29922;--pass:#3fb950;--fail:#f85149}}
*{box-sizing:border-box}body{margin:0;padding:1rem;background:var(--bg);color:var(--fg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}main{max-width:1100px;margin:auto}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem}
.card b{display:block;font-size:1.3rem}.muted{color:var(--muted)}
svg{width:100%;height:auto;display:block}svg text{fill:var(--fg);font-size:12px}svg text.bar-label{fill:var(--muted);font-size:10px}
.axis{stroke:var(--line)}.agent,.ai{fill:var(--agent)}.human{fill:var(--human)}.automation{fill:var(--automation)}
.pass-line{fill:none;stroke:var(--pass);stroke-width:2}.pass-point{fill:var(--pass)}
.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:middle}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;
text-align:left;vertical-align:top}td.n{text-align:right;white-space:nowrap}a{color:var(--human)}
.fail{color:var(--fail)}.waived{color:var(--muted)}code{font-size:.85em}
@media (max-width:600px){body{padding:.5rem;font-size:14px}td,th{padding:.25rem}}
"""


def esc(text: Any) -> str:
    """Text from a commit, config or report, safe in HTML content and attributes."""
    return escape("" if text is None else str(text), quote=True)


def render(report: dict[str, Any]) -> Iterator[str]:
    """The whole page, readable without scripts or network, on a phone and in dark mode."""
    urls = {r["repository"]: r["commit_url"] for r in report["repositories"]}
    yield "<!doctype html>"
    yield '<html lang="en"><head><meta charset="utf-8">'
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">'
    yield '<meta name="color-scheme" content="light dark">'
    yield f"<title>agentops report: {esc(report['repository'])}</title><style>{CSS}</style></head><body><main>"
    yield f"<h1>agentops report: {esc(report['repository'])}</h1>"
    if report["range"]:
        yield f'<p class="muted">{esc(report["range"])}</p>'
    yield from _cards(report)
    yield from _legend()
    yield '<h2>Agent share and pass rate per week</h2><figure id="trend">'
    yield from trend_chart(report["weeks"])
    yield '</figure><h2>Rule pass rates: agent vs human</h2><figure id="rules">'
    yield from rule_chart(report["rules"])
    yield '</figure><h2>Message sections present, by verdict</h2><figure id="sections">'
    yield from section_chart(report["sections"])
    yield "</figure>"
    yield from _tables(report, urls)
    yield f'<p class="muted">agentops-hooks {esc(report["tool"]["version"])}, report schema_version {report["schema_version"]}</p>'
    yield "</main></body></html>"


def _cards(report: dict[str, Any]) -> Iterator[str]:
    bv = report["by_verdict"]
    checked, failed = sum(report["checked"].values()), sum(report["failed"].values())
    cards = [
        ("commits", str(report["commits"])),
        ("agent share", percent(report["agent_share"])),
        ("ai share", percent(report["ai_share"])),
        *((v, str(bv[v])) for v in VERDICTS),
        ("commits passing", pct(checked - failed, checked)),
        ("exemptions", str(sum(report["exemptions"]["count"].values()))),
        ("learnings", str(sum(report["learnings"]["count"].values()))),
    ]
    yield (
        '<div class="cards">' + "".join(f'<div class="card">{esc(k)}<b>{esc(v)}</b></div>' for k, v in cards) + "</div>"
    )


def _legend() -> Iterator[str]:
    keys = (("agent", "agent (ai + automation)"), ("human", "human"), ("automation", "automation"))
    spans = "".join(f'<span><i class="sw" style="background:var(--{k})"></i>{esc(t)}</span>' for k, t in keys)
    yield f'<p class="legend">{spans}<span><i class="sw" style="background:var(--pass)"></i>pass rate</span></p>'


def trend_chart(weeks: list[dict[str, Any]]) -> Iterator[str]:
    """One bar (agent share) and one point (share of checked commits that passed) per week."""
    width, height, left, top = 720, 240, 36, 10
    plot_h = height - top - 30
    step = (width - left - 6) / max(len(weeks), 1)
    yield f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="agent share and pass rate per week">'
    for pct_ in (0, 50, 100):
        y = top + plot_h * (1 - pct_ / 100)
        yield f'<line class="axis" x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/><text x="0" y="{y + 4:.1f}">{pct_}%</text>'
    points = []
    for i, w in enumerate(weeks):
        x = left + i * step
        h = plot_h * w["agent_share"]
        checked, failed = sum(w["checked"].values()), sum(w["failed"].values())
        rate = (checked - failed) / checked if checked else 1.0
        label = f"{w['week']}: {w['commits']} commits, agent share {percent(w['agent_share'])}, passed {pct(checked - failed, checked)}"
        yield (
            f'<rect class="week-bar agent" x="{x + step * 0.1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(step * 0.8, 0.5):.1f}" height="{h:.1f}"><title>{esc(label)}</title></rect>'
        )
        points.append((x + step / 2, top + plot_h * (1 - rate), label))
    if points:
        yield '<polyline class="pass-line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points) + '"/>'
    for x, y, label in points:
        yield f'<circle class="pass-point" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{esc(label)}</title></circle>'
    for i in sorted({0, len(weeks) - 1}) if weeks else ():
        yield f'<text x="{left + i * step:.1f}" y="{height - 8}">{esc(weeks[i]["week"])}</text>'
    yield "</svg>"


def _bars(rows: list[tuple[str, list[tuple[str, float | None, str]]]], label_w: int = 300) -> Iterator[str]:
    """Horizontal bars: per row a label and one bar per (class, share or None for nothing to measure, tooltip).

    Each bar is labelled too, with the group its class ends in (`rule-bar human` → human): no bar
    is left for the reader to guess from its colour.
    """
    width, bar_h, gap = 720, 12, 10
    per_row = max((len(bars) for _, bars in rows), default=1) * (bar_h + 2) + gap
    height = max(len(rows) * per_row, 20)
    yield f'<svg viewBox="0 0 {width} {height}" role="img">'
    for i, (label, bars) in enumerate(rows):
        y0 = i * per_row
        yield f'<text x="0" y="{y0 + bar_h:.1f}">{esc(one_line(label, 28))}</text>'
        for j, (cls, share, tip) in enumerate(bars):
            w = (width - label_w - 50) * (share or 0.0)
            y = y0 + j * (bar_h + 2)
            yield f'<text class="bar-label" x="{label_w - 6}" y="{y + bar_h - 2}" text-anchor="end">{esc(cls.split()[-1])}</text>'
            yield f'<rect class="{cls}" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}"><title>{esc(tip)}</title></rect>'
            yield f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 2}">{"n/a" if share is None else esc(percent(share))}</text>'
    yield "</svg>"


def rule_chart(rules: list[dict[str, Any]]) -> Iterator[str]:
    """Per rule two bars: the pass rate of agent commits and of human commits; failing rules first."""
    rows: list[tuple[str, list[tuple[str, float | None, str]]]] = []
    for r in by_failures(rules):
        bars: list[tuple[str, float | None, str]] = []
        for group, verdicts in (("agent", ("ai", "automation")), ("human", ("human",))):
            checked = sum(r["checked"][v] for v in verdicts)
            failed = sum(r["failed"][v] for v in verdicts)
            share = (checked - failed) / checked if checked else None
            tip = f"{r['rule_id']}, {group}: {checked - failed} of {checked} checked commits passed"
            bars.append((f"rule-bar {group}", share, tip))
        rows.append((r["rule_id"], bars))
    yield from _bars(rows)


def section_chart(sections: dict[str, dict[str, int]]) -> Iterator[str]:
    """Per section one bar per verdict: the share of that verdict's commits carrying it."""
    rows: list[tuple[str, list[tuple[str, float | None, str]]]] = []
    for s in SECTIONS:
        bars: list[tuple[str, float | None, str]] = []
        for v in VERDICTS:
            whole = sections["commits"][v]
            tip = f"{s}: {sections[s][v]} of {whole} {v} commits"
            bars.append((f"section-bar {v}", sections[s][v] / whole if whole else None, tip))
        rows.append((f"{s}:", bars))
    yield from _bars(rows, label_w=180)


def by_failures(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules with the most failing commits first (then by id): what needs attention leads."""
    return sorted(rules, key=lambda r: (-sum(r["failed"].values()), r["rule_id"]))


def _table(title: str, head: tuple[str, ...], rows: list[tuple[str, ...]], table_id: str = "") -> Iterator[str]:
    """A titled table; cells are HTML already escaped by the caller."""
    yield f"<h2>{esc(title)}</h2>"
    if not rows:
        yield '<p class="muted">none</p>'
        return
    yield f'<div class="scroll"><table{f" id={table_id!r}" if table_id else ""}><thead><tr>'
    yield "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead><tbody>"
    for row in rows:
        yield "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
    yield "</tbody></table></div>"


def commit_cell(item: dict[str, Any], urls: dict[str, str | None]) -> str:
    """The short sha, linked to the commit when its repository's address is known."""
    url = links.link(urls.get(item.get("repository", "")), item.get("sha"))
    code = f"<code>{esc(short(item.get('sha')))}</code>"
    return f'<a href="{esc(url)}">{code}</a>' if url else code


def _tables(report: dict[str, Any], urls: dict[str, str | None]) -> Iterator[str]:
    if len(report["repositories"]) > 1:
        rows: list[tuple[str, ...]] = [
            (esc(r["repository"]), str(r["commits"]), percent(r["agent_share"]), percent(r["ai_share"]))
            for r in report["repositories"]
        ]
        yield from _table("Repositories", ("repository", "commits", "agent share", "ai share"), rows)
    rows = [
        (esc(r["rule_id"]), esc(r["factor"] or "-"), *(esc(pass_rate(r, v)) for v in VERDICTS))
        for r in by_failures(report["rules"])
    ]
    yield from _table("Rules: passed / checked", ("rule", "factor", *VERDICTS), rows)
    rows = [
        (f["factor"], *(esc(pass_rate(f, v)) for v in VERDICTS))
        for f in report["factors"]
        if any(f["checked"].values())
    ]
    yield from _table("Factors: passed / checked", ("factor", *VERDICTS), rows)
    yield from _table("Commits by agent", AGENT_COLUMNS, agent_rows(report, esc))
    if (line := attribution_line(report)) is not None:
        yield f"<p>{esc(line)}</p>"
    yield from _lists(report, urls)


def _lists(report: dict[str, Any], urls: dict[str, str | None]) -> Iterator[str]:
    rows = [_finding_row(f, urls) for f in reversed(report["findings"]["items"])]
    yield from _table(
        "Findings (most recent first)", ("commit", "verdict", "rule", "where", "message"), rows, "findings"
    )
    rows = [
        (esc(e["rule_id"]), esc(e["by"]), esc(e["reason"]), str(sum(e["count"].values())))
        for e in report["exemptions"]["used"]
    ]
    yield from _table("Exemptions used", ("rule", "by", "reason", "times"), rows)
    rows = [
        (
            esc(s["rule_id"]),
            " ".join(commit_cell({"sha": c, "repository": s.get("repository")}, urls) for c in s["commits"]),
            esc(s["message"]),
        )
        for s in report["spirals"]
    ]
    yield from _table("Spirals", ("rule", "commits", "message"), rows)
    rows = [
        (commit_cell(c, urls), esc(c["verdict"]), f"+{c['added']} −{c['removed']}", str(c["files"]), esc(c["subject"]))
        for c in report["largest_commits"]
    ]
    yield from _table("Largest commits", ("commit", "verdict", "lines", "files", "subject"), rows)
    rows = [
        (commit_cell(i, urls), esc(i["date"][:10]), esc(i["verdict"]), esc(i["text"]))
        for i in reversed(report["learnings"]["items"])
    ]
    yield from _table("Learnings captured", ("commit", "date", "verdict", "learning"), rows)


def _finding_row(f: dict[str, Any], urls: dict[str, str | None]) -> tuple[str, ...]:
    where = f"{f['path']}:{f['line']}" if f["path"] else "message"
    status = (
        f' <span class="waived">(waived by {esc(f["waived"]["by"])}: {esc(f["waived"]["reason"])})</span>'
        if f["waived"]
        else ""
    )
    rule = f'<span class="{"waived" if f["waived"] else "fail"}">{esc(f["rule_id"])}</span>'
    return (commit_cell(f, urls), esc(f["verdict"]), rule, esc(where), esc(f["message"]) + status)
