"""`report` (one streamed pass over history, or --merge of JSON reports) and `learnings`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from agentops_hooks import __version__, report
from agentops_hooks.boundary import say
from agentops_hooks.context import environ, open_context
from agentops_hooks.errors import ExitCode
from agentops_hooks.formats.common import plural
from agentops_hooks.outputs import emit
from agentops_hooks.report import gates, notes, scan
from agentops_hooks.report import merge as merge_


def run(
    files: tuple[str, ...],
    config_path: str | None,
    period: tuple[str | None, str | None, str | None],
    outputs: Sequence[tuple[str, str | None]],
    merge: bool,
    name: str | None,
    quiet: bool = False,
    fail_under: tuple[str, ...] = (),
) -> int:
    """Write the report in each format asked for; `period` is (--range, --since, --until); exit 1
    when a --fail-under gate fails."""
    if merge != bool(files):
        raise click.UsageError("--merge takes the JSON reports to combine: report --merge a.json b.json ...")
    try:
        wanted = gates.parse(fail_under)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if merge:
        doc = merge_.merge(scan.load(files), __version__)
    else:
        spec, since, until = period
        env = environ()
        ctx = open_context(config_path, env)
        revs = scan.revisions(spec, since, until, env)
        progress = scan.Progress(sys.stderr) if sys.stderr.isatty() and not quiet else None
        try:
            doc = scan.report(ctx, revs, scan.meta(ctx, __version__, scan.describe(spec, since, until), name), progress)
        finally:
            if progress:
                progress.done()
    for fmt, path in outputs:
        emit(report.RENDERERS[fmt](doc), path)
    failed = False
    for under, line in gates.judge(doc, wanted):
        click.echo(line, err=True)
        failed = failed or under
    return ExitCode.FINDINGS if failed else ExitCode.OK


def learnings(
    config_path: str | None,
    period: tuple[str | None, str | None, str | None],
    grep: str | None,
    outputs: Sequence[tuple[str, str | None]],
) -> int:
    """The `Learning:` lines of history, with commit, date and verdict; `-f markdown=DIR` one note each."""
    env = environ()
    ctx = open_context(config_path, env)
    items = list(scan.learnings(ctx, scan.revisions(*period, env), grep))
    for fmt, path in outputs:
        if fmt == "markdown":
            assert path is not None  # the CLI refuses markdown without a folder
            written = notes.write_notes(items, path)
            say(f"agentops: {plural(len(written), 'note')} written to {path}")
        else:
            emit(report.render_learnings(items, fmt), path)
    return ExitCode.OK
