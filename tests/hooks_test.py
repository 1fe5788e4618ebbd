"""Our hooks installed by pre-commit for real (pip install from this checkout): slow, so few and sharing a cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing import AWS_KEY, CLAUDE, ROOT, clean_env, commit, git, write

# the repository pre-commit installs the hooks from: this checkout, or a clean clone of it when set
HOOK_REPO = Path(os.environ.get("AGENTOPS_TEST_HOOK_REPO") or ROOT)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session: each hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def env(git_repo: Path, pre_commit_home: Path) -> dict[str, str]:
    return {**clean_env(), "PRE_COMMIT_HOME": str(pre_commit_home), "XDG_CACHE_HOME": str(git_repo.parent / "cache")}


def pre_commit(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run((sys.executable, "-m", "pre_commit", *args), capture_output=True, text=True, env=env)


def _staged_change() -> None:
    commit("feat: start", ("parser.py", "def parse(text):\n    return text.split()\n"))
    write("parser.py", "def parse(text):\n    if not text:\n        return []\n    return text.split()\n")
    git("add", "parser.py")


def test_manifest_is_valid() -> None:
    proc = subprocess.run(
        (sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOK_REPO / ".pre-commit-hooks.yaml")),
        capture_output=True,
        text=True,
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_try_repo_commit_msg_refuses_an_agent_commit_without_context(
    git_repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    _staged_change()
    msg = write(tmp_path / "MSG", f"fix(parser): accept empty files\n\n{CLAUDE}\n")

    proc = pre_commit(
        "try-repo",
        str(HOOK_REPO),
        "agentops-commit-msg",
        "--hook-stage",
        "commit-msg",
        "--commit-msg-filename",
        str(msg),
        env=env,
    )

    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "staged: ai-context-sections missing the 'Context:' section (error)" in out
    assert "Traceback" not in out


def test_installed_hooks_judge_real_commits(git_repo: Path, env: dict[str, str]) -> None:
    rev = git("rev-parse", "HEAD", cwd=HOOK_REPO).strip()
    commit(
        "chore: use pre-commit",
        (
            ".pre-commit-config.yaml",
            f"repos:\n  - repo: {HOOK_REPO}\n    rev: {rev}\n    hooks:\n      - id: agentops-commit-msg\n      - id: agentops-staged\n",
        ),
    )
    installed = pre_commit("install", "--hook-type", "commit-msg", "--hook-type", "pre-commit", env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    _staged_change()

    def git_commit(message: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ("git", "commit", "--no-gpg-sign", "-m", message), capture_output=True, text=True, env=env
        )

    agent = git_commit(f"fix(parser): accept empty files\n\n{CLAUDE}\n")

    out = agent.stdout + agent.stderr
    assert agent.returncode != 0, out
    assert "ai-context-sections missing the 'Context:' section" in out
    assert git("log", "-1", "--format=%s") == "feat: start\n"

    human = git_commit("fix(parser): accept empty files\n")

    assert human.returncode == 0, human.stdout + human.stderr
    assert git("log", "-1", "--format=%s") == "fix(parser): accept empty files\n"

    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    git("add", "settings.py")
    leak = git_commit("feat: configure storage\n")

    out = leak.stdout + leak.stderr
    assert leak.returncode != 0, out
    assert (
        "settings.py:1: aws-access-key-id AWS access key id added in settings.py: AKIA…[sha256:53de5baa] (error)" in out
    )
    assert AWS_KEY not in out
    assert os.path.exists(git_repo / ".git" / "hooks" / "commit-msg")
