"""Kinds that read the commit message: its format, its required sections, its trailers."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from agentops_hooks import message as msg
from agentops_hooks.errors import RuleFileError
from agentops_hooks.kinds import scopes
from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import Commit, Finding, Message, Rule
from agentops_hooks.patterns import Regex, holds, regex
from agentops_hooks.values import Memo

SKIPS = (  # every message kind: the subjects or bodies a rule does not judge (gitlint's ignore-by-title, per rule)
    Param("ignore-subject", form=Form.REGEX),
    Param("ignore-body", form=Form.REGEX),
)
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
    Param("conventional", False),
    Param("no-edge-whitespace", False),
    Param("body-pattern", form=Form.REGEX),
    Param("scopes"),
    Param("scope-required", False),
    Param("scopes-from"),
    Param("scope-matches-paths", False),
    *SKIPS,
)
SECTIONS = (
    Param("sections", ()),
    Param("aliases", {}),
    Param("profiles", {}),
    Param("allow-na", True),
    Param("min-length", 1),
    Param("placeholders", form=Form.FULL_REGEXES),
    *SKIPS,
)
TRAILERS = (
    Param("required", ()),
    Param("forbidden", ()),
    Param("value-patterns", form=Form.REGEX_MAP),
    Param("forbidden-agents", ()),
    *SKIPS,
)

# Conventional Commits 1.0: `type(scope)!: description`; the units are not case-sensitive (item 16)
CONVENTIONAL = re.compile(r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?: (?P<desc>.*)$")
_HEADER = re.compile(r"^(?P<type>[^\s():!]+)(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?(?P<colon>:)(?!//)(?P<space>[ \t]*)(?P<desc>.*)$")
_TYPE = re.compile(r"^[A-Za-z0-9_]+$")  # commitlint's `\w`: `test_parser:` is a type, `setup.py:` is not
# git's own subjects, which no one writes by hand: merges, reverts, reapplies (fixup!/squash!/amend! the engine skips)
GENERATED = re.compile(
    r"^(?:Merge (?:(?:remote-tracking |remote )?branch(?:es)? |pull request |tag |commit |'|\"|#\d)"
    r"|Merged (?:PR \d|in )|Revert \"|Reapply \"|Automatic merge|Automated merge with |Auto-merged )"
)
NA = re.compile(r"^(?:n/?a|n\.a\.)\.?$", re.IGNORECASE)
PLACEHOLDERS = re.compile(
    r"^(?:tbd|tba|todo|to ?do|fixme|xxx|none|nothing|nil|null|-+|—|\.+|\?+|see above|as above|same as above|same|idem"
    r"|see (?:the )?(?:subject|title|commit|diff)|see below|\.\.\.|…)\.?$",
    re.IGNORECASE,
)


def commit_type(subject: str) -> str | None:
    """The Conventional Commits type of a subject, lower-cased, if it has one."""
    m = CONVENTIONAL.match(subject)
    return m.group("type").lower() if m else None


_IGNORES = Memo(256)  # rule → its ignore-subject and ignore-body patterns


def skipped(rule: Rule, commit: Commit) -> bool:
    """Whether the rule's `ignore-subject` / `ignore-body` pattern leaves this commit out (the
    patterns read once per rule: a history asks on every commit)."""
    subject, body = _IGNORES.get(rule, lambda: (rule.compiled.regex("ignore-subject"), rule.compiled.regex("ignore-body")))
    return bool(subject and holds(subject, commit.message.subject)) or bool(body and holds(body, commit.message.body))


def message_format(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Subject and body shape: type, pattern, length, vagueness, case, body, line lengths."""
    if skipped(rule, commit):
        return
    subject = commit.message.subject
    conv, lines = _shape(commit.message)
    desc = conv.group("desc") if conv else subject
    for line, problem in _format_problems(_format_of(rule), rule, commit, subject, conv, desc, lines):
        yield rule.finding(line=line, match=subject if line == 1 else None, problem=problem, subject=subject)


_SHAPE: list[Any] = [None, None, ()]  # the last message read, its Conventional Commits match and its lines


def _shape(message: Message) -> tuple[re.Match[str] | None, list[str]]:
    """The subject's Conventional Commits match and the message's lines (a CRLF end is no
    character), worked out once per message: each message-format rule asks for them."""
    if _SHAPE[0] is not message:
        lines = [ln.removesuffix("\r") for ln in message.text.rstrip("\n").split("\n")]
        _SHAPE[:] = [message, CONVENTIONAL.match(message.subject), lines]
    return _SHAPE[1], list(_SHAPE[2])


