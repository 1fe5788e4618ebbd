"""The git policy: which git invocations skip, replace or redirect the hooks that judge a commit.

`args` are git's arguments after expansion; a word holding `ANY` is text only known when the
command runs, so where it could be an option that matters, the invocation blocks.
"""

from __future__ import annotations

from agentops_hooks.shellguard import paths
from agentops_hooks.shellguard.context import Ctx
from agentops_hooks.shellguard.expand import ANY
from agentops_hooks.shellguard.lexer import quote

GLOBAL_WITH_VALUE = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--config-env", "--list-cmds", "--attr-source"}
VERIFYING = {"commit", "merge", "push", "am", "cherry-pick", "revert", "rebase", "pull"}
SHORT_N_SKIPS = {"commit", "am"}  # where `-n` means --no-verify (elsewhere: --dry-run, --no-stat, --no-commit)
COMMIT_VALUE = set("mFcCt")  # short options of commit that take the next word
LONG_VALUE = {
    *("--message", "--file", "--reuse-message", "--reedit-message", "--fixup", "--squash", "--author"),
    *("--date", "--template", "--cleanup", "--trailer", "--pathspec-from-file", "--repo", "--receive-pack"),
    *("--exec", "--push-option", "--strategy", "--strategy-option", "--onto", "--upstream"),
}
RISKY_KEYS = ("core.hookspath", "include.path", "includeif.", "core.attributesfile", "alias.")
PLUMBING = {
    "commit-tree": "makes a commit without running any hook",
    "fast-import": "writes commits and branches without running any hook",
    "replace": "swaps one commit for another without running any hook",
    "filter-branch": "rewrites commits without running any hook",
    "filter-repo": "rewrites commits without running any hook",
}
PATH_WRITERS = {"rm", "mv", "restore", "checkout"}
BUILTINS = {
    *("add", "am", "apply", "archive", "bisect", "blame", "branch", "bundle", "cat-file", "check-ignore"),
    *("checkout", "cherry", "cherry-pick", "clean", "clone", "commit", "config", "count-objects", "describe"),
    *("diff", "diff-files", "diff-index", "diff-tree", "fetch", "for-each-ref", "format-patch", "fsck", "gc"),
    *("grep", "hash-object", "help", "hook", "init", "log", "ls-files", "ls-remote", "ls-tree", "merge"),
    *("merge-base", "mktree", "mv", "name-rev", "notes", "pull", "push", "range-diff", "rebase", "reflog"),
    *("remote", "repack", "reset", "restore", "rev-list", "rev-parse", "revert", "rm", "shortlog", "show"),
    *("show-ref", "sparse-checkout", "stash", "status", "submodule", "switch", "symbolic-ref", "tag"),
    *("update-index", "update-ref", "var", "verify-commit", "verify-tag", "version", "whatchanged", "worktree"),
    *PLUMBING,
}


def git(args: list[str], ctx: Ctx, cwd: tuple[str, ...]) -> None:
    """Judge one git invocation (the words after `git`)."""
    i = 0
    while i < len(args) and args[i].startswith(("-", ANY)):
        i = _global(args, i, ctx)
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1 :]
    if ANY in sub:
        _verifying(sub, rest, ctx, maybe=True)
    elif sub in VERIFYING:
        _verifying(sub, rest, ctx)
        if sub == "rebase":
            _rebase_exec(rest, ctx)
    elif sub == "config":
        _config(rest, ctx)
    elif sub in PLUMBING:
        ctx.block("plumbing", f"`git {sub}` {PLUMBING[sub]}")
    elif sub == "update-ref":
        _update_ref(rest, ctx)
    elif sub == "symbolic-ref" and len([a for a in rest if not a.startswith("-")]) > 1:
        ctx.block("plumbing", "`git symbolic-ref NAME REF` repoints a branch without running any hook")
    elif sub == "hash-object" and "-w" in rest and any(a in ("-t", "--type") or a.startswith("--type=") for a in rest):
        ctx.block("plumbing", "`git hash-object -t … -w` writes a commit or tree object without running any hook")
    elif sub in PATH_WRITERS:
        _paths(sub, rest, ctx, cwd)
    elif sub not in BUILTINS:
        _alias(sub, rest, ctx)


def _global(args: list[str], i: int, ctx: Ctx) -> int:
    """Read one global option at `i`; the index after it."""
    opt = args[i]
    name, eq, value = opt.partition("=")
    if ANY in name:
        ctx.block("unreadable", "a git option is only known when the command runs, so it may skip the hooks")
        return i + 1
    takes = name in GLOBAL_WITH_VALUE and not eq
    if takes:
        value = args[i + 1] if i + 1 < len(args) else ""
    if name == "-c":
        config_pair(value, ctx, "git -c")
    elif name == "--config-env":
        config_pair(value.partition("=")[0] + "=", ctx, "git --config-env")
    elif name == "--exec-path" and eq:
        ctx.block("hooks-path", "`git --exec-path=…` runs git commands from another folder, which may skip the hooks")
    elif name == "--attr-source":
        ctx.block("hooks-path", "`git --attr-source` reads attributes that may hide content from the checks")
    elif name == "--git-dir":
        ctx.block("hooks-path", "`git --git-dir=…` points git at another repository folder, whose hooks judge nothing")
    return i + 1 + takes


