"""One simple command as the shell runs it: wrappers unwrapped, nested programs read, policy applied.

`sudo`, `env`, `timeout`, `nice`, `nohup`, `xargs`, `command`, `exec`, `time`, `watch`, … run
the command after their own options; `bash -c`, `eval`, `watch`, `su -c`, a here-document or a
pipe into a shell hand it a program, which is judged one level deeper. Interpreters' inline code
(`python -c`, `perl -e`, …) is not shell: it blocks when it names a protected place or a bypass.
"""

from __future__ import annotations

import re

from agentops_hooks.shellguard import envvars, git, paths, writers
from agentops_hooks.shellguard.context import Ctx
from agentops_hooks.shellguard.expand import ANY

WRAPPERS: dict[str, tuple[set[str], int]] = {  # options taking a value, positional words before the command
    "sudo": ({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group"}, 0),
    "doas": ({"-u", "-C"}, 0),
    "nice": ({"-n", "--adjustment"}, 0),
    "ionice": ({"-c", "-n", "-p", "-t"}, 0),
    "stdbuf": ({"-i", "-o", "-e"}, 0),
    "timeout": ({"-s", "--signal", "-k", "--kill-after"}, 1),
    "time": ({"-f", "--format", "-o", "--output"}, 0),
    "exec": ({"-a"}, 0),
    "flock": ({"-w", "--timeout", "-E", "--conflict-exit-code"}, 1),
    "xargs": ({"-I", "-L", "-n", "-P", "-d", "-E", "-s", "-a", "--max-args", "--max-procs", "--delimiter", "--arg-file"}, 0),
    "strace": ({"-o", "-e", "-p", "-s"}, 0),
    **{name: ({"-p", "--package", "--from", "--with", "--python"}, 0) for name in ("npx", "pnpx", "bunx", "uvx")},
    **{name: (set(), 0) for name in ("nohup", "builtin", "setsid", "chronic", "unbuffer", "caffeinate", "command", "then", "do")},
}
RUNNERS = {"uv", "pipx", "poetry", "pdm", "hatch", "pixi", "rye", "pnpm", "npm", "yarn", "bun", "conda", "mise"}
SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox"}
INTERPRETERS = {"python": "-c", "perl": "-e", "ruby": "-e", "node": "-e", "deno": "eval", "bun": "-e", "php": "-r"}
UNINSTALLERS = {"pre-commit", "prek", "lefthook", "husky", "agentops-check", "overcommit"}
EVAL_OK = {"ssh-agent", "pyenv", "rbenv", "nodenv", "direnv", "conda", "brew", "dircolors", "opam", "fnm", "mise", "zoxide", "starship", "keychain", "luarocks"}
_CODE_RISK = (r"no-verify|hookspath|commit-tree|update-ref|\.git[/\\\"' ,+]+(hooks|config|refs|HEAD|packed-refs|info)|\.agentops|pre-commit-config|gitattributes|settings(\.local)?\.json")  # compiled on first use


def run(argv: list[str], ctx: Ctx, stdin: str | None, piped: bool) -> None:
    """Judge the command these words run (`stdin`: the program text fed to it, when known)."""
    i = 0
    while i < len(argv) and (pair := envvars.assignment(argv[i])):
        envvars.check(*pair, ctx, how="")
        i += 1
    if i == len(argv):
        ctx.env.update(envvars.assignment(a) for a in argv)  # type: ignore[misc]
        return
    name = _name(argv[i])
    if name in ("env", "sudo") and any(a.startswith("-u") or a.startswith("--unset") for a in argv[i + 1 : i + 6]):
        envvars.unset([argv[k + 1] for k in range(i, len(argv) - 1) if argv[k] in ("-u", "--unset")], ctx, f"{name} -u")
    if name == "env":
        return _env(argv[i + 1 :], ctx, stdin, piped)
    if name in WRAPPERS:
        return _wrapped(name, argv[i + 1 :], ctx, stdin, piped)
    if name in RUNNERS and argv[i + 1 : i + 2] in (["run"], ["exec"], ["x"]):
        return _wrapped("command", argv[i + 2 :], ctx, stdin, piped)  # `uv run`, `pipx run`, `poetry run`…
    _program(name, argv[i], argv[i + 1 :], ctx, stdin, piped)


def _name(word: str) -> str:
    base = word.rsplit("/", 1)[-1]
    if re.fullmatch(r"python[0-9.]*", base):
        return "python"
    return base


def _wrapped(name: str, args: list[str], ctx: Ctx, stdin: str | None, piped: bool) -> None:
    with_value, positional = WRAPPERS[name]
    if name == "command" and args[:1] and args[0] in ("-v", "-V"):
        return  # a lookup, not a run
    i = 0
    replace = None
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        if name == "xargs" and args[i] in ("-I", "-i"):
            replace = args[i + 1] if args[i] == "-I" and i + 1 < len(args) else "{}"
        i += 2 if args[i] in with_value else 1
    i += (i < len(args) and args[i] == "--") + positional
    rest = args[i:]
    if name == "xargs":  # its command takes words read from stdin: text nobody can see here
        rest = [a.replace(replace, ANY) for a in rest] if replace else [*rest, ANY]
    if rest:
        run(rest, ctx, stdin, piped)


def _env(args: list[str], ctx: Ctx, stdin: str | None, piped: bool) -> None:
    i = 0
    cleared = False
    while i < len(args):
        a = args[i]
        if a in ("-i", "--ignore-environment", "-"):
            cleared = True
        elif a in ("-S", "--split-string") and i + 1 < len(args):
            return run([*_split(args[i + 1]), *args[i + 2 :]], ctx, stdin, piped)
        elif a.startswith("-S") and len(a) > 2:
            return run([*_split(a[2:]), *args[i + 1 :]], ctx, stdin, piped)
        elif (pair := envvars.assignment(a)) is not None:
            envvars.check(*pair, ctx, how="env ")
        elif not a.startswith("-"):
            break
        i += 2 if a in ("-u", "--unset", "-C", "--chdir") else 1
    if cleared and i < len(args) and _name(args[i]) == "git":
        ctx.block("agent-identity", "`env -i git …` clears the variables that say an agent runs the command")
    if i < len(args):
        run(args[i:], ctx, stdin, piped)


def _split(text: str) -> list[str]:
    """`env -S` splits its string into words as the shell would (with quotes)."""
    import shlex  # only here: the common case does not need it

    return shlex.split(text.replace(ANY, "ANY"))


def _program(name: str, word: str, args: list[str], ctx: Ctx, stdin: str | None, piped: bool) -> None:
    if ANY in word:
        git.git(args, ctx, ctx.cwd)  # a command only known at run time may be git: judge it as git too
    elif name == "git" or name.startswith("git-"):
        git.git([name[4:], *args] if name.startswith("git-") else args, ctx, ctx.cwd)
    elif name in SHELLS:
        _shell(name, args, ctx, stdin, piped)
    elif name == "eval":
        _eval(args, ctx)
    elif name in ("export", "declare", "typeset", "local", "readonly"):
        for pair in filter(None, map(envvars.assignment, args)):
            envvars.check(*pair, ctx, how=f"{name} ")
            ctx.env[pair[0]] = pair[1]
    elif name == "unset":
        envvars.unset([a for a in args if not a.startswith("-")], ctx, "unset")
    elif name == "alias":
        for pair in filter(None, (a.partition("=")[::2] if "=" in a else None for a in args)):
            ctx.aliases[pair[0]] = pair[1]
    elif name in ("cd", "pushd"):
        dest = next((a for a in args if not a.startswith("-")), "~")
        ctx.cwd = paths.normalise(dest, ctx.cwd) if ANY not in dest else (ANY,)
    elif name in ("watch", "su", "script", "runuser"):
        _runs_text(name, args, ctx)
    elif name in INTERPRETERS or name == "apply_patch":
        _interpreter(name, args, ctx, stdin)
    elif name == "find":
        _find(args, ctx, stdin, piped)
    elif name in UNINSTALLERS or (name == "python" and args[:2] == ["-m", "agentops_hooks"]):
        _installer(name, args, ctx)
    else:
        writers.check(name, args, ctx)


def _shell(name: str, args: list[str], ctx: Ctx, stdin: str | None, piped: bool) -> None:
    i = 0
    while i < len(args) and args[i][:1] in ("-", "+") and args[i] != "--":
        a = args[i]
        if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
            if i + 1 < len(args):
                _program_text(args[i + 1], ctx, f"`{name} -c`")
            return
        i += 2 if a in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file") else 1
    i += i < len(args) and args[i] == "--"
    if name == "busybox" and i < len(args):
        return run(args[i:], ctx, stdin, piped)
    if i < len(args) and "-s" not in args[:i]:
        return  # runs a script file: beyond what a command line shows (CI is the gate)
    if stdin is not None:
        _program_text(stdin, ctx, f"the program fed to `{name}`")
    elif piped:
        ctx.block("unreadable", f"a program piped into `{name}` cannot be read before it runs")


def _program_text(text: str, ctx: Ctx, what: str) -> None:
    if ANY in text:
        ctx.block("unreadable", f"{what} is only known when the command runs")
    else:
        ctx.nested(text)


def _eval(args: list[str], ctx: Ctx) -> None:
    text = " ".join(args)
    if ANY not in text:
        ctx.nested(text)
        return
    if not ctx.eval_tools or not ctx.eval_tools <= EVAL_OK:
        ctx.block("unreadable", "`eval` runs text only known when the command runs")


def _runs_text(name: str, args: list[str], ctx: Ctx) -> None:
    if name == "watch":
        i = 0
        while i < len(args) and args[i].startswith("-"):
            i += 2 if args[i] in ("-n", "--interval", "-q", "--equexit") else 1
        _program_text(" ".join(args[i:]), ctx, "`watch`")
    elif "-c" in args[:-1]:
        _program_text(args[args.index("-c") + 1], ctx, f"`{name} -c`")


def _interpreter(name: str, args: list[str], ctx: Ctx, stdin: str | None) -> None:
    flag = INTERPRETERS.get(name, "")
    codes = [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag or (a.startswith("-") and a.endswith(flag[1:]) and len(flag) == 2 and not a.startswith("--"))]
    if name == "apply_patch":
        codes = args
    if stdin is not None and (not args or args[0] == "-" or name == "apply_patch"):
        codes.append(stdin)
    for code in codes:
        if name == "apply_patch" or "*** Begin Patch" in code:
            _patch(code, ctx)
        elif re.search(_CODE_RISK, code.replace(ANY, ""), re.I):
            ctx.block("protected-file", f"`{name}` code that names git's hooks, config, refs or the agentops files")
        else:
            for text in re.findall(r"""["'](git\s[^"'\n]*)["']""", code):
                ctx.nested(text)  # `os.system("git commit -n")`: a string the code may hand to a shell
    if name == "perl" and any(a.startswith("-") and "i" in a and not a.startswith("--") for a in args):
        writers.check("perl", args, ctx)


def _patch(text: str, ctx: Ctx) -> None:
    """An apply_patch body: the files it adds, updates, deletes or moves to."""
    for m in re.finditer(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$", text, re.M):
        writers.target((m.group(1) or m.group(2)).strip(), "patch changes", ctx)


def _find(args: list[str], ctx: Ctx, stdin: str | None, piped: bool) -> None:
    roots = []
    for a in args:
        if a.startswith(("-", "(", "!")):
            break
        roots.append(a)
    base = roots or ["."]
    if "-delete" in args:
        for r in base:
            writers.target(f"{r}/{ANY}", "`find -delete` removes", ctx)
            writers.target(r, "`find -delete` removes", ctx)
    for flag in ("-exec", "-execdir", "-ok", "-okdir"):
        for i, a in enumerate(args):
            if a == flag:
                end = next((j for j in range(i + 1, len(args)) if args[j] in (";", "+")), len(args))
                for r in base:
                    run([w.replace("{}", f"{r}/{ANY}") for w in args[i + 1 : end]], ctx, stdin, piped)


def _installer(name: str, args: list[str], ctx: Ctx) -> None:
    words = [a for a in args if not a.startswith("-")]
    if name == "python":
        words = words[1:]
    if words[:1] == ["uninstall"]:
        ctx.block("uninstall", f"`{name} uninstall` removes the git hooks")
    elif words[:1] == ["install"] and any(a in ("-c", "--config") or a.startswith("--config=") for a in args):
        ctx.block("hooks-path", f"`{name} install --config` installs hooks from another config")
    elif name in ("pre-commit", "prek") and words[:1] == ["autoupdate"]:
        ctx.block("protected-file", f"`{name} autoupdate` rewrites the pre-commit config")
