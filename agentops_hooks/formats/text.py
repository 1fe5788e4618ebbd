"""Text for people: grouped by commit and file, the hint, the agent verdict, a summary line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agentops_hooks.formats.common import RunInfo, Totals, plural
from agentops_hooks.model import AgentVerdict, Checked, CommitResult, Finding, RangeFindings

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def render(results: Iterable[Checked], run: RunInfo, totals: Totals) -> Iterator[str]:
    """One block per commit with findings, then one summary line; nothing when all is clean.

    Quiet (-q): the finding lines alone, no headers, hints or summary (the exit code says the rest).
    """
    if run.quiet:
        yield from _quiet(results, run)
        return
    for result in results:
        if isinstance(result, RangeFindings):
            yield from _range(result, run)
            continue
        if not result.findings and not run.verbose:
            continue
        yield _header(result, run)
        hinted: set[tuple[str, str]] = set()
        for f in result.findings:
            yield _line(result, f, run)
            if f.hint and f.waived is None and (f.rule_id, f.hint) not in hinted:
                hinted.add((f.rule_id, f.hint))
                yield f"    hint: {f.hint}"
    if totals.with_findings or totals.range_findings or run.verbose:
        yield _summary(totals, run)


def _quiet(results: Iterable[Checked], run: RunInfo) -> Iterator[str]:
    for result in results:
        for f in result.findings:
            yield f"{_shas(f)}: {_label(f, run)}" if isinstance(result, RangeFindings) else _line(result, f, run)


def _shas(f: Finding) -> str:
    return (",".join(sha[:7] for sha in f.commits[:8]) + ("…" if len(f.commits) > 8 else "")) or "range"


def _range(result: RangeFindings, run: RunInfo) -> Iterator[str]:
    """After the commits: findings about the range as a whole, each naming its commits."""
    yield f"agentops: the range as a whole: {plural(len(result.findings), 'finding')}"
    for f in result.findings:
        yield f"{_shas(f)}: {_label(f, run)}"
        if f.hint and f.waived is None:
            yield f"    hint: {f.hint}"


def _header(result: CommitResult, run: RunInfo) -> str:
    c = result.commit
    what = {
        "staged": "staged change",
        "files": "staged files",
        "commit-msg": "new commit",
        "squash": "pull request title and body (squash)",
    }.get(c.source, f"commit {c.short}")
    subject = f" {c.message.subject!r}" if c.message.subject else ""
    later = " (the message is not written yet)" if c.source == "staged" and result.agent.kind == "human" else ""
    return f"agentops: {what}{subject}: {describe(result.agent)}{later}"


def describe(agent: AgentVerdict) -> str:
    """The verdict and why, in one phrase."""
    if agent.kind == "human":
        weak = f" ({'; '.join(agent.reasons)})" if agent.reasons else ""
        return f"{'no agent authorship' if agent.roles else 'no agent marker'}, judged as human{weak}"
    who = ", ".join(agent.agents) or agent.kind
    return f"{agent.kind} agent ({who}) because of {'; '.join(agent.reasons)}"


def _line(result: CommitResult, f: Finding, run: RunInfo) -> str:
    if f.path is not None:
        where = f"{f.path}:{f.line}:" if f.line else f"{f.path}:"
    elif f.line:  # a line of the message
        where = f"{result.commit.short}:msg:{f.line}:"
    else:  # about the commit as a whole (a missing section, the size of the change): no line to point at
        where = f"{result.commit.short}:"
    return f"{where} {_label(f, run)}"


def _label(f: Finding, run: RunInfo) -> str:
    severity = f.severity if f.waived is None else "waived"
    label = f"{_COLORS[f.severity]}{severity}{_RESET}" if run.color and f.waived is None else severity
    waived = f" [waived by {f.waived.by}: {f.waived.reason}]" if f.waived else ""
    return f"{f.rule_id} {f.message} ({label}){waived}"


def _summary(t: Totals, run: RunInfo) -> str:
    counts = ", ".join(plural(t.by_severity[s], s) for s in ("error", "warning") if t.by_severity[s] or s == "error")
    waived = f", {t.waived} waived" if t.waived else ""
    outcome = run.blocking_note or "refused" if t.blocking else "not blocking"
    return f"agentops: {counts}{waived} in {plural(t.commits, 'commit')} checked: {outcome}"