def config_pair(pair: str, ctx: Ctx, how: str) -> None:
    """A `key=value` git setting given for one invocation (`-c`, `GIT_CONFIG_PARAMETERS`…)."""
    key, _, value = pair.partition("=")
    low = key.lower()
    if ANY in low:
        ctx.block("unreadable", f"`{how}` sets a setting only known when the command runs")
    elif low.startswith("alias."):
        _alias_value(value, ctx)
    elif low.startswith(RISKY_KEYS):
        ctx.block("hooks-path", f"`{how} {key}=…` replaces or redirects what judges a commit")


def _verifying(sub: str, rest: list[str], ctx: Ctx, maybe: bool = False) -> None:
    skip = False
    skipped = False
    for a in rest:
        if skip:
            skip = False
            continue
        if a == "--":
            break
        if ANY in a and not maybe:
            ctx.block("unreadable", f"an option of `git {sub}` is only known when the command runs: it may be --no-verify")
            return
        if a.startswith("--"):
            name = a.split("=", 1)[0]
            if len(name) >= 6 and "--no-verify".startswith(name):
                skipped = True
            elif name == "--verify":
                skipped = False
            skip = name in LONG_VALUE and "=" not in a
        elif a.startswith("-") and len(a) > 1:
            hit, skip = _short(a, sub in SHORT_N_SKIPS or maybe)
            skipped = skipped or hit
    if skipped:
        what = f"`git {sub}`" if not maybe else "a git command only known at run time"
        ctx.block("skip-hooks", f"{what} with --no-verify (-n) skips the git hooks")


def _short(cluster: str, n_skips: bool) -> tuple[bool, bool]:
    """(holds -n, the next word is a value) for a short-option cluster such as `-anm`."""
    for k, ch in enumerate(cluster[1:], start=1):
        if ch == "n" and n_skips:
            return True, False
        if ch in COMMIT_VALUE:
            return False, k == len(cluster) - 1
        if ch in "Su":
            return False, False  # an optional value, attached
    return False, False


def _rebase_exec(rest: list[str], ctx: Ctx) -> None:
    for i, a in enumerate(rest):
        if a in ("-x", "--exec") and i + 1 < len(rest):
            ctx.nested(rest[i + 1])
        elif a.startswith("--exec="):
            ctx.nested(a.partition("=")[2])


def _config(rest: list[str], ctx: Ctx) -> None:
    reading = {"--get", "--get-all", "--get-regexp", "--get-urlmatch", "-l", "--list", "get", "list", "--get-color"}
    if any(a in reading for a in rest):
        return
    if any(a in ("-e", "--edit", "edit") for a in rest):
        ctx.block("hooks-path", "`git config --edit` may change any git setting, the hooks folder included")
        return
    with_value = {"-f", "--file", "--blob", "--type", "--default", "--comment"}
    words = [a for i, a in enumerate(rest) if not a.startswith("-") and (i == 0 or rest[i - 1] not in with_value)]
    if words[:1] in (["set"], ["unset"], ["rename-section"], ["remove-section"]):
        words = words[1:]
    removing = any(a.startswith(("--unset", "--remove-section", "--rename-section")) for a in rest)
    if words and (len(words) > 1 or removing):
        key = words[0].lower()
        if key.startswith("alias.") and len(words) > 1 and not removing:
            _alias_value(words[1], ctx)
        elif ANY in key or key.startswith(RISKY_KEYS) or (removing and key in ("core", "include")):
            ctx.block("hooks-path", f"`git config {words[0]}` replaces or redirects what judges a commit")


def _update_ref(rest: list[str], ctx: Ctx) -> None:
    if "--stdin" in rest:
        ctx.block("plumbing", "`git update-ref --stdin` moves branches without running any hook")
        return
    refs = [a for a in rest if not a.startswith("-")]
    if refs and ("-d" not in rest or refs[0] in ("HEAD", "@")):
        ref = refs[0]
        if not ref.startswith("refs/tags/"):  # a remote-tracking ref counts as reviewed: moving it lands commits too
            ctx.block("plumbing", f"`git update-ref {ref}` moves a ref without running any hook")


def _paths(sub: str, rest: list[str], ctx: Ctx, cwd: tuple[str, ...]) -> None:
    names = rest[rest.index("--") + 1 :] if "--" in rest else [a for a in rest if not a.startswith("-")]
    for name in names:
        spec = paths.protected(name, cwd, ctx.rule_files())
        if spec:
            ctx.block("protected-file", f"`git {sub} {name}` changes {spec.what}")


def _alias(sub: str, rest: list[str], ctx: Ctx) -> None:
    """A subcommand git does not ship: a git alias, when the repository defines one."""
    import subprocess  # only here: the common case never starts a process

    try:
        proc = subprocess.run(
            ("git", "config", "--get", f"alias.{sub}"), cwd=ctx.folder or None, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return
    if proc.returncode == 0 and proc.stdout.strip():
        _alias_value(proc.stdout.strip(), ctx, rest)


def _alias_value(value: str, ctx: Ctx, rest: list[str] | None = None) -> None:
    """A git alias runs a shell command (`!…`) or git with its words."""
    tail = " ".join(quote(a) for a in rest or [])
    ctx.nested(f"{value[1:]} {tail}" if value.startswith("!") else f"git {value} {tail}")
