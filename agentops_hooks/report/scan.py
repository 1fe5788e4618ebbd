"""The report's one streamed pass over history, the learnings listing, and reading reports back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

from agentops_hooks import agents, gitrepo, judge, sources, walk
from agentops_hooks.context import Context
from agentops_hooks.errors import FatalError
from agentops_hooks.model import CommitResult
from agentops_hooks.report import aggregate, links, mining
from agentops_hooks.revisions import range_revs


def revisions(spec: str | None, since: str | None, until: str | None, environ: Mapping[str, str]) -> list[str]:
    """What `git log` walks: a range (default HEAD's whole history), limited by committer dates."""
    revs = range_revs(spec, None, environ) if spec else [gitrepo.resolve("HEAD")]
    return [*(f"--since={since}",) * bool(since), *(f"--until={until}",) * bool(until), *revs]


def describe(spec: str | None, since: str | None, until: str | None) -> str:
    """The range as the report names it."""
    parts = [spec or "HEAD", *(f"since {since}",) * bool(since), *(f"until {until}",) * bool(until)]
    return ", ".join(parts)


def meta(ctx: Context, version: str, range_text: str, name: str | None = None) -> dict[str, Any]:
    """The run's facts a report carries: tool version, repository name, commit links, range."""
    remote = gitrepo.remote_url("origin", ctx.repo.toplevel)
    repository = name or links.repository_name(remote, ctx.repo.toplevel)
    return {"version": version, "repository": repository, "commit_url": links.commit_url(remote), "range": range_text}


def report(
    ctx: Context, revs: list[str], facts: dict[str, Any], progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """One pass: every commit judged by the effective rules, counted as it streams past, then dropped."""
    acc = aggregate.Accumulator(ctx.config.rules, ignored=lambda c: judge.ignored(ctx, c), policy=ctx.policy())
    # light results and the hunk headers mining reads (fix-after-agent): a long range is judged
    # by forked workers, whose results come back in order
    results: Iterable[CommitResult] = walk.commits(ctx, revs, lighten=mining.kept)
    for n, result in enumerate(results, 1):
        acc.add(result)
        if progress:
            progress(n)
    return acc.document(facts)


def learnings(ctx: Context, revs: list[str], grep: str | None = None) -> Iterator[dict[str, Any]]:
    """Every `Learning:` line of the history (oldest first), with commit, date and verdict; `grep` filters."""
    needle = grep.casefold() if grep else None
    learned = {r.id.removeprefix("learned-"): r.id for r in ctx.config.rules if r.id.startswith("learned-")}
    for commit in sources.history(revs, ctx.config.include_merges):
        text = aggregate.learning(commit.message)
        if text is None or (needle and needle not in text.casefold()):
            continue
        verdict = agents.detect(commit, ctx.signatures, ctx.config.agents.get("count-roles") or ()).kind
        yield {"sha": commit.sha, "date": commit.committer.date, "author": commit.author.name} | {
            "subject": commit.message.subject,
            "verdict": verdict,
            "text": text,
            "files": [f.path for f in commit.files],
            "rule": learned.get((commit.sha or "")[:7]),
        }


class Progress:
    """`N commits…` on a terminal's stderr, only once a scan has run a second, at most 5 times a second."""

    def __init__(self, stream: IO[str], clock: Callable[[], float] = time.monotonic) -> None:
        self._stream, self._clock = stream, clock
        self._start = self._last = clock()
        self._shown = False

    def __call__(self, n: int) -> None:
        """Note that `n` commits are done."""
        if n % 50:
            return
        now = self._clock()
        if now - self._start < 1.0 or now - self._last < 0.2:
            return
        self._last, self._shown = now, True
        self._stream.write(f"\ragentops report: {n} commits…")
        self._stream.flush()

    def done(self) -> None:
        """Clear the line, if anything was shown."""
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()


def load(paths: Iterable[str]) -> list[dict[str, Any]]:
    """JSON reports read back for --merge, each validated against report.schema.json."""
    out = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except OSError as e:
            raise FatalError(f"{path}: cannot read the report: {e.strerror}") from None
        except ValueError as e:
            raise FatalError(f"{path}: not a JSON report: {e}") from None
        problem = validate(data)
        if problem:
            raise FatalError(f"{path}: not a schema_version 1 report: {problem}")
        out.append(data)
    return out


def validate(data: Any) -> str | None:
    """Why a document is not a valid report (the first problem, with its JSON path), or None."""
    import importlib.resources

    import jsonschema

    text = importlib.resources.files("agentops_hooks.schema").joinpath("report.schema.json").read_text("utf-8")
    validator = jsonschema.Draft202012Validator(json.loads(text))
    err = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if err is None:
        return None
    where = "/".join(str(p) for p in err.absolute_path) or "(top)"
    return f"at {where}: {err.message}"
