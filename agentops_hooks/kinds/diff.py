"""Kinds that read a commit's files: added lines, file names, sizes, binaries."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from agentops_hooks.errors import RuleFileError
from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import WINDOW, Commit, Compiled, FileChange, Finding, Rule
from agentops_hooks.patterns import Match
from agentops_hooks.values import Memo

# the charsets `entropy` may name, narrowest first: a secret's charset is the first that holds all its characters
_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
CHARSETS: tuple[tuple[str, frozenset[str]], ...] = (
    ("hex", frozenset("0123456789abcdefABCDEF")),
    ("alnum", _ALNUM),
    ("base64", _ALNUM | frozenset("+/=-_")),  # standard and URL-safe alphabets, with padding
)
MAX_BITS = {"hex": 4.0, "alnum": math.log2(62), "base64": math.log2(67)}  # a string of the charset reaches no more


def entropy(text: str) -> float:
    """Shannon entropy of the text in bits per character (0 for an empty or one-letter text)."""
    n = len(text)
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / n * math.log2(c / n) for c in counts.values()) if n else 0.0


def charset(text: str) -> str:
    """The narrowest of hex ⊂ alnum ⊂ base64 ⊂ any that holds every character of the text."""
    chars = set(text)
    return next((name for name, allowed in CHARSETS if chars <= allowed), "any")


def _check_group(value: Any, compiled: Compiled, where: str) -> None:
    """`secret-group` names a group the pattern has."""
    pattern: Any = compiled.regexes["pattern"]
    names = dict(pattern.groupindex)
    groups = [*names, *(str(i) for i in range(1, pattern.groups + 1) if i not in names.values())]
    known = value in names if isinstance(value, str) else 0 <= value <= pattern.groups
    if not known:
        having = f"its groups: {', '.join(groups)}" if groups else "it has no groups"
        raise RuleFileError(
            f"{where}: the pattern has no group {value!r} ({having}); name one of them, 0 for the whole"
            " match, or write the secret as (?P<secret>...) and leave secret-group out"
        )


def _check_entropy(value: Any, compiled: Compiled, where: str) -> None:
    """Each minimum names a charset, and is one a secret of that charset can reach."""
    names = [name for name, _ in CHARSETS] + ["any"]
    for name, bits in (value.items() if isinstance(value, Mapping) else ()):
        if name not in names:
            import difflib

            close = difflib.get_close_matches(name, names, n=1)
            maybe = f" (did you mean '{close[0]}'?)" if close else ""
            raise RuleFileError(f"{where}: unknown charset '{name}'{maybe}; the charsets are {', '.join(names)}")
        if name in MAX_BITS and bits > MAX_BITS[name]:
            raise RuleFileError(
                f"{where}: {name}: {bits} bits per character can never be reached (a {name} string has at most"
                f" {MAX_BITS[name]:.2f}); lower it"
            )


LINE_PATTERN = (  # added/removed-pattern; `keywords-case` is read where `keywords` is compiled (rulespec)
    Param("pattern", form=Form.LINE_REGEX),
    Param("keywords", (), Form.KEYWORDS),
    Param("keywords-case", "any"),
)
ADDED_PATTERN = (
    *LINE_PATTERN,
    Param("secret-group", check=_check_group),
    Param("entropy", check=_check_entropy),
    Param("allow", (), Form.ANY_OF),
)
FILE_LIMITS = (Param("max-size"), Param("no-binaries", False), Param("forbidden-names", form=Form.GLOBS))


def added_pattern(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Added lines that match the rule's pattern, in the files its paths select."""
    yield from _line_pattern(rule, commit, removed=False)


