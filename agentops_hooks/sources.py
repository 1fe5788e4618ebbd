"""Where a change comes from: the staged index, a message file, a range of history."""

from __future__ import annotations

import functools
import os
from collections.abc import Generator, Iterator
from typing import IO, Any

from agentops_hooks import diffparse, gitrepo, message
from agentops_hooks.agents.environment import AGENT_ENV  # the list lives with the agent shells (agents)
from agentops_hooks.model import Commit, FileChange, Message, Person
from agentops_hooks.names import GIT_SETTINGS
from agentops_hooks.values import replace


def agent_env() -> tuple[tuple[str, str], ...]:
    """The agent-shell variables set in this process's environment."""
    return tuple((k, os.environ[k]) for k in AGENT_ENV if os.environ.get(k))


SETTINGS = GIT_SETTINGS  # the hooks start this `git config` ahead (hooks._prefetched): one list


@functools.cache
def settings(cwd: str | None = None) -> dict[str, str]:
    """The git config the hooks need, read in one `git config` run."""
    return gitrepo.config_values(*SETTINGS, cwd=cwd)


def ident(role: str, cwd: str | None = None) -> tuple[str, str]:
    """(name, email) git will record for `author` or `committer`, as `git var` resolves them.

    The environment, then `<role>.name/email`, then `user.name/email`; only when none is set does
    it ask `git var` (which also knows the system defaults): one process fewer on the hook path.
    """
    conf = settings(cwd)
    upper = role.upper()
    name = os.environ.get(f"GIT_{upper}_NAME") or conf.get(f"{role}.name") or conf.get("user.name")
    email = (
        os.environ.get(f"GIT_{upper}_EMAIL")
        or conf.get(f"{role}.email")
        or conf.get("user.email")
        or os.environ.get("EMAIL")
    )
    if name is None or email is None:
        return gitrepo.ident(f"GIT_{upper}_IDENT", cwd)
    return name, email


def head_branch(git_dir: str | None, cwd: str | None = None) -> str | None:
    """The checked-out branch from HEAD itself (no process); None when detached."""
    if git_dir is None:
        return gitrepo.branch(cwd)
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as f:
            head = f.read().strip()
    except OSError:
        return gitrepo.branch(cwd)
    return head.removeprefix("ref: refs/heads/") if head.startswith("ref: refs/heads/") else None


def staged(cwd: str | None = None, git_dir: str | None = None) -> Commit:
    """The staged change as the commit git is about to make (message not yet known)."""
    files = diffparse.diff(gitrepo.staged_diff(cwd), Spool())  # the spool lives as long as the files' lines
    return Commit(
        sha=None,
        message=Message("", "", ""),
        files=files,
        author=Person(*ident("author", cwd)),
        committer=Person(*ident("committer", cwd)),
        source="staged",
        branch=head_branch(git_dir, cwd),
        env=agent_env(),
    )


def read_message_file(path: str, git_dir: str, editing: bool | None = None, cwd: str | None = None) -> Message:
    """The message git will record from a hook's message file (SPEC §2 cleanup rules).

    `editing` is whether an editor ran, as git told the hook (GIT_EDITOR=: when none did); when it
    is not known (the command run by hand), a heuristic: git's editor template or scissors in the file.
    """
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r\n", "\n")
    conf = settings(cwd)
    comment = conf.get("core.commentstring") or conf.get("core.commentchar") or "#"
    if comment == "auto":
        comment = message.guess_comment_char(text)
    if editing is None:
        editing = message.looks_edited(text, comment)
    mode = conf.get("commit.cleanup", "default")
    return message.parse(message.cleanup(text, mode, comment, editing))


def digest(path: str) -> str:
    """A hash of a message file's bytes."""
    from agentops_hooks.hashing import digest as content_digest

    with open(path, "rb") as f:
        return content_digest(f.read())


def with_message(commit: Commit, msg: Message, source: str) -> Commit:
    """The staged change combined with the message that will be recorded."""
    return replace(commit, message=msg, source=source)


