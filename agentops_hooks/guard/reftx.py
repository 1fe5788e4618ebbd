"""The reference-transaction guard: a branch moves only to commits the repository's rules let through.

git runs the hook for every ref update (`commit`, also under `--no-verify`, `merge`, `rebase`, `am`,
`cherry-pick`, `update-ref`, `reset`, `branch`...), first in the `prepared` state, where a non-zero
exit aborts the whole transaction. The guard judges only the commits that a `refs/heads/*` update
makes reachable and that no branch or remote-tracking ref reached before: a fast-forward to
teammates' fetched commits judges nothing, and neither do the steps of a rebase on a detached HEAD;
the rebase's final branch update judges the rewritten commits.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from agentops_hooks.errors import FatalError

if TYPE_CHECKING:
    from agentops_hooks.context import Context
    from agentops_hooks.model import CommitResult

BRANCHES = "refs/heads/"
REMOTES = "refs/remotes/"
# what was reachable before the update counts as judged already: branches (the guard let them
# move) and remote-tracking refs (teammates' commits, judged by CI). Not HEAD: a rebase builds its
# commits on a detached HEAD; not tags, stash or other refs, which anyone moves unjudged.
BEFORE = ("--branches", "--remotes")
PASS_VAR = "AGENTOPS_GUARD"  # AGENTOPS_GUARD=off: a person's one-time pass (handled by the hook script)


class Update(NamedTuple):
    """One line of the hook's input: a ref moving from `old` to `new` (zero oids for none)."""

    old: str
    new: str
    ref: str


def is_zero(oid: str) -> bool:
    """Whether an oid is git's null oid (40 zeros, or 64 in a SHA-256 repository)."""
    return not oid.strip("0")


def parse(lines: Iterable[str]) -> tuple[Update, ...]:
    """The hook's stdin, `<old-oid> SP <new-oid> SP <ref-name>` per line; anything else fails closed."""
    updates = []
    for line in lines:
        line = line.rstrip("\n")
        if not line:
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or not all(parts):
            raise FatalError(f"reference-transaction: unexpected input line {line[:200]!r} (expected: OLD NEW REF)")
        updates.append(Update(*parts))
    return tuple(updates)


def revisions(updates: Iterable[Update]) -> list[str] | None:
    """The `git log` revisions of the commits to judge, or None when no branch moves to a commit.

    Commits that remote-tracking refs of the same transaction reach (a `git fetch origin main:main`)
    are a teammate's, like those reachable before.
    """
    updates = tuple(updates)
    tips = _unique(u.new for u in updates if u.ref.startswith(BRANCHES) and not is_zero(u.new))
    if not tips:
        return None
    fetched = _unique(u.new for u in updates if u.ref.startswith(REMOTES) and not is_zero(u.new))
    return [*tips, "--not", *BEFORE, *fetched]


def _unique(oids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(oids))


def run(state: str, stdin_lines: Iterable[str], cwd: str | None = None) -> int:
    """The hook: 0 lets the transaction go on, 1 refuses it (blocking findings), 3 when it cannot judge."""
    if state != "prepared":
        return 0
    updates = parse(stdin_lines)
    revs = revisions(updates)
    if revs is None:
        return 0
    with contextlib.chdir(cwd or "."):
        if not _anything_new(revs):  # a new branch at a known commit, a fast-forward to fetched ones
            return 0
        return _judge(updates, revs)


def _anything_new(revs: list[str]) -> bool:
    """Whether any commit becomes reachable (one cheap git call spares loading the config)."""
    from agentops_hooks import gitrepo

    return bool(gitrepo.git("rev-list", "-n", "1", *revs, "--").strip())


def _judge(updates: tuple[Update, ...], revs: list[str]) -> int:
    from agentops_hooks.gitrepo import plumbing
    from agentops_hooks.names import CONFIG_FILE

    # what the judgement will ask git (the log as a config without include-merges reads it), started
    # before the rules are imported: git answers on another core meanwhile
    plumbing.prefetch(plumbing.REPO_INFO, plumbing.tracked_args(CONFIG_FILE), plumbing.log_args(revs))
    try:
        from agentops_hooks import context, sources
        from agentops_hooks.outputs import Options, write_outputs

        ctx = context.open_context(None, context.environ())
        results = judged(ctx, revs, sources.agent_env())
        return write_outputs(results, Options(), "reference-transaction", refused_note(updates), ctx.config.rules)
    finally:
        plumbing.forget_prefetched()


def judged(ctx: Context, revs: list[str], env: tuple[tuple[str, str], ...]) -> Iterator[CommitResult]:
    """Each new commit judged on its message and diff, as `range` does, in the shell that lands it.

    The shell's agent variables go with every commit: whoever moves the branch vouches for them.
    """
    from agentops_hooks import gitrepo, judge, sources
    from agentops_hooks.values import replace

    sizes = gitrepo.BlobSizes() if any(r.param("max-size") is not None for r in ctx.config.rules) else None
    try:
        for commit in sources.history(revs, ctx.config.include_merges):
            commit = replace(commit, env=env, source="reference-transaction")
            yield judge.light(judge.judge(ctx, commit, with_message=True, sizes=sizes))
    finally:
        if sizes is not None:
            sizes.close()


def refused_note(updates: Iterable[Update]) -> str:
    """The summary's last words when the update is refused: what stays where, and the ways forward."""
    moved = [u for u in updates if u.ref.startswith(BRANCHES) and not is_zero(u.new)]
    where = ", ".join(
        f"{u.ref.removeprefix(BRANCHES)} stays at {u.old[:12] if not is_zero(u.old) else 'nothing'}" for u in moved
    )
    return (
        f"branch update refused by the reference-transaction guard, which runs even under --no-verify ({where}; "
        f"the new commits still exist: `git log {moved[-1].new[:12]}`); fix them and retry "
        f"(a rebase: `git rebase --abort` or reword), or, as a person, pass once with {PASS_VAR}=off (recorded)"
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m agentops_hooks.guard.reftx STATE`: the same as `agentops-check reference-transaction STATE`."""
    from agentops_hooks.entry import main as entry_main

    return entry_main(["reference-transaction", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
