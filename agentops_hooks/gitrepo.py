"""Every git call. Two layers, one module:

- plumbing through `subprocess` for the hook paths and streamed history (`git log`, the staged
  diff, `cat-file`): GitPython's import alone costs more than a hook's whole budget;
- GitPython's object model, imported lazily, for the commands where its cost is paid once:
  revisions' trees (blobs and their modes), merge-bases, remotes, one commit's diff, repository
  health. No GitPython object leaves this module: callers get our frozen values.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from agentops_hooks.errors import GitError
from agentops_hooks.values import frozen

if TYPE_CHECKING:
    import git as gitpython

    from agentops_hooks.model import Commit

DIFF_ARGS = (
    "--text",  # content as git stores it: no attribute (`-diff`, `binary`) and no size makes a file unread
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--no-relative",
    "--no-abbrev",
    "-M",
    "-U0",
    "--raw",
    "-z",
    "-p",
)
# settings a repository's config could use to change what the diff output looks like, reset for
# every git we run (diff.external and textconv are already off through the arguments above)
HARDEN = (
    "-c", "core.bigFileThreshold=5m",  # blobs git itself handles whole (cat-file, pack) stay bounded
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.interHunkContext=0",
    "-c", "diff.suppressBlankEmpty=false",
    "-c", "core.quotePath=true",
)  # fmt: skip
# sha, parents, author, committer, then the raw message; a NUL ends each field
LOG_FORMAT = "%x00%x01AGENTOPS%x02%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x00"
_BLOCK = 1 << 16  # bytes read at a time
_PIPE = 1 << 20  # the pipe git writes into: git runs ahead by this much


@frozen
class RepoInfo:
    """Where the work tree and the git directory are."""

    toplevel: str
    git_dir: str
    shallow: bool


def git(*args: str, cwd: str | None = None, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
    """Run one git command; a failure becomes a one-line GitError with git's own reason."""
    try:
        proc = subprocess.run(("git", *HARDEN, *args), cwd=cwd, input=stdin, capture_output=True)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode not in ok:
        raise GitError(_reason(proc.stderr, args))
    return proc.stdout


def _reason(stderr: bytes, args: tuple[str, ...]) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    lines = [ln for ln in text if ln.startswith(("fatal:", "error:"))] or text or ["failed"]
    return f"git {args[0]}: {lines[0].removeprefix('fatal: ').removeprefix('error: ')}"


def repo_info(cwd: str | None = None) -> RepoInfo:
    """The repository around `cwd`; outside one, a GitError saying so."""
    try:
        out = git("rev-parse", "--show-toplevel", "--absolute-git-dir", "--is-shallow-repository", cwd=cwd)
    except GitError as e:
        if "not a git repository" in str(e):
            raise GitError(
                f"not a git repository: {os.path.abspath(cwd or '.')} (run inside one, or `git init`)"
            ) from None
        raise
    top, git_dir, shallow = out.decode("utf-8", "surrogateescape").splitlines()[:3]
    return RepoInfo(top, git_dir, shallow == "true")


def config_values(*keys: str, cwd: str | None = None) -> dict[str, str]:
    """The values of the given config keys (lower-cased) that are set, last one wins."""
    pattern = "^(" + "|".join(k.replace(".", r"\.") for k in keys) + ")$"
    out = git("config", "-z", "--get-regexp", pattern, cwd=cwd, ok=(0, 1))
    values: dict[str, str] = {}
    for rec in out.decode("utf-8", "replace").split("\0"):
        if rec:
            key, _, value = rec.partition("\n")
            values[key.lower()] = value
    return values


def ident(which: str, cwd: str | None = None) -> tuple[str, str]:
    """(name, email) git will record as GIT_AUTHOR_IDENT or GIT_COMMITTER_IDENT."""
    out = git("var", which, cwd=cwd, ok=(0, 128)).decode("utf-8", "replace").strip()
    name, _, rest = out.partition(" <")
    return name, rest.partition(">")[0]


