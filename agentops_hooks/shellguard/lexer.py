"""Pure: shell text to words, operators and redirections, as a POSIX sh / bash reader splits it.

A word keeps what quoting leaves of it, with markers where the shell would expand something:
`VAR_OPEN name CLOSE` for a parameter, `SUB_OPEN index CLOSE` for a command substitution (its
source is in `Word.subs`). Here-document bodies are read at the newline that follows them and
attached to their redirection. Unbalanced quotes or parentheses raise `Unreadable`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

VAR_OPEN, SUB_OPEN, CLOSE = "\x02", "\x03", "\x04"
OPERATORS = (";;&", ";;", ";&", "&&", "||", "|&", "|", "&", ";", "(", ")", "\n")
REDIRECTS = ("<<<", "<<-", "<<", "&>>", "&>", ">>", ">|", ">&", "<&", "<>", ">", "<")
_PLAIN = re.compile(r"[^\s'\"\\$`;&|()<>]+")
_ESCAPES = re.compile(r"(?:\\[^\n])+")
_DQ_PLAIN = re.compile(r"[^\"\\$`]+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]")
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "v": "\v"}
_ANSI_CODE = r"x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c."  # compiled on first use


class Unreadable(ValueError):
    """The text is not complete shell syntax (an open quote, `$(`, backquote or here-document)."""


class TooLarge(Unreadable):
    """The text holds more words, operators and expansions than one decision reads."""


MAX_UNITS = 50000  # words, operators and expansions read in one text


class Word(NamedTuple):
    """One shell word: its text with expansion markers, the substitutions in it, whether quoted."""

    text: str
    subs: tuple[str, ...] = ()
    quoted: bool = False


class Redir(NamedTuple):
    """A redirection: its operator, the word after it, and a here-document's body."""

    op: str
    target: Word
    body: Word | None = None


Token = Word | Redir | str  # a str is an operator


class _Reader:
    """One pass over the text; `pos` moves forward only."""

    def __init__(self, text: str, units: list[int] | None = None) -> None:
        self.text, self.pos = text, 0
        self.units = units if units is not None else [0]  # shared with nested readers: one budget per text
        self.pending: list[tuple[Redir, int, str, bool, bool]] = []  # here-documents awaiting their body


def lex(text: str) -> list[Token]:
    """The tokens of a whole command text."""
    reader = _Reader(text)
    tokens = _tokens(reader, closing=False)
    if reader.pending:  # a here-document without its terminator reads to the end, as bash does
        _bodies(reader, tokens)
    return tokens


def _tokens(r: _Reader, closing: bool) -> list[Token]:
    """Tokens up to the end, or (closing) up to the `)` that closes a `$(`."""
    out: list[Token] = []
    text, n, depth = r.text, len(r.text), 0
    while r.pos < n:
        c = text[r.pos]
        if c in " \t\r":
            r.pos += 1
            continue
        r.units[0] += 1
        if r.units[0] > MAX_UNITS:
            raise TooLarge(f"more than {MAX_UNITS} words, operators and expansions")
        if c == "\\" and text.startswith("\\\n", r.pos):
            r.pos += 2
        elif c == "#":
            end = text.find("\n", r.pos)
            r.pos = n if end < 0 else end
        elif c == ")" and closing and not depth:
            r.pos += 1
            return out
        elif c == "\n":
            r.pos += 1
            out.append("\n")
            if r.pending:
                _bodies(r, out)
        elif c in "<>" and text.startswith("(", r.pos + 1):
            out.append(_word(r))  # process substitution: a word naming a pipe
        elif c in ";&|()<>":
            depth += (c == "(") - (c == ")")
            _operator(r, out)
        else:
            out.append(_word(r))
    if closing:
        raise Unreadable("a `$(` is never closed")
    return out


def _operator(r: _Reader, out: list[Token]) -> None:
    text = r.text
    fd_word = out[-1] if out and isinstance(out[-1], Word) else None
    for op in REDIRECTS:
        if text.startswith(op, r.pos):
            if fd_word and fd_word.text.isdigit() and not fd_word.quoted and r.pos and text[r.pos - 1].isdigit():
                out.pop()  # `2>`: the digits name a descriptor
            r.pos += len(op)
            _skip_blanks(r)
            target = _word(r) if r.pos < len(text) and text[r.pos] not in ";&|()<>\n" else Word("")
            redir = Redir(op, target)
            out.append(redir)
            if op in ("<<", "<<-"):
                r.pending.append((redir, len(out) - 1, _delimiter(target), op == "<<-", target.quoted))
            return
    for op in OPERATORS:
        if text.startswith(op, r.pos):
            r.pos += len(op)
            out.append(op)
            return


