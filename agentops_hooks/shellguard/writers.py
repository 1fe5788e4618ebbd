"""Which arguments a file command writes, removes or re-modes, and whether that reaches a protected place.

Reading is never refused: `cat`, `ls`, `grep`, `cp .git/hooks/pre-commit /tmp/x` (copying out).
Enabling a hook is allowed: `chmod +x` (or a mode with the owner's execute bit), and activating
a sample (`cp`/`mv .git/hooks/X.sample .git/hooks/X`) when no hook `X` is installed yet.
"""

from __future__ import annotations

import os

from agentops_hooks.shellguard import paths
from agentops_hooks.shellguard.context import Ctx
from agentops_hooks.shellguard.expand import ANY

ALL_ARGS = {"rm": "removes", "unlink": "removes", "rmdir": "removes", "shred": "destroys", "truncate": "empties", "tee": "overwrites", "chown": "re-owns", "chattr": "changes", "setfacl": "changes"}
LAST_ARG = {"cp": "overwrites", "ln": "replaces", "install": "replaces", "rsync": "overwrites", "mv": "replaces"}
VALUE_OPTS = {
    "cp": {"-t", "--target-directory", "-S", "--suffix"},
    "mv": {"-t", "--target-directory", "-S", "--suffix"},
    "ln": {"-t", "--target-directory", "-S", "--suffix"},
    "install": {"-t", "--target-directory", "-m", "--mode", "-o", "--owner", "-g", "--group", "-S", "--suffix"},
    "truncate": {"-s", "--size", "-r", "--reference"},
    "rsync": {"-e", "--rsh", "--exclude", "--include", "--filter", "-f"},
    "tee": set(),
    "curl": {"-d", "--data", "-H", "--header", "-u", "-X", "-A", "-e"},
}
CHMOD_FLAGS = {"-R", "-v", "-c", "-f", "-h", "-H", "-L", "-P"}
OUTPUT_OPTS = {"curl": ("-o", "--output"), "wget": ("-O", "--output-document")}


def check(name: str, args: list[str], ctx: Ctx) -> None:
    """Judge a file command by what it writes."""
    positional, opts = _split(name, args)
    if name in ALL_ARGS:
        _targets(name, ALL_ARGS[name], positional, ctx)
    elif name in LAST_ARG and positional:
        if _activates_sample(name, positional, ctx):
            return
        written = positional[-1:] if not opts.get("target") else [opts["target"]]
        if name == "mv":
            written = positional  # the source is gone too
        _targets(name, LAST_ARG[name], written, ctx)
    elif name == "chmod":
        _chmod([a for a in args if a not in CHMOD_FLAGS and not a.startswith("--")], ctx)
    elif name in ("sed", "perl") and _in_place(args):
        _targets(name, "edits", positional[1:] if not any(a in ("-e", "-f", "--expression") for a in args) else positional, ctx)
    elif name == "dd":
        _targets(name, "overwrites", [a[3:] for a in args if a.startswith("of=")], ctx)
    elif name in OUTPUT_OPTS:
        short, long = OUTPUT_OPTS[name]
        out = [args[i + 1] for i, a in enumerate(args[:-1]) if a in (short, long)]
        _targets(name, "overwrites", out + [a.partition("=")[2] for a in args if a.startswith(long + "=")], ctx)


def target(path: str, verb: str, ctx: Ctx, cwd: tuple[str, ...] | None = None) -> None:
    """Refuse a write that reaches a protected place."""
    spec = paths.protected(path, ctx.cwd if cwd is None else cwd, ctx.rule_files())
    if spec:
        ctx.block("protected-file", f"`{path.replace(ANY, '…')}`: this {verb} {spec.what}")


def _targets(name: str, verb: str, written: list[str], ctx: Ctx) -> None:
    for path in written:
        target(path, f"`{name}` {verb}", ctx)


def _split(name: str, args: list[str]) -> tuple[list[str], dict[str, str]]:
    """Positional arguments, and the target folder of `-t DIR`."""
    with_value = VALUE_OPTS.get(name, set())
    positional: list[str] = []
    opts: dict[str, str] = {}
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            positional.extend(args[i + 1 :])
            break
        if a in with_value and i + 1 < len(args):
            if a in ("-t", "--target-directory"):
                opts["target"] = args[i + 1]
            i += 2
            continue
        if a.startswith("--target-directory="):
            opts["target"] = a.partition("=")[2]
        elif not a.startswith("-") or a == "-":
            positional.append(a)
        i += 1
    return positional, opts


def _in_place(args: list[str]) -> bool:
    return any(a == "--in-place" or a.startswith("--in-place=") or (a.startswith("-") and not a.startswith("--") and "i" in a) for a in args)


def _chmod(positional: list[str], ctx: Ctx) -> None:
    if not positional:
        return
    mode, files = positional[0], positional[1:]
    if _enables(mode):
        return
    _targets("chmod", f"to {mode}", files, ctx)


def _enables(mode: str) -> bool:
    """Whether a chmod mode only adds (never removes) the execute bit: enabling a hook."""
    if ANY in mode:
        return False
    if mode.isdigit():
        return int(mode[-3], 8) & 1 == 1 if len(mode) >= 3 else False
    for clause in mode.split(","):
        if "-" in clause and "x" in clause.split("-", 1)[1]:
            return False
        if "=" in clause and "x" not in clause.split("=", 1)[1]:
            return False
    return True


def _activates_sample(name: str, positional: list[str], ctx: Ctx) -> bool:
    """`cp`/`mv` of `.git/hooks/X.sample` to `.git/hooks/X` while no hook X is installed yet."""
    if name not in ("cp", "mv") or len(positional) != 2:
        return False
    source, dest = (paths.normalise(p, ctx.cwd) for p in positional)
    if not source or not dest or source[-1] != dest[-1] + ".sample":
        return False
    if source[:-1] != dest[:-1] or dest[-3:-1] != (".git", "hooks") or ANY in "".join(dest):
        return False
    on_disk = os.path.join(ctx.folder, *dest) if dest[0] not in ("~",) else os.path.expanduser(os.path.join(*dest))
    return not os.path.lexists(on_disk)
