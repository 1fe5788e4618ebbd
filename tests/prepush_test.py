"""The pre-push hook on real pushes to a real (bare) remote: new branch, one bad commit among three,
force-push, the first push with the root commit; once through a plain git hook that sets pre-commit's
environment, once through pre-commit itself (slow: few)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing import CLAUDE, GOOD_SECTIONS, ROOT, clean_env, commit, git

# pre-commit's pre-push logic (pre_commit/commands/hook_impl.py, _pre_push_ns), then our entry
PRE_PUSH = """#!{python}
import os, subprocess, sys
Z40 = "0" * 40
remote_name = sys.argv[1]
def out(*args):
    return subprocess.run(("git", *args), capture_output=True, text=True).stdout.strip()
for line in sys.stdin.read().splitlines():
    local_ref, local_sha, remote_ref, remote_sha = line.rsplit(maxsplit=3)
    if local_sha == Z40:
        continue  # a delete: pre-commit runs nothing
    env = dict(os.environ, PRE_COMMIT="1", PRE_COMMIT_LOCAL_BRANCH=local_ref, PRE_COMMIT_REMOTE_BRANCH=remote_ref,
               PRE_COMMIT_REMOTE_NAME=remote_name, PRE_COMMIT_REMOTE_URL=sys.argv[2])
    if remote_sha != Z40 and out("cat-file", "-t", remote_sha) == "commit":
        env.update(PRE_COMMIT_FROM_REF=remote_sha, PRE_COMMIT_TO_REF=local_sha)
    else:
        ancestors = out("rev-list", local_sha, "--topo-order", "--reverse", "--not", f"--remotes={{remote_name}}")
        if not ancestors:
            continue
        first = ancestors.splitlines()[0]
        if first not in out("rev-list", "--max-parents=0", local_sha).splitlines():
            env.update(PRE_COMMIT_FROM_REF=out("rev-parse", first + "^"), PRE_COMMIT_TO_REF=local_sha)
    sys.exit(subprocess.run((sys.executable, "-m", "agentops_hooks", "range"), env=env).returncode)
"""

BAD_MSG = f"fix(parser): strip input\n\n{CLAUDE}\n"
GOOD_MSG = f"feat(parser): add the parser\n\n{GOOD_SECTIONS}\n{CLAUDE}\n"


def push(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real `git push` (hooks run): exit code and what the user sees."""
    return subprocess.run(("git", "push", *args), capture_output=True, text=True, env=env)


def remote_sha(remote: Path, ref: str) -> str:
    return git("rev-parse", "--verify", "-q", ref, cwd=remote, check=False).strip()


@pytest.fixture
def remote(git_repo: Path, tmp_path: Path) -> Path:
    """A bare repository as `origin`, and our pre-push entry as a plain git hook."""
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    git("remote", "add", "origin", str(bare))
    hook = git_repo / ".git" / "hooks" / "pre-push"
    hook.write_text(PRE_PUSH.format(python=sys.executable), encoding="utf-8")
    hook.chmod(0o755)
    return bare


@pytest.fixture
def pushed_main(remote: Path) -> str:
    """main with one clean commit, already on the remote (pushed without hooks)."""
    sha = commit("feat: start", ("README.md", "# demo\n"))
    proc = push("--no-verify", "-q", "origin", "main")
    assert proc.returncode == 0, proc.stderr
    return sha


def three_commits() -> list[str]:
    """good agent commit, bad agent commit (no Context/…), good human commit."""
    return [
        commit(GOOD_MSG, ("parser.py", "def parse(t):\n    return t\n")),
        commit(BAD_MSG, ("parser.py", "def parse(t):\n    return t.strip()\n")),
        commit("docs: describe the parser", ("README.md", "# demo\n\nIt parses.\n")),
    ]


def test_new_branch_with_clean_commits_is_pushed_silently(remote: Path, pushed_main: str) -> None:
    git("checkout", "-q", "-b", "topic")
    good = commit(GOOD_MSG, ("parser.py", "def parse(t):\n    return t\n"))

    proc = push("-q", "origin", "topic")

    assert proc.returncode == 0, proc.stderr
    assert "agentops" not in proc.stdout + proc.stderr
    assert remote_sha(remote, "topic") == good


