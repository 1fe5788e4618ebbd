"""`config show`: the effective rules and settings, each with where it was set."""

from __future__ import annotations

import os
from collections.abc import Sequence

from agentops_hooks import config, gitrepo, showconfig
from agentops_hooks.errors import ExitCode
from agentops_hooks.outputs import emit


def show(config_path: str | None, outputs: Sequence[tuple[str, str | None]]) -> int:
    """Print the effective config as text or JSON (each `-f FMT[=PATH]`)."""
    top = gitrepo.repo_info().toplevel
    cfg = config.load(config.find(top, config_path, os.environ), True, top)
    for name, path in outputs:
        emit(showconfig.text(cfg) if name == "text" else [showconfig.as_json(cfg)], path)
    return ExitCode.OK
