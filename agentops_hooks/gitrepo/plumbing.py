"""git through `subprocess`: the hook paths and streamed history. (GitPython's layer: `objects`.)

Plumbing for the hook paths and streamed history (`git log`, the staged diff, `cat-file`):
GitPython's import alone costs more than a hook's whole budget.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from typing import IO, Any

from agentops_hooks.errors import GitError
from agentops_hooks.values import frozen

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
    if stdin is None and _EARLY and (os.path.realpath(cwd or os.curdir), args) in _EARLY:
        return started(*args, cwd=cwd, ok=ok)()
    try:
        done = subprocess.run(("git", *HARDEN, *args), cwd=cwd, input=stdin, capture_output=True)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if done.returncode not in ok:
        raise GitError(_reason(done.stderr, args))
    return done.stdout


REPO_INFO = ("rev-parse", "--show-toplevel", "--absolute-git-dir", "--is-shallow-repository")
_EARLY: dict[tuple[str, tuple[str, ...]], tuple[Any, IO[bytes]]] = {}  # (folder, git's arguments) → started ahead


def prefetch(*commands: tuple[str, ...]) -> None:
    """Start these git commands now, from this folder: the first `git` or `stream` of exactly one takes
    its output. A hook knows what it will ask git, and git answers on another core while the hook
    imports its rules; `forget_prefetched` ends what no one took."""
    here = os.path.realpath(os.curdir)
    for args in commands:
        try:
            _EARLY[(here, args)] = _start(args, None)
        except OSError:  # no git: the call itself will say so
            return


def _start(args: tuple[str, ...], cwd: str | None) -> tuple[Any, IO[bytes]]:
    """`git` with these arguments (hardened) running, its output piped, its errors to a private file."""
    err = unnamed_file()
    try:
        return subprocess.Popen(("git", *HARDEN, *args), cwd=cwd, stdout=subprocess.PIPE, stderr=err), err
    except OSError:
        err.close()
        raise


def forget_prefetched() -> None:
    """End the prefetched commands no one asked for (a run that stopped early, a later run in this process)."""
    while _EARLY:
        _, (proc, err) = _EARLY.popitem()
        proc.kill()
        proc.communicate()
        err.close()


def _taken(args: tuple[str, ...] | list[str], cwd: str | None) -> tuple[Any, IO[bytes]] | None:
    if not _EARLY:
        return None
    return _EARLY.pop((os.path.realpath(cwd or os.curdir), tuple(args)), None)


def started(*args: str, cwd: str | None = None, ok: tuple[int, ...] = (0,)) -> Callable[[], bytes]:
    """`git(*args)` started now (or taken from `prefetch`), its output (or its GitError) when the
    returned function is called: git works on another core while the caller does its own work."""
    early = _taken(args, cwd)
    if early is None:
        try:
            early = _start(args, cwd)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
    proc, err = early

    def result() -> bytes:
        with err:
            out, _ = proc.communicate()
            err.seek(0)
            if proc.returncode not in ok:
                raise GitError(_reason(err.read(), args))
        return bytes(out)

    return result


def _reason(stderr: bytes, args: tuple[str, ...]) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    lines = [ln for ln in text if ln.startswith(("fatal:", "error:"))] or text or ["failed"]
    name = next((a for a in args if not a.startswith("-")), args[0])  # the command, past git's own options
    return f"git {name}: {lines[0].removeprefix('fatal: ').removeprefix('error: ')}"


def repo_info(cwd: str | None = None) -> RepoInfo:
    """The repository around `cwd`; outside one, a GitError saying so."""
    try:
        out = git(*REPO_INFO, cwd=cwd)
    except GitError as e:
        if "not a git repository" in str(e):
            raise GitError(
                f"not a git repository: {os.path.abspath(cwd or '.')} (run inside one, or `git init`)"
            ) from None
        raise
    top, git_dir, shallow = out.decode("utf-8", "surrogateescape").splitlines()[:3]
    return RepoInfo(top, git_dir, shallow == "true")


def config_args(*keys: str) -> tuple[str, ...]:
    """The arguments of `config_values(*keys)`."""
    return ("config", "-z", "--get-regexp", "^(" + "|".join(k.replace(".", r"\.") for k in keys) + ")$")


def config_values(*keys: str, cwd: str | None = None) -> dict[str, str]:
    """The values of the given config keys (lower-cased) that are set, last one wins."""
    out = git(*config_args(*keys), cwd=cwd, ok=(0, 1))
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


STAGED_DIFF = ("diff", "--cached", *DIFF_ARGS, "--")


def staged_diff(cwd: str | None = None) -> Iterator[bytes]:
    """The index against HEAD (an unborn HEAD included), streamed; GIT_INDEX_FILE is inherited."""
    return stream(["git", *HARDEN, *STAGED_DIFF], cwd, "diff")


def tracked_args(name: str) -> tuple[str, ...]:
    """`git ls-files` of every tracked file called `name`, in any folder."""
    return ("ls-files", "-z", "--", f":(glob)**/{name}")


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


def log_args(revs: list[str], include_merges: bool = False) -> tuple[str, ...]:
    """The arguments of `log_blocks(revs, include_merges)`."""
    merges = "--diff-merges=first-parent" if include_merges else "--no-merges"
    return ("log", "--reverse", f"--format={LOG_FORMAT}", *DIFF_ARGS, merges, *revs, "--")


def log_blocks(revs: list[str], include_merges: bool = False, cwd: str | None = None) -> Iterator[bytes]:
    """One `git log` process (oldest first), its output streamed in blocks as git writes them."""
    return stream(["git", *HARDEN, *log_args(revs, include_merges)], cwd, "log")


def rev_list(revs: list[str], include_merges: bool = False, cwd: str | None = None) -> IO[bytes]:
    """The commits `log_blocks(revs)` would show, in its order (oldest first): one sha a line, in an
    unlinked temporary file (a long history's list is never held in memory)."""
    import tempfile

    args = ["git", *HARDEN, "rev-list", "--reverse", *([] if include_merges else ["--no-merges"]), *revs, "--"]
    listing = tempfile.TemporaryFile()
    with tempfile.TemporaryFile() as err:
        try:
            code = subprocess.run(args, cwd=cwd, stdout=listing, stderr=err).returncode
        except FileNotFoundError:
            listing.close()
            raise GitError("git is not installed or not on PATH") from None
        if code != 0:
            listing.close()
            err.seek(0)
            raise GitError(_reason(err.read(), ("rev-list",)))
    listing.seek(0)
    return listing


def listed_log_blocks(listing: IO[bytes], include_merges: bool = False, cwd: str | None = None) -> Iterator[bytes]:
    """`log_blocks` of exactly the commits listed in this file (one sha a line), in its order
    (`--no-walk=unsorted`, read from stdin; the file is closed when the stream ends)."""
    args = ["git", *HARDEN, "log", "--no-walk=unsorted", "--stdin", f"--format={LOG_FORMAT}", *DIFF_ARGS]
    args.append("--diff-merges=first-parent" if include_merges else "--no-merges")
    listing.seek(0)  # a file, not a pipe: git reads it whole before it writes
    return stream([*args, "--"], cwd, "log", stdin=listing)


def unnamed_file() -> IO[bytes]:
    """A private file with no name, as `tempfile.TemporaryFile` makes it on Linux (O_TMPFILE), without
    importing tempfile (with shutil, bz2, lzma and random: 3 ms of every hook run); elsewhere tempfile's."""
    flag = getattr(os, "O_TMPFILE", 0)
    folder = os.environ.get("TMPDIR") or "/tmp"
    if flag and os.path.isabs(folder):
        try:
            return os.fdopen(os.open(folder, flag | os.O_RDWR | getattr(os, "O_CLOEXEC", 0), 0o600), "w+b")
        except OSError:  # no O_TMPFILE on this file system: tempfile finds another way
            pass
    import tempfile

    return tempfile.TemporaryFile()


def stream(args: list[str], cwd: str | None, name: str, stdin: Any = None) -> Iterator[bytes]:
    """A git process's output in blocks as it comes; a failure becomes a GitError with git's reason.

    The pipe is widened (Linux) and read with os.read, so git keeps writing while we judge what
    it wrote: a scan costs about the larger of git's time and ours, not their sum. git's warnings
    go to a file, so a long run of them cannot block it.
    """
    hardened = stdin is None and args[: len(HARDEN) + 1] == ["git", *HARDEN]
    early = _taken(args[len(HARDEN) + 1 :], cwd) if hardened else None
    with early[1] if early else unnamed_file() as err:
        proc = early[0] if early else subprocess.Popen(args, cwd=cwd, stdin=stdin, stdout=subprocess.PIPE, stderr=err)
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
            if stdin is not None:
                stdin.close()
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


__all__ = [
    "DIFF_ARGS",
    "HARDEN",
    "LOG_FORMAT",
    "RepoInfo",
    "git",
    "started",
    "prefetch",
    "forget_prefetched",
    "unnamed_file",
    "REPO_INFO",
    "STAGED_DIFF",
    "config_args",
    "tracked_args",
    "log_args",
    "repo_info",
    "config_values",
    "ident",
    "branch",
    "staged_diff",
    "diff_blocks",
    "blob_blocks",
    "BlobSizes",
    "resolve",
    "log_blocks",
    "rev_list",
    "listed_log_blocks",
    "stream",
]
