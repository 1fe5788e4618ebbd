"""History judged as it streams: every commit on its own, then what range rules found about the whole.

Results are light (paths and counts, no lines; or what a `lighten` of the caller's keeps) unless
`keep_lines`: a consumer that reads each result and drops it may take them whole. Memory stays
flat whatever the history size.

A long range is judged by several processes at once (`parallel`): git's diff work and ours both
spread over the machine's CPUs, while the results still come out one at a time, oldest first.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterator
from typing import IO, cast

from agentops_hooks import agents, ci, engine, gitrepo, sources
from agentops_hooks.context import Context, environ
from agentops_hooks.errors import FatalError
from agentops_hooks.judge import blob_sizes, ignored, judge, light
from agentops_hooks.kinds.history import CommitSummary
from agentops_hooks.model import CommitResult, Finding, RangeFindings
from agentops_hooks.values import replace

BLOCK = 64  # commits a worker judges in a row before the next worker's turn
PARALLEL_MIN = 512  # fewer commits than this are judged in this process (a worker costs a fork and a git)

Summarize = Callable[[CommitResult], CommitSummary]
Lighten = Callable[[CommitResult], CommitResult]


def commits(
    ctx: Context,
    revs: list[str],
    keep_lines: bool = False,
    seen: Callable[[CommitResult], None] | None = None,
    lighten: Lighten = light,
) -> Iterator[CommitResult]:
    """Every commit of the range judged on its own, streamed oldest first; `seen` gets each whole result.

    Light results (`lighten`: what of a whole result is kept, in the process that judged it) of
    a long range come from forked workers (`parallel`), as in `history`.
    """
    ctx = ctx.judging(revs)  # signed approvals are looked up in the range
    listing, jobs = _partition(ctx, revs, keep_lines or seen is not None)
    if listing is not None:
        return (result for result, _ in parallel(ctx, listing, jobs, None, lighten))
    return (result for result, _ in _judged(ctx, revs, keep_lines, seen, None, lighten))


def history(ctx: Context, revs: list[str], keep_lines: bool = False) -> Iterator[CommitResult | RangeFindings]:
    """`commits`, then one RangeFindings when range rules find something about the range as a whole.

    How the range is judged (in this process or by workers) is settled here, before the first
    result, so a bad `AGENTOPS_JOBS` or range is an error before any output.
    (The report runs its own engine.RangeRun over `commits`, to count each finding by the commits it names.)
    """
    ctx = ctx.judging(revs)
    listing, jobs = _partition(ctx, revs, keep_lines)
    return _history(ctx, revs, keep_lines, listing, jobs)


def _partition(ctx: Context, revs: list[str], serial: bool) -> tuple[IO[bytes] | None, int]:
    """The list of the commits to share among workers (None: judge in this process), and how many workers.

    Whole results (`keep_lines`, `seen`) are judged here: lines do not cross a pipe. The list is
    a file (`gitrepo.rev_list`), so a long range costs no memory for it.
    """
    jobs = 1 if serial else _jobs()
    if jobs < 2:
        return None, jobs
    listing = gitrepo.rev_list(revs, ctx.config.include_merges, ctx.repo.toplevel)
    first = listing.readline()  # every line is as long as the first: one sha and a newline
    listing.seek(0, os.SEEK_END)
    if not first or listing.tell() < _parallel_min() * len(first):
        listing.close()
        return None, jobs
    listing.seek(0)
    return listing, jobs


def _history(
    ctx: Context, revs: list[str], keep_lines: bool, listing: IO[bytes] | None, jobs: int
) -> Iterator[CommitResult | RangeFindings]:
    policy = ctx.policy()  # each commit's exemptions judged against its committer date
    run = engine.RangeRun(ctx.config.rules, policy)
    found: list[Finding] = []
    summarize = (lambda result: engine.summarize(result, policy)) if run else None
    stream: Iterator[tuple[CommitResult, CommitSummary | None]]
    if listing is not None:
        stream = parallel(ctx, listing, jobs, summarize)
    else:
        stream = _judged(ctx, revs, keep_lines, None, summarize)
    for result, summary in stream:
        if summary is not None:
            strict_only = ignored(ctx, result.commit)  # `ignore:` turns off the exemptible rules only
            found.extend(finding for finding, _ in run.add(summary, strict_only))
        yield result
    found += [finding for finding, _ in run.end()]
    if found:
        yield engine.range_result(found)


def _judged(
    ctx: Context,
    revs: list[str] | IO[bytes],
    keep_lines: bool,
    seen: Callable[[CommitResult], None] | None,
    summarize: Summarize | None,
    lighten: Lighten = light,
) -> Iterator[tuple[CommitResult, CommitSummary | None]]:
    """Each commit judged in this process: (result, lightened unless keep_lines; its summary when asked)."""
    sizes = blob_sizes(ctx)
    branch = ci.branch(environ())
    notes = agents.open_notes(ctx.repo.toplevel)  # attribution notes, listed once for the whole range
    try:
        for commit in sources.history(revs, ctx.config.include_merges):
            if branch:
                commit = replace(commit, branch=branch)
            result = judge(ctx, commit, with_message=True, sizes=sizes, notes=notes)
            if seen is not None:
                seen(result)
            summary = summarize(result) if summarize is not None else None
            yield (result if keep_lines else lighten(result)), summary
    finally:
        if sizes:
            sizes.close()
        if notes is not None:
            notes.close()


def _jobs() -> int:
    """How many processes judge a long range: `AGENTOPS_JOBS`, else the CPUs (Linux; elsewhere one)."""
    asked = os.environ.get("AGENTOPS_JOBS", "").strip()
    if asked:
        if not asked.isdigit() or not 1 <= int(asked) <= 64:
            raise FatalError(f"AGENTOPS_JOBS={asked!r}: give a number of processes from 1 to 64 (1: judge in this process)")
        return int(asked)
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    return min(len(os.sched_getaffinity(0)), 8)


def _parallel_min() -> int:
    return 2 * BLOCK if os.environ.get("AGENTOPS_JOBS", "").strip() else PARALLEL_MIN


def parallel(
    ctx: Context, listing: IO[bytes], jobs: int, summarize: Summarize | None, lighten: Lighten = light
) -> Iterator[tuple[CommitResult, CommitSummary | None]]:
    """The commits listed (one sha a line, a file) judged by `jobs` forked workers, yielded in that order.

    Worker k judges blocks k, k + jobs, … of BLOCK commits with its own `git log` of exactly those
    commits (its share of the list, written to a file of its own), and writes each (result as
    `lighten` leaves it, summary) to its pipe as it goes; this process reads the blocks back in turn, checking each
    sha against the list read again. A worker blocks when its pipe is full, so memory stays flat.
    A worker that fails or stops early is an error naming why, never a shorter result.
    """
    shares = _deal(listing, jobs)
    workers: list[tuple[int, IO[bytes]]] = []
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        for share in shares:
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                os.close(read_fd)
                _work(ctx, share, summarize, lighten, write_fd)
            os.close(write_fd)
            workers.append((pid, os.fdopen(read_fd, "rb", buffering=1 << 16)))
        listing.seek(0)
        for index, line in enumerate(listing):
            sha = line.strip().decode("ascii")
            pid, pipe = workers[(index // BLOCK) % len(workers)]
            status, payload = _receive(pipe)
            if status == "error":
                raise FatalError(str(payload))
            result, summary = cast(tuple[CommitResult, CommitSummary | None], payload)
            if result.commit.sha != sha:
                raise FatalError(f"a worker judging commits answered for {result.commit.sha}, expected {sha}")
            yield result, summary
    finally:
        for share in shares:
            share.close()
        listing.close()
        for pid, pipe in workers:
            pipe.close()
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def _deal(listing: IO[bytes], jobs: int) -> list[IO[bytes]]:
    """The list dealt out in blocks of BLOCK lines, block i to share i % jobs (as many shares as have a block)."""
    import tempfile

    shares: list[IO[bytes]] = []
    listing.seek(0)
    for index, line in enumerate(listing):
        k = (index // BLOCK) % jobs
        if k == len(shares):
            shares.append(tempfile.TemporaryFile())
        shares[k].write(line)
    for share in shares:
        share.seek(0)
    return shares


def _receive(pipe: IO[bytes]) -> tuple[str, object]:
    try:
        item = pickle.load(pipe)  # noqa: S301 - our own forked worker's pipe
    except (EOFError, pickle.UnpicklingError):  # nothing more, or cut short mid-result
        raise FatalError("a worker judging commits stopped before its last commit (killed, or out of memory?)") from None
    return item  # type: ignore[no-any-return]


def _work(ctx: Context, share: IO[bytes], summarize: Summarize | None, lighten: Lighten, fd: int) -> None:
    """In the forked worker: judge these commits, write each result to `fd`, and exit (never return)."""
    code = 0
    try:
        with os.fdopen(fd, "wb", buffering=1 << 16) as out:
            try:
                for result, summary in _judged(ctx, share, False, None, summarize, lighten):
                    pickle.dump(("ok", (result, summary)), out, protocol=pickle.HIGHEST_PROTOCOL)
            except FatalError as e:
                pickle.dump(("error", str(e)), out)
                code = 1
            except BaseException as e:  # noqa: BLE001 - reported by the parent, as an internal error would be
                pickle.dump(("error", f"internal error in a worker judging commits: {e!r}"), out)
                code = 3
    except BaseException:  # noqa: BLE001 - the pipe is gone: the parent stopped reading
        code = 1
    finally:
        os._exit(code)