class _Format:
    """A message-format rule's parameters, read once per rule: a history asks for each on every commit."""

    __slots__ = (
        "conventional", "types", "types_lower", "subject_pattern", "subject_pattern_text", "max_subject", "min_subject",
        "vague", "no_punctuation", "case", "edge_whitespace", "blank_second", "body_required", "body_pattern",
        "body_pattern_text", "max_body_line", "scoped",
    )  # fmt: skip

    def __init__(self, rule: Rule) -> None:
        p = rule.param
        self.conventional, self.types = p("conventional"), p("types")
        self.types_lower = [t.lower() for t in self.types or ()]
        self.subject_pattern, self.subject_pattern_text = rule.compiled.regex("subject-pattern"), p("subject-pattern")
        self.max_subject, self.min_subject = p("max-subject-length"), p("min-subject-length")
        vague = p("vague-subjects")
        self.vague = _any_of(tuple(vague), rule) if vague else None
        self.no_punctuation, self.case = p("no-trailing-punctuation"), p("subject-case")
        self.edge_whitespace, self.blank_second = p("no-edge-whitespace"), p("blank-second-line")
        self.body_required = p("body-required")
        self.body_pattern, self.body_pattern_text = rule.compiled.regex("body-pattern"), p("body-pattern")
        self.max_body_line = p("max-body-line-length")
        self.scoped = bool(p("scopes") or p("scopes-from") or p("scope-required"))


_FORMATS = Memo(256)  # rule → its settings


def _format_of(rule: Rule) -> _Format:
    return _FORMATS.get(rule, lambda: _Format(rule))


def _format_problems(
    f: _Format, rule: Rule, commit: Commit, subject: str, conv: re.Match[str] | None, desc: str, lines: list[str]
) -> Iterator[tuple[int, str]]:
    types = f.types
    if f.conventional:
        yield from ((1, p) for p in conventional_problems(lines[0] if lines else "", types))
    elif types and (conv is None or conv.group("type").lower() not in f.types_lower):
        yield 1, f"subject should start with a type ({', '.join(types)}), e.g. '{types[0]}: add the parser'"
    if f.subject_pattern and not holds(f.subject_pattern, subject):
        yield 1, f"subject does not match {f.subject_pattern_text!r}"
    if (n := f.max_subject) and len(subject) > n:
        yield 1, f"subject is {len(subject)} characters long (limit {n})"
    if (n := f.min_subject) and len(subject) < n:
        yield 1, f"subject is {len(subject)} characters long (at least {n})"
    if f.vague is not None and (holds(f.vague, desc.strip()) or holds(f.vague, subject)):
        yield 1, f"subject {subject!r} does not say what changed or why"
    if f.no_punctuation and subject[-1:] in ".!?,;:":
        yield 1, "subject ends with punctuation"
    case = f.case
    if case != "any" and desc[:1].isalpha() and (desc[:1].islower() != (case == "lower")):
        yield 1, f"subject description should start in {case} case"
    if f.edge_whitespace:
        yield from _whitespace_problems(lines)
    if f.blank_second and len(lines) > 1 and lines[1].strip():
        yield 2, "the second line should be empty (subject, blank line, body)"
    yield from _body_problems(f, commit, lines)
    if f.scoped:
        yield from ((1, p) for p in scopes.problems(rule, commit, conv))


def _body_problems(f: _Format, commit: Commit, lines: list[str]) -> Iterator[tuple[int, str]]:
    if not (f.body_required or f.body_pattern or f.max_body_line):
        return
    trailer_lines = {t.line for t in commit.message.trailers if not msg.is_prose(t)}
    if f.body_required and not any(ln.strip() for i, ln in enumerate(lines[1:], start=2) if i not in trailer_lines):
        yield 1, "a body explaining why is required"
    if f.body_pattern and not holds(f.body_pattern, commit.message.body.replace("\r\n", "\n")):
        yield 1, f"the body does not match {f.body_pattern_text!r}"
    if n := f.max_body_line:
        for i, ln in enumerate(lines[1:], start=2):
            if len(ln) > n and "://" not in ln and i not in trailer_lines:
                yield i, f"body line is {len(ln)} characters long (limit {n})"


def _whitespace_problems(lines: list[str]) -> Iterator[tuple[int, str]]:
    if lines and lines[0][:1].isspace():
        yield 1, "subject starts with whitespace"
    for i, ln in enumerate(lines, start=1):
        if ln[-1:].isspace():
            yield i, f"{'subject' if i == 1 else f'line {i}'} ends with whitespace"


