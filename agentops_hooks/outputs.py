"""Writing results: the shared options, every requested format, the GitHub step summary.

The results pass one counter (counting.Totals) on their way to the formats; its totals decide
the exit code. No click here: the hook entry (entry.py) writes results without the CLI framework.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping

from agentops_hooks import __version__
from agentops_hooks.counting import Totals
from agentops_hooks.errors import FatalError
from agentops_hooks.formats import RunInfo, formatter
from agentops_hooks.formats.common import RuleDoc
from agentops_hooks.model import Checked, Rule
from agentops_hooks.values import frozen, replace

SUMMARY_CAP = 1_000_000  # GitHub refuses a step summary over 1 MiB
_SURROGATE = re.compile("[\ud800-\udfff]")  # a byte of a file name that is not UTF-8 (os.fsdecode's form)


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


def default_color(env: Mapping[str, str] | None = None) -> bool:
    """Colour without --color/--no-color: NO_COLOR disables, FORCE_COLOR forces, TERM=dumb disables, else a terminal.

    The order CPython's own colouring follows; NO_COLOR and FORCE_COLOR count when set and not empty.
    """
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return sys.stdout is not None and sys.stdout.isatty()


def write_outputs(
    results: Iterable[Checked],
    opts: Options,
    command: str,
    blocking_note: str = "",
    rules: Iterable[Rule] = (),
) -> int:
    """Count the results once, render every requested format (streaming when there is one); the exit code."""
    docs = {r.id: RuleDoc(r.description, r.hint, r.factor, r.severity) for r in rules}
    run = RunInfo(__version__, command, opts.color, opts.verbose, blocking_note, docs, opts.quiet)
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


def printable(line: str) -> str:
    """The line with each undecodable file-name byte as its escape `\\udcXX`, so every output stays valid UTF-8.

    Inside a JSON string that escape is JSON's own: `os.fsencode(json.loads(...))` gives the bytes back;
    in XML, markdown and text it is plain characters.
    """
    if _SURROGATE.search(line) is None:
        return line
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def emit(lines: Iterable[str], path: str | None) -> None:
    """Write lines to stdout, or to a file when a path is given; never a byte that is not UTF-8."""
    lines = map(printable, lines)
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
    text = "\n".join(map(printable, lines)) + "\n"
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
