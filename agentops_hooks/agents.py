"""Who made a commit: signatures over trailers, identities, body, branch and shell environment."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from agentops_hooks.model import AgentVerdict, Commit, Verdict
from agentops_hooks.values import frozen

_EMAIL = re.compile(r"<([^<>]+)>\s*$")
_APP = re.compile(r"^(?:\d+\+)?([A-Za-z0-9-]+)\[bot\]@users\.noreply\.github\.com$", re.IGNORECASE)
CO_AUTHOR_KEYS = ("co-authored-by",)
DISCLOSURE_KEYS = ("assisted-by", "generated-by", "ai-agent", "ai-model")

# GitHub Apps that are AI coding agents (SPEC §4); every other [bot] is automation
AI_APPS = {
    "copilot-swe-agent": "copilot",
    "copilot": "copilot",
    "devin-ai-integration": "devin",
    "claude": "claude-code",
    "cursor": "cursor",
    "codex": "codex",
    "chatgpt-codex-connector": "codex",
    "google-labs-jules": "jules",
    "factory-droid": "droid",
    "sweep-ai": "sweep",
    "amazon-q-developer": "amazon-q",
    "openhands-agent": "openhands",
    "opencode-agent": "opencode",
}


@frozen
class Signature:
    """One marker: where to look, what to match, which agent and verdict it means."""

    agent: str
    where: str  # co-author | trailer | body | author-email | author-name | committer-name | branch | env
    pattern: Any  # an object with .search(text): a compiled regex, or _Lazy until first use
    verdict: Verdict = "ai"
    strong: bool = True
    key: str = ""  # the trailer key for `where: trailer`, the variable for `where: env`


class _Lazy:
    """A case-insensitive regex compiled the first time there is evidence to search (most never)."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self.source, re.IGNORECASE)
        return self._compiled.search(text)


def _s(agent: str, where: str, pattern: str, key: str = "", verdict: Verdict = "ai", strong: bool = True) -> Signature:
    return Signature(agent, where, _Lazy(pattern), verdict, strong, key)


BUILTIN: tuple[Signature, ...] = (
    _s("claude-code", "co-author", r"^noreply@anthropic\.com$"),
    _s("claude-code", "trailer", r"^https://claude\.ai/code/session_", key="claude-session"),
    _s("claude-code", "body", r"Generated with \[?Claude Code"),
    _s("claude-code", "branch", r"^claude/"),
    _s("copilot", "co-author", r"^(\d+\+)?Copilot@users\.noreply\.github\.com$"),
    _s("copilot", "co-author", r"^copilot@github\.com$"),
    _s("copilot", "author-email", r"^(\d+\+)?Copilot@users\.noreply\.github\.com$"),
    _s("copilot", "trailer", r"^https://github\.com/.+/sessions/", key="agent-logs-url"),
    _s("copilot", "branch", r"^copilot/"),
    _s("codex", "co-author", r"^(noreply|codex)@openai\.com$"),
    _s("codex", "branch", r"^codex/"),
    _s("cursor", "co-author", r"^cursoragent@cursor\.com$"),
    _s("cursor", "trailer", r"^Cursor$", key="made-with"),
    _s("cursor", "branch", r"^cursor/"),
    _s("aider", "co-author", r"^(aider@aider\.chat|noreply@aider\.(chat|dev))$"),
    _s("aider", "author-name", r"\(aider\)\s*$"),
    _s("aider", "committer-name", r"\(aider\)\s*$"),
    _s("devin", "co-author", r"devin-ai-integration\[bot\]@users\.noreply\.github\.com$"),
    _s("devin", "body", r"Generated with \[Devin\]\(https://(cli\.)?devin\.ai"),
    _s("devin", "branch", r"^devin/\d+-"),
    _s("gemini", "co-author", r"^(gemini-cli|noreply)@google\.com$"),
    _s("openhands", "co-author", r"^openhands@all-hands\.dev$"),
    _s("openhands", "author-email", r"^openhands@all-hands\.dev$"),
    _s("amp", "co-author", r"^amp@ampcode\.com$"),
    _s("amp", "trailer", r"^https://ampcode\.com/threads/", key="amp-thread-id"),
    _s("opencode", "co-author", r"^noreply@opencode\.ai$"),
    _s("opencode", "body", r"Generated with \[opencode\]"),
    _s("droid", "co-author", r"factory-droid\[bot\]@users\.noreply\.github\.com$"),
    _s("crush", "co-author", r"^crush@charm\.land$"),
    _s("crush", "body", r"Generated with Crush"),
    _s("warp", "co-author", r"^(agent|oz-agent)@warp\.dev$"),
    _s("claude-code", "env", r".", key="CLAUDE_CODE_CHILD_SESSION"),
    _s("claude-code", "env", r".", key="CLAUDE_CODE_ACTION"),
    _s("claude-code", "env", r".", key="CLAUDE_CODE_REMOTE"),
    _s("claude-code", "env", r".", key="CLAUDECODE", strong=False),
    _s("codex", "env", r".", key="CODEX_THREAD_ID"),
    _s("gemini", "env", r".", key="GEMINI_CLI"),
    _s("qwen-code", "env", r".", key="QWEN_CODE"),
    _s("cursor", "env", r".", key="CURSOR_AGENT"),
    _s("cursor", "env", r"^agent-exec$", key="CURSOR_EXTENSION_HOST_ROLE"),
    _s("cursor", "env", r".", key="CURSOR_TRACE_ID", strong=False),
    _s("copilot", "env", r".", key="COPILOT_AGENT"),
    _s("copilot", "env", r".", key="COPILOT_AGENT_SESSION_ID"),
    _s("crush", "env", r".", key="CRUSH"),
    _s("opencode", "env", r".", key="OPENCODE"),
    _s("augment", "env", r".", key="AUGMENT_AGENT"),
    _s("antigravity", "env", r".", key="ANTIGRAVITY_AGENT"),
    _s("warp", "env", r".", key="OZ_RUN_ID"),
    _s("pi", "env", r".", key="PI_CODING_AGENT"),
    _s("amp", "env", r".", key="AMP_CURRENT_THREAD_ID"),
    _s("agent", "env", r".", key="AI_AGENT"),
)


