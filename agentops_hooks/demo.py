"""`agentops-check demo`: a scratch repository, the real hook, a refused agent commit and its fix."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable

HOOK = """#!/bin/sh
# installed by `agentops-check demo`: the same entry the pre-commit hooks run
exec {python} -m agentops_hooks {args}
"""
FAKE_KEY = "AKIA" + "QYLPMN5HHHFPZAM2"  # a made-up key in AWS's format, split so no scanner trips here

STEPS: list[tuple[str, dict[str, str], str, bool]] = [
    (
        "A human commits with a plain subject: no agent marker, so the Factor I sections are not required.",
        {"greet.py": "def greet(name):\n    return f'hello {name}'\n"},
        "feat: add greet()\n",
        True,
    ),
    (
        "An AI agent (Claude Code's co-author trailer) commits without saying why: refused.",
        {"greet.py": "def greet(name):\n    return f'hello, {name}!'\n"},
        "fix: punctuation in greet()\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n",
        False,
    ),
    (
        "The agent also stages an AWS key: refused already at pre-commit, the key masked in the output.",
        {"settings.py": f"AWS_ACCESS_KEY_ID = '{FAKE_KEY}'\n"},
        "feat: configure storage\n\nContext: uploads need S3\nSolution: settings for boto3\n"
        "Learning: keys belong in the environment\nImpact: uploads work\n\n"
        "Co-Authored-By: Claude <noreply@anthropic.com>\n",
        False,
    ),
    (
        "The fix for both refusals: the agent's commit says why, and the key comes from the environment.",
        {"settings.py": "import os\n\nAWS_ACCESS_KEY_ID = os.environ['AWS_ACCESS_KEY_ID']\n"},
        "feat: configure storage from the environment\n\n"
        "Context: uploads need S3 credentials.\n"
        "Solution: read them from the environment, never from the repository.\n"
        "Learning: a key in git is leaked forever; the secrets pack refuses it.\n"
        "Impact: uploads work and no credential is committed.\n\n"
        "Co-Authored-By: Claude <noreply@anthropic.com>\n",
        True,
    ),
]


def run(keep: bool, echo: Callable[[str], None]) -> int:
    """Play the steps in a scratch repository; 0 when every step ended as it should."""
    root = tempfile.mkdtemp(prefix="agentops-demo-")
    env = _env()
    ok = True
    try:
        _git(root, env, "init", "-q", "-b", "main")
        _install_hooks(root)
        echo(f"agentops demo: a scratch repository in {root}, with our hooks as .git/hooks/pre-commit and commit-msg\n")
        for i, (what, files, msg, should_pass) in enumerate(STEPS, start=1):
            echo(f"── step {i}: {what}")
            for name, text in files.items():
                with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                    f.write(text)
            if i == 4:
                _git(root, env, "reset", "-q")  # the refused key stays out of the index
            _git(root, env, "add", *files)
            subject = msg.splitlines()[0]
            echo(f"$ git commit -m {shlex.quote(subject)} ...")
            proc = subprocess.run(("git", "commit", "-q", "-m", msg), cwd=root, env=env, capture_output=True, text=True)
            out = (proc.stdout + proc.stderr).rstrip()
            if out:
                echo("\n".join("  " + ln for ln in out.splitlines()))
            landed = proc.returncode == 0
            echo(f"=> {'committed' if landed else 'refused'} (exit {proc.returncode})\n")
            ok = ok and landed == should_pass
        echo(_git(root, env, "log", "--oneline").rstrip())
        echo(
            "\nagentops demo: " + ("every step behaved as described." if ok else "a step did not behave as described!")
        )
    finally:
        if keep:
            echo(f"(kept {root})")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "CLAUDE", "CODEX", "CURSOR", "GEMINI"))}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Dana Dev",
        GIT_AUTHOR_EMAIL="dana@example.com",
        GIT_COMMITTER_NAME="Dana Dev",
        GIT_COMMITTER_EMAIL="dana@example.com",
        NO_COLOR="1",
    )
    return env


def _git(root: str, env: dict[str, str], *args: str) -> str:
    return subprocess.run(("git", *args), cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def _install_hooks(root: str) -> None:
    hooks = os.path.join(root, ".git", "hooks")
    python = shlex.quote(sys.executable)
    for name, args in (("pre-commit", "staged --hook"), ("commit-msg", 'commit-msg "$1"')):
        path = os.path.join(hooks, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(HOOK.format(python=python, args=args))
        os.chmod(path, 0o755)
