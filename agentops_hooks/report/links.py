"""Where a commit can be seen on the web, from a remote URL (GitHub and GitLab forms, ssh or https)."""

from __future__ import annotations

import re

# scp-like `git@host:owner/repo.git`, or `ssh://`, `git+ssh://`, `https://`, `http://`, `git://` URLs
_SCP = re.compile(r"^(?:[^@/:]+@)?(?P<host>[A-Za-z0-9.-]+):(?!//)(?P<path>[^\s]+)$")
_URL = re.compile(r"^(?:git\+)?(?:ssh|https?|git)://(?:[^@/]+@)?(?P<host>[A-Za-z0-9.-]+)(?::\d+)?/(?P<path>[^\s?#]+)$")
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)+$")


def web_base(remote: str | None) -> str | None:
    """`https://host/owner/repo` for a remote URL, None when it is not a hosted repository.

    Credentials in the URL (`https://user:token@host/...`) never reach the result.
    """
    if not remote:
        return None
    m = _URL.match(remote.strip()) or _SCP.match(remote.strip())
    if m is None:
        return None
    path = m.group("path").strip("/").removesuffix(".git").removesuffix("/")
    if not _SAFE_PATH.match(path):
        return None
    return f"https://{m.group('host').lower()}/{path}"


def commit_url(remote: str | None) -> str | None:
    """A commit link template with `{sha}` for a remote URL (`https://host/owner/repo/commit/{sha}`)."""
    base = web_base(remote)
    return f"{base}/commit/{{sha}}" if base else None


def repository_name(remote: str | None, toplevel: str) -> str:
    """`owner/repo` from the remote when there is one, else the work tree's folder name."""
    import os

    base = web_base(remote)
    if base:
        return base.split("/", 3)[3]
    return os.path.basename(toplevel.rstrip("/")) or toplevel


def link(template: str | None, sha: str | None) -> str | None:
    """The commit's link, when the report knows where its repository lives."""
    return template.replace("{sha}", sha) if template and sha and re.fullmatch(r"[0-9a-f]{4,64}", sha) else None