def removed_pattern(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Removed lines that match the rule's pattern (line numbers of the old file)."""
    yield from _line_pattern(rule, commit, removed=True)


def _line_pattern(rule: Rule, commit: Commit, removed: bool) -> Iterator[Finding]:
    pattern = rule.compiled.regexes["pattern"]
    keywords = rule.compiled.regex("keywords")
    whole = rule.compiled.regexes["pattern-text"]
    secret = None if removed else _Secret(rule)
    rid = id(rule)
    for change in commit.files:
        if (change.binary and rule.exemptible) or not rule.selects(change.path):  # binaries hide no secret
            continue
        # one search over the file's lines joined (as UTF-8: searched as they are, never encoded
        # again) rules most files out; only a hit looks line by line, and in a large file only in
        # the pieces that hit. The keyword index already searched each kept text for every rule's
        # keywords: what it noted answers for the rule's own keyword search there.
        def hit(text: bytes, change: FileChange = change) -> bool:
            if keywords is not None:
                noted = change.holds_keyword(removed, text, rid)
                if noted is False or (noted is None and keywords.search(text) is None):
                    return False
            return whole.search(text) is not None

        if not any(hit(t) for t in change.utf8(removed)):
            continue
        large = change.reread is not None or len(change.patch) > WINDOW
        reported = -1  # the line last reported: a line cut in pieces (patchtext.windows) is one line, reported once
        for line in change.lines(removed, hit if large else None):
            if line.number == reported:
                continue
            if (keywords is None or keywords.search(line.text)) and (m := pattern.search(line.text)):
                if secret is None:
                    reported = line.number
                    yield rule.finding(path=change.path, line=line.number, match=m.group())
                elif (span := secret.first(m, line.text)) is not None:
                    found, at = span
                    reported = line.number
                    yield rule.finding(path=change.path, line=line.number, match=found.group(), secret=at)


def holds_secret(rule: Rule, text: str) -> bool:
    """Whether an added-pattern rule would report this line: its pattern, then its secret's `allow` and `entropy`."""
    m = rule.compiled.regexes["pattern"].search(text)
    return m is not None and _Secret(rule).first(m, text) is not None


class _Secret:
    """Which part of an added-pattern match is the secret, and whether it counts (entropy, `allow`)."""

    __slots__ = ("pattern", "group", "groups", "minimum", "allow")

    def __init__(self, rule: Rule) -> None:
        self.pattern = rule.compiled.regexes["pattern"]
        self.group: int | str | None = rule.param("secret-group")
        self.groups: tuple[int, ...] | None = None  # the default's: the `secret*` groups, by number
        if self.group is None and "secret" not in str(rule.param("pattern")):
            self.group = 0  # no group can be named secret: the whole match
        wanted = rule.param("entropy")
        self.minimum: Mapping[str, float] | float | None = wanted
        self.allow = rule.compiled.regex("allow")

    def first(self, m: Match, text: str) -> tuple[Match, tuple[int, int]] | None:
        """The first match on the line whose secret counts, and the secret's span inside that match."""
        for found in (m, *self._rest(m, text)):
            span = self.span(found)
            start = found.span()[0]
            value = found.group()[span[0] - start : span[1] - start]
            if self.counts(value):
                return found, (span[0] - start, span[1] - start)
        return None

    def _rest(self, m: Match, text: str) -> Iterator[Match]:
        end = m.span()[1]
        return (later for later in self.pattern.finditer(text) if later.span()[0] >= end)

    def span(self, m: Match) -> tuple[int, int]:
        """The secret's span in the line: its group's, else the whole match's (a group that took no part)."""
        if self.group is None:  # the first of the groups named secret, secret2, secret_… that took part
            if self.groups is None:
                names = self.pattern.groupindex
                self.groups = tuple(sorted(int(n) for name, n in names.items() if name.startswith("secret")))
            for group in self.groups:
                span = m.span(group)
                if span[0] >= 0:
                    return span
            return m.span()
        if isinstance(self.group, str):  # RE2's match spans take numbers only
            self.group = int(self.pattern.groupindex[self.group])
        span = m.span(self.group)
        return span if span[0] >= 0 else m.span()

    def counts(self, value: str) -> bool:
        """Not a placeholder the allow patterns name, and random enough for its charset."""
        if self.allow is not None and self.allow.search(value):
            return False
        minimum = self.minimum
        if isinstance(minimum, Mapping):
            minimum = minimum.get(charset(value))
        return minimum is None or entropy(value) >= minimum


_SEEN = Memo(1 << 15)  # (glob set, path) → forbidden


def _forbidden(names: Any, path: str) -> bool:
    """A forbidden name in any case: `KEY.P12` is a `*.p12` keystore too.

    Remembered per glob set and path: a history names the same paths commit after commit, and each
    answer is every glob of the set tried twice."""

    def match() -> bool:
        lower = path.lower()
        return bool(names.match_file(path) or (lower != path and names.match_file(lower)))

    return _SEEN.get(names, match, path)


def file_limits(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Files added or changed that are too large, binary, or forbidden by name."""
    names = rule.compiled.globs("forbidden-names")
    max_size = rule.param("max-size")
    for change in commit.files:
        if change.status == "D" or not rule.selects(change.path):
            continue
        if names is not None and _forbidden(names, change.path):
            yield rule.finding(path=change.path, problem=f"{change.path} is a forbidden file name")
        if rule.param("no-binaries") and change.binary:
            yield rule.finding(path=change.path, problem=f"{change.path} is a binary file")
        if max_size is not None and change.size is not None and change.size > max_size:
            yield rule.finding(path=change.path, problem=f"{change.path} is {change.size:,} bytes (limit {max_size:,})")
