"""The reference-transaction guard on real repositories: real git commands with the real hook installed.

Each test installs the guard (agentops_hooks.guard.install) and drives git as a user or an agent
would: commits under --no-verify, amend, update-ref, reset, rebase -i, cherry-pick, am, merges,
stash, branches, tags, a teammate's fast-forward; then what stays, what moves and what is said.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentops_hooks.guard import install, reftx
from tests.testing import CLAUDE, GOOD_SECTIONS, commit, git, write

Z40 = "0" * 40
BAD_MSG = f"fix(parser): strip input\n\n{CLAUDE}\n"  # an agent commit without Context/Solution/…
GOOD_MSG = f"feat(parser): add the parser\n\n{GOOD_SECTIONS}\n{CLAUDE}\n"
REFUSED = "branch update refused by the reference-transaction guard, which runs even under --no-verify"


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A real git command with every hook git runs: exit code and what the user sees."""
    full = dict(os.environ, **(env or {}))
    return subprocess.run(("git", *args), capture_output=True, text=True, env=full, cwd=cwd)


def head(ref: str = "HEAD", cwd: Path | None = None) -> str:
    return git("rev-parse", "--verify", "-q", ref, cwd=cwd, check=False).strip()


def loose_commit(message: str, parent: str = "HEAD") -> str:
    """A commit object no ref reaches (what a refused commit leaves behind)."""
    tree = git("rev-parse", f"{parent}^{{tree}}").strip()
    return git("commit-tree", tree, "-p", parent, "-m", message).strip()


@pytest.fixture
def guarded(git_repo: Path) -> Path:
    """A repository with one clean commit on main and the guard installed."""
    commit("feat: start", ("README.md", "# demo\n"))
    install.install()
    return git_repo


# --- the pure parts -----------------------------------------------------------------------------


def test_parse_reads_git_lines_and_fails_closed_on_anything_else() -> None:
    line = f"{Z40} {'a' * 40} refs/heads/main\n"
    assert reftx.parse([line, "\n"]) == (reftx.Update(Z40, "a" * 40, "refs/heads/main"),)
    with pytest.raises(reftx.FatalError, match="unexpected input line"):
        reftx.parse(["garbage\n"])


def test_revisions_only_for_branches_moving_to_a_commit() -> None:
    a, b, c = "a" * 40, "b" * 40, "c" * 40
    assert reftx.revisions([reftx.Update(Z40, a, "refs/tags/v1"), reftx.Update(Z40, a, "HEAD")]) is None
    assert reftx.revisions([reftx.Update(a, Z40, "refs/heads/gone")]) is None  # a deletion
    assert reftx.revisions([reftx.Update(Z40, a, "refs/heads/x"), reftx.Update(a, b, "refs/remotes/origin/x")]) == [
        a,
        "--not",
        "--branches",
        "--remotes",
        b,
    ]
    assert reftx.revisions([reftx.Update(a, c, "refs/heads/x"), reftx.Update(b, c, "refs/heads/y")]) == [
        c,
        "--not",
        "--branches",
        "--remotes",
    ]
    assert reftx.run("committed", ["garbage\n"]) == 0  # only `prepared` decides anything
    assert reftx.is_zero("0" * 64)


# --- commits --------------------------------------------------------------------------------------


def test_agent_commit_under_no_verify_is_refused_and_the_branch_stays(guarded: Path) -> None:
    before = head()

    proc = run("commit", "--allow-empty", "--no-verify", "-m", "wip", env={"CLAUDECODE": "1"})

    out = proc.stdout + proc.stderr
    assert proc.returncode == 128, out
    assert ":msg:1: vague-subject subject 'wip' does not say what changed or why (error)" in out
    assert REFUSED in out and "main stays at " + before[:12] in out
    assert "fatal: ref updates aborted by hook" in out
    assert head() == before


def test_agent_commit_without_sections_is_refused_with_the_rule_that_blocks(guarded: Path) -> None:
    write("parser.py", "x = 1\n")
    git("add", "parser.py")

    proc = run("commit", "-q", "--no-verify", "--cleanup=verbatim", "-m", BAD_MSG)

    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert ": ai-context-sections missing the 'Context:' section (error)" in out
    assert "agentops: 4 errors in 1 commit checked: " + REFUSED in out
    assert git("diff", "--cached", "--name-only").strip() == "parser.py"  # the staged change is kept


def test_good_commits_pass_silently(guarded: Path) -> None:
    write("parser.py", "x = 1\n")
    git("add", "parser.py")

    proc = run("commit", "-q", "--no-verify", "--cleanup=verbatim", "-m", GOOD_MSG)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout + proc.stderr == ""
    assert git("log", "-1", "--format=%s").strip() == "feat(parser): add the parser"