def diff_files(spec: str, cwd: str | None = None) -> tuple[FileChange, ...]:
    """The files of `git diff SPEC` (e.g. `base...head`, a pull request's whole change)."""
    return diffparse.diff(gitrepo.diff_blocks(spec, cwd), Spool())


def history(
    revs: list[str] | IO[bytes], include_merges: bool = False, cwd: str | None = None
) -> Generator[Commit, None, None]:
    """Commits of a revision range, oldest first, parsed one at a time from one streamed git log
    (`revs` a file: exactly the commits it lists, one sha a line, in order)."""
    if isinstance(revs, list):
        blocks = gitrepo.log_blocks(revs, include_merges, cwd)
    else:
        blocks = gitrepo.listed_log_blocks(revs, include_merges, cwd)
    with Spool() as spool:
        for fields, files in diffparse.log(blocks, spool):
            sha, parents, an, ae, ad, cn, ce, cd, body = (f.decode("utf-8", "replace") for f in fields)
            yield Commit(
                sha=sha,
                message=message.parse(body),
                files=files,
                author=Person(an, ae, ad),
                committer=Person(cn, ce, cd),
                parents=tuple(parents.split()),
                source="range",
            )


class Spool:
    """The patch sections a commit cannot keep in memory, parked in a private temporary file.

    The file holds one commit's sections at a time (it is emptied when the next commit starts), is
    unlinked from the start, and is read back only when a rule asks for those lines.
    """

    BLOCK = 1 << 16

    def __init__(self) -> None:
        self._file: Any = None
        self._commit = 0
        self._end = 0  # bytes the current commit spilled (the file's offset, kept here: no system call to ask)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def next_commit(self) -> None:
        """Forget the previous commit's sections."""
        self._commit += 1
        if self._end:
            self._file.seek(0)
            self._file.truncate()
            self._end = 0

    def write(self, data: bytes | memoryview) -> int:
        """Append bytes; the offset after them."""
        if not data:
            return self._end
        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile()
        self._file.write(data)
        self._end += len(data)
        return self._end

    def reader(self, start: int, end: int) -> diffparse.Reread:
        """Gives back bytes `start` to `end` of the current commit's spill, while it is the current one."""
        commit = self._commit

        def blocks() -> Iterator[bytes]:
            if commit != self._commit:
                raise RuntimeError("the lines of a commit already judged were asked for")
            self._file.flush()
            fd = self._file.fileno()
            for at in range(start, end, self.BLOCK):
                yield os.pread(fd, min(self.BLOCK, end - at), at)

        return blocks


def with_sizes(commit: Commit, sizes: gitrepo.BlobSizes) -> Commit:
    """The commit with its files' blob sizes, asked of git in one round trip."""
    files = commit.files
    wanted = [f for f in files if f.status != "D" and f.new_mode != "160000"]
    found = dict(zip((f.new_oid for f in wanted), sizes.many([f.new_oid for f in wanted]), strict=True))
    sized = {id(f) for f in wanted}
    files = tuple(replace(f, size=found[f.new_oid]) if id(f) in sized else f for f in files)
    return replace(commit, files=files)


def whole(change: FileChange, cwd: str | None = None) -> FileChange:
    """The file as if every line of its new blob were added (read from git, in blocks, when a rule asks).

    Its counts stay git's (what the commit changed); its lines are the blob's, as git stores it.
    """
    oid = change.new_oid
    head = next(iter(gitrepo.blob_blocks(oid, cwd)), b"")
    size = gitrepo.BlobSizes(cwd)
    try:
        big = (size(oid) or 0) > diffparse.BIG
    finally:
        size.close()

    def blocks() -> Iterator[bytes]:
        yield b"@@ -0,0 +1 @@\n"
        last = b"\n"  # the byte before the next one: a line starts after a newline
        for block in gitrepo.blob_blocks(oid, cwd):
            if last == b"\n":
                yield b"+"
            yield block[:-1].replace(b"\n", b"\n+") + block[-1:]
            last = block[-1:]

    return replace(change, patch=b"", reread=blocks, binary=big or b"\0" in head[: diffparse.SNIFF])
