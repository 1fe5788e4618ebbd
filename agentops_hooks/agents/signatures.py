"""The markers agents leave in a commit: identities, trailers, body and subject lines, branches.

An identity signature applies to the author, the committer and every co-author alike; where it
matched decides the agent's role (author, committer, co-author). Other markers carry their role.
"""

from __future__ import annotations

import re
from typing import Any

from agentops_hooks.model import Verdict
from agentops_hooks.values import frozen

ROLES = ("author", "co-author", "committer", "message", "environment", "branch")
AUTHORSHIP = frozenset({"author", "co-author", "environment"})  # what `ai` means unless count-roles adds more
# the role a place gives when the signature names none
PLACE_ROLES = {
    "author-email": "author",
    "author-name": "author",
    "committer-email": "committer",
    "committer-name": "committer",
    "co-author": "co-author",
    "trailer": "co-author",
    "body": "co-author",
    "subject": "author",
    "branch": "branch",
    "env": "environment",
}


@frozen
class Signature:
    """One marker: where to look, what to match, which agent and verdict it means, and the role."""

    agent: str
    where: str  # identity | co-author | trailer | body | subject | author-email | author-name |
    # committer-email | committer-name | branch | env
    pattern: Any  # an object with .search(text): a compiled regex, or Lazy until first use
    verdict: Verdict = "ai"
    strong: bool = True
    key: str = ""  # the trailer key for `where: trailer`, the variable for `where: env`
    name: Any = None  # identity only: the display name must match too (`@anthropic.com` people stay human)
    role: str = ""  # "" = the role the place gives (PLACE_ROLES; identity: where the identity stands)