def branch(cwd: str | None = None) -> str | None:
    """The checked-out branch, or None when HEAD is detached."""
    out = git("symbolic-ref", "-q", "--short", "HEAD", cwd=cwd, ok=(0, 1)).decode().strip()
    return out or None


def staged_diff(cwd: str | None = None) -> Iterator[bytes]:
    """The index against HEAD (an unborn HEAD included), streamed; GIT_INDEX_FILE is inherited."""
    return stream(["git", *HARDEN, "diff", "--cached", *DIFF_ARGS, "--"], cwd, "diff")


def diff_blocks(spec: str, cwd: str | None = None) -> Iterator[bytes]:
    """`git diff SPEC` (e.g. `base...head`), streamed."""
    return stream(["git", *HARDEN, "diff", *DIFF_ARGS, spec, "--"], cwd, "diff")


def blob_blocks(oid: str, cwd: str | None = None) -> Iterator[bytes]:
    """A blob's bytes as git stores them, streamed in blocks (no filter, textconv or attribute applies)."""
    return stream(["git", *HARDEN, "cat-file", "blob", oid], cwd, "cat-file")


class BlobSizes:
    """Blob sizes from one long-lived `git cat-file --batch-check`, started on first use."""

    def __init__(self, cwd: str | None = None) -> None:
        self._cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    def __call__(self, oid: str) -> int | None:
        """The size of a blob, or None for a submodule commit or a missing object."""
        return self.many([oid])[0]

    def many(self, oids: list[str]) -> list[int | None]:
        """Sizes of several blobs in one round trip (a commit's files at once)."""
        asked = [o for o in oids if o and o.strip("0")]
        if not asked:
            return [None] * len(oids)
        if self._proc is None:
            cmd = ("git", "cat-file", "--batch-check=%(objectsize)")
            self._proc = subprocess.Popen(cmd, cwd=self._cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(b"".join(o.encode() + b"\n" for o in asked))
        self._proc.stdin.flush()
        answers = {o: self._proc.stdout.readline().strip() for o in asked}
        return [int(answers[o]) if answers.get(o, b"").isdigit() else None for o in oids]

    def close(self) -> None:
        """End the helper process, if it was started."""
        if self._proc is not None:
            self._proc.communicate()
            self._proc = None


def resolve(rev: str, cwd: str | None = None) -> str:
    """The full sha of a revision; an unknown one is a GitError naming it."""
    if rev.startswith("-"):
        raise GitError(f"unknown revision {rev!r}: a revision cannot start with '-'")
    out = git("rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}", cwd=cwd, ok=(0, 1))
    if not out.strip():
        raise GitError(f"unknown revision {rev!r} (check the name, or fetch it: `git fetch origin {rev}`)")
    return out.decode().strip()


def log_blocks(revs: list[str], include_merges: bool = False, cwd: str | None = None) -> Iterator[bytes]:
    """One `git log` process (oldest first), its output streamed in blocks as git writes them."""
    args = ["git", *HARDEN, "log", "--reverse", f"--format={LOG_FORMAT}", *DIFF_ARGS]
    args.append("--diff-merges=first-parent" if include_merges else "--no-merges")
    return stream([*args, *revs, "--"], cwd, "log")


def stream(args: list[str], cwd: str | None, name: str) -> Iterator[bytes]:
    """A git process's output in blocks as it comes; a failure becomes a GitError with git's reason.

    The pipe is widened (Linux) and read with os.read, so git keeps writing while we judge what
    it wrote: a scan costs about the larger of git's time and ours, not their sum. git's warnings
    go to a file, so a long run of them cannot block it.
    """
    import tempfile

    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        _widen(fd)
        done = False
        try:
            while block := os.read(fd, _BLOCK):
                yield block
            done = True
        finally:
            if not done:  # the reader stopped early: git need not finish
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            err.seek(0)
            raise GitError(_reason(err.read(), (name,)))


def _widen(fd: int) -> None:
    """A larger pipe where the system has them (Linux); elsewhere, or past its limit, the default."""
    try:
        import fcntl
    except ImportError:
        return
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        try:
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE)
        except OSError:  # above /proc/sys/fs/pipe-max-size: the default pipe works, a little slower
            pass


