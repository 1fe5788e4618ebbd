"""`range`: every commit of A..B (or since --base, or what pre-commit's pre-push names) on its own."""

from __future__ import annotations

from agentops_hooks import baseline, config, walk
from agentops_hooks.context import environ, open_context
from agentops_hooks.outputs import Options, write_outputs
from agentops_hooks.revisions import range_revs


def run(opts: Options, spec: str | None, base: str | None) -> int:
    """Check the range; the exit code is the counter's."""
    ctx = open_context(opts.config, environ(), inline_allow=opts.inline_allow)
    revs = range_revs(spec, base, environ())
    known = baseline.read(config.WorkTree(ctx.repo.toplevel), ctx.repo.toplevel)  # findings already in history
    results = baseline.acknowledge(walk.history(ctx, revs), known, ctx.config.rules)
    return write_outputs(results, opts, "range", rules=ctx.config.rules)
