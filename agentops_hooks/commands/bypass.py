"""Pure: does a shell command bypass or disable git hooks? Parses argv, never greps the string."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

OPERATORS = {";", "&&", "||", "|", "&", "(", ")", ";;", "|&", "\n"}
REDIRECTS = (">", ">>", ">|", "&>", "&>>")
WRAPPERS = {"sudo", "command", "exec", "nohup", "time", "nice", "builtin", "doas", "xargs", "timeout"}
SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "fish"}
HOOK_SKIP_ENV = {"HUSKY": "0", "LEFTHOOK": "0"}
# git commit options that take a value in the next word (or after `=`)
COMMIT_ARG_OPTS = {
    "-m",
    "-F",
    "-c",
    "-C",
    "-t",
    "--message",
    "--file",
    "--reuse-message",
    "--reedit-message",
    "--fixup",
    "--squash",
    "--author",
    "--date",
    "--template",
    "--cleanup",
    "--trailer",
    "--pathspec-from-file",
}
PUSH_ARG_OPTS = {"--repo", "--receive-pack", "--exec", "-o", "--push-option", "--force-with-lease"}
GIT_GLOBAL_ARG_OPTS = {"-C", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--super-prefix", "--config-env"}
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


def problems(command: str, depth: int = 0) -> Iterator[str]:
    """Why this command bypasses or disables hooks (nothing when it does not)."""
    if depth > 5:
        return
    text = strip_heredocs(command)
    for inner in substitutions(text):
        yield from problems(inner, depth + 1)
    try:
        words = _split(text)
    except ValueError:
        yield "the command could not be parsed (unbalanced quotes), so it cannot be shown to keep git hooks"
        return
    for simple in _simple_commands(words):
        yield from _check_simple(simple, depth)


def strip_heredocs(text: str) -> str:
    """The command without here-document bodies (a commit message there is data, not shell)."""
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        tags = [m.group(2) for m in _HEREDOC.finditer(line)]
        i += 1
        for tag in tags:
            while i < len(lines) and lines[i].strip() != tag:
                i += 1
            i += 1  # the terminator line
    return "\n".join(out)


def substitutions(text: str) -> Iterator[str]:
    """The insides of `$(…)` and backquotes, which the shell runs too."""
    i = 0
    while i < len(text):
        if text.startswith("$(", i) and not text.startswith("$((", i):
            depth, j = 1, i + 2
            while j < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            yield text[i + 2 : j - 1]
            i = j
        elif text[i] == "`":
            j = text.find("`", i + 1)
            if j < 0:
                return
            yield text[i + 1 : j]
            i = j + 1
        else:
            i += 1


def _split(text: str) -> list[str]:
    lexer = shlex.shlex(text.replace("\\\n", " "), posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace = " \t\r"  # newlines separate commands
    lexer.commenters = "#"
    lexer.wordchars += ",+:@%^!{}[]$\\"  # shell words hold these; shlex would split on them
    words = []
    for tok in lexer:
        words.append(tok)
    return words


def _simple_commands(words: list[str]) -> Iterator[list[str]]:
    current: list[str] = []
    for w in words:
        if w in OPERATORS or (w and set(w) <= set(";&|()") and not w.startswith(">")):
            if current:
                yield current
            current = []
        else:
            current.append(w)
    if current:
        yield current


def _check_simple(words: list[str], depth: int) -> Iterator[str]:
    words, targets = _redirections(words)
    for target in targets:
        if ".git/hooks" in target or target.startswith("hooks/"):
            yield f"writing to {target} replaces a git hook"
    i = 0
    while i < len(words):  # leading assignments and wrappers
        w = words[i]
        if _assignment(w):
            yield from _env_problem(w)
            i += 1
        elif w in WRAPPERS or w == "env":
            i += 1
            while i < len(words) and words[i].startswith("-") and w in ("env", "sudo", "nice", "timeout", "xargs"):
                i += 1 + (words[i] in ("-u", "-n", "-C", "-S"))
            if w == "timeout" and i < len(words) and not words[i].startswith("-"):
                i += 1  # the duration
        else:
            break
    rest = words[i:]
    if not rest:
        return
    name = rest[0].rsplit("/", 1)[-1]
    if name in SHELLS:
        yield from _shell_c(rest, depth)
    elif name == "eval":
        yield from problems(" ".join(rest[1:]), depth + 1)
    elif name == "export" or name == "set":
        for w in rest[1:]:
            if _assignment(w):
                yield from _env_problem(w)
    elif name == "git":
        yield from _git(rest[1:])
    elif name in ("pre-commit", "prek"):
        if len(rest) > 1 and rest[1] == "uninstall":
            yield "`pre-commit uninstall` removes the git hooks"
    elif name in ("rm", "unlink", "mv", "truncate", "shred", "cp", "ln", "tee", "install", "dd"):
        if any(".git/hooks" in a for a in rest[1:]):
            yield f"`{name}` on .git/hooks removes or replaces a git hook"
    elif name == "chmod":
        if any(".git/hooks" in a for a in rest[1:]) and not all(
            _adds_x(a) for a in rest[1:] if a.startswith(("-", "+")) or a[:1].isdigit() or "=" in a or a[:1] in "ugoa"
        ):
            yield "`chmod` on .git/hooks disables a git hook"
    elif (
        name == "sed"
        and any(a.startswith("-i") or a == "--in-place" for a in rest)
        and any(".git/hooks" in a for a in rest)
    ):
        yield "`sed -i` on .git/hooks edits a git hook"


def _adds_x(mode: str) -> bool:
    return "+x" in mode or (mode.isdigit() and all(int(d) & 1 for d in mode[-3:]))


def _assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and name.isidentifier()


def _env_problem(word: str) -> Iterator[str]:
    name, _, value = word.partition("=")
    if HOOK_SKIP_ENV.get(name) == value or (name == "HUSKY" and value.lower() in ("0", "false")):
        yield f"{name}={value} turns the git hooks off"
    elif name == "SKIP" and ("agentops" in value or value.strip().lower() == "all"):
        yield f"SKIP={value} skips the agentops pre-commit hooks"
    elif name == "GIT_CONFIG_PARAMETERS" and "hookspath" in value.lower():
        yield "GIT_CONFIG_PARAMETERS sets core.hooksPath, which replaces the git hooks"
    elif name.startswith("GIT_CONFIG_KEY_") and value.lower() == "core.hookspath":
        yield f"{name}=core.hooksPath replaces the git hooks"
    elif name == "LEFTHOOK_EXCLUDE" or name == "PRE_COMMIT_ALLOW_NO_CONFIG":
        yield f"{name} skips hooks"


def _shell_c(words: list[str], depth: int) -> Iterator[str]:
    for j, w in enumerate(words[1:], start=1):
        if w == "-c" or (w.startswith("-") and not w.startswith("--") and "c" in w[1:]):
            if j + 1 < len(words):
                yield from problems(words[j + 1], depth + 1)
            return


def _git(args: list[str]) -> Iterator[str]:
    i = 0
    while i < len(args) and args[i].startswith("-"):  # global options before the subcommand
        opt = args[i]
        if opt == "-c" and i + 1 < len(args):
            yield from _config_pair(args[i + 1])
            i += 2
            continue
        if opt.startswith("-c") and len(opt) > 2:
            yield from _config_pair(opt[2:])
        if opt.startswith("--config-env"):
            value = opt.partition("=")[2] or (args[i + 1] if i + 1 < len(args) else "")
            if "hookspath" in value.lower():
                yield "`--config-env core.hooksPath` replaces the git hooks"
        i += 1 + (opt in GIT_GLOBAL_ARG_OPTS)
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1 :]
    if sub == "commit":
        yield from _commit(rest)
    elif sub in ("push", "merge", "rebase", "am", "cherry-pick", "revert", "pull"):
        if any(_long_prefix(a, "--no-verify", 6) for a in _options(rest, PUSH_ARG_OPTS)):
            yield f"`git {sub} --no-verify` skips the git hooks"
    elif sub == "config":
        yield from _git_config(rest)
    elif sub == "commit-tree":
        yield "`git commit-tree` makes a commit without running any hook"
    elif sub == "update-ref":
        refs = [a for a in rest if not a.startswith("-")]
        if refs and (refs[0].startswith("refs/heads/") or refs[0] == "HEAD"):
            yield f"`git update-ref {refs[0]}` moves a branch without running any hook"
    elif sub == "hook" and rest[:1] == ["run"]:
        return


def _config_pair(pair: str) -> Iterator[str]:
    if pair.lower().startswith("core.hookspath"):
        yield "`git -c core.hooksPath=…` replaces the git hooks"


def _options(args: list[str], with_value: set[str]) -> Iterator[str]:
    """Option words of a git subcommand, skipping the values of options that take one."""
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--":
            return
        if a.startswith("-"):
            yield a
            skip = a in with_value


def _long_prefix(word: str, option: str, minimum: int) -> bool:
    """git accepts any unambiguous prefix of a long option: `--no-veri` is `--no-verify`."""
    name = word.split("=", 1)[0]
    return len(name) >= minimum and option.startswith(name) and name.startswith("--")


def _commit(args: list[str]) -> Iterator[str]:
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "--":
            return
        if a.startswith("--"):
            if _long_prefix(a, "--no-verify", 6):
                yield "`git commit --no-verify` skips the pre-commit and commit-msg hooks"
                return
            skip = a in COMMIT_ARG_OPTS
        elif a.startswith("-") and len(a) > 1:
            for k, ch in enumerate(a[1:], start=1):
                if ch == "n":
                    yield "`git commit -n` (--no-verify) skips the pre-commit and commit-msg hooks"
                    return
                if ch in "mFcCt":
                    skip = k == len(a) - 1  # the value is the next word unless attached
                    break
                if ch in "Su":
                    break  # optional value, attached


def _git_config(args: list[str]) -> Iterator[str]:
    reading = {"--get", "--get-all", "--get-regexp", "-l", "--list", "get", "list", "--show-origin", "--name-only"}
    words = [a for a in args if not a.startswith("--") or a in reading]
    if any(a in reading for a in args):
        return
    if any(a.lower() == "core.hookspath" for a in words):
        yield "`git config core.hooksPath` replaces the git hooks"


def _redirections(words: list[str]) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    targets: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in REDIRECTS or (w.startswith((">", "&>")) and set(w) <= set(">&|")):
            if i + 1 < len(words):
                targets.append(words[i + 1])
            i += 2
            continue
        if w.startswith("<"):
            i += 2
            continue
        kept.append(w)
        i += 1
    return kept, targets
