"""Pure: what a word becomes once the shell expands it, as far as the text alone can tell.

A parameter set earlier in the same command has its value; `$PWD` and `$(pwd)` are the working
folder (`.`), `$HOME` is `~`; a command substitution has the output its reader can foresee
(`echo`, `printf`, `cat <<EOF`, `git rev-parse --git-path hooks`). Anything else is `ANY`: a
character that stands for text nobody can know before the command runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from agentops_hooks.shellguard.lexer import CLOSE, SUB_OPEN, VAR_OPEN, Word

ANY = "\x00"
KNOWN_VARS = {"PWD": ".", "HOME": "~", "XDG_CACHE_HOME": "~/.cache", "XDG_CONFIG_HOME": "~/.config"}
_MARK = re.compile(f"[{VAR_OPEN}{SUB_OPEN}]([^{CLOSE}]*){CLOSE}")
SubValue = Callable[[str], "str | None"]


def expand(word: Word, env: Mapping[str, str], sub_value: SubValue) -> list[str]:
    """The fields a word expands to (one, unless an unquoted parameter splits)."""
    text = word.text
    if VAR_OPEN not in text and SUB_OPEN not in text:
        return [text]

    def value(m: re.Match[str]) -> str:
        inner = m.group(1)
        if m.group(0)[0] == SUB_OPEN:
            out = sub_value(word.subs[int(inner)])
            return ANY if out is None else out.rstrip("\n")
        return env.get(inner, KNOWN_VARS.get(inner, ANY))

    whole = _MARK.fullmatch(text)
    result = _MARK.sub(value, text)
    if whole and not word.quoted and result and ANY not in result:
        return result.split() or [""]  # an unquoted parameter is split into fields
    return [result]


def literal(word: Word) -> str | None:
    """The word's text when nothing in it expands; None otherwise."""
    text = word.text
    return None if VAR_OPEN in text or SUB_OPEN in text else text
