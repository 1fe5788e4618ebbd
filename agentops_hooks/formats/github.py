"""GitHub Actions workflow commands, within GitHub's caps; the rest is left to the step summary."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agentops_hooks.formats.common import RunInfo, Totals, each_finding, plural
from agentops_hooks.model import Checked, RangeFindings

CAP = 10  # GitHub shows at most 10 annotations of each type per step
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """At most CAP annotations per type (waived findings are not annotated), then one notice for the rest."""
    shown = dict.fromkeys(COMMANDS, 0)
    left = 0
    for result, f in each_finding(results):
        if f.waived is not None:
            continue
        if shown[f.severity] >= CAP:
            left += 1
            continue
        shown[f.severity] += 1
        where = "range" if isinstance(result, RangeFindings) else result.commit.short
        title = _prop(f"{f.rule_id} ({where})")
        loc = f"file={_prop(f.path)}," + (f"line={f.line}," if f.line else "") if f.path else ""
        hint = f"\n{f.hint}" if f.hint else ""
        yield f"::{COMMANDS[f.severity]} {loc}title={title}::{_data(f.message + hint)}"
    if left:
        yield f"::notice title=agentops::{plural(left, 'more finding')} not annotated (GitHub shows {CAP} per type); see the job summary"
