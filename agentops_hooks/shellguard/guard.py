"""The shell guard's entry: judge a whole command text; fail closed on what cannot be read.

`problems(text)` lexes and parses the text, expands each simple command's words, judges its
redirections and the command it runs, and follows nested programs to `MAX_DEPTH`. Text that
cannot be parsed blocks when it could reach git, a hook, git config or a protected file; so does
a text with more than `MAX_COMMANDS` simple commands.
"""

from __future__ import annotations

import os
import re

from agentops_hooks.shellguard import commands, lexer, parse, writers
from agentops_hooks.shellguard.context import MAX_COMMANDS, Ctx, Problem
from agentops_hooks.shellguard.expand import SubValue, expand, literal

WRITE_REDIRECTS = {">", ">>", ">|", "&>", "&>>", "<>", ">&"}
_REACHES = (r"git|hook|agentops|pre-commit|husky|lefthook|skip|settings|\.claude|\.codex|\.gemini|\.cursor|\.github|eval|alias|[$`]")  # compiled on first use
_PWD = {"pwd", "pwd -P", "pwd -L", "git rev-parse --show-toplevel"}


def problems(text: str, folder: str | None = None) -> list[Problem]:
    """Why the command would skip, replace or redirect what judges a commit (empty: it would not)."""
    ctx = Ctx(folder if folder is not None else os.getcwd(), _judge_text)
    _judge_text(text, ctx)
    return ctx.problems


def _judge_text(text: str, ctx: Ctx) -> None:
    try:
        simple = parse.simple_commands(lexer.lex(text))
    except lexer.TooLarge as e:
        ctx.block("too-large", f"the command is longer than the guard reads ({e})")
        return
    except (lexer.Unreadable, RecursionError) as e:
        if re.search(_REACHES, re.sub(r"['\"\\\s]", "", text), re.I):
            ctx.block("unreadable", f"the command cannot be read as shell ({e}), and it may reach git or its hooks")
        return
    ctx.commands += len(simple)
    if ctx.commands > MAX_COMMANDS:
        ctx.block("too-large", f"the command holds more than {MAX_COMMANDS} simple commands, more than the guard reads")
        return
    for cmd in simple:
        _judge(cmd, ctx)


def _judge(cmd: parse.Simple, ctx: Ctx) -> None:
    for word in (*cmd.words, *(r.target for r in cmd.redirs), *(r.body for r in cmd.redirs if r.body)):
        for sub in word.subs:
            ctx.nested(sub)
    value = _sub_value(ctx)
    argv = [field for w in cmd.words for field in expand(w, ctx.env, value)]
    for r in cmd.redirs:
        target = expand(r.target, ctx.env, value)[0]
        if r.op in WRITE_REDIRECTS and not (r.op == ">&" and (target.isdigit() or target == "-")):
            writers.target(target, f"`{r.op}` redirect overwrites", ctx)
    if cmd.words and literal(cmd.words[0]) in ctx.aliases and not cmd.words[0].quoted:
        alias = ctx.aliases.pop(argv[0])  # an alias does not expand inside itself
        ctx.nested(" ".join([alias, *(lexer.quote(a) for a in argv[1:])]))
        ctx.aliases[argv[0]] = alias
        return
    if argv and argv[0] == "eval":
        ctx.eval_tools = {(w.split() or [""])[0] for word in cmd.words for w in word.subs}
    commands.run(argv, ctx, _stdin(cmd, ctx), cmd.upstream is not None)


def _stdin(cmd: parse.Simple, ctx: Ctx) -> str | None:
    """The text fed to the command: a here-document or here-string, or what a known command pipes in."""
    value = _sub_value(ctx)
    for r in cmd.redirs:
        if r.body is not None:
            return expand(r.body, ctx.env, value)[0]
        if r.op == "<<<":
            return expand(r.target, ctx.env, value)[0] + "\n"
    if cmd.upstream is not None:
        return _output(cmd.upstream, ctx)
    return None


def _output(cmd: parse.Simple, ctx: Ctx) -> str | None:
    """What a simple command prints, when the text alone tells (`echo`, `printf`, `cat <<EOF`)."""
    value = _sub_value(ctx)
    argv = [field for w in cmd.words for field in expand(w, ctx.env, value)]
    if argv[:1] == ["echo"]:
        return " ".join(a for a in argv[1:] if a not in ("-n", "-e", "-E")) + "\n"
    if argv[:1] == ["printf"] and len(argv) > 1:
        return argv[1].replace("\\n", "\n").replace("%s", " ".join(argv[2:]))
    if argv == ["cat"] or argv == ["cat", "-"]:
        return _stdin(cmd, ctx)
    return None


def _sub_value(ctx: Ctx) -> SubValue:
    def value(source: str) -> str | None:
        text = source.strip()
        if text in _PWD:
            return "."
        if text == "git rev-parse --git-dir":
            return ".git"
        if text.startswith("git rev-parse --git-path "):
            return ".git/" + text.rsplit(" ", 1)[-1]
        try:
            simple = parse.simple_commands(lexer.lex(text))
        except lexer.Unreadable:
            return None
        return _output(simple[0], ctx) if len(simple) == 1 else None

    return value
