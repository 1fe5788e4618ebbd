"""What each signature finds in a commit: hits with the agent, the role and the reason shown."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agentops_hooks.agents import coauthors, environment
from agentops_hooks.agents.signatures import (
    AI_APPS,
    DISCLOSURE_KEYS,
    PLACE_ROLES,
    Signature,
    app_slug,
    email_of,
    name_of,
)
from agentops_hooks.model import Commit, Verdict
from agentops_hooks.values import frozen


@frozen
class Hit:
    """One signature that matched: which agent, what it means, how sure, why, and the agent's part."""

    agent: str
    verdict: Verdict
    strong: bool
    reason: str
    role: str


# (reason, text searched, display name, role) per place
Place = list[tuple[str, str, str, str]]
_IDENTITY_CACHE: dict[tuple[int, str, str, str], tuple[tuple[str, str], ...]] = {}


def identities(commit: Commit) -> Place:
    """Author, committer and every co-author line (GitHub's reading), each with its role."""
    a, c = commit.author, commit.committer
    git_trailers = {(t.key, t.value) for t in commit.message.trailers}
    found: Place = [
        (f"author {a.name} <{a.email}>", a.email, a.name, "author"),
        (f"committer {c.name} <{c.email}>", c.email, c.name, "committer"),
    ]
    for key, value in coauthors.lines(commit.message):
        how = "trailer" if (key, value) in git_trailers else "co-author line (as GitHub reads it)"
        found.append((f"{how} {key}: {value}", email_of(value), name_of(value), "co-author"))
    return found


def places(commit: Commit) -> dict[str, Place]:
    """Every place a signature can look, built on first need."""
    msg, a, c = commit.message, commit.author, commit.committer
    return {
        "author-email": [(f"author <{a.email}>", a.email, a.name, "author")],
        "committer-email": [(f"committer <{c.email}>", c.email, c.name, "committer")],
        "author-name": [(f"author name {a.name!r}", a.name, a.name, "author")],
        "committer-name": [(f"committer name {c.name!r}", c.name, c.name, "committer")],
        "subject": [(f"subject {msg.subject!r}", msg.subject, "", "author")],
        "branch": [(f"branch {commit.branch}", commit.branch, "", "branch")] if commit.branch else [],
    }


def signature_hits(commit: Commit, signatures: Iterable[Signature]) -> Iterator[Hit]:
    """Hits of the listed signatures, each place's evidence gathered once."""
    fixed: dict[str, Place] | None = None
    ids: Place | None = None
    sigs = tuple(signatures)
    for sig in sigs:
        if sig.where == "identity":
            if ids is None:
                ids = identities(commit)
            yield from _identity(sig, sigs, ids)
            continue
        if sig.where in ("co-author", "trailer", "body", "env"):
            yield from _message_or_env(sig, commit)
            continue
        if fixed is None:
            fixed = places(commit)
        for reason, text, _, role in fixed.get(sig.where, ()):
            if sig.pattern.search(text):
                yield Hit(sig.agent, sig.verdict, sig.strong, reason, sig.role or role)


def _identity(sig: Signature, sigs: tuple[Signature, ...], ids: Place) -> Iterator[Hit]:
    for reason, email, name, role in ids:
        if not email:
            continue
        key = (id(sig), email, name, role)
        if key not in _IDENTITY_CACHE:  # a history repeats its people: decide each identity once
            if len(_IDENTITY_CACHE) > 8192:
                _IDENTITY_CACHE.clear()
            ok = sig.pattern.search(email) and (sig.name is None or sig.name.search(name))
            _IDENTITY_CACHE[key] = ((sig.agent, sig.role or role),) if ok else ()
        for agent, r in _IDENTITY_CACHE[key]:
            yield Hit(agent, sig.verdict, sig.strong, reason, r)


def _message_or_env(sig: Signature, commit: Commit) -> Iterator[Hit]:
    msg = commit.message
    role = sig.role or PLACE_ROLES[sig.where]
    if sig.where == "co-author":
        evidence = [(f"trailer {k}: {v}", email_of(v)) for k, v in coauthors.lines(msg)]
    elif sig.where == "trailer":
        evidence = [(f"trailer {t.key}: {t.value}", t.value) for t in msg.trailers if t.key.lower() == sig.key]
    elif sig.where == "body":
        evidence = [(f"body line {ln.strip()!r}", ln) for ln in msg.body.splitlines()]
    else:
        evidence = [(f"environment {k}={v}", v) for k, v in commit.env if k == sig.key]
    for reason, text in evidence:
        if sig.pattern.search(text):
            yield Hit(sig.agent, sig.verdict, sig.strong, reason, role)


def app_hits(commit: Commit) -> Iterator[Hit]:
    """GitHub App identities as author or committer (AI apps and automation bots), and bot co-authors."""
    for role, person in (("author", commit.author), ("committer", commit.committer)):
        if (slug := app_slug(person.email)) is not None:
            verdict: Verdict = "ai" if slug in AI_APPS else "automation"
            yield Hit(AI_APPS.get(slug, f"{slug}[bot]"), verdict, True, f"{role} <{person.email}>", role)
    for key, value in coauthors.lines(commit.message):
        slug = app_slug(email_of(value))
        if slug is not None and slug not in AI_APPS and key.lower() in coauthors.CO_AUTHOR_KEYS:
            # a bot's fix-up squashed into a person's commit: noted, decides nothing
            yield Hit(f"{slug}[bot]", "automation", False, f"trailer {key}: {value}", "co-author")
        elif slug in AI_APPS and key.lower() in coauthors.CO_AUTHOR_KEYS:
            yield Hit(AI_APPS[slug], "ai", True, f"trailer {key}: {value}", "co-author")


def disclosure_hits(commit: Commit) -> Iterator[Hit]:
    """`Assisted-by:`, `Generated-by:`, `AI-Agent:`, `AI-Model:`: the agent helped write the change."""
    for t in commit.message.trailers:
        if t.key.lower() in DISCLOSURE_KEYS:
            yield Hit(_disclosed(t.value), "ai", True, f"trailer {t.key}: {t.value}", "co-author")


def _disclosed(value: str) -> str:
    """The agent a disclosure trailer names, best effort: `<model> via <Tool>` names the tool; the
    kernel's `AGENT:MODEL [tools]` its agent; otherwise the first word."""
    text = value.split("<")[0].strip()
    if " via " in text:
        return text.rsplit(" via ", 1)[1].split(" ")[0].lower() or "agent"
    word = text.split(" ")[0].split(":")[0].lower()
    return word or "agent"


def env_hits(commit: Commit) -> Iterator[Hit]:
    """The agent runtimes whose shell this commit was made in (local hooks only)."""
    for shell, evidence in environment.shells(commit.env):
        name = environment.agent_name(shell, commit.env)
        yield Hit(name, "ai", shell.strong, f"environment {evidence}", "environment")
