"""Kinds that read the commit message: its format, its required sections, its trailers."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from agentops_hooks import message as msg
from agentops_hooks.errors import RuleFileError
from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import Commit, Finding, Rule
from agentops_hooks.patterns import Regex, regex

FORMAT = (
    Param("subject-pattern", form=Form.REGEX),
    Param("types"),
    Param("max-subject-length"),
    Param("min-subject-length"),
    Param("vague-subjects", form=Form.FULL_REGEXES),
    Param("body-required", False),
    Param("blank-second-line", False),
    Param("max-body-line-length"),
    Param("no-trailing-punctuation", False),
    Param("subject-case", "any"),
)
SECTIONS = (
    Param("sections", ()),
    Param("aliases", {}),
    Param("profiles", {}),
    Param("allow-na", True),
    Param("min-length", 1),
)
TRAILERS = (Param("required", ()), Param("forbidden", ()), Param("value-patterns", form=Form.REGEX_MAP))

CONVENTIONAL = re.compile(r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?: (?P<desc>.*)$")
NA = re.compile(r"^(?:n/?a|none|-+)\.?$", re.IGNORECASE)


def commit_type(subject: str) -> str | None:
    """The Conventional Commits type of a subject, lower-cased, if it has one."""
    m = CONVENTIONAL.match(subject)
    return m.group("type").lower() if m else None


def message_format(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Subject and body shape: type, pattern, length, vagueness, case, body, line lengths."""
    subject = commit.message.subject
    conv = CONVENTIONAL.match(subject)
    desc = conv.group("desc") if conv else subject
    lines = commit.message.text.rstrip("\n").split("\n")
    for line, problem in _format_problems(rule, commit, subject, conv, desc, lines):
        yield rule.finding(line=line, match=subject if line == 1 else None, problem=problem, subject=subject)


def _format_problems(
    rule: Rule, commit: Commit, subject: str, conv: re.Match[str] | None, desc: str, lines: list[str]
) -> Iterator[tuple[int, str]]:
    types = rule.param("types")
    if types and (conv is None or conv.group("type").lower() not in [t.lower() for t in types]):
        yield 1, f"subject should start with a type ({', '.join(types)}), e.g. '{types[0]}: add the parser'"
    if (p := rule.compiled.regex("subject-pattern")) and not p.search(subject):
        yield 1, f"subject does not match {rule.param('subject-pattern')!r}"
    if (n := rule.param("max-subject-length")) and len(subject) > n:
        yield 1, f"subject is {len(subject)} characters long (limit {n})"
    if (n := rule.param("min-subject-length")) and len(subject) < n:
        yield 1, f"subject is {len(subject)} characters long (at least {n})"
    if (vague := rule.param("vague-subjects")) and _any_of(tuple(vague), rule).search(desc.strip()):
        yield 1, f"subject {subject!r} does not say what changed or why"
    if rule.param("no-trailing-punctuation") and subject[-1:] in ".!?,;:":
        yield 1, "subject ends with punctuation"
    case = rule.param("subject-case")
    if case != "any" and desc[:1].isalpha() and (desc[:1].islower() != (case == "lower")):
        yield 1, f"subject description should start in {case} case"
    if rule.param("blank-second-line") and len(lines) > 1 and lines[1].strip():
        yield 2, "the second line should be empty (subject, blank line, body)"
    trailer_lines = {t.line for t in commit.message.trailers}
    body = [ln for i, ln in enumerate(lines[1:], start=2) if i not in trailer_lines and ln.strip()]
    if rule.param("body-required") and not body:
        yield 1, "a body explaining why is required"
    if n := rule.param("max-body-line-length"):
        for i, ln in enumerate(lines[1:], start=2):
            if len(ln) > n and "://" not in ln and i not in trailer_lines:
                yield i, f"body line is {len(ln)} characters long (limit {n})"


class _Each:
    """Patterns searched one by one (those that cannot be one pattern: e.g. a group name twice)."""

    __slots__ = ("patterns",)

    def __init__(self, patterns: tuple[Regex, ...]) -> None:
        self.patterns = patterns

    def search(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@functools.lru_cache(maxsize=64)
def _combined(patterns: tuple[str, ...]) -> Any:
    try:
        return regex("|".join(f"(?:{p})" for p in patterns), "vague-subjects", full=True)
    except RuleFileError:
        return None


def _any_of(patterns: tuple[str, ...], rule: Rule) -> Any:
    """One search of a text for "any of these whole-text patterns" (one RE2 pass, not one per pattern)."""
    return _combined(patterns) or _Each(rule.compiled.regex_list("vague-subjects"))


def message_sections(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Required sections (per commit type), each present and with real content."""
    aliases = {k.lower(): v.lower() for k, v in rule.param("aliases").items()}
    required = _required(rule, commit.message.subject)
    found = msg.sections_with_aliases(commit.message, required, aliases)
    min_length = rule.param("min-length")
    for name in required:
        hit = found.get(name.lower())
        if hit is None:
            yield rule.finding(line=1, section=name, problem=f"missing the '{name}:' section")
            continue
        line, content = hit
        if NA.match(content) and rule.param("allow-na"):
            continue
        if len(content) < min_length or NA.match(content):
            yield rule.finding(line=line, section=name, problem=f"the '{name}:' section is empty")


def _required(rule: Rule, subject: str) -> list[str]:
    profiles = {k.lower(): v for k, v in rule.param("profiles").items()}
    ctype = commit_type(subject)
    if ctype is not None and ctype in profiles:
        return list(profiles[ctype])
    return list(profiles.get("default", rule.param("sections")))


def message_trailers(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Required and forbidden trailer keys (any case), and the patterns their values must match."""
    message = commit.message
    for key in rule.param("required"):
        if not message.trailer_values(key):
            yield rule.finding(line=1, key=key, problem=f"missing the '{key}:' trailer")
    forbidden = {k.lower() for k in rule.param("forbidden")}
    patterns = rule.compiled.regex_map("value-patterns")
    for t in message.trailers:
        written = f"{t.key}: {t.value}"
        if t.key.lower() in forbidden:
            yield rule.finding(line=t.line, match=written, key=t.key, problem=f"the '{t.key}:' trailer is not allowed")
        elif (p := patterns.get(t.key.lower())) is not None and not p.search(t.value):
            expected = next(v for k, v in rule.param("value-patterns").items() if k.lower() == t.key.lower())
            yield rule.finding(
                line=t.line, match=written, key=t.key, problem=f"'{written}' does not match {expected!r}"
            )
