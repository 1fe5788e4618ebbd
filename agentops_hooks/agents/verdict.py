"""The verdict from the hits: `ai` follows authorship, other roles are reported, notes only raise."""

from __future__ import annotations

from collections.abc import Iterable

from agentops_hooks.agents import coauthors, evidence
from agentops_hooks.agents.evidence import Hit
from agentops_hooks.agents.notes import Attribution, share
from agentops_hooks.agents.signatures import AUTHORSHIP, ROLES, Signature, email_of
from agentops_hooks.model import AgentVerdict, Commit, Verdict
from agentops_hooks.values import replace

LOCAL_SOURCES = ("staged", "commit-msg")
_NO_EVIDENCE = AgentVerdict()  # what `decide` makes of no hits


def hits_of(commit: Commit, signatures: Iterable[Signature]) -> list[Hit]:
    """Every signature, GitHub App, disclosure trailer and agent shell that matched."""
    co_lines = coauthors.lines(commit.message)
    return [
        *evidence.signature_hits(commit, tuple(signatures), co_lines),
        *evidence.app_hits(commit, co_lines),
        *evidence.disclosure_hits(commit),
        *evidence.env_hits(commit),
    ]


def human_evidence(commit: Commit, hits: list[Hit]) -> str | None:
    """Why this commit looks like a person's own work (it keeps a branch prefix from counting), if it does."""
    authored = {h.agent for h in hits if h.strong and h.verdict == "ai" and h.role in AUTHORSHIP}
    if any(h.agent == "aider" and h.role == "committer" for h in hits) and "aider" not in authored:
        return "aider marks only the committer: it committed a person's change"
    if authored:
        return None
    author = commit.author.email.lower()
    if author and any(email_of(v).lower() == author for v in commit.message.trailer_values("signed-off-by")):
        return "the author's own Signed-off-by"
    if commit.source in LOCAL_SOURCES and not any(h.role == "environment" and h.strong for h in hits):
        return "made in a shell with no agent environment"
    return None


def decide(hits: list[Hit], counted: frozenset[str], human: str | None) -> AgentVerdict:
    """Kind, agents, reasons and roles; a role outside `counted` is shown but decides nothing."""

    def counts(h: Hit) -> bool:
        return h.strong and (h.verdict == "automation" or (h.role in counted and not (h.role == "branch" and human)))

    kind: Verdict = "human"
    if any(counts(h) and h.verdict == "ai" for h in hits):
        kind = "ai"
    elif any(counts(h) for h in hits):
        kind = "automation"
    agents = tuple(dict.fromkeys(h.agent for h in hits if counts(h) and h.verdict == kind))
    reasons = tuple(dict.fromkeys(_reason(h, counts(h), human) for h in hits))
    found = {h.role for h in hits if h.strong}
    return AgentVerdict(kind, agents, reasons, tuple(r for r in ROLES if r in found))


def _reason(h: Hit, counted: bool, human: str | None) -> str:
    if not h.strong:
        return f"{h.reason} (weak signal)"
    if counted:
        return h.reason
    if h.role == "branch" and human:
        return f"{h.reason} (role branch, not counted: {human})"
    return f"{h.reason} (role {h.role}, not counted)"


def detect(
    commit: Commit,
    signatures: Iterable[Signature] = (),
    count: Iterable[str] = (),
    note: Attribution | None = None,
) -> AgentVerdict:
    """The verdict with every agent named, every reason (signature and evidence) and every role.

    `count` adds roles beyond authorship (`agents: {count-roles: [...]}`); `note` is the commit's
    attribution note, which can only raise the verdict and gives the AI share of added lines.
    """
    hits = hits_of(commit, signatures)
    if not hits and note is None:  # most commits of a history: nothing to weigh
        return _NO_EVIDENCE
    verdict = decide(hits, AUTHORSHIP | frozenset(count), human_evidence(commit, hits))
    if note is None:
        return verdict
    return _with_note(verdict, commit, note)


def _with_note(verdict: AgentVerdict, commit: Commit, note: Attribution) -> AgentVerdict:
    """The verdict with the note's share; AI lines raise it to `ai`, nothing in a note lowers it."""
    ai_lines, added = share(note, commit)
    if not ai_lines:
        return replace(verdict, ai_lines=ai_lines, added_lines=added, reasons=verdict.reasons + note.reasons)
    reason = f"attribution note {note.ref}: {ai_lines} of {added} added lines by {', '.join(note.agents) or 'AI'}"
    role = "author" if ai_lines >= added else "co-author"
    agents = verdict.agents if verdict.kind == "ai" else ()
    return replace(
        verdict,
        kind="ai",
        agents=tuple(dict.fromkeys((*agents, *note.agents))),
        reasons=(*verdict.reasons, reason, *note.reasons),
        roles=tuple(r for r in ROLES if r in {*verdict.roles, role}),
        ai_lines=ai_lines,
        added_lines=added,
        notes_only=verdict.kind != "ai",
    )