def test_amend_no_verify_to_a_bad_message_is_refused(guarded: Path) -> None:
    good = commit(GOOD_MSG, ("parser.py", "x = 1\n"))

    proc = run("commit", "--amend", "--no-verify", "--cleanup=verbatim", "-m", BAD_MSG)

    assert proc.returncode != 0 and REFUSED in proc.stdout + proc.stderr
    assert head() == good


# --- other ways to move a branch ------------------------------------------------------------------


def test_update_ref_to_a_bad_commit_is_refused_and_to_a_good_one_allowed(guarded: Path) -> None:
    bad, good = loose_commit(BAD_MSG), loose_commit(GOOD_MSG)

    refused = run("update-ref", "refs/heads/x", bad)
    allowed = run("update-ref", "refs/heads/y", good)

    assert refused.returncode != 0 and REFUSED in refused.stdout + refused.stderr
    assert "x stays at nothing" in refused.stdout + refused.stderr
    assert head("refs/heads/x") == ""
    assert allowed.returncode == 0, allowed.stderr
    assert head("refs/heads/y") == good


def test_reset_to_a_bad_commit_found_in_the_reflog_is_refused(guarded: Path) -> None:
    """Decided: a commit no ref reaches is new again, whatever the reflog remembers."""
    start = head()
    passed = run("commit", "-q", "--allow-empty", "--no-verify", "-m", BAD_MSG, env={"AGENTOPS_GUARD": "off"})
    assert passed.returncode == 0, passed.stderr
    bad = head()
    git("reset", "-q", "--hard", start)

    proc = run("reset", "--hard", "HEAD@{1}")

    assert git("reflog", "-2", "--format=%H").split() == [start, bad]
    assert proc.returncode != 0 and REFUSED in proc.stdout + proc.stderr
    assert head() == start


def test_rebase_i_cannot_slip_in_a_bad_commit_but_a_clean_rebase_lands(guarded: Path) -> None:
    git("checkout", "-q", "-b", "topic")
    commit(GOOD_MSG, ("a.py", "a = 1\n"))
    commit(GOOD_MSG, ("b.py", "b = 1\n"))
    tip = head()
    # an exec step amends the first pick into an agent commit without sections, under --no-verify
    editor = f"{sys.executable} -c \"import sys; p=sys.argv[1]; t=open(p).read().split(chr(10)); t.insert(1, 'exec git commit -q --amend --no-verify -m wip'); open(p,'w').write(chr(10).join(t))\""

    proc = run("rebase", "-i", "HEAD~2", env={"GIT_SEQUENCE_EDITOR": editor})

    assert proc.returncode != 0 and REFUSED in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert head("refs/heads/topic") == tip  # the steps ran on a detached HEAD; the branch did not move
    assert git("rebase", "--abort", check=False) == "" and head() == tip

    clean = run("rebase", "-i", "HEAD~2", env={"GIT_SEQUENCE_EDITOR": "sed -i '1{h;d};2G'"})

    assert clean.returncode == 0, clean.stderr
    assert head("refs/heads/topic") != tip  # reordered: two new commits, judged and let through


def test_cherry_pick_of_a_bad_commit_is_refused(guarded: Path) -> None:
    bad = loose_commit(BAD_MSG)
    git("update-ref", "refs/tags/parked", bad)  # a tag is not judged: it parks the commit
    before = head()

    proc = run("cherry-pick", "--allow-empty", bad)

    assert proc.returncode != 0 and REFUSED in proc.stdout + proc.stderr
    assert head() == before
    git("cherry-pick", "--abort", check=False)


def test_am_of_a_bad_patch_is_refused_and_of_a_good_one_allowed(guarded: Path, tmp_path: Path) -> None:
    git("checkout", "-q", "-b", "donor")
    for i, msg in enumerate((BAD_MSG, GOOD_MSG)):
        write(f"f{i}.py", "x = 1\n")
        git("add", f"f{i}.py")
        run("commit", "-q", "--no-verify", "--cleanup=verbatim", "-m", msg, env={"AGENTOPS_GUARD": "off"})
    bad_patch, good_patch = git("format-patch", "-2", "-o", str(tmp_path / "p")).split()
    git("checkout", "-q", "main")
    git("branch", "-q", "-D", "donor")  # else `am` may rebuild the very same commit, reachable already
    before = head()

    refused = run("am", bad_patch)
    git("am", "--abort", check=False)
    allowed = run("am", good_patch)

    assert refused.returncode != 0 and REFUSED in refused.stdout + refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert git("rev-parse", "HEAD~1").strip() == before


