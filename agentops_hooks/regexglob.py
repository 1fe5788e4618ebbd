"""A path regex (gitleaks' allowlist `paths`, a rule's `path`) as gitignore-style globs, when they say the same.

The regexes a config writes for paths are mostly literals with anchors, alternations and optional
parts: `(?:^|/)node_modules(?:/.*)?$`, `(?i)\\.(?:png|jpe?g)$`, `go\\.(?:mod|sum)$`. Those expand to
a few globs (`node_modules`, `*.[pP][nN][gG]`, `*.[jJ][pP][gG]`, …); anything else (classes,
repetition, `\\d`) is None, and the caller reports it instead of guessing.
"""

from __future__ import annotations

MAX_GLOBS = 64
_LEADS = ("(?:.*?)", "(?:.*)", "(.*?)", "(.*)", ".*?", ".*")  # an unanchored start says the same
_COMPONENT = ("(?:^|/)", "(^|/)")  # the start of a path component
_CONTENTS = ("(?:/.*)?", "(?:/.*?)?", "(?:/.+)?", "(/.*)?")  # and everything under it: a glob's own meaning
_GLOB_SPECIAL = set("*?[]!#")
_REGEX_SPECIAL = set("^$*+{}[]()|")


class _Unsupported(Exception):
    pass


def path_globs(pattern: str) -> list[str] | None:
    """The globs that select what the regex selects, or None when there are none (or too many)."""
    body, fold = (pattern[4:], True) if pattern.startswith("(?i)") else (pattern, False)
    anchor = "none"
    for lead in _LEADS:
        if body.startswith(lead):
            body = body[len(lead) :]
            break
    if body.startswith("^"):
        anchor, body = "root", body[1:]
    elif body.startswith(_COMPONENT):
        anchor, body = "component", body[body.index(")") + 1 :]
    end = body.endswith("$") and not body.endswith("\\$")
    body = body[:-1] if end else body
    if end:
        for contents in _CONTENTS:
            body = body.removesuffix(contents)
    try:
        texts, rest = _alternation(body, 0, fold)
    except _Unsupported:
        return None
    if rest != len(body) or not texts or any(not t for t in texts):
        return None
    return list(dict.fromkeys(_glob(t, anchor, end) for t in texts))


def _alternation(text: str, i: int, fold: bool) -> tuple[list[str], int]:
    """The expansions of `a|b|…` from i, and where it stopped (a `)` or the end)."""
    out: list[str] = []
    while True:
        seq, i = _sequence(text, i, fold)
        out += seq
        if i < len(text) and text[i] == "|":
            i += 1
            continue
        return out, i


def _sequence(text: str, i: int, fold: bool) -> tuple[list[str], int]:
    found = [""]
    while i < len(text) and text[i] not in "|)":
        atom, i = _atom(text, i, fold)
        if i < len(text) and text[i] == "?":  # optional: with and without
            atom, i = [*atom, ""], i + 1
        found = [a + b for a in found for b in atom]
        if len(found) > MAX_GLOBS:
            raise _Unsupported
    return found, i


def _atom(text: str, i: int, fold: bool) -> tuple[list[str], int]:
    c = text[i]
    if c == "(":
        start = i + 3 if text.startswith("(?:", i) else i + 1
        if text.startswith("(?", i) and start == i + 1:
            raise _Unsupported  # flags or a named group
        inner, j = _alternation(text, start, fold)
        if j >= len(text) or text[j] != ")":
            raise _Unsupported
        return inner, j + 1
    if c == "\\":
        if i + 1 >= len(text) or text[i + 1].isalnum():
            raise _Unsupported  # \d, \w, \b …
        c, i = text[i + 1], i + 1
    elif c == ".":
        return ["?"], i + 1  # any one character (of a path component)
    elif c in _REGEX_SPECIAL:
        raise _Unsupported
    if c in _GLOB_SPECIAL:
        raise _Unsupported
    if fold and c.lower() != c.upper():
        return [f"[{c.lower()}{c.upper()}]"], i + 1
    return [c], i + 1


def _glob(lit: str, anchor: str, end: bool) -> str:
    """One expansion as a glob: `root` is the repository's top, `component` any folder."""
    tail = "" if end else ("**" if lit.endswith("/") else "*")
    if anchor == "root":
        return f"/{lit}{tail}"
    if "/" in lit:  # a slash anchors a glob at the top: `**/` lets it start in any folder
        return f"**/{lit}{tail}" if anchor == "component" else f"**/*{lit}{tail}"
    return f"{lit}{tail}" if anchor == "component" else f"*{lit}{tail}"
