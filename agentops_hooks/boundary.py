"""The one place where exceptions become exit codes (shared by the CLI and the fast hook entry)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from agentops_hooks.errors import ExitCode, FatalError


def guard(run: Callable[[], int], args: Sequence[str]) -> int:
    """Run a command: could-not-run is one line and exit 3, a bug one line and a log, never a traceback."""
    try:
        return run()
    except KeyboardInterrupt:
        sys.stderr.write("agentops-check: interrupted\n")
        return 130
    except BaseException as e:  # noqa: BLE001 - every outcome becomes an exit code here
        if isinstance(e, SystemExit):
            raise
        return failed(e, args)


def failed(e: BaseException, args: Sequence[str]) -> int:
    """The exit code (and the one line) for an exception that escaped a command."""
    if isinstance(e, FatalError):
        sys.stderr.write(f"agentops-check: {e}\n")
        return ExitCode.CANNOT_RUN
    if isinstance(e, BrokenPipeError):  # `agentops-check range | head`: the reader left
        sys.stderr.close()
        return ExitCode.OK
    from agentops_hooks import crashlog

    log = crashlog.write(e)
    sys.stderr.write(f"agentops-check: internal error: {e!r}; details in {log}\n")
    if "-v" in args or "--verbose" in args:
        import traceback

        traceback.print_exception(e)
    return ExitCode.CANNOT_RUN