def test_merge_no_ff_judges_nothing_already_on_a_branch(guarded: Path) -> None:
    git("checkout", "-q", "-b", "topic")
    commit(GOOD_MSG, ("a.py", "a = 1\n"))
    git("checkout", "-q", "main")

    proc = run("merge", "--no-ff", "-q", "-m", "Merge topic", "topic")

    assert proc.returncode == 0, proc.stderr
    assert len(git("log", "-1", "--format=%P").split()) == 2


def test_stash_tags_branches_and_checkouts_are_not_refused(guarded: Path) -> None:
    write("README.md", "# changed\n")
    bad = loose_commit(BAD_MSG)

    for args in (
        ("stash", "-q"),
        ("stash", "pop", "-q"),
        ("tag", "bad-tag", bad),  # refs/tags/* are not judged
        ("checkout", "-q", "-b", "copy"),  # a branch at a commit a branch reaches
        ("checkout", "-q", "main"),
        ("branch", "-f", "copy", "main"),
        ("branch", "-D", "copy"),
    ):
        proc = run(*args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "agentops" not in proc.stdout + proc.stderr, args


def test_a_detached_head_commit_is_judged_when_a_branch_takes_it(guarded: Path) -> None:
    """Decided: HEAD alone is not judged (a rebase's steps), the branch that keeps the commit is."""
    git("checkout", "-q", "--detach")

    detached = run("commit", "-q", "--allow-empty", "--no-verify", "-m", BAD_MSG)
    keep = run("checkout", "-b", "keep")

    assert detached.returncode == 0, detached.stderr
    assert keep.returncode != 0 and REFUSED in keep.stdout + keep.stderr
    assert head("refs/heads/keep") == ""


def test_a_hook_that_commits_is_judged_too(guarded: Path) -> None:
    """A post-commit hook's own commit is another transaction: the guard judges it like any."""
    hooks = Path(git("rev-parse", "--git-path", "hooks").strip())
    (hooks / "post-commit").write_text(
        "#!/bin/sh\n[ -e .again ] || { touch .again; git commit -q --allow-empty --no-verify -m wip; }\n"
    )
    (hooks / "post-commit").chmod(0o755)

    proc = run("commit", "-q", "--allow-empty", "--no-verify", "--cleanup=verbatim", "-m", GOOD_MSG)

    assert proc.returncode == 0  # git ignores post-commit's exit; the first commit landed
    assert "vague-subject" in proc.stdout + proc.stderr  # the hook's own `wip` commit was refused
    assert git("log", "-1", "--format=%s").strip() == "feat(parser): add the parser"


# --- teammates' commits ---------------------------------------------------------------------------


@pytest.fixture
def teammate(guarded: Path, tmp_path: Path) -> Path:
    """origin has two commits the guard would refuse, made by a teammate who has no guard."""
    bare = tmp_path / "origin.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    git("remote", "add", "origin", str(bare))
    git("push", "-q", "origin", "main")
    other = tmp_path / "teammate"
    git("clone", "-q", str(bare), str(other))
    for i in range(2):
        commit(BAD_MSG, (f"t{i}.py", "t = 1\n"), cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    return other


def test_fast_forward_to_a_teammates_fetched_commits_is_never_refused(teammate: Path) -> None:
    tip = head("HEAD", cwd=teammate)

    fetched = run("fetch", "-q", "origin")
    merged = run("merge", "--ff-only", "-q", "origin/main")

    assert fetched.returncode == 0 and merged.returncode == 0, fetched.stderr + merged.stderr
    assert head() == tip
    assert "agentops" not in merged.stdout + merged.stderr


def test_pull_and_an_atomic_fetch_into_a_branch_are_not_refused(teammate: Path) -> None:
    tip = head("HEAD", cwd=teammate)

    atomic = run("fetch", "-q", "--atomic", "origin", "main:mirror", "main:refs/remotes/origin/main")
    pulled = run("pull", "-q", "--ff-only", "origin", "main")

    assert atomic.returncode == 0, atomic.stderr
    assert pulled.returncode == 0, pulled.stderr
    assert head("refs/heads/mirror") == tip and head() == tip


def test_a_plain_fetch_into_a_branch_is_judged_before_its_remote_tracking_ref_moves(teammate: Path) -> None:
    """Decided: git moves refs/heads/mirror in a transaction of its own, before refs/remotes/origin/main,
    and nothing tells a fetched commit from a forged one: fetch first (or use --atomic)."""
    refused = run("fetch", "-q", "origin", "main:mirror")
    assert refused.returncode != 0 and REFUSED in refused.stderr
    assert head("refs/remotes/origin/main") == head("main")  # git stopped before moving it

    then = run("fetch", "-q", "origin")
    into_branch = run("fetch", "-q", "origin", "main:mirror")

    assert then.returncode == 0 and into_branch.returncode == 0, then.stderr + into_branch.stderr
    assert head("refs/heads/mirror") == head("HEAD", cwd=teammate)
