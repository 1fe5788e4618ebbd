"""Where internal errors leave their traceback, so the screen gets one line."""

from __future__ import annotations

import datetime
import os
import tempfile
import traceback


def write(exc: BaseException) -> str:
    """Append the traceback to the crash log and return its path."""
    from agentops_hooks.cache import folder as cache_folder

    for folder in (cache_folder(), tempfile.gettempdir()):
        path = os.path.join(folder, "crash.log")
        try:
            os.makedirs(folder, exist_ok=True)
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"--- {datetime.datetime.now().isoformat()} agentops-check\n")
                f.write("".join(traceback.format_exception(exc)))
            return path
        except OSError:
            continue
    return "(no writable log location)"