def conventional_problems(header: str, types: list[str] | None = None) -> Iterator[str]:
    """What keeps a subject line from being a Conventional Commits 1.0 header (git's own subjects pass)."""
    if GENERATED.match(header):
        return
    if header[:1].isspace():
        yield "subject starts with whitespace; Conventional Commits begin with the type"
        return
    m = _HEADER.match(header)
    if m is None:
        yield "subject is not 'type(scope)!: description' (Conventional Commits 1.0), e.g. 'fix(parser): accept empty files'"
        return
    ctype, scope = m.group("type"), m.group("scope")
    if not _TYPE.match(ctype):
        yield f"type {ctype!r} must be one word (letters, digits, '_'), e.g. 'fix'"
    elif types and ctype.lower() not in [t.lower() for t in types]:
        yield f"type {ctype!r} is not one of {', '.join(types)}"
    if scope is not None and not scope.strip():
        yield "the scope in '()' is empty; name the part of the code, or leave the parentheses out"
    if not m.group("desc").strip():
        yield "the description after the colon is empty"
    elif m.group("space") != " ":
        yield "a single space must follow the colon (type: description)"


class _Each:
    """Patterns searched one by one (those that cannot be one pattern: e.g. a group name twice)."""

    __slots__ = ("patterns",)

    def __init__(self, patterns: tuple[Regex, ...]) -> None:
        self.patterns = patterns

    def search(self, text: str | bytes) -> bool:
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
    if skipped(rule, commit):
        return
    aliases = {k.lower(): v.lower() for k, v in rule.param("aliases").items()}
    required = _required(rule, commit.message.subject)
    found = msg.sections_with_aliases(commit.message, required, aliases)
    for name in required:
        hit = found.get(name.lower())
        if hit is None:
            yield rule.finding(section=name, problem=f"missing the '{name}:' section")
            continue
        line, content = hit
        if problem := _content_problem(rule, name, content):
            yield rule.finding(line=line, section=name, problem=problem)


def _content_problem(rule: Rule, name: str, content: str) -> str | None:
    """Why a section's content does not count: empty, a placeholder, too short (N/A passes when allowed)."""
    allow_na = rule.param("allow-na")
    if NA.match(content):
        return None if allow_na else f"the '{name}:' section says {content!r}; this rule needs real content"
    if not content:
        return f"the '{name}:' section is empty"
    custom = rule.compiled.regex_list("placeholders")
    if any(p.search(content) for p in custom) if custom else PLACEHOLDERS.match(content):
        escape = " (or 'N/A' when there is nothing to say)" if allow_na else ""
        return f"the '{name}:' section says {content!r}, a placeholder; write what it is{escape}"
    if (short := rule.param("min-length") - len(content)) > 0:
        chars = "character" if short == 1 else "characters"
        return f"the '{name}:' section is {short} {chars} shorter than min-length {rule.param('min-length')}"
    return None


def _required(rule: Rule, subject: str) -> list[str]:
    profiles = {k.lower(): v for k, v in rule.param("profiles").items()}
    ctype = commit_type(subject)
    if ctype is not None and ctype in profiles:
        return list(profiles[ctype])
    return list(profiles.get("default", rule.param("sections")))


def message_trailers(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Required and forbidden trailer keys (any case), the patterns their values must match, agent identities."""
    if skipped(rule, commit):
        return
    message = commit.message
    for key in rule.param("required"):
        if not message.trailer_values(key):
            yield rule.finding(key=key, problem=f"missing the '{key}:' trailer")
    forbidden = {k.lower() for k in rule.param("forbidden")}
    no_agents = {k.lower() for k in rule.param("forbidden-agents")}
    patterns = rule.compiled.regex_map("value-patterns")
    for t in message.trailers:
        written = f"{t.key}: {t.value}"
        if t.key.lower() in forbidden:
            yield rule.finding(line=t.line, match=written, key=t.key, problem=f"the '{t.key}:' trailer is not allowed")
        elif t.key.lower() in no_agents and _agent(t.value):
            yield rule.finding(
                line=t.line, match=written, key=t.key, problem=f"'{written}' names an agent, not a person"
            )
        elif (p := patterns.get(t.key.lower())) is not None and not holds(p, t.value):
            expected = next(v for k, v in rule.param("value-patterns").items() if k.lower() == t.key.lower())
            yield rule.finding(
                line=t.line, match=written, key=t.key, problem=f"'{written}' does not match {expected!r}"
            )


def _agent(value: str) -> bool:
    from agentops_hooks import agents  # the built-in identities (agents/signatures.py)

    return agents.is_agent_identity(value)