def email_of(value: str) -> str:
    """The address in `Name <address>`, or the whole value when it has none."""
    m = _EMAIL.search(value)
    return (m.group(1) if m else value).strip()


def detect(commit: Commit, signatures: Iterable[Signature] = BUILTIN) -> AgentVerdict:
    """The verdict with every agent named and every reason (signature and evidence)."""
    hits: list[tuple[str, Verdict, bool, str]] = []
    seen: dict[tuple[str, str], list[tuple[str, str]]] = {}  # evidence gathered once per place
    msg = commit.message
    absent = {
        "env": not commit.env,
        "branch": not commit.branch,
        "trailer": not msg.trailers,
        "co-author": not msg.trailers,
    }
    for sig in signatures:
        if absent.get(sig.where):
            continue
        place = (sig.where, sig.key)
        evidence = seen.get(place)
        if evidence is None:
            evidence = seen[place] = list(_evidence(sig, commit))
        for reason, text in evidence:
            if sig.pattern.search(text):
                hits.append((sig.agent, sig.verdict, sig.strong, reason))
    hits += _apps(commit)
    strong = [h for h in hits if h[2]]
    kind: Verdict = "human"
    if any(v == "ai" for _, v, _, _ in strong):
        kind = "ai"
    elif strong:
        kind = "automation"
    agents = tuple(dict.fromkeys(a for a, v, s, _ in hits if s and v == kind))
    reasons = tuple(dict.fromkeys(r if s else f"{r} (weak signal)" for _, _, s, r in hits))
    return AgentVerdict(kind, agents, reasons)


def _evidence(sig: Signature, commit: Commit) -> Iterable[tuple[str, str]]:
    """(reason, text) pairs this signature looks at."""
    msg = commit.message
    if sig.where == "co-author":
        for t in msg.trailers:
            if t.key.lower() in CO_AUTHOR_KEYS or (t.key.lower() == "co-developed-by"):
                yield f"trailer {t.key}: {t.value}", email_of(t.value)
    elif sig.where == "trailer":
        for value in msg.trailer_values(sig.key):
            yield f"trailer {sig.key.title()}: {value}", value
    elif sig.where == "body":
        for line in msg.body.splitlines():
            yield f"body line {line.strip()!r}", line
    elif sig.where == "author-email":
        yield f"author <{commit.author.email}>", commit.author.email
    elif sig.where == "author-name":
        yield f"author name {commit.author.name!r}", commit.author.name
    elif sig.where == "committer-name":
        yield f"committer name {commit.committer.name!r}", commit.committer.name
    elif sig.where == "branch" and commit.branch:
        yield f"branch {commit.branch}", commit.branch
    elif sig.where == "env":
        for key, value in commit.env:
            if key == sig.key:
                yield f"environment {key}={value}", value


def _apps(commit: Commit) -> list[tuple[str, Verdict, bool, str]]:
    """GitHub App identities: AI apps and automation bots, as author, committer or co-author."""
    hits: list[tuple[str, Verdict, bool, str]] = []
    people = [("author", commit.author.email), ("committer", commit.committer.email)]
    for role, email in people:
        if m := _APP.match(email):
            slug = m.group(1).lower()
            verdict: Verdict = "ai" if slug in AI_APPS else "automation"
            hits.append((AI_APPS.get(slug, f"{slug}[bot]"), verdict, True, f"{role} <{email}>"))
    for t in commit.message.trailers:
        if t.key.lower() in CO_AUTHOR_KEYS and (m := _APP.match(email_of(t.value))):
            slug = m.group(1).lower()
            if slug not in AI_APPS:  # a bot's fix-up squashed into a human's commit: note it only
                hits.append((f"{slug}[bot]", "automation", False, f"trailer {t.key}: {t.value}"))
    for key in DISCLOSURE_KEYS:
        for value in commit.message.trailer_values(key):
            hits.append((_disclosed(value), "ai", True, f"trailer {key.title()}: {value}"))
    return hits


def _disclosed(value: str) -> str:
    """The agent a disclosure trailer names, best effort (its first word)."""
    word = value.split("<")[0].strip().split(" ")[0].lower()
    return word or "agent"


def is_agent_identity(value: str, signatures: Iterable[Signature] = BUILTIN) -> bool:
    """Whether `Name <email>` (or a bare email) belongs to an agent or a bot, never a person."""
    email = email_of(value)
    if _APP.match(email):
        return True
    return any(s.where in ("co-author", "author-email") and s.pattern.search(email) for s in signatures)
