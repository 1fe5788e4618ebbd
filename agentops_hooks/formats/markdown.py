"""Markdown for a pull request comment or a job summary, cut to fit with a note."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agentops_hooks.formats.common import RunInfo, Totals, plural
from agentops_hooks.formats.text import describe
from agentops_hooks.model import Checked, Finding, RangeFindings

LIMIT = 65_000  # GitHub's comment limit is 65,536 characters; keep room for the note
ICONS = {"error": "\u274c", "warning": "\u26a0\ufe0f", "info": "\u2139\ufe0f"}


def render(results: Iterable[Checked], run: RunInfo, totals: Totals, limit: int = LIMIT) -> Iterator[str]:
    """A heading, one section per commit with findings, a summary; never longer than `limit`."""
    body: list[str] = []
    size = 0
    cut = 0  # findings left out
    for result in results:
        if not result.findings:
            continue
        block, left = _block(result, limit - 400 - size)
        cut += left
        if block:
            body.append(block)
            size += len(block) + 1
    status = "\u274c refused" if totals.blocking else "\u2705 nothing blocks"
    counts = ", ".join(plural(totals.by_severity[s], s) for s in ("error", "warning", "info"))
    yield f"## agentops: {status}"
    yield ""
    yield (
        f"{plural(totals.commits, 'commit')} checked: {counts}"
        + (f", {totals.waived} waived" if totals.waived else "")
        + "."
    )
    yield ""
    yield from body
    if cut:
        yield f"_…{plural(cut, 'more finding')} left out to fit the comment; run `agentops-check` locally for all._"


def _block(result: Checked, room: int) -> tuple[str, int]:
    """The commit's section with as many findings as fit in `room` characters, and how many did not."""
    block = f"### {_title(result)}\n\n| | rule | where | message |\n|---|---|---|---|\n"
    shown = 0
    for f in result.findings:
        row = _row(f) + "\n"
        if len(block) + len(row) > room:
            break
        block += row
        shown += 1
    return (block, len(result.findings) - shown) if shown else ("", len(result.findings))


def _title(result: Checked) -> str:
    """The section's heading: the commit and who made it, or the range as a whole."""
    if isinstance(result, RangeFindings):
        return "The range as a whole"
    c = result.commit
    return f"`{c.short}` {_esc(c.message.subject)}\n\n_{_esc(describe(result.agent))}_"


def _row(f: Finding) -> str:
    where = f"`{_esc(f.path)}:{f.line}`" if f.path and f.line else (f"`{_esc(f.path)}`" if f.path else "message")
    waived = f" _(waived: {_esc(f.waived.reason)})_" if f.waived else ""
    icon = "\u2796" if f.waived else ICONS[f.severity]
    return f"| {icon} | `{f.rule_id}` | {where} | {_esc(f.message)}{waived} |"


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
