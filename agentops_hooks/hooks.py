"""The hook commands as plain functions: the CLI and the fast hook entry both call these.

Each opens the context, runs its check (hookchecks.py) and writes the outputs; the heavy imports
sit inside the hook that needs them, and agent-hook imports neither the rules nor the outputs.
"""

from __future__ import annotations

import os
import sys

from agentops_hooks.boundary import say
from agentops_hooks.errors import ExitCode, UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: prepare-commit-msg's shortcut needs none
if TYPE_CHECKING:  # the commit hooks import these when they run; agent-hook never needs them
    from collections.abc import Mapping

    from agentops_hooks.model import CommitResult
    from agentops_hooks.outputs import Options


def staged(opts: Options, hook: bool = False, paths: tuple[str, ...] = ()) -> int:
    """Check the staged change; as the pre-commit hook, block only on what no exemption can waive.

    Outside a commit (`pre-commit run`, `--all-files`), the files pre-commit names are checked
    whole, as their content is staged: a linter's habit, and no false green on `--all-files`.
    """
    _prefetch(enabled=not paths)
    try:
        return _staged(opts, hook, paths)
    finally:
        _forget()


def _staged(opts: Options, hook: bool, paths: tuple[str, ...]) -> int:
    from agentops_hooks import hookchecks
    from agentops_hooks.context import environ, open_context
    from agentops_hooks.outputs import write_outputs

    env = environ()
    in_commit = "GIT_INDEX_FILE" in env
    if hook and env.get("PRE_COMMIT") == "1" and not in_commit and not paths and not _anything_staged():
        say(
            "agentops: nothing to check outside a commit (this hook checks commits); "
            "run `agentops-check ci` or `agentops-check range A..B` to check history"
        )
        return ExitCode.OK
    ctx = open_context(opts.config, env, inline_allow=opts.inline_allow)
    if paths and not in_commit:
        result = hookchecks.files(ctx, list(paths))
        return write_outputs([result], opts, "files", "refused", ctx.config.rules)
    result = hookchecks.staged(ctx)
    if hook:
        result = _defer_to_commit_msg(result, {r.id: r.exemptible for r in ctx.config.rules})
    return write_outputs([result], opts, "staged", "refused", ctx.config.rules)


def _anything_staged() -> bool:
    """Whether the index differs from HEAD (`pre-commit run` before a commit still checks what is staged)."""
    from agentops_hooks import gitrepo

    return bool(gitrepo.git("diff", "--cached", "--name-only", "-z", "--no-renames").strip(b"\0"))


def _defer_to_commit_msg(result: CommitResult, exemptible: dict[str, bool]) -> CommitResult:
    """At pre-commit time an exemption may still come with the message: only unwaivable errors block."""
    from agentops_hooks.values import replace

    findings = tuple(
        replace(
            f, severity="warning", message=f"{f.message} (commit-msg will refuse this unless the message exempts it)"
        )
        if f.severity == "error" and exemptible.get(f.rule_id, True)
        else f
        for f in result.findings
    )
    return replace(result, findings=findings)


def commit_msg(opts: Options, message_file: str) -> int:
    """Check a commit message file together with the staged change (the commit-msg hook)."""
    require_file(message_file)
    _prefetch()
    try:
        from agentops_hooks import hookchecks
        from agentops_hooks.context import environ, open_context
        from agentops_hooks.outputs import write_outputs

        env = environ()
        ctx = open_context(opts.config, env, inline_allow=opts.inline_allow)
        result = hookchecks.commit_msg(ctx, message_file, _editing(env))
    finally:
        _forget()
    note = f"commit refused (your message is kept in {message_file})"
    return write_outputs([result], opts, "commit-msg", note, ctx.config.rules)


def _prefetch(enabled: bool = True) -> None:
    """The git commands a commit hook runs, started before it imports its rules (git answers on
    another core meanwhile); `_forget` ends whatever the run did not take."""
    if not enabled:
        return
    from agentops_hooks.gitrepo import plumbing
    from agentops_hooks.names import CONFIG_FILE, GIT_SETTINGS

    plumbing.prefetch(
        plumbing.REPO_INFO, plumbing.tracked_args(CONFIG_FILE), plumbing.config_args(*GIT_SETTINGS), plumbing.STAGED_DIFF
    )


def _forget() -> None:
    from agentops_hooks.gitrepo import plumbing

    plumbing.forget_prefetched()


def prepare_commit_msg(opts: Options, message_file: str, source: str | None, guard_asked: bool = False) -> int:
    """The prepare-commit-msg hook: git runs it even under --no-verify, so every final message is judged here
    (or, when the reference-transaction guard will judge the commit, there: one judgement per commit)."""
    if not guard_asked and leaves_to_guard(message_file):
        return ExitCode.OK
    _prefetch(enabled=_editing(os.environ) is False)  # final: judged here, as commit-msg would
    try:
        return _prepare_commit_msg(opts, message_file, source)
    finally:
        _forget()


