"""Writing results: the shared options, every requested format, the GitHub step summary.

The results pass one counter (counting.Totals) on their way to the formats; its totals decide
the exit code. No click here: the hook entry (entry.py) writes results without the CLI framework.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from agentops_hooks import __version__
from agentops_hooks.counting import Totals
from agentops_hooks.errors import FatalError
from agentops_hooks.formats import RunInfo, formatter
from agentops_hooks.formats.common import RuleDoc
from agentops_hooks.model import Checked, Rule
from agentops_hooks.values import frozen, replace

SUMMARY_CAP = 1_000_000  # GitHub refuses a step summary over 1 MiB


@frozen
class Options:
    """The options every checking command shares."""

    config: str | None = None
    outputs: tuple[tuple[str, str | None], ...] = (("text", None),)
    color: bool = False
    verbose: bool = False
    quiet: bool = False
    inline_allow: bool = True
    chosen_formats: bool = False  # -f/--output given: no format is added automatically


def default_color() -> bool:
    """Colour on a terminal, unless NO_COLOR is set."""
    return sys.stdout is not None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def write_outputs(
    results: Iterable[Checked],
    opts: Options,
    command: str,
    blocking_note: str = "",
    rules: Iterable[Rule] = (),
) -> int:
    """Count the results once, render every requested format (streaming when there is one); the exit code."""
    docs = {r.id: RuleDoc(r.description, r.hint, r.factor, r.severity) for r in rules}
    run = RunInfo(__version__, command, opts.color, opts.verbose, blocking_note, docs)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY") if any(n == "github" for n, _ in opts.outputs) else None
    totals = Totals()
    counted = totals.counted(results)
    if len(opts.outputs) == 1 and not summary_path:
        name, path = opts.outputs[0]
        emit(formatter(name)(counted, _for_path(run, path), totals), path)
        for _ in counted:  # a format that stopped reading early leaves no result uncounted
            pass
        return totals.exit_code
    kept = list(counted)  # light results (paths, no lines), every one counted before a format reads the totals
    for name, path in opts.outputs:
        emit(formatter(name)(kept, _for_path(run, path), totals), path)
    if summary_path:
        _append_summary(summary_path, formatter("markdown")(kept, run, totals))
    return totals.exit_code


def _for_path(run: RunInfo, path: str | None) -> RunInfo:
    """Colour only on the terminal, never in a file."""
    return replace(run, color=run.color and path is None)


def emit(lines: Iterable[str], path: str | None) -> None:
    """Write lines to stdout, or to a file when a path is given."""
    if path is None:
        out = sys.stdout
        if out is None:  # started with stdout closed (`>&-`): the verdict is still the exit code
            raise FatalError("standard output is closed, so the findings cannot be shown; run with it open, or pass --output FILE")
        try:
            for line in lines:
                out.write(line + "\n")
            out.flush()
        except BrokenPipeError:
            raise
        except OSError as e:  # a full disk, /dev/full, a closed descriptor
            raise FatalError(f"cannot write the findings to standard output: {e.strerror}; pass --output FILE") from None
        return
    try:
        with open(path, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(line + "\n")
    except OSError as e:
        raise FatalError(f"{path}: cannot write the output: {e.strerror}") from None


def _append_summary(path: str, lines: Iterable[str]) -> None:
    """Append the markdown report to $GITHUB_STEP_SUMMARY, within GitHub's size limit."""
    text = "\n".join(lines) + "\n"
    if len(text.encode()) > SUMMARY_CAP:
        text = (
            text.encode()[: SUMMARY_CAP - 200].decode("utf-8", "ignore")
            + "\n\n_…cut to fit GitHub's 1 MiB summary limit._\n"
        )
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)
    except OSError as e:
        raise FatalError(f"GITHUB_STEP_SUMMARY={path}: cannot write: {e.strerror}") from None
