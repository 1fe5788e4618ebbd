"""`learn`'s command body: draft a rule (commands/learn.py), ask a person for its words, backtest, write."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from agentops_hooks.commands import backtest
from agentops_hooks.commands import learn as learn_
from agentops_hooks.context import Context, environ, open_context
from agentops_hooks.errors import ExitCode

DRAFT_FLAGS = ("from_commit", "pattern", "paths", "lines", "rule_id", "kind")


def run(config_path: str | None, dry_run: bool, rule_file: str, **flags: Any) -> int:
    """Propose the rule, print its backtest, then write it (or only its diff under --dry-run)."""
    ctx = open_context(config_path, environ())
    words = tuple(w.strip() for v in flags["keywords"] for w in v.split(",") if w.strip())
    draft = learn_.draft(ctx, **{k: flags[k] for k in DRAFT_FLAGS}, keywords=words)
    message, hint = _words(draft, flags["message"], flags["hint"])
    proposal = learn_.finish(
        ctx,
        draft,
        message=message,
        hint=hint,
        description=flags["description"],
        severity=flags["severity"],
        applies_to=flags["applies_to"],
        rule_file=rule_file,
        config_path=config_path,
    )
    for note in proposal.notes:
        click.echo(f"learn: {note}", err=True)
    for line in backtest.text(backtest.measure(ctx, [proposal.rule], ["HEAD"], "HEAD")):
        click.echo(line)
    return _write(ctx, proposal, dry_run)


def _words(draft: learn_.Draft, message: str | None, hint: str | None) -> tuple[str | None, str | None]:
    """The message and hint: as given, else asked of a person (scripts and agents get the defaults)."""
    if sys.stdin.isatty():
        message = message or click.prompt("Message (what a violation prints)", default=draft.message)
        hint = hint if hint is not None else click.prompt("Hint (how to fix it)", default=draft.hint)
    return message, hint


def _write(ctx: Context, proposal: learn_.Proposal, dry_run: bool) -> int:
    top = ctx.repo.toplevel
    if dry_run:
        for edit in proposal.edits:
            click.echo(edit.diff(os.path.relpath(edit.path, top)), nl=False)
        click.echo(f"learn: rule '{proposal.rule.id}' proposed (dry run: nothing written)")
        return ExitCode.OK
    learn_.apply(proposal.edits)
    for edit in proposal.edits:
        click.echo(f"learn: wrote {os.path.relpath(edit.path, top)}")
    return ExitCode.OK
