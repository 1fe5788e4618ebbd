"""Exit codes and the errors that become them at the one boundary (boundary.Shell)."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What the process tells its caller."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    CANNOT_RUN = 3


class FatalError(Exception):
    """The check could not run: the message is one line saying what to do (exit 3)."""


class UsageError(FatalError):
    """The arguments are wrong: missing, contradictory or naming nothing that exists (exit 2)."""


class RuleFileError(FatalError):
    """A rule or config file is not valid; the message starts with file:line:col."""


class GitError(FatalError):
    """git refused or failed: not a repository, an unknown revision, a shallow clone."""