def test_new_branch_with_the_middle_commit_bad_is_refused_naming_it(remote: Path, pushed_main: str) -> None:
    git("checkout", "-q", "-b", "topic")
    good, bad, human = three_commits()

    proc = push("origin", "topic")

    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert f"agentops: commit {bad[:7]} 'fix(parser): strip input': ai agent (claude-code)" in out
    assert f"{bad[:7]}: ai-context-sections missing the 'Context:' section (error)" in out, out
    assert good[:7] + ":" not in out and human[:7] + ":" not in out
    assert "agentops: 4 errors in 3 commits checked: refused" in out  # only the new commits, not main's
    assert "Traceback" not in out
    assert remote_sha(remote, "topic") == ""


def test_push_of_new_commits_on_a_known_branch_checks_only_those(remote: Path, pushed_main: str) -> None:
    commit(BAD_MSG, ("parser.py", "x = 1\n"))
    git("push", "--no-verify", "-q", "origin", "main")
    fixed = commit(GOOD_MSG, ("parser.py", "x = 2\n"))

    proc = push("-q", "origin", "main")

    assert proc.returncode == 0, proc.stdout + proc.stderr  # the bad commit is already on the remote
    assert remote_sha(remote, "main") == fixed


def test_force_push_judges_the_rewritten_commits(remote: Path, pushed_main: str) -> None:
    good = commit(GOOD_MSG, ("parser.py", "def parse(t):\n    return t\n"))
    assert push("-q", "origin", "main").returncode == 0
    git("reset", "-q", "--hard", pushed_main)
    bad = commit(BAD_MSG, ("parser.py", "def parse(t):\n    return t.strip()\n"))

    refused = push("--force", "origin", "main")

    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert f"{bad[:7]}: ai-context-sections missing the 'Context:' section (error)" in out, out
    assert "in 1 commit checked: refused" in out
    assert remote_sha(remote, "main") == good

    git("commit", "-q", "--amend", "--no-verify", "-m", GOOD_MSG)
    accepted = push("-q", "--force", "origin", "main")

    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert remote_sha(remote, "main") == git("rev-parse", "HEAD").strip()


def test_first_push_with_the_root_commit_checks_every_commit(remote: Path) -> None:
    root = commit(BAD_MSG, ("parser.py", "x = 1\n"))
    second = commit("docs: readme", ("README.md", "# demo\n"))

    proc = push("-u", "origin", "main")

    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert f"{root[:7]}: ai-context-sections missing the 'Context:' section (error)" in out
    assert "agentops: 4 errors in 2 commits checked: refused" in out
    assert second[:7] + ":" not in out
    assert remote_sha(remote, "main") == ""

    advisory = push("--no-verify", "-q", "origin", "main")  # the hook is advisory: CI is the gate

    assert advisory.returncode == 0 and remote_sha(remote, "main") == second


def test_root_push_range_reads_local_branch_and_remote_name(remote: Path) -> None:
    """Without FROM/TO refs (the root case) `range` checks LOCAL_BRANCH --not --remotes=REMOTE_NAME."""
    commit("feat: start", ("README.md", "# demo\n"))
    git("push", "--no-verify", "-q", "origin", "main")
    git("checkout", "-q", "-b", "topic")
    bad = commit(BAD_MSG, ("parser.py", "x = 1\n"))
    env = {**clean_env(), "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/topic", "PRE_COMMIT_REMOTE_NAME": "origin"}

    proc = subprocess.run(
        (sys.executable, "-m", "agentops_hooks", "range", "-f", "json"), capture_output=True, text=True, env=env
    )

    assert proc.returncode == 1, proc.stderr
    assert '"sha": "' + bad + '"' in proc.stdout
    assert proc.stdout.count('"sha": ') == 1


def test_no_range_and_no_pre_commit_environment_is_a_usage_error_saying_what_to_pass(git_repo: Path) -> None:
    commit("feat: start", ("README.md", "# demo\n"))

    proc = subprocess.run(
        (sys.executable, "-m", "agentops_hooks", "range"), capture_output=True, text=True, env=clean_env()
    )

    assert proc.returncode == 2
    assert proc.stderr.startswith("agentops-check: no range given: pass A..B or --base REF")
    assert len(proc.stderr.splitlines()) == 1


# --- through pre-commit itself: the real hook from .pre-commit-hooks.yaml at this project's HEAD ---


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for this module's session (tests/hooks_test.py keeps its own fixture private)."""
    return tmp_path_factory.mktemp("pre-commit-home-push")


