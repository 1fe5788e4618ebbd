"""The domain as frozen values: a change, its commits and files, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["ai", "automation", "human"]
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Line:
    """One added or removed line and its number in the new (or old) file."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of a commit, as git's --raw record and patch describe it."""

    status: Literal["A", "M", "D", "R", "C", "T", "U", "X"]
    path: str
    old_path: str | None = None
    binary: bool = False
    size: int | None = None
    added: tuple[Line, ...] = ()
    removed: tuple[Line, ...] = ()
    old_mode: str = ""
    new_mode: str = ""
    new_oid: str = ""
    added_text: str | None = None  # the added lines joined by newlines, when the parser kept them
    removed_text: str | None = None

    def text(self, removed: bool = False) -> str:
        """Added (or removed) lines as one text: one regex call can rule a whole file out."""
        kept = self.removed_text if removed else self.added_text
        if kept is not None:
            return kept
        return "\n".join(line.text for line in (self.removed if removed else self.added))


@dataclass(frozen=True, slots=True)
class Trailer:
    """A `Key: value` trailer, key spelled as written."""

    key: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Message:
    """A commit message as git will record it, split into its parts."""

    text: str
    subject: str
    body: str
    trailers: tuple[Trailer, ...] = ()

    def trailer_values(self, key: str) -> tuple[str, ...]:
        """Values of every trailer whose key matches, case-insensitively."""
        k = key.lower()
        return tuple(t.value for t in self.trailers if t.key.lower() == k)


@dataclass(frozen=True, slots=True)
class Person:
    """An author or committer identity with its date (ISO 8601)."""

    name: str
    email: str
    date: str = ""


@dataclass(frozen=True, slots=True)
class AgentVerdict:
    """Who made a commit, with the evidence: ai, automation or human."""

    kind: Verdict = "human"
    agents: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def is_agent(self) -> bool:
        """True for ai and automation."""
        return self.kind != "human"


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit (or the staged change: sha None) with everything a rule sees."""

    sha: str | None
    message: Message
    files: tuple[FileChange, ...] = ()
    author: Person = Person("", "")
    committer: Person = Person("", "")
    parents: tuple[str, ...] = ()
    source: str = "staged"
    branch: str | None = None
    env: tuple[tuple[str, str], ...] = ()

    @property
    def short(self) -> str:
        """The short sha; `staged` for the commit being made, `pr` for a squash's title and body."""
        return self.sha[:7] if self.sha else ("pr" if self.source == "squash" else "staged")


@dataclass(frozen=True, slots=True)
class Waiver:
    """Why a finding does not count: by trailer, inline comment or ignore file."""

    by: Literal["trailer", "inline", "ignore-file"]
    reason: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation of one rule, located in a commit, file and line."""

    rule_id: str
    severity: Severity
    message: str
    hint: str = ""
    path: str | None = None
    line: int | None = None
    match: str | None = None
    factor: str | None = None
    waived: Waiver | None = None
    commits: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        """An unwaived error blocks."""
        return self.severity == "error" and self.waived is None


@dataclass(frozen=True, slots=True)
class CommitResult:
    """A checked commit, its verdict and its findings, as outputs show them."""

    commit: Commit
    agent: AgentVerdict
    findings: tuple[Finding, ...] = field(default=())


class _Template(dict[str, str]):
    """format_map values: unknown placeholders stay as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def mask(text: str) -> str:
    """A secret as a prefix and a hash (`AKIA…[sha256:1a2b3c4d]`): two findings of one secret correlate, none reveals it.

    The prefix is the first four characters, and only for secrets of twelve or more (a short
    one would be half given away); the digest is of the whole secret.
    """
    try:  # the builtin module: hashlib itself loads OpenSSL, milliseconds on the hook path
        from _sha256 import sha256  # type: ignore[import-not-found]  # builtin module, no stub
    except ImportError:  # pragma: no cover - an interpreter without the builtin module
        from hashlib import sha256
    keep = 4 if len(text) >= 12 else 0
    return f"{text[:keep]}…[sha256:{sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}]"


@dataclass(frozen=True, slots=True)
class Rule:
    """A loaded rule: its declared keys, parameters, and patterns compiled at load time."""

    id: str
    kind: str
    description: str
    message: str
    severity: Severity
    hint: str = ""
    applies_to: str = "all"
    factor: str | None = None
    exemptible: bool = True
    redact: bool = False
    params: Any = None  # the kind's parameters as plain data
    compiled: Any = None  # name → compiled RE2 pattern(s) or PathSpec
    include: Any = None  # PathSpec or None (every file)
    exclude: Any = None
    examples: Any = None
    origin: str = ""  # file:line where it was defined
    pack: str = ""

    def param(self, name: str, default: Any = None) -> Any:
        """A kind parameter, or the default when the rule does not set it."""
        return self.params.get(name, default) if self.params else default

    def selects(self, path: str) -> bool:
        """Whether a file-level check of this rule looks at `path`."""
        if self.include is not None and not self.include.match_file(path):
            return False
        return self.exclude is None or not self.exclude.match_file(path)

    def finding(
        self, *, path: str | None = None, line: int | None = None, match: str | None = None, **values: str
    ) -> Finding:
        """A finding of this rule, its message template filled with plain strings only."""
        shown = mask(match) if (match is not None and self.redact) else match
        fill = _Template(values, path=path or "", line=str(line or ""), match=shown or "")
        return Finding(
            rule_id=self.id,
            severity=self.severity,
            message=self.message.format_map(fill),
            hint=self.hint.format_map(fill),
            path=path,
            line=line,
            match=shown,
            factor=self.factor,
        )
