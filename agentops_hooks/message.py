"""Pure parsing of commit messages: git's cleanup, subject and body, trailers, sections."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agentops_hooks.model import Message, Trailer

SCISSORS = " ------------------------ >8 ------------------------"
# `BREAKING CHANGE` is the one token with a space (Conventional Commits 1.0); `https://…` is a link, not a trailer
_TRAILER = re.compile(r"^(BREAKING CHANGE|[A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:(?!//)[ \t]*(.*)$")
# trailers that record who or which ticket, never why: they are not a body
_RECORD_KEYS = re.compile(
    r"(?i)^(?:[a-z-]+-by|change-id|refs?|references|fixes|closes|resolves|see-also|link|cc|bug|issue|agentops-exempt)$"
)
# git counts a block as trailers when it has one of its own and at least 25% trailer lines
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_AUTO_COMMENT_CHARS = "#;@!$%^&|:"


def cleanup(text: str, mode: str, comment: str = "#", editing: bool = False) -> str:
    """The message git will record, for a `commit.cleanup` mode (`default` decides by editing)."""
    if mode == "default":
        mode = "strip" if editing else "whitespace"
    lines = text.split("\n")
    if editing:  # git cuts only an edited message (`-v`, cleanup=scissors); for -m/-F scissors is whitespace
        cut = _cut_at_scissors(lines, comment)
        if len(cut) < len(lines):
            lines = cut
            text = "".join(ln + "\n" for ln in cut)
    if mode == "verbatim":
        return text
    if mode == "strip":
        lines = [ln for ln in lines if not ln.startswith(comment)]
    return _whitespace(lines)


def _cut_at_scissors(lines: list[str], comment: str) -> list[str]:
    marker = comment + SCISSORS
    for i, ln in enumerate(lines):
        if ln == marker:
            return lines[:i]
    return lines


def _whitespace(lines: Iterable[str]) -> str:
    out: list[str] = []
    for ln in (ln.rstrip() for ln in lines):
        if ln or (out and out[-1]):
            out.append(ln)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def looks_edited(text: str, comment: str = "#") -> bool:
    """Whether the file carries git's editor template (a comment block at its end) or scissors."""
    lines = text.rstrip("\n").split("\n")
    if comment + SCISSORS in lines:
        return True
    tail = 0
    for ln in reversed(lines):
        if ln == comment or ln.startswith((comment + " ", comment + "\t")):
            tail += 1
        elif ln.strip():
            break
    return tail >= 2


def guess_comment_char(text: str) -> str:
    """`core.commentChar=auto`: the character git chose, seen at the start of the last line."""
    for ln in reversed(text.rstrip("\n").split("\n")):
        if ln and ln[0] in _AUTO_COMMENT_CHARS:
            return ln[0]
        if ln.strip():
            break
    return "#"


def parse(text: str) -> Message:
    """Split a cleaned message into subject, body and trailers (as `git interpret-trailers`)."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    subject = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:]).strip("\n")
    return Message(text=text, subject=subject, body=body, trailers=trailers(lines))


def trailers(lines: list[str]) -> tuple[Trailer, ...]:
    """Trailers of the last paragraph, when git would take it as a trailer block."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and lines[start - 1].strip():
        start -= 1
    if start == 0:  # the subject paragraph is never a trailer block
        return ()
    found: list[tuple[str, str, int]] = []
    others = 0
    generated = False
    for i in range(start, end):
        ln = lines[i]
        if ln[:1] in (" ", "\t") and found:
            key, value, num = found[-1]
            found[-1] = (key, f"{value} {ln.strip()}", num)
            continue
        if m := _TRAILER.match(ln):
            found.append((m.group(1), m.group(2).strip(), i + 1))
            generated = generated or ln.startswith(_GIT_GENERATED)
        else:
            others += 1
            generated = generated or ln.startswith(_GIT_GENERATED)
    if not found or (others and not (generated and len(found) * 3 >= others)):
        return ()
    return tuple(Trailer(k, v, n) for k, v, n in found)


def is_prose(trailer: Trailer) -> bool:
    """Whether a `Key: value` line of the last paragraph reads as a sentence (`Why: …`), not a record (`Refs: …`)."""
    return not _RECORD_KEYS.match(trailer.key) and "<" not in trailer.value


def section_header(names: Iterable[str]) -> re.Pattern[str]:
    """A pattern for `Key:`, `**Key:**`, `**Key**:`, `Key - text` and `## Key` headers of the given names,
    each also as a list item (`- Key: text`, `* **Key:** text`)."""
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"^[ \t]*(?:[-*+][ \t]+)?(?:#{{1,6}}[ \t]+)?(?:\*\*|__)?(?P<key>{alt})(?:\*\*|__)?[ \t]*"
        rf"(?::(?:\*\*|__)?|[-\u2013\u2014](?=[ \t]|$)|(?=[ \t]*$))[ \t]*(?P<rest>.*)$",
        re.IGNORECASE,
    )


def sections_with_aliases(message: Message, names: Iterable[str], aliases: dict[str, str]) -> dict[str, tuple[int, str]]:
    """`sections`, where a section written under an alias (`Why:` for `context`) counts for its target."""
    found = sections(message, [*names, *aliases])
    for alias, target in aliases.items():
        if alias in found and target not in found:
            found[target] = found[alias]
    return found


def sections(message: Message, names: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each named section found in the message: its lower-cased name → (line, content)."""
    header = section_header(names)
    lines = message.text.split("\n")
    trailer_lines = {t.line for t in message.trailers}
    found: dict[str, tuple[int, list[str]]] = {}
    current: list[str] | None = None
    for i, ln in enumerate(lines[1:], start=2):
        m = header.match(ln)
        if m is None and i in trailer_lines:  # `Key: value` paragraphs may parse as trailers
            current = None
        elif m:
            current = [m.group("rest")]
            found.setdefault(m.group("key").lower(), (i, current))
        elif current is not None:
            current.append(ln)
    return {k: (n, "\n".join(body).strip()) for k, (n, body) in found.items()}
