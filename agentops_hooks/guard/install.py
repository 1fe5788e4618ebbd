"""Writing the reference-transaction hook: the script, chaining a hook already there, removing it, its state.

pre-commit has no reference-transaction stage, so `init` writes this hook itself. The script calls
the interpreter that installed it by absolute path (no PATH lookup) and fails closed when that
interpreter or the package is gone; a shell prefilter answers the many no-op calls (a 50-commit
rebase makes ~500) without starting Python.
"""

from __future__ import annotations

import os
import sys

from agentops_hooks.errors import FatalError
from agentops_hooks.values import frozen

HOOK = "reference-transaction"
CHAINED = HOOK + ".chained"  # a hook that was there before ours; ours runs it first
MARK = "# agentops-hooks: reference-transaction guard"
LOG = "agentops/guard.log"  # under the common git directory: every one-time pass, one entry each

SCRIPT = r"""#!/bin/sh
{mark} (written by `agentops-check init`, removed by `agentops-check uninstall`)
# Refuses moving a branch to new commits that the repository's rules refuse, even under --no-verify.
# A person passes once with: AGENTOPS_GUARD=off git <command>  (each pass is recorded in .git/{log})
python='{python}'
package='{package}'
chained="${{0%/*}}/{chained}"
state="$1"
if [ "$state" != prepared ] && [ ! -x "$chained" ]; then
    exit 0  # committed/aborted: nothing to decide (no process started)
fi
lines=
judge=
while IFS= read -r line || [ -n "$line" ]; do
    lines="$lines$line
"
    rest="${{line#* }}"
    case "${{line##* }}" in
    refs/heads/*) case "${{rest%% *}}" in *[!0]*) judge=1 ;; esac ;;
    esac
done
if [ -x "$chained" ]; then
    printf '%s' "$lines" | "$chained" "$@" || exit $?
fi
if [ "$state" != prepared ] || [ -z "$judge" ]; then
    exit 0  # no branch moves to a commit: nothing to judge
fi
if [ "${{AGENTOPS_GUARD:-}}" = off ]; then
    log="$(git rev-parse --git-common-dir)/{log}"
    mkdir -p "${{log%/*}}"
    {{
        printf '%s pass AGENTOPS_GUARD=off by %s in %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
            "$(git var GIT_COMMITTER_IDENT 2>/dev/null | sed 's/> .*/>/')" "$PWD"
        printf '%s' "$lines" | sed 's/^/    /'
    }} >>"$log"
    echo "agentops: the reference-transaction guard was passed once (AGENTOPS_GUARD=off); recorded in $log" >&2
    exit 0
fi
if [ ! -x "$python" ] || [ ! -f "$package" ]; then
    echo "agentops: branch update refused: the reference-transaction guard cannot run ($python or the agentops-hooks package is gone); reinstall agentops-hooks and run \`agentops-check init\` again, or \`agentops-check uninstall\`" >&2
    exit 1
fi
printf '%s' "$lines" | "$python" -E -P -m agentops_hooks reference-transaction prepared
"""


def script(python: str | None = None, package: str | None = None) -> str:
    """The hook's text, calling `python` (default: this interpreter) by absolute path."""
    from agentops_hooks.guard import reftx

    python = os.path.abspath(python or sys.executable)
    package = os.path.abspath(package or reftx.__file__)
    for value in (python, package):
        if "'" in value or "\n" in value:
            raise FatalError(f"cannot write the reference-transaction hook: the path {value!r} has a quote or newline")
    return SCRIPT.format(mark=MARK, python=python, package=package, chained=CHAINED, log=LOG)


def hook_path(cwd: str | None = None) -> str:
    """Where git looks for the hook now (`core.hooksPath` honoured), as an absolute path."""
    from agentops_hooks import gitrepo

    out = gitrepo.git("rev-parse", "--git-path", f"hooks/{HOOK}", cwd=cwd).decode("utf-8", "surrogateescape").strip()
    return os.path.join(os.path.abspath(cwd or "."), out)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FatalError(f"{path}: cannot read the hook: {e.strerror}") from None


