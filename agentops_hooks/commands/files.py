"""Reading the text files that init and learn edit."""

from __future__ import annotations

from agentops_hooks.errors import FatalError


def read_text(path: str) -> str | None:
    """A file's text, or None when it does not exist; any other failure is one FatalError line."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FatalError(f"{path}: cannot read: {e.strerror}") from None