class Lazy:
    """A case-insensitive regex compiled the first time there is evidence it could match.

    Every commit's identities are searched with every signature, and compiling 40 patterns costs
    a hook run 3 ms: an ASCII text without the pattern's longest literal part (`anthropic.com`)
    cannot match, and is answered without the regex.
    """

    __slots__ = ("source", "needle", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self.needle = needle(source)
        self._compiled: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        return self.search_lowered(text, text.lower() if self.needle and text.isascii() else None)

    def search_lowered(self, text: str, lowered: str | None) -> re.Match[str] | None:
        """`search`, given the text lower-cased when it is ASCII (None when it is not)."""
        if self.needle and lowered is not None and self.needle not in lowered:
            return None  # ASCII text: IGNORECASE is ASCII case, and every match holds the needle
        if self._compiled is None:
            self._compiled = re.compile(self.source, re.IGNORECASE)
        return self._compiled.search(text)


_LITERAL_ESCAPES = frozenset(".[](){}*+?^$|\\/-@#&~!%=:,<> '\"_")


def needle(source: str) -> str:
    """The longest run of literal characters every match of the pattern holds, lower-cased ("" when unsure).

    Groups and classes are skipped (their parts may be optional or alternatives), a quantifier that
    allows none drops the character before it, and a top-level `|` gives up.
    """
    runs, cur, i = [], "", 0
    while i < len(source):
        c = source[i]
        if c == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            if nxt in _LITERAL_ESCAPES:
                cur += nxt
            else:  # \d, \b, \w, a backreference, ...
                runs.append(cur)
                cur = ""
            i += 2
            continue
        if c == "|":
            return ""
        if c in "([":
            runs.append(cur)
            cur = ""
            i = _skip(source, i)
            continue
        if c in "*?{":
            cur = cur[:-1]
            runs.append(cur)
            cur = ""
            i = source.find("}", i) + 1 if c == "{" else i + 1
            if i == 0:
                return ""
            continue
        if c in ".^$+":
            runs.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    runs.append(cur)
    best = max(runs, key=len)
    return best.lower() if len(best) >= 3 and best.isascii() else ""


def _skip(source: str, i: int) -> int:
    """The index after the group or class that starts at `i` (the end of the text when it never closes)."""
    depth, in_class = 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]" and source[i - 1] not in "[^":
                in_class = False
                if depth == 0:
                    return i + 1
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _s(agent: str, where: str, pattern: str, key: str = "", role: str = "", name: str | None = None) -> Signature:
    return Signature(agent, where, Lazy(pattern), "ai", True, key, Lazy(name) if name else None, role)


def _id(agent: str, email: str, name: str | None = None) -> Signature:
    return _s(agent, "identity", email, name=name)


IDENTITIES: tuple[Signature, ...] = (
    _id("claude-code", r"^noreply@anthropic\.com$"),
    _id("claude-code", r"@anthropic\.com$", name=r"\bclaude\b"),  # hand-written: Anthropic Claude Opus 4 <claude@…>
    _id("copilot", r"^(\d+\+)?Copilot@users\.noreply\.github\.com$"),
    _id("copilot", r"^copilot@github\.com$"),
    _id("codex", r"^(noreply|codex)@openai\.com$"),
    _id("cursor", r"^cursoragent@cursor\.com$"),
    _id("cursor", r"^ai@cursor\.sh$"),  # hand-written: Cursor AI <ai@cursor.sh>
    _id("aider", r"^(aider@aider\.chat|noreply@aider\.(chat|dev))$"),
    _id("devin", r"devin-ai-integration\[bot\]@users\.noreply\.github\.com$"),
    _id("gemini", r"^gemini-cli@google\.com$"),
    _id("gemini", r"^noreply@google\.com$", name=r"\bgemini\b"),
    _id("antigravity", r"^antigravity@google\.com$"),
    _id("grok", r"@x\.ai$", name=r"\bgrok\b"),
    _id("openhands", r"^openhands@all-hands\.dev$"),
    _id("amp", r"^amp@ampcode\.com$"),
    _id("opencode", r"^noreply@opencode\.ai$"),
    _id("droid", r"factory-droid\[bot\]@users\.noreply\.github\.com$"),
    _id("crush", r"^crush@charm\.land$"),
    _id("warp", r"^(agent|oz-agent)@warp\.dev$"),
)

MARKERS: tuple[Signature, ...] = (
    _s("claude-code", "trailer", r"^https://claude\.ai/code/session_", key="claude-session"),
    _s("claude-code", "body", r"Generated with \[?Claude Code"),
    _s("claude-code", "branch", r"^claude[/-]"),
    _s("copilot", "trailer", r"^https://github\.com/.+/sessions/", key="agent-logs-url", role="author"),
    _s("copilot", "branch", r"^copilot/"),
    _s("codex", "branch", r"^codex/"),
    _s("cursor", "trailer", r"^Cursor$", key="made-with"),
    _s("cursor", "branch", r"^cursor/"),
    _s("aider", "author-name", r"\(aider\)\s*$"),
    _s("aider", "committer-name", r"\(aider\)\s*$"),  # aider committed a person's change (its docs)
    _s("aider", "subject", r"^aider: "),
    _s("aider", "body", r"^# Aider chat conversation:", role="author"),  # older aider's transcript bodies
    _s("devin", "body", r"Generated with \[Devin\]\(https://(cli\.)?devin\.ai"),
    _s("devin", "branch", r"^devin/\d+-"),
    _s("amp", "trailer", r"^https://ampcode\.com/threads/", key="amp-thread-id"),
    _s("opencode", "body", r"Generated with \[opencode\]"),
    _s("crush", "body", r"Generated with Crush"),
    _s("crush", "trailer", r"via Crush", key="assisted-by"),
)

_APP = re.compile(r"^(?:\d+\+)?([A-Za-z0-9-]+)\[bot\]@users\.noreply\.github\.com$", re.IGNORECASE)
_EMAIL = re.compile(r"<([^<>]+)>\s*$")
DISCLOSURE_KEYS = ("assisted-by", "generated-by", "ai-agent", "ai-model")

# GitHub Apps that are AI coding agents (SPEC §4); every other [bot] is automation
AI_APPS = {
    "copilot-swe-agent": "copilot",
    "copilot": "copilot",
    "devin-ai-integration": "devin",
    "claude": "claude-code",
    "anthropic-claude": "claude-code",
    "claude-code-action": "claude-code",
    "cursor": "cursor",
    "cursoragent": "cursor",
    "codex": "codex",
    "openai-codex": "codex",
    "chatgpt-codex-connector": "codex",
    "google-labs-jules": "jules",
    "factory-droid": "droid",
    "sweep-ai": "sweep",
    "sweep-nightly": "sweep",
    "sweep-canary": "sweep",
    "amazon-q-developer": "amazon-q",
    "openhands-agent": "openhands",
    "opencode-agent": "opencode",
    "zencoder-ai": "zencoder",
}


def email_of(value: str) -> str:
    """The address in `Name <address>`, or the whole value when it has none."""
    m = _EMAIL.search(value)
    return (m.group(1) if m else value).strip()


def name_of(value: str) -> str:
    """The display name in `Name <address>` (empty for a bare address)."""
    return value.split("<")[0].strip() if "<" in value else ""


def app_slug(email: str) -> str | None:
    """The GitHub App slug of `[id+]slug[bot]@users.noreply.github.com`, lower case; None otherwise."""
    m = _APP.match(email)
    return m.group(1).lower() if m else None
