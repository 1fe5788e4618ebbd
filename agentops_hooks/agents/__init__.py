"""Who made a commit: signatures over identities, trailers, body, branch, shell environment and notes.

The package: `signatures` (the markers), `coauthors` (co-author lines as GitHub reads them),
`environment` (agent shells), `evidence` (what matched, with its role), `verdict` (the verdict
from the hits) and `notes` (line-level attribution in git notes).
"""

from __future__ import annotations

from collections.abc import Iterable

from agentops_hooks.agents.environment import AGENT_ENV
from agentops_hooks.agents.notes import Attribution, Notes, open_notes
from agentops_hooks.agents.signatures import (
    AI_APPS,
    AUTHORSHIP,
    IDENTITIES,
    MARKERS,
    ROLES,
    Signature,
    app_slug,
    email_of,
)
from agentops_hooks.agents.verdict import detect as _detect
from agentops_hooks.model import AgentVerdict, Commit

BUILTIN: tuple[Signature, ...] = (*IDENTITIES, *MARKERS)
IDENTITY_PLACES = ("identity", "co-author", "author-email", "committer-email")

__all__ = [
    "AGENT_ENV",
    "AI_APPS",
    "AUTHORSHIP",
    "BUILTIN",
    "ROLES",
    "Attribution",
    "Notes",
    "Signature",
    "detect",
    "email_of",
    "is_agent_identity",
    "open_notes",
]


def detect(
    commit: Commit,
    signatures: Iterable[Signature] = BUILTIN,
    count: Iterable[str] = (),
    note: Attribution | None = None,
) -> AgentVerdict:
    """The verdict with every agent named, every reason and every role (see agents.verdict.detect)."""
    return _detect(commit, signatures, count, note)


def is_agent_identity(value: str, signatures: Iterable[Signature] = BUILTIN) -> bool:
    """Whether `Name <email>` (or a bare email) belongs to an agent or a bot, never a person."""
    email = email_of(value)
    if app_slug(email) is not None:
        return True
    name = value.split("<")[0].strip() if "<" in value else ""
    return any(
        s.where in IDENTITY_PLACES and s.pattern.search(email) and (s.name is None or s.name.search(name))
        for s in signatures
    )
