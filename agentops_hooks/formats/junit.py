"""JUnit XML: a test suite per commit, a test case per rule that found something (or one that passed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from agentops_hooks.formats.common import RunInfo, Totals
from agentops_hooks.model import Checked, RangeFindings


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """The document, streamed one suite per commit."""
    yield '<?xml version="1.0" encoding="UTF-8"?>'
    yield '<testsuites name="agentops-check">'
    for result in results:
        name = (
            "range"
            if isinstance(result, RangeFindings)
            else f"commit {result.commit.short} {result.commit.message.subject}"
        )
        blocking = [f for f in result.findings if f.blocking]
        yield f'  <testsuite name={quoteattr(name)} tests="{max(1, len(result.findings))}" failures="{len(blocking)}">'
        if not result.findings:
            yield f'    <testcase classname={quoteattr(name)} name="agentops"/>'
        for f in result.findings:
            where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "message")
            case = f"    <testcase classname={quoteattr(name)} name={quoteattr(f'{f.rule_id} {where}')}"
            if f.waived is not None:
                yield f"{case}><skipped message={quoteattr(f'waived: {f.waived.reason}')}/></testcase>"
            elif f.blocking:
                yield f"{case}><failure message={quoteattr(f.message)} type={quoteattr(f.rule_id)}>{escape(f.hint)}</failure></testcase>"
            else:
                yield f"{case}><system-out>{escape(f.severity + ': ' + f.message)}</system-out></testcase>"
        yield "  </testsuite>"
    yield "</testsuites>"
