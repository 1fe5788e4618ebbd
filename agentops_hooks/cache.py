"""Our folder under the user's cache directory, and whether a file there can be trusted."""

from __future__ import annotations

import os
import stat


def folder(*parts: str) -> str:
    """`$XDG_CACHE_HOME/agentops-hooks/...` (`~/.cache` without it)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "agentops-hooks", *parts)


def private(*paths: str) -> bool:
    """Whether each path is ours and no one else can write it (owned by us, no group or world
    write bit, not a symlink): otherwise another user could have put what we would read."""
    try:
        return all(_mine(os.lstat(p)) for p in paths)
    except OSError:
        return False


def _mine(st: os.stat_result) -> bool:
    owner = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not stat.S_ISLNK(st.st_mode)
