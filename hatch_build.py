"""Build hook: record the commit (and its version tag) a wheel is built from, for init's default `rev`."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class BuildInfo(BuildHookInterface):  # type: ignore[misc]
    """Adds `agentops_hooks/_build_info.py` (COMMIT, TAG) to the wheel when built from a git checkout."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Write the module to a temporary file and have it included in the wheel."""
        if self.target_name != "wheel" or version == "editable":  # an editable install asks git at run time
            return
        root = self.root
        commit = _git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}")
        if not commit:
            return
        with open(os.path.join(root, "agentops_hooks", "__init__.py"), encoding="utf-8") as f:
            found = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
        tag = f"v{found.group(1)}" if found else ""
        tag = tag if tag and tag in _git(root, "tag", "--points-at", "HEAD").split() else ""
        fd, path = tempfile.mkstemp(suffix=".py")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(f'"""Written at build time by hatch_build.py."""\n\nCOMMIT = {commit!r}\nTAG = {tag!r}\n')
        build_data.setdefault("force_include", {})[path] = "agentops_hooks/_build_info.py"


def _git(root: str, *args: str) -> str:
    proc = subprocess.run(("git", "-C", root, *args), capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else ""
