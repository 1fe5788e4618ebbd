"""Pure: tokens to the simple commands a shell would run, through its compound forms.

`{ …; }`, `( … )`, `if/then/elif/else/fi`, `while/until/do/done`, `for NAME in …; do`, `case … in
pattern) …;; esac`, `! cmd`, function definitions and `time` are structure: their keywords
separate commands, and every command inside them is returned (a guard judges what may run, not
what will). A command piped from another keeps that other one as `upstream`.
"""

from __future__ import annotations

from typing import NamedTuple

from agentops_hooks.shellguard.lexer import Redir, Token, Word

KEYWORDS = {"if", "then", "elif", "else", "fi", "do", "done", "while", "until", "{", "}", "!", "esac", "in"}
SEPARATORS = {";", "&", "&&", "||", "\n", "(", ")", ";;", ";&", ";;&"}


class Simple(NamedTuple):
    """One simple command: its words, its redirections, and the command piped into it."""

    words: tuple[Word, ...]
    redirs: tuple[Redir, ...]
    upstream: Simple | None = None


class _State:
    def __init__(self) -> None:
        self.words: list[Word] = []
        self.redirs: list[Redir] = []
        self.upstream: Simple | None = None
        self.skip_to: set[str] = set()  # inside a `for … in …` or `case … in` header: words are not commands
        self.skip_name = False  # after `function`: the next word names it
        self.case_depth = 0
        self.in_pattern = False


def simple_commands(tokens: list[Token]) -> list[Simple]:
    """The simple commands of the token list, in order."""
    out: list[Simple] = []
    st = _State()
    for tok in tokens:
        if isinstance(tok, Redir):
            st.redirs.append(tok)
        elif isinstance(tok, Word):
            _word(st, tok, out)
        else:
            _operator(st, tok, out)
    _flush(st, out)
    return out


def _word(st: _State, tok: Word, out: list[Simple]) -> None:
    plain = "" if tok.quoted else tok.text
    if st.skip_name:
        st.skip_name, st.skip_to = False, set()
        return
    if st.skip_to:
        if plain in st.skip_to:
            st.skip_to = set()
            st.in_pattern = plain == "in" and st.case_depth > 0
        return
    if st.in_pattern:
        if plain == "esac":
            st.case_depth, st.in_pattern = st.case_depth - 1, False
        return  # a case pattern, up to its `)`
    if not st.words and not st.redirs:
        if plain in ("for", "select"):
            st.skip_to = {"do", ";", "\n"}
            return
        if plain == "case":
            st.case_depth += 1
            st.skip_to = {"in"}
            return
        if plain == "esac":
            st.case_depth -= 1
            return
        if plain == "function":
            st.skip_to = {"{", "(", "\n"}  # the function's name is not a command
            st.skip_name = True
            return
        if plain in KEYWORDS or plain in ("time", "coproc"):
            return
    st.words.append(tok)


def _operator(st: _State, op: str, out: list[Simple]) -> None:
    if st.skip_to:
        if op in st.skip_to:
            st.skip_to = set()
        return
    if st.in_pattern:
        st.in_pattern = op != ")"
        return
    if op in (";;", ";&", ";;&") and st.case_depth:
        _flush(st, out)
        st.in_pattern = True
        return
    if op == "(" and len(st.words) == 1 and not st.redirs:
        st.words = []  # `name ( )`: a function definition; its body follows
        return
    if op in ("|", "|&"):
        st.upstream = _flush(st, out)
        return
    _flush(st, out)
    st.upstream = None


def _flush(st: _State, out: list[Simple]) -> Simple | None:
    if not st.words and not st.redirs:
        return None
    cmd = Simple(tuple(st.words), tuple(st.redirs), st.upstream)
    out.append(cmd)
    st.words, st.redirs, st.upstream = [], [], None
    return cmd