PRODUCT = ("agentops_hooks", "rules", "pyproject.toml", ".pre-commit-hooks.yaml")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Where pre-commit installs our hooks from: this project at HEAD, or, while the product has
    uncommitted changes (pre-commit clones committed code only), a committed snapshot of the work tree."""
    head = git("rev-parse", "HEAD", cwd=ROOT).strip()
    if not git("status", "--porcelain", "--", *PRODUCT, cwd=ROOT).strip():
        return ROOT, head
    snap = tmp_path_factory.mktemp("hook-repo")
    for name in git("ls-files", "-z", "-c", "-o", "--exclude-standard", cwd=ROOT).split("\0"):
        src = ROOT / name
        if name and src.is_file():
            (snap / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snap / name)
    env = clean_env()
    git("init", "-q", "-b", "main", cwd=snap, env=env)
    git("add", "-A", cwd=snap, env=env)
    git("commit", "-q", "--no-verify", "-m", f"snapshot of the work tree on {head[:12]}", cwd=snap, env=env)
    return snap, git("rev-parse", "HEAD", cwd=snap).strip()


def install_pre_commit(git_repo: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]) -> dict[str, str]:
    """Commit a .pre-commit-config.yaml using our pre-push hook, `pre-commit install` it in place of
    the plain hook; returns the environment to push with."""
    repo, rev = hook_repo
    config = f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: agentops-pre-push\n"
    commit("chore: use pre-commit", (".pre-commit-config.yaml", config))
    env = {**clean_env(), "PRE_COMMIT_HOME": str(pre_commit_home), "XDG_CACHE_HOME": str(git_repo.parent / "cache")}
    (git_repo / ".git" / "hooks" / "pre-push").unlink()
    proc = subprocess.run(
        (sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push"),
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return env


@pytest.fixture
def pre_commit_remote(
    remote: Path, git_repo: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]
) -> dict[str, str]:
    """`remote` with main pushed, and pre-commit's own pre-push hook installed."""
    env = install_pre_commit(git_repo, pre_commit_home, hook_repo)
    assert push("--no-verify", "-q", "origin", "main", env=env).returncode == 0
    return env


@pytest.mark.slow
def test_pre_commit_pre_push_refuses_a_new_branch_naming_the_bad_commit(
    remote: Path, pre_commit_remote: dict[str, str]
) -> None:
    git("checkout", "-q", "-b", "topic")
    good, bad, human = three_commits()

    proc = push("origin", "topic", env=pre_commit_remote)

    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "agentops (commits being pushed)" in out
    assert f"{bad[:7]}: ai-context-sections missing the 'Context:' section (error)" in out, out
    assert good[:7] + ":" not in out and human[:7] + ":" not in out
    assert "in 3 commits checked: refused" in out
    assert remote_sha(remote, "topic") == ""


@pytest.mark.slow
def test_pre_commit_pre_push_judges_a_force_push(remote: Path, pre_commit_remote: dict[str, str]) -> None:
    base = git("rev-parse", "HEAD").strip()
    commit(GOOD_MSG, ("parser.py", "def parse(t):\n    return t\n"))
    assert push("-q", "origin", "main", env=pre_commit_remote).returncode == 0
    git("reset", "-q", "--hard", base)
    bad = commit(BAD_MSG, ("parser.py", "def parse(t):\n    return t.strip()\n"))

    proc = push("--force", "origin", "main", env=pre_commit_remote)

    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert f"{bad[:7]}: ai-context-sections missing the 'Context:' section (error)" in out, out
    assert "in 1 commit checked: refused" in out


@pytest.mark.slow
def test_pre_commit_pre_push_checks_a_first_push_with_the_root_commit(
    remote: Path, git_repo: Path, pre_commit_home: Path, hook_repo: tuple[Path, str]
) -> None:
    env = install_pre_commit(git_repo, pre_commit_home, hook_repo)  # the root commit: clean
    bad = commit(BAD_MSG, ("parser.py", "x = 1\n"))

    proc = push("-u", "origin", "main", env=env)

    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert f"{bad[:7]}: ai-context-sections missing the 'Context:' section (error)" in out, out
    assert "in 2 commits checked: refused" in out
    assert remote_sha(remote, "main") == ""
