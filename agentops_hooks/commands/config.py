"""`config show`: the effective rules and settings, each with where it was set."""

from __future__ import annotations

import os

import click

from agentops_hooks import config, gitrepo, showconfig
from agentops_hooks.errors import ExitCode


def show(config_path: str | None, fmt: str) -> int:
    """Print the effective config as text or JSON."""
    top = gitrepo.repo_info().toplevel
    cfg = config.load(config.find(top, config_path, os.environ), True, top)
    for line in showconfig.text(cfg) if fmt == "text" else [showconfig.as_json(cfg)]:
        click.echo(line)
    return ExitCode.OK