def _skip_blanks(r: _Reader) -> None:
    while r.pos < len(r.text) and r.text[r.pos] in " \t":
        r.pos += 1


def _delimiter(target: Word) -> str:
    return target.text.replace(VAR_OPEN, "$").replace(CLOSE, "")


def _bodies(r: _Reader, out: list[Token]) -> None:
    """Read the bodies of the pending here-documents from the current line on."""
    text = r.text
    for redir, index, tag, strip_tabs, literal in r.pending:
        lines: list[str] = []
        while r.pos < len(text):
            end = text.find("\n", r.pos)
            end = len(text) if end < 0 else end
            line = text[r.pos : end]
            r.pos = end + 1
            if (line.lstrip("\t") if strip_tabs else line) == tag:
                break
            lines.append(line.lstrip("\t") if strip_tabs else line)
        body = "\n".join(lines) + ("\n" if lines else "")
        out[index] = redir._replace(body=Word(body, (), True) if literal else _expanding(body, r.units))
    r.pending = []


def _expanding(body: str, r_units: list[int]) -> Word:
    """An unquoted here-document body: `$…` and backquotes expand, as inside double quotes."""
    reader = _Reader(body + '"', r_units)
    chars: list[str] = []
    subs: list[str] = []
    _double(reader, chars, subs)
    return Word("".join(chars), tuple(subs), True)


def _word(r: _Reader) -> Word:
    """One word from the current position: runs of plain text, quotes, escapes and expansions."""
    text, n = r.text, len(r.text)
    chars: list[str] = []
    subs: list[str] = []
    quoted = False
    while r.pos < n:
        c = text[r.pos]
        m = _PLAIN.match(text, r.pos)
        if m:
            chars.append(m.group())
            r.pos = m.end()
        elif c == "'":
            end = text.find("'", r.pos + 1)
            if end < 0:
                raise Unreadable("a single quote is never closed")
            chars.append(text[r.pos + 1 : end])
            r.pos, quoted = end + 1, True
        elif c == '"':
            r.pos += 1
            _double(r, chars, subs)
            quoted = True
        elif c == "\\":
            quoted = _escapes(r, chars) or quoted
        elif c == "$":
            quoted = _dollar(r, chars, subs) or quoted
        elif c == "`":
            _backquote(r, chars, subs)
        elif c in "<>" and text.startswith("(", r.pos + 1):
            r.pos += 2
            subs.append(_inside(r))
            chars.append(f"{SUB_OPEN}{len(subs) - 1}{CLOSE}")
        else:
            break  # a blank or an operator ends the word
    return Word("".join(chars), tuple(subs), quoted)


def _escapes(r: _Reader, chars: list[str]) -> bool:
    """A line continuation (False: nothing quoted), or a run of `\\x` pairs (every second character)."""
    if r.text.startswith("\\\n", r.pos):
        r.pos += 2
        return False
    m = _ESCAPES.match(r.text, r.pos)
    escaped = m.group() if m else r.text[r.pos : r.pos + 2]
    chars.append(escaped[1::2])
    r.pos += len(escaped)
    return True


def _double(r: _Reader, chars: list[str], subs: list[str]) -> None:
    """The inside of double quotes, up to the closing quote."""
    text, n = r.text, len(r.text)
    while r.pos < n:
        m = _DQ_PLAIN.match(text, r.pos)
        if m:
            chars.append(m.group())
            r.pos = m.end()
            continue
        c = text[r.pos]
        if c == '"':
            r.pos += 1
            return
        if c == "\\":
            nxt = text[r.pos + 1 : r.pos + 2]
            chars.append(nxt if nxt in '$`"\\' else ("" if nxt == "\n" else "\\" + nxt))
            r.pos += 2
        elif c == "$":
            _dollar(r, chars, subs, in_double=True)
        else:
            _backquote(r, chars, subs)
    raise Unreadable("a double quote is never closed")