def ours(text: str | None) -> bool:
    """Whether a hook's text is our guard (any version of it)."""
    return text is not None and MARK in text[:400]


def install(cwd: str | None = None, python: str | None = None) -> str:
    """Write the guard (idempotent); a hook that is not ours is kept as `.chained` and runs first.

    Returns one line saying what was done.
    """
    path = hook_path(cwd)
    text, current = script(python), _read(path)
    if current == text and os.access(path, os.X_OK):
        return f"{path}: the reference-transaction guard is installed already"
    chained = os.path.join(os.path.dirname(path), CHAINED)
    note = ""
    if (current is not None and not ours(current)) or os.path.islink(path):
        if os.path.lexists(chained):
            raise FatalError(
                f"{path}: a hook is there and so is {CHAINED}; merge them into {CHAINED} by hand, then run init again"
            )
        os.replace(path, chained)
        note = f" (the hook that was there runs first, from {chained})"
    _write(path, text)
    return f"{path}: installed the reference-transaction guard{note}"


def _write(path: str, text: str) -> None:
    """Write the script next to its place and move it there (a half-written hook never runs)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.agentops-tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o755)
        os.replace(tmp, path)
    except OSError as e:
        raise FatalError(f"{path}: cannot write the hook: {e.strerror}") from None


def uninstall(cwd: str | None = None) -> str:
    """Remove the guard and put back a hook it chained; a hook that is not ours stays. One line."""
    path = hook_path(cwd)
    if not ours(_read(path)):
        return f"{path}: no reference-transaction guard to remove"
    chained = os.path.join(os.path.dirname(path), CHAINED)
    try:
        if os.path.lexists(chained):
            os.replace(chained, path)
            return f"{path}: removed the reference-transaction guard; the hook it chained is back"
        os.remove(path)
    except OSError as e:
        raise FatalError(f"{path}: cannot remove the hook: {e.strerror}") from None
    return f"{path}: removed the reference-transaction guard"


@frozen
class Status:
    """What `doctor` reports about the guard: where git looks, and whether it is ours, current, runnable."""

    path: str
    installed: bool
    current: bool  # the text install() would write with this interpreter
    runnable: bool  # the interpreter and the package it names exist
    chained: bool

    def problem(self) -> str | None:
        """One line saying what is wrong and how to fix it, or None when all is well."""
        if not self.installed:
            return f"{self.path}: the reference-transaction guard is not installed (run `agentops-check init`)"
        if not self.runnable:
            return f"{self.path}: the guard's interpreter or package is gone, so it refuses every branch update (run `agentops-check init` again)"
        if not self.current:
            return f"{self.path}: the guard was written by another interpreter or version (run `agentops-check init` to rewrite it)"
        return None


def status(cwd: str | None = None) -> Status:
    """The guard's state in the repository around `cwd`."""
    path = hook_path(cwd)
    text = _read(path)
    installed = ours(text) and os.access(path, os.X_OK)
    return Status(
        path=path,
        installed=installed,
        current=text == script(),
        runnable=installed and all(os.path.exists(p) for p in _named_paths(text or "")),
        chained=os.path.lexists(os.path.join(os.path.dirname(path), CHAINED)),
    )


def will_run(path: str) -> bool:
    """Whether the hook at `path` is our guard, executable, its interpreter and package there (no git, no imports)."""
    text = _read(path)
    return ours(text) and os.access(path, os.X_OK) and all(os.path.exists(p) for p in _named_paths(text or ""))


def _named_paths(text: str) -> list[str]:
    """The interpreter and package paths a guard script names."""
    found = [ln.split("=", 1)[1].strip("'") for ln in text.splitlines() if ln.startswith(("python='", "package='"))]
    return found if len(found) == 2 else ["/nonexistent"]