# --- the repository-object layer (GitPython, imported on first use) --------------------------------

SYMLINK, GITLINK, TREE = "120000", "160000", "040000"  # modes a caller may have to refuse


@frozen
class Entry:
    """One path of a revision's tree: its mode (git's octal text) and, for a blob, its bytes."""

    path: str
    mode: str
    data: bytes | None  # None for a tree or a gitlink (a submodule's commit is not in this repository)

    @property
    def is_plain_file(self) -> bool:
        """A regular (or executable) file: not a symlink, a gitlink or a tree."""
        return self.mode.startswith("100")


@contextlib.contextmanager
def opened(cwd: str | None = None) -> Iterator[gitpython.Repo]:
    """The repository around `cwd` as a GitPython `Repo`, its helper processes ended afterwards."""
    import git as gitpython

    try:
        repo = gitpython.Repo(cwd or os.getcwd(), search_parent_directories=True)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
        raise GitError(f"not a git repository: {os.path.abspath(cwd or '.')} (run inside one, or `git init`)") from None
    with repo:
        yield repo


def entry_at(rev: str, path: str, cwd: str | None = None, limit: int | None = None) -> Entry | None:
    """What a revision's tree holds at `path` (mode and blob bytes), or None when it holds nothing there.

    The path is walked one folder at a time: when something on the way is not a folder (a symlink
    or a gitlink standing for `dir/`), that entry is returned, its own `path` shorter than the one
    asked. `limit` reads at most that many bytes and one more, so a caller can refuse a huge blob
    without holding it.
    """
    import git as gitpython

    with opened(cwd) as repo:
        try:
            obj: Any = repo.commit(rev).tree
        except (ValueError, gitpython.BadName, gitpython.BadObject):
            return None
        parts = path.split("/")
        for i, part in enumerate(parts):
            try:
                obj = obj[part]
            except KeyError:
                return None
            if obj.type != "tree" and i < len(parts) - 1:
                break
        mode = f"{obj.mode:06o}"
        data = obj.data_stream.read(-1 if limit is None else limit + 1) if obj.type == "blob" else None
        return Entry("/".join(parts[: i + 1]), mode, data)


def file_at(rev: str, path: str, cwd: str | None = None) -> bytes | None:
    """A blob's bytes at a revision (a symlink's are its target), or None when there is no blob there.

    Use `entry_at` where a symlink or gitlink must be refused: this gives a link's target text.
    """
    entry = entry_at(rev, path, cwd)
    return None if entry is None else entry.data


def merge_base(a: str, b: str, cwd: str | None = None) -> str:
    """The best common ancestor of two revisions; none is a GitError naming both."""
    with opened(cwd) as repo:
        bases = repo.merge_base(a, b)
    if not bases:
        raise GitError(f"{a[:12]} and {b[:12]} have no common ancestor (unrelated histories)")
    return str(bases[0].hexsha)


def remote_url(name: str = "origin", cwd: str | None = None) -> str | None:
    """The URL of a remote as git uses it (`url.*.insteadOf` applied), or None when there is no such remote."""
    try:
        with opened(cwd) as repo:
            if name not in {r.name for r in repo.remotes}:
                return None
            return next(iter(repo.remote(name).urls), None)
    except GitError:
        return None


