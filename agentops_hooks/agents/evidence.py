"""What each signature finds in a commit: hits with the agent, the role and the reason shown."""

from __future__ import annotations

from collections.abc import Iterator

from agentops_hooks.agents import coauthors, environment
from agentops_hooks.agents.signatures import (
    AI_APPS,
    DISCLOSURE_KEYS,
    PLACE_ROLES,
    Lazy,
    Signature,
    app_slug,
    email_of,
    name_of,
)
from agentops_hooks.model import Commit, Verdict
from agentops_hooks.values import Memo, frozen


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
_IDENTITY_CACHE: dict[tuple[int, str, str, str], tuple[tuple[str, Verdict, bool, str], ...]] = {}
_GROUPS = Memo(1)  # the last signature set, by place


def identities(commit: Commit, co_lines: tuple[tuple[str, str], ...]) -> Place:
    """Author, committer and every co-author line (GitHub's reading), each with its role."""
    a, c = commit.author, commit.committer
    git_trailers = {(t.key, t.value) for t in commit.message.trailers}
    found: Place = [
        (f"author {a.name} <{a.email}>", a.email, a.name, "author"),
        (f"committer {c.name} <{c.email}>", c.email, c.name, "committer"),
    ]
    for key, value in co_lines:
        how = "trailer" if (key, value) in git_trailers else "co-author line (as GitHub reads it)"
        found.append((f"{how} {key}: {value}", email_of(value), name_of(value), "co-author"))
    return found


def _place(commit: Commit, where: str, co_lines: tuple[tuple[str, str], ...]) -> list[tuple[str, str, str]]:
    """(text searched, tag, what the reason shows) of one place: the trailer key or variable as the
    tag where a signature names one, else the role. Reasons are written only for what matched."""
    msg = commit.message
    if where == "body":
        return [(ln, "co-author", ln.strip()) for ln in msg.body.splitlines()]
    if where == "co-author":
        return [(email_of(v), "co-author", f"{k}: {v}") for k, v in co_lines]
    if where == "trailer":
        return [(t.value, t.key.lower(), f"{t.key}: {t.value}") for t in msg.trailers]
    if where == "env":
        return [(v, k, f"{k}={v}") for k, v in commit.env]
    if where == "branch":
        return [(commit.branch, "branch", commit.branch)] if commit.branch else []
    if where == "subject":
        return [(msg.subject, "author", msg.subject)]
    person = commit.author if where.startswith("author") else commit.committer
    text = person.email if where.endswith("email") else person.name
    return [(text, where.split("-")[0], text)]


_REASONS = {
    "body": "body line {!r}",
    "co-author": "trailer {}",
    "trailer": "trailer {}",
    "env": "environment {}",
    "branch": "branch {}",
    "subject": "subject {!r}",
    "author-email": "author <{}>",
    "committer-email": "committer <{}>",
    "author-name": "author name {!r}",
    "committer-name": "committer name {!r}",
}


def _groups(signatures: tuple[Signature, ...]) -> tuple[tuple[Signature, ...], dict[str, tuple[Signature, ...]]]:
    """The identity signatures, and the others by place: sorted once per signature set."""

    def group() -> dict[str, tuple[Signature, ...]]:
        by: dict[str, list[Signature]] = {}
        for sig in signatures:
            by.setdefault(sig.where, []).append(sig)
        return {"identity": tuple(by.pop("identity", ())), **{k: tuple(v) for k, v in by.items()}}

    places = _GROUPS.get(signatures, group)
    return places["identity"], places


def signature_hits(
    commit: Commit, signatures: tuple[Signature, ...], co_lines: tuple[tuple[str, str], ...]
) -> Iterator[Hit]:
    """Hits of the listed signatures, each place's evidence gathered once, absent places skipped."""
    ids, by_place = _groups(signatures)
    if ids:
        yield from _identity(ids, identities(commit, co_lines))
    for where, sigs in by_place.items():
        if where == "identity" or (where in ("env",) and not commit.env):
            continue
        if where in ("trailer", "co-author") and not (commit.message.trailers or co_lines):
            continue
        if where == "branch" and not commit.branch:
            continue
        # the place as one lowered text (ASCII): a signature whose needle is not there is in none of its texts
        whole = _whole(commit, where)
        evidence: list[tuple[str, str, str, str | None]] | None = None
        keyed = where in ("trailer", "env")
        for sig in sigs:
            lazy = isinstance(sig.pattern, Lazy)  # a config's own signature is an RE2 pattern
            if lazy and whole is not None and sig.pattern.needle and sig.pattern.needle not in whole:
                continue
            if evidence is None:  # each text lowered once for all the place's signatures (ASCII: see signatures.Lazy)
                texts = _place(commit, where, co_lines)
                evidence = [(t, tag, shown, t.lower() if t.isascii() else None) for t, tag, shown in texts]
            for text, tag, shown, lowered in evidence:
                if keyed and tag != sig.key:
                    continue
                if not (sig.pattern.search_lowered(text, lowered) if lazy else sig.pattern.search(text)):
                    continue
                role = sig.role or (PLACE_ROLES[where] if keyed else tag)
                yield Hit(sig.agent, sig.verdict, sig.strong, _REASONS[where].format(shown), role)


def _whole(commit: Commit, where: str) -> str | None:
    """A place's texts as one lower-cased text, for the places that are one text (or the body's
    lines), when it is ASCII; None: not such a place, or not ASCII."""
    msg = commit.message
    if where == "body":
        text = msg.body
    elif where == "subject":
        text = msg.subject
    elif where == "branch":
        text = commit.branch or ""
    elif where in ("author-name", "committer-name"):
        text = (commit.author if where == "author-name" else commit.committer).name
    else:
        return None
    return text.lower() if text.isascii() else None


def _identity(sigs: tuple[Signature, ...], ids: Place) -> Iterator[Hit]:
    for reason, email, name, role in ids:
        if not email:
            continue
        key = (id(sigs), email, name, role)
        found = _IDENTITY_CACHE.get(key)
        if found is None:  # a history repeats its people: decide each identity once
            if len(_IDENTITY_CACHE) > 8192:
                _IDENTITY_CACHE.clear()
            found = _IDENTITY_CACHE[key] = tuple(
                (s.agent, s.verdict, s.strong, s.role or role)
                for s in sigs
                if s.pattern.search(email) and (s.name is None or s.name.search(name))
            )
        for agent, verdict, strong, r in found:
            yield Hit(agent, verdict, strong, reason, r)


def app_hits(commit: Commit, co_lines: tuple[tuple[str, str], ...]) -> Iterator[Hit]:
    """GitHub App identities as author or committer (AI apps and automation bots), and bot co-authors."""
    for role, person in (("author", commit.author), ("committer", commit.committer)):
        if (slug := app_slug(person.email)) is not None:
            verdict: Verdict = "ai" if slug in AI_APPS else "automation"
            yield Hit(AI_APPS.get(slug, f"{slug}[bot]"), verdict, True, f"{role} <{person.email}>", role)
    for key, value in co_lines:
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
    if not commit.env:
        return
    for shell, evidence in environment.shells(commit.env):
        name = environment.agent_name(shell, commit.env)
        yield Hit(name, "ai", shell.strong, f"environment {evidence}", "environment")
