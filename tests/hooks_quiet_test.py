"""init from a local clone, then real commits through the hooks pre-commit installs: quiet when clean, no false green.

Slow (pre-commit builds the hook environment from the clone once): one scenario, step by step.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing import AWS_KEY, CLAUDE, ROOT, clean_env, commit, git, run_cli, write


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, env=env)


def _lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]


@pytest.mark.slow
def test_init_from_a_local_clone_then_commits_through_the_hooks(git_repo: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git("clone", "-q", "--no-hardlinks", str(ROOT), str(clone))
    env = {**clean_env(), "PRE_COMMIT_HOME": str(pre_commit_home), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    commit("feat: start", ("parser.py", "def parse(text):\n    return text.split()\n"))

    init = run_cli("init", "--repo", str(clone))  # the default rev: it must exist in the clone
    rev = next(ln.split("rev: ", 1)[1] for ln in Path(".pre-commit-config.yaml").read_text().splitlines() if "rev: " in ln)
    exists = subprocess.run(["git", "-C", str(clone), "cat-file", "-e", f"{rev}^{{commit}}"], capture_output=True)
    installed = _run(sys.executable, "-m", "pre_commit", "install", "--install-hooks", env=env)  # envs built now
    commit("chore: hooks", (".gitignore", "MSG\n"))
    git("add", ".agentops.yaml", ".pre-commit-config.yaml")
    git("commit", "-q", "--no-verify", "-m", "chore: agentops hooks")

    assert init.returncode == 0, init.stderr
    assert exists.returncode == 0, f"init's default rev {rev} is not in the hook repository"
    assert installed.returncode == 0, installed.stdout + installed.stderr
    hooks = sorted(p.name for p in Path(".git/hooks").iterdir() if not p.name.endswith(".sample"))
    assert hooks == ["pre-push", "prepare-commit-msg", "reference-transaction"]

    write("parser.py", "def parse(text):\n    if not text:\n        return []\n    return text.split()\n")
    git("add", "parser.py")
    clean = _run("git", "commit", "-q", "-m", "fix(parser): return an empty list for empty input", env=env)

    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert len(_lines(clean)) == 1, _lines(clean)  # one line per hook, as gitlint's
    assert _lines(clean)[0].startswith("agentops (prepare commit message)") and _lines(clean)[0].endswith("Passed")

    write("parser.py", "def parse(text):\n    return (text or '').split()\n")
    git("add", "parser.py")
    bad = _run("git", "commit", "-q", "-m", f"fix(parser): accept empty files\n\n{CLAUDE}\n", env=env)

    assert bad.returncode != 0
    assert "ai-context-sections missing the 'Context:' section (error)" in bad.stdout + bad.stderr
    assert git("log", "-1", "--format=%s") == "fix(parser): return an empty list for empty input\n"

    git("reset", "-q", "--hard")
    nothing = _run(sys.executable, "-m", "pre_commit", "run", env=env)

    assert nothing.returncode == 0, nothing.stdout
    assert any(ln.startswith("agentops (staged files)") and ln.endswith("(no files to check)Skipped") for ln in _lines(nothing))
    assert not any("Passed" in ln for ln in _lines(nothing))

    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    git("add", "settings.py")
    everything = _run(sys.executable, "-m", "pre_commit", "run", "--all-files", env=env)

    out = everything.stdout + everything.stderr
    assert everything.returncode == 1, out
    assert "settings.py:1: aws-access-key-id AWS access key id added in settings.py: AKIA…[sha256:53de5baa] (error)" in out
    assert "agentops (staged files)" in out and "Failed" in out