def commit(sha: str, cwd: str | None = None) -> Commit:
    """One commit with its diff against its first parent (the empty tree for a root), lines in memory."""
    from agentops_hooks import diffparse, message
    from agentops_hooks.model import Commit, Person

    with opened(cwd) as repo:
        c = repo.commit(sha)
        args = ("--format=", "--diff-merges=first-parent", *DIFF_ARGS, c.hexsha, "--")
        hardened = repo.git(c=list(HARDEN[1::2]))  # the same `-c` settings as every other git we run
        patch = hardened.show(*args, stdout_as_string=False, strip_newline_in_stdout=False)
        return Commit(
            sha=c.hexsha,
            message=message.parse(_text(c.message)),
            files=diffparse.parse(patch),
            author=Person(c.author.name or "", c.author.email or "", c.authored_datetime.isoformat()),
            committer=Person(c.committer.name or "", c.committer.email or "", c.committed_datetime.isoformat()),
            parents=tuple(p.hexsha for p in c.parents),
            source="range",
        )


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


@frozen
class HookSetup:
    """Where git runs hooks from: the repository's own hooks folder, or `core.hooksPath` and where it is set."""

    toplevel: str
    hooks_dir: str  # <common git dir>/hooks, where `pre-commit install` and `init` write
    hooks_path: str | None  # core.hooksPath, made absolute (None: not set)
    scope: str = ""  # the config scope that sets it: local, global, system, worktree, command


def hook_setup(cwd: str | None = None) -> HookSetup:
    """The hooks folder git will use for this repository, and any `core.hooksPath` that moves it."""
    import git as gitpython

    with opened(cwd) as repo:
        top = str(repo.working_tree_dir or repo.git_dir)
        hooks_dir = os.path.join(str(repo.common_dir), "hooks")
        try:
            out = repo.git.config("--show-origin", "--show-scope", "-z", "--get", "core.hooksPath")
        except gitpython.GitCommandError:  # exit 1: not set
            return HookSetup(top, hooks_dir, None)
    scope, _origin, value = (out.split("\0") + ["", "", ""])[:3]
    return HookSetup(top, hooks_dir, os.path.normpath(os.path.join(top, os.path.expanduser(value))), scope)


def has_revision(path: str, rev: str) -> bool | None:
    """Whether the repository at `path` has the commit `rev` names; None when `path` is no repository."""
    import git as gitpython

    try:
        repo = gitpython.Repo(path)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
        return None
    with repo:
        try:
            repo.commit(rev)
        except (gitpython.BadName, gitpython.BadObject, ValueError):
            return False
    return True


def trailer_commits(revs: tuple[str, ...], key: str, cwd: str | None = None) -> list[tuple[str, list[str]]]:
    """The commits of `revs` whose trailers (as git parses them) have `key`, with its values."""
    out = git("log", f"--format=%H%x00%(trailers:key={key},valueonly,separator=%x01)%x00", *revs, "--", cwd=cwd)
    fields = out.decode("utf-8", "replace").split("\0")
    found = []
    for sha, values in zip(fields[0::2], fields[1::2], strict=False):
        if values.strip():
            found.append((sha.strip(), [v for v in values.strip().split("\1") if v.strip()]))
    return found


def ssh_signers(shas: list[str], allowed_signers: bytes, cwd: str | None = None) -> dict[str, str]:
    """sha → the principal `git verify-commit` reports for a good SSH signature by a key in `allowed_signers`.

    A commit whose signature does not verify, or verifies for no principal, is left out. The
    allowed-signers file is ours (a temporary copy of the bytes given) and the verifying program
    is ssh-keygen, whatever the repository's config says.
    """
    import re
    import tempfile

    good = re.compile(rb'^Good "git" signature for (\S+) with ', re.M)
    found = {}
    with tempfile.NamedTemporaryFile(prefix="agentops-signers-") as f:
        f.write(allowed_signers)
        f.flush()
        config = ("-c", f"gpg.ssh.allowedSignersFile={f.name}", "-c", "gpg.ssh.program=ssh-keygen")
        for sha in shas:
            try:
                proc = subprocess.run(("git", *config, "verify-commit", "--raw", sha), cwd=cwd, capture_output=True)
            except FileNotFoundError:
                raise GitError("git is not installed or not on PATH") from None
            m = good.search(proc.stderr + proc.stdout)
            if proc.returncode == 0 and m is not None:
                found[sha] = m.group(1).decode("utf-8", "replace")
    return found
