"""The domain as frozen values: a change, its commits and files, findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from agentops_hooks import patchtext
from agentops_hooks.hashing import sha256_hex
from agentops_hooks.values import field, frozen, replace

if TYPE_CHECKING:
    from agentops_hooks.globs import GlobSet
    from agentops_hooks.patterns import Regex

Verdict = Literal["ai", "automation", "human"]
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@frozen
class Line:
    """One added or removed line and its number in the new (or old) file."""

    number: int
    text: str


WINDOW = 1 << 13  # a file's added (or removed) lines are searched in texts of about this size


@frozen
class FileChange:
    """One file of a commit, as git's --raw record and patch describe it.

    The lines stay in `patch` (git's `-U0` hunks, undecoded) until a rule asks for them: a history
    scan passes millions of added lines, and one search of a file's text rules most files out. A
    section past a commit's memory budget (diffparse.BUDGET) has only its `counts` here, and
    `reread` gives its hunks back, in blocks, from where the history parked them (sources.Spool).
    """

    status: Literal["A", "M", "D", "R", "C", "T", "U", "X"]
    path: str
    old_path: str | None = None
    binary: bool = False
    size: int | None = None
    old_mode: str = ""
    new_mode: str = ""
    new_oid: str = ""
    patch: bytes = b""  # from the first `@@`; every other line starts with `+`, `-`, `\\` or `@@`
    counts: tuple[int, int] | None = None  # (added, removed) as the parser counted them; else from `patch`
    reread: Callable[[], Iterator[bytes]] | None = field(default=None, compare=False, repr=False)
    keep: bool = field(default=False, compare=False, repr=False)  # a spilled patch's joined lines may be kept
    _text: dict[bool, list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _utf8: dict[bool, list[bytes]] = field(default_factory=dict, init=False, repr=False, compare=False)
    # per side, id of a kept text → (the text, the keyword index that searched it, the ids of its rules found there)
    _keyed: dict[bool, dict[int, tuple[bytes, Any, frozenset[int]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def added(self) -> tuple[Line, ...]:
        """The added lines with their numbers in the new file."""
        return tuple(self.lines())

    @property
    def removed(self) -> tuple[Line, ...]:
        """The removed lines with their numbers in the old file."""
        return tuple(self.lines(removed=True))

    def held(self) -> FileChange:
        """The same file with its lines in memory: it outlives its place in a streamed history."""
        if self.reread is None:
            return self
        return replace(self, patch=b"".join(self.reread()), reread=None)

    def count(self, removed: bool = False) -> int:
        """How many lines the change adds (or removes), without reading them."""
        if self.counts is not None:
            return self.counts[removed]
        return self.patch.count(b"\n-" if removed else b"\n+")

    def lines(self, removed: bool = False, within: Callable[[bytes], object] | None = None) -> Iterator[Line]:
        """Added (or removed) lines one at a time, numbered from the hunk headers; with `within`, only
        those of the windows whose joined lines (as `utf8` gives them) it accepts, the rest counted."""
        sign = "-" if removed else "+"
        number = 0
        joins = self._joins(removed) if within is not None else None
        for i, window in enumerate(self._windows()):
            if within is not None and not within(joins[i] if joins is not None else patchtext.joined_utf8(window, removed)):
                number = patchtext.counted(window, number, removed)
                continue
            texts = window.decode("utf-8", "replace").split("\n")
            if isinstance(window, patchtext.Continued) and texts[0][:1] == sign:  # the rest of the line before
                yield Line(number - 1, texts[0][1:])
                texts = texts[1:]
            for raw in texts:
                first = raw[:1]
                if first == sign:
                    yield Line(number, raw[1:])
                    number += 1
                elif first == "@" and (m := patchtext.HUNK.match(raw)):
                    number = int(m.group(1 if removed else 2))

    def texts(self, removed: bool = False) -> Iterator[str]:
        """Added (or removed) lines joined by newlines, in texts of about WINDOW bytes cut at line ends.

        One regex search over a text rules a file out for every line in it, and a huge file never
        becomes one huge string. The texts of a patch held in memory (or of a spilled one the
        parser let `keep` them) are joined once and kept for the next rule that asks (they are no
        larger than the patch itself); another spilled patch's are joined again, from the spill.
        """
        kept = self._text.get(removed)
        if kept is None:
            joins = self._joins(removed)
            if joins is None:
                return (t for t in (patchtext.joined(w, removed) for w in self._windows()) if t)
            kept = self._text[removed] = [j.decode("utf-8") for j in joins if j]
        return iter(kept)

    def utf8(self, removed: bool = False) -> Iterator[bytes]:
        """`texts` as UTF-8 bytes, for the searches that only ask whether a text holds something: RE2
        searches bytes as they are, while a str is encoded again for every search, and no window
        need be decoded until a line of it is read."""
        joins = self._joins(removed)
        for text in joins if joins is not None else (patchtext.joined_utf8(w, removed) for w in self._windows()):
            if text:
                yield text

    def may_hold(self, literal: bytes) -> bool:
        """False only when no added or removed line can hold `literal` (no newline in it): one search
        of the patch as git wrote it, before any line is joined; a spilled patch may hold anything."""
        return self.reread is not None or literal in self.patch

    def note_keywords(self, removed: bool, text: bytes, index: Any, rule_ids: frozenset[int]) -> None:
        """Remember which keyword rules of `index` (their ids) a text of `utf8` holds one keyword of."""
        self._keyed.setdefault(removed, {})[id(text)] = (text, index, rule_ids)

    def holds_keyword(self, removed: bool, text: bytes, rule_id: int) -> bool | None:
        """Whether the text holds a keyword of the rule, as a keyword index noted it; None: not noted
        (a text joined again, or a rule the index that searched it does not hold)."""
        noted = self._keyed.get(removed, {}).get(id(text))
        if noted is None or noted[0] is not text or rule_id not in noted[1].ids:
            return None
        return rule_id in noted[2]

    def kept_texts(self) -> bool:
        """Whether `utf8` gives the same text objects every time (the patch's joined lines are kept, as `_joins` keeps them)."""
        return self.reread is None or self.keep

    def _joins(self, removed: bool) -> list[bytes] | None:
        """Each window's joined lines (UTF-8), kept while the patch is in memory (or `keep`); None otherwise."""
        if not self.kept_texts():
            return None
        kept = self._utf8.get(removed)
        if kept is None:
            kept = self._utf8[removed] = [patchtext.joined_utf8(window, removed) for window in self._windows()]
        return kept

    def _windows(self) -> Iterator[bytes]:
        """The hunks in pieces of about WINDOW bytes, each ending at a line end (the newline dropped)."""
        return patchtext.windows(self.reread() if self.reread is not None else (self.patch,), WINDOW)


def patch_of(added: Sequence[str] = (), removed: Sequence[str] = ()) -> bytes:
    """The `-U0` patch git would print for these lines, each side numbered from 1 (rule examples)."""
    head = f"@@ -1,{len(removed)} +1,{len(added)} @@\n"
    body = "".join(f"-{t}\n" for t in removed) + "".join(f"+{t}\n" for t in added)
    return (head + body).encode("utf-8", "surrogateescape")


@frozen
class Trailer:
    """A `Key: value` trailer, key spelled as written."""

    key: str
    value: str
    line: int


@frozen
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


@frozen
class Person:
    """An author or committer identity with its date (ISO 8601)."""

    name: str
    email: str
    date: str = ""


@frozen
class AgentVerdict:
    """Who made a commit, with the evidence: ai, automation or human."""

    kind: Verdict = "human"
    agents: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # the parts agents had (author, co-author, committer, ...), counted or not
    ai_lines: int | None = None  # added lines an attribution note gives to AI (None: no note)
    added_lines: int | None = None  # all lines the commit adds, when a note was read
    notes_only: bool = False  # only an attribution note makes it ai

    @property
    def is_agent(self) -> bool:
        """True for ai and automation."""
        return self.kind != "human"

    @property
    def ai_share(self) -> float | None:
        """The share of added lines an attribution note gives to AI; None without a note."""
        if self.ai_lines is None or not self.added_lines:
            return None
        return min(1.0, self.ai_lines / self.added_lines)

    def rule_share(self) -> float:
        """The AI share `min-ai-share` compares: markers count as fully AI, a note can only raise."""
        if self.kind != "ai":
            return 0.0
        return (self.ai_share or 0.0) if self.notes_only else 1.0


@frozen
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

    def held(self) -> Commit:
        """The same commit with every file's lines in memory, to keep past its turn in a streamed history."""
        if all(f.reread is None for f in self.files):
            return self
        return replace(self, files=tuple(f.held() for f in self.files))

    @property
    def short(self) -> str:
        """The short sha; `staged` for the commit being made, `pr` for a squash's title and body."""
        return self.sha[:7] if self.sha else ("pr" if self.source == "squash" else "staged")


@frozen
class Waiver:
    """Why a finding does not count: by trailer, inline comment or ignore file."""

    by: Literal["trailer", "inline", "ignore-file", "baseline"]
    reason: str


@frozen
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
    secret_digest: str | None = None  # SHA-256 hex of the secret an added-pattern matched, never the value

    @property
    def blocking(self) -> bool:
        """An unwaived error blocks."""
        return self.severity == "error" and self.waived is None


@frozen
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
    keep = 4 if len(text) >= 12 else 0
    return f"{text[:keep]}…[sha256:{sha256_hex(text)[:8]}]"


_NO_REGEXES: tuple[Regex, ...] = ()


@frozen
class Compiled:
    """A rule's parameters as the loader compiled them, by form (kinds.params.Form), by parameter name."""

    regexes: Mapping[str, Regex] = field(default_factory=dict)  # REGEX, LINE_REGEX (and `<name>-text`), KEYWORDS
    regex_lists: Mapping[str, tuple[Regex, ...]] = field(default_factory=dict)  # FULL_REGEXES
    regex_maps: Mapping[str, Mapping[str, Regex]] = field(default_factory=dict)  # REGEX_MAP, keys in lower case
    globsets: Mapping[str, GlobSet] = field(default_factory=dict)  # GLOBS
    config_files: frozenset[str] = frozenset()  # what `{config-files}` stands for (engine.with_config_files)
    approvals: Any = None  # approvals.Approvals for kinds that read an approval (engine.with_approvals)

    def regex(self, name: str) -> Regex | None:
        """The compiled pattern of a parameter; None when the rule has none."""
        return self.regexes.get(name)

    def regex_list(self, name: str) -> tuple[Regex, ...]:
        """The compiled patterns of a list parameter (none when unset)."""
        return self.regex_lists.get(name, _NO_REGEXES)

    def regex_map(self, name: str) -> Mapping[str, Regex]:
        """Key (lower case) → compiled pattern of a mapping parameter (empty when unset)."""
        return self.regex_maps.get(name, {})

    def globs(self, name: str) -> GlobSet | None:
        """The glob set of a parameter; None when the rule has none."""
        return self.globsets.get(name)

    def every_regex(self) -> Iterator[Regex]:
        """Every compiled pattern (tests prove none is Python's `re`)."""
        yield from self.regexes.values()
        for patterns in self.regex_lists.values():
            yield from patterns
        for table in self.regex_maps.values():
            yield from table.values()


@frozen
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
    params: Mapping[str, Any] = field(default_factory=dict)  # the kind's parameters as the rule sets them
    compiled: Compiled = field(default_factory=Compiled)
    include: GlobSet | None = None  # None: every file
    exclude: GlobSet | None = None
    examples: Mapping[str, Any] | None = None
    origin: str = ""  # file:line where it was defined
    pack: str = ""
    defaults: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)  # the kind's declared ones
    min_ai_share: float | None = None  # with applies-to ai: only commits at least this AI-written

    def param(self, name: str) -> Any:
        """A kind parameter as the rule sets it, else the default its kind declares (kinds.params)."""
        return self.params[name] if name in self.params else self.defaults.get(name)

    def selects(self, path: str) -> bool:
        """Whether a file-level check of this rule looks at `path`."""
        if self.include is not None and not self.include.match_file(path):
            return False
        return self.exclude is None or not self.exclude.match_file(path)

    def finding(
        self,
        *,
        path: str | None = None,
        line: int | None = None,
        match: str | None = None,
        secret: tuple[int, int] | None = None,
        **values: str,
    ) -> Finding:
        """A finding of this rule, its message template filled with plain strings only.

        `secret`: where in `match` the secret is (its digest is kept; redaction masks only it)."""
        digest = None
        shown = match
        if match is not None and secret is not None:
            start, end = secret
            digest = sha256_hex(match[start:end])
            if self.redact:
                shown = match[:start] + mask(match[start:end]) + match[end:]
        elif match is not None and self.redact:
            shown = mask(match)
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
            secret_digest=digest,
        )


@frozen
class RangeFindings:
    """What range rules found about a whole range of commits: the last item of a result stream.

    Not a commit: each finding names the commits it is about in `Finding.commits`.
    """

    findings: tuple[Finding, ...] = field(default=())


Checked = CommitResult | RangeFindings  # one item of a result stream: a judged commit, or a range's findings