def _prepare_commit_msg(opts: Options, message_file: str, source: str | None) -> int:
    from agentops_hooks import hookchecks
    from agentops_hooks.context import environ, open_context
    from agentops_hooks.outputs import write_outputs

    env = environ()
    source = source if source is not None else env.get("PRE_COMMIT_COMMIT_MSG_SOURCE", "")
    ctx = open_context(opts.config, env, inline_allow=opts.inline_allow)
    result = hookchecks.prepare(ctx, message_file, source, final=_editing(env) is False)
    if result is None:
        return ExitCode.OK
    note = f"commit refused by prepare-commit-msg, which runs even under --no-verify (your message is kept in {message_file})"
    return write_outputs([result], opts, "prepare-commit-msg", note, ctx.config.rules)


def leaves_to_guard(message_file: str) -> bool:
    """prepare-commit-msg's shortcut: a final message the reference-transaction guard will judge (before any rule loads)."""
    require_file(message_file)
    return _editing(os.environ) is False and _guard_will_judge(os.environ)


def _guard_will_judge(env: Mapping[str, str]) -> bool:
    """Whether the reference-transaction guard judges this commit when its branch moves: then it is judged once, there.

    It does when it is ours and runnable where git looks for it (any version: pre-commit runs this
    hook from its own environment), HEAD is on a branch, and no AGENTOPS_GUARD=off lets this command
    pass it; a config that may stamp-trailer keeps the judgement here (the stamp is this hook's).
    One git process and no rule is loaded on the way: this is the common commit's whole hook.
    """
    if env.get("AGENTOPS_GUARD") == "off" or "GIT_INDEX_FILE" not in env:
        return False
    from agentops_hooks.guard import install

    out = _git_stdout("rev-parse", "--absolute-git-dir", "--show-toplevel", "--git-path", f"hooks/{install.HOOK}")
    try:
        if out is None:
            return False
        git_dir, toplevel, hook = out.decode("utf-8", "surrogateescape").splitlines()[:3]
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8", errors="replace") as f:
            on_branch = f.read().startswith("ref: refs/heads/")
    except (OSError, ValueError):
        return False
    return on_branch and not _may_stamp(toplevel) and install.will_run(os.path.abspath(hook))


def _git_stdout(*args: str) -> bytes | None:
    """git's output, None when it fails or cannot start. Spawned with os.posix_spawnp, not
    subprocess (nor gitrepo): subprocess's imports (locale, re, threading, signal) cost this
    shortcut more than git itself."""
    spawn = getattr(os, "posix_spawnp", None)
    if spawn is None:  # pragma: no cover - a platform without posix_spawn
        import subprocess

        proc = subprocess.run(("git", *args), capture_output=True)
        return proc.stdout if proc.returncode == 0 else None
    read, write = os.pipe()  # both close on exec: git keeps only the copy on its stdout
    try:
        actions = [(os.POSIX_SPAWN_DUP2, write, 1), (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]
        pid = spawn("git", ["git", *args], os.environ, file_actions=actions)
    except OSError:
        os.close(read)
        return None
    finally:
        os.close(write)
    with os.fdopen(read, "rb") as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    return out if os.waitstatus_to_exitcode(status) == 0 else None


def _may_stamp(root: str) -> bool:
    """Whether the config may ask for stamp-trailer (read as text: loading every rule is what the skip saves)."""
    from agentops_hooks.names import CONFIG_FILE

    try:
        with open(os.path.join(root, CONFIG_FILE), encoding="utf-8", errors="replace") as f:
            return "stamp-trailer" in f.read()
    except OSError:
        return False


def _editing(env: Mapping[str, str]) -> bool | None:
    """Whether an editor runs on this commit's message, as git tells its commit hooks (None: not run by git).

    git sets GIT_EDITOR=: for prepare-commit-msg and commit-msg exactly when no editor will run
    (checked on git 2.39 in tests/judge_ci_hooks_bounds_test.py), and GIT_INDEX_FILE for every commit hook;
    pre-commit passes both through.
    """
    if env.get("GIT_EDITOR") == ":":
        return False
    return True if "GIT_INDEX_FILE" in env else None


def require_file(path: str) -> None:
    """A hook's message file must exist."""
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such message file (git passes .git/COMMIT_EDITMSG to the hook)")


def agent_hook(runtime: str) -> int:
    """Refuse agent shell commands that bypass or disable git hooks (a pre-tool-use hook)."""
    from agentops_hooks.commands import agent_hook as hook

    try:
        raw = sys.stdin.read()
    except (OSError, UnicodeDecodeError) as e:
        raw = f"<unreadable: {e}>"
    answer = hook.decide(raw, runtime)
    if answer.stdout and sys.stdout is not None:  # closed: the exit code and stderr still carry the decision
        sys.stdout.write(answer.stdout + "\n")
        sys.stdout.flush()
    if answer.stderr:
        say(answer.stderr)
    return answer.code
