"""`baseline`: judge a history (default: all of HEAD's) and write its findings as fingerprints."""

from __future__ import annotations

import os

from agentops_hooks import baseline, gitrepo, walk
from agentops_hooks.boundary import say
from agentops_hooks.context import environ, open_context
from agentops_hooks.errors import ExitCode, FatalError
from agentops_hooks.formats.common import plural
from agentops_hooks.names import BASELINE_FILE
from agentops_hooks.revisions import range_revs


def run(config_path: str | None, spec: str | None, output: str | None) -> int:
    """Write the baseline (never a secret's value); what it acknowledges is the commit it was taken at and older."""
    ctx = open_context(config_path, environ())
    revs = range_revs(spec or "HEAD", None, environ())
    tip = gitrepo.resolve((spec.rpartition("..")[2] or "HEAD") if spec else "HEAD")  # B of A..B
    taken = baseline.take(walk.history(ctx, revs), tip)
    path = output or os.path.join(ctx.repo.toplevel, BASELINE_FILE)
    write(path, baseline.dumps(taken))
    say(f"agentops: {plural(len(taken.entries), 'finding')} written to {path} as fingerprints (commit {tip[:12]}); commit it")
    return ExitCode.OK


def write(path: str, text: str) -> None:
    """Write the file whole, or one line saying why not."""
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise FatalError(f"{path}: cannot write the baseline: {e.strerror}") from None
