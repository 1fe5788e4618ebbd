"""The one place where exceptions become exit codes: the hook fast path and the click CLI both run in it.

    with Shell(args) as shell:
        shell.code = command()
    return shell.code

Could-not-run is one line and exit 3, a usage error click's message and exit 2, an interrupt exit
130, a bug one line and a crash log (the traceback on screen only with -v), never a traceback.
click is never imported here: its exceptions are recognised only when the CLI already loaded it.
"""

from __future__ import annotations

import sys

from agentops_hooks.errors import ExitCode, FatalError, UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: the hook entry stays free of it
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import TracebackType

INTERRUPTED = 130


def say(text: str) -> None:
    """One line to stderr (diagnostics never mix with findings on stdout)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


class Shell:
    """A context manager that turns whatever escapes a command into its exit code (`code`)."""

    __slots__ = ("args", "code")

    def __init__(self, args: Sequence[str]) -> None:
        self.args = tuple(args)
        self.code: int = ExitCode.OK

    def __enter__(self) -> Shell:
        return self

    def __exit__(self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> bool:
        if e is None or isinstance(e, SystemExit):
            return False
        self.code = failed(e, self.args)
        return True


def failed(e: BaseException, args: Sequence[str]) -> int:
    """The exit code (and the one line) for an exception that escaped a command."""
    if isinstance(e, KeyboardInterrupt):
        say("agentops-check: interrupted")
        return INTERRUPTED
    if isinstance(e, UsageError):  # the arguments are wrong: the same code as click's own usage errors
        say(f"agentops-check: {e}")
        return ExitCode.USAGE
    if isinstance(e, FatalError):
        say(f"agentops-check: {e}")
        return ExitCode.CANNOT_RUN
    if isinstance(e, BrokenPipeError):  # `agentops-check range | head`: the reader left
        sys.stderr.close()
        return ExitCode.OK
    code = _click_failed(e)
    return _internal_error(e, args) if code is None else code


def _click_failed(e: BaseException) -> int | None:
    """The exit code of click's own exceptions (usage, could not run, abort), None for anything else."""
    click = sys.modules.get("click")
    if click is None:  # the fast path: no click, so no click exception
        return None
    if isinstance(e, click.UsageError):
        e.show()
        return ExitCode.USAGE
    if isinstance(e, click.ClickException):  # not a finding: the check could not run
        click.echo(f"agentops-check: {e.format_message()}", err=True)
        return ExitCode.CANNOT_RUN
    if isinstance(e, click.Abort):
        click.echo("agentops-check: interrupted", err=True)
        return INTERRUPTED
    return None


def _internal_error(e: BaseException, args: Sequence[str]) -> int:
    """A bug: one line naming the crash log; the traceback on screen only with -v."""
    from agentops_hooks import crashlog

    log = crashlog.write(e)
    say(f"agentops-check: internal error: {e!r}; details in {log}")
    if "-v" in args or "--verbose" in args:
        import traceback

        traceback.print_exception(e)
    return ExitCode.CANNOT_RUN