def _dollar(r: _Reader, chars: list[str], subs: list[str], in_double: bool = False) -> bool:
    """A `$` form; True when it was a quoting form (`$'…'`, `$"…"`)."""
    text, start = r.text, r.pos
    nxt = text[start + 1 : start + 2]
    r.units[0] += 1
    if r.units[0] > MAX_UNITS:
        raise TooLarge(f"more than {MAX_UNITS} words, operators and expansions")
    if nxt == "'" and not in_double:
        r.pos = start + 2
        chars.append(_ansi(r))
        return True
    if nxt == '"' and not in_double:
        r.pos = start + 2
        _double(r, chars, subs)
        return True
    if nxt == "(":
        r.pos = start + 2
        if text.startswith("(", r.pos):  # $(( arithmetic )): a number, unless it holds a substitution
            inner = _inside(r)
            if "$(" not in inner and "`" not in inner:
                chars.append(f"{VAR_OPEN}?arithmetic{CLOSE}")
                return False
            subs.append(inner)
        else:
            subs.append(_inside(r))
        chars.append(f"{SUB_OPEN}{len(subs) - 1}{CLOSE}")
        return False
    if nxt == "{":
        _braced(r, chars, subs)
        return False
    m = _NAME.match(text, start + 1)
    if m:
        r.pos = m.end()
        chars.append(f"{VAR_OPEN}{m.group()}{CLOSE}")
    else:
        r.pos = start + 1
        chars.append("$")
    return False


def _braced(r: _Reader, chars: list[str], subs: list[str]) -> None:
    """`${name}` and `${name<op>word}`: the word may hold a substitution the shell runs."""
    text, depth, i = r.text, 1, r.pos + 2
    while i < len(text) and depth:
        if text.startswith("${", i):
            depth, i = depth + 1, i + 2
            continue
        depth -= text[i] == "}"
        i += 1
    if depth:
        raise Unreadable("a `${` is never closed")
    inner = text[r.pos + 2 : i - 1]
    r.pos = i
    m = _NAME.match(inner)
    name = m.group() if m else ""
    rest = inner[len(name) :]
    if "$(" in rest or "`" in rest:
        subs.append(": " + rest.lstrip(":-=+?#%/^,"))  # the shell may run it: read it as an argument
    chars.append(f"{VAR_OPEN}{name if name and not rest else '?' + inner}{CLOSE}")


def _inside(r: _Reader) -> str:
    """The source of a `$(…)` (the position is just after the `(`), read to its matching `)`."""
    start = r.pos
    nested = _Reader(r.text, r.units)
    nested.pos = start
    _tokens(nested, closing=True)
    r.pos = nested.pos
    return r.text[start : r.pos - 1]


def _backquote(r: _Reader, chars: list[str], subs: list[str]) -> None:
    text, i = r.text, r.pos + 1
    r.units[0] += 1
    inner: list[str] = []
    while i < len(text) and text[i] != "`":
        if text[i] == "\\" and i + 1 < len(text):
            inner.append(text[i + 1] if text[i + 1] in "$`\\" else text[i : i + 2])
            i += 2
            continue
        inner.append(text[i])
        i += 1
    if i >= len(text):
        raise Unreadable("a backquote is never closed")
    r.pos = i + 1
    subs.append("".join(inner))
    chars.append(f"{SUB_OPEN}{len(subs) - 1}{CLOSE}")


def _ansi(r: _Reader) -> str:
    """The inside of `$'…'` with its backslash escapes decoded."""
    text = r.text
    out: list[str] = []
    while r.pos < len(text):
        c = text[r.pos]
        if c == "'":
            r.pos += 1
            return "".join(out)
        if c != "\\":
            out.append(c)
            r.pos += 1
            continue
        m = re.compile(_ANSI_CODE).match(text, r.pos + 1)
        if m:
            out.append(_code(m.group()))
            r.pos = m.end()
        else:
            nxt = text[r.pos + 1 : r.pos + 2]
            out.append(_ANSI.get(nxt, nxt))
            r.pos += 2
    raise Unreadable("a `$'` quote is never closed")


def _code(code: str) -> str:
    if code[0] == "c":
        return chr(ord(code[1]) & 0x1F)
    value = int(code[1:], 16) if code[0] in "xuU" else int(code, 8)
    return chr(min(value, 0x10FFFF))


def quote(word: str) -> str:
    """The word quoted for a shell, as `shlex.quote` does (without importing shlex on the hook path)."""
    if word and all(c.isascii() and (c.isalnum() or c in "@%+=:,./-_") for c in word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"
