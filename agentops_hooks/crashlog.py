"""Where internal errors leave their traceback, so the screen gets one line.

The log lives in a folder only we can write (the cache folder, else a per-user folder in the
temporary directory), is opened without following a symlink and written only when it is our own
regular file: another user cannot redirect a traceback (which may quote paths and values) into a
file of their choosing, nor read it.
"""

from __future__ import annotations

import datetime
import os
import stat
import tempfile
import traceback

NAME = "crash.log"


def write(exc: BaseException) -> str:
    """Append the traceback to the crash log and return its path."""
    text = f"--- {datetime.datetime.now().isoformat()} agentops-check\n" + "".join(traceback.format_exception(exc))
    for folder in folders():
        path = os.path.join(folder, NAME)
        try:
            _append(folder, path, text)
            return path
        except OSError:
            continue
    return "(no private place to write a log)"


def folders() -> tuple[str, ...]:
    """Where the log may go, first choice first (a relative XDG_CACHE_HOME is ignored, as the cache does)."""
    from agentops_hooks.cache import folder as cache_folder

    uid = os.getuid() if hasattr(os, "getuid") else 0
    return cache_folder(), os.path.join(tempfile.gettempdir(), f"agentops-hooks-{uid}")


def _append(folder: str, path: str, text: str) -> None:
    """Append to the log inside a private folder; OSError when the folder or the file is not ours alone."""
    from agentops_hooks.cache import private

    os.makedirs(folder, mode=0o700, exist_ok=True)
    if not private(folder):
        raise PermissionError(f"{folder} can be written by others")
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise PermissionError(f"{path} is not a private regular file")
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            raise PermissionError(f"{path} is not ours")
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # a log an older version made readable by others
        f.write(text)
