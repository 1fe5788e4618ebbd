"""Helpers for tests: real git repositories, real commits, the real CLI."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from agentops_hooks.sources import AGENT_ENV

ROOT = Path(__file__).resolve().parent.parent


def benchmark_module(name: str) -> ModuleType:
    """A script of benchmarks/ as a module (the folder is not a package), e.g. its corpus expander."""
    import importlib.util

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Dana Dev",
    "GIT_AUTHOR_EMAIL": "dana@example.com",
    "GIT_COMMITTER_NAME": "Dana Dev",
    "GIT_COMMITTER_EMAIL": "dana@example.com",
}
CLAUDE = "Co-Authored-By: Claude <noreply@anthropic.com>"
GOOD_SECTIONS = (
    "Context: the parser crashed on empty files.\n"
    "Solution: return early when there is nothing to parse.\n"
    "Learning: empty input is a normal input.\n"
    "Impact: no crash on empty files.\n"
)
# fake credentials in the documented formats, split so no scanner trips on this file
AWS_KEY = "AKIA" + "QYLPMN5HHHFPZAM2"
PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----"


def git(*args: str, cwd: str | Path | None = None, check: bool = True, env: dict[str, str] | None = None) -> str:
    """Run git and return its stdout (text)."""
    proc = subprocess.run(("git", *args), cwd=cwd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def write(path: str | Path, text: str) -> Path:
    """Write a file, making its folders."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def commit(message: str, *files: tuple[str, str], cwd: str | Path | None = None) -> str:
    """Stage the files, commit them verbatim without hooks, return the new sha."""
    for name, text in files:
        write(Path(cwd or ".") / name, text)
        git("add", "--", name, cwd=cwd)
    git("commit", "-q", "--allow-empty", "--no-verify", "--no-gpg-sign", "--cleanup=verbatim", "-m", message, cwd=cwd)
    return git("rev-parse", "HEAD", cwd=cwd).strip()


def run_cli(*args: str, cwd: str | Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry (`entry.main`), run in this process: exit code, stdout and stderr as a user sees them.

    The working folder, the environment and the standard streams are those a child process would
    have, and are restored afterwards. Use `run_process` where the process boundary itself is
    what the test is about (signals, imports, a closed stdout, the crash log of a real start).
    """
    from agentops_hooks.entry import main

    saved = (os.getcwd(), dict(os.environ), sys.stdin, sys.stdout, sys.stderr)
    out, err = _Kept(), _Kept()
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape", newline="\n", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", newline="\n", write_through=True)
    sys.stdin = io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8", "surrogateescape")), encoding="utf-8")
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as e:  # a bug below the boundary would show here: say so as a child would
            code = e.code if isinstance(e.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os.chdir(saved[0])
        os.environ.clear()
        os.environ.update(saved[1])
        sys.stdin, sys.stdout, sys.stderr = saved[2], saved[3], saved[4]
    text = {name: buf.getvalue().decode("utf-8", "replace") for name, buf in (("out", out), ("err", err))}
    return subprocess.CompletedProcess(["agentops-check", *args], code, text["out"], text["err"])


class _Kept(io.BytesIO):
    """A byte sink whose bytes outlive a close (a command may close stderr, as on a broken pipe)."""

    def close(self) -> None:
        self.kept = self.getvalue()
        super().close()

    def getvalue(self) -> bytes:
        return self.kept if self.closed else super().getvalue()


def run_process(*args: str, cwd: str | Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry in a child process: exit code, stdout and stderr as a user sees them."""
    return subprocess.run(
        (sys.executable, "-m", "agentops_hooks", *args),
        cwd=cwd, capture_output=True, text=True, env=env, input=stdin,
    )


def clean_env() -> dict[str, str]:
    """This environment without agent markers or git settings leaking in."""
    env = {k: v for k, v in os.environ.items() if k not in AGENT_ENV and not k.startswith("GIT_") and k not in ("PRE_COMMIT", "AGENTOPS_CONFIG")}
    env.update(GIT_IDENTITY, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1")
    return env


HOOK_SCRIPT = '#!/bin/sh\n# the same entries the pre-commit hooks run\nexec "{python}" -m agentops_hooks {args}\n'


def install_hooks(repo: str | Path = ".") -> None:
    """Our pre-commit and commit-msg entries as plain git hooks in `repo`, run by this interpreter."""
    hooks = Path(git("rev-parse", "--absolute-git-dir", cwd=repo).strip()) / "hooks"
    hooks.mkdir(exist_ok=True)
    for name, args in (("pre-commit", "staged --hook"), ("commit-msg", 'commit-msg "$1"')):
        path = hooks / name
        path.write_text(HOOK_SCRIPT.format(python=sys.executable, args=args), encoding="utf-8")
        path.chmod(0o755)


def git_commit(
    *args: str, cwd: str | Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A real `git commit` with hooks (no --no-verify): exit code and what the user sees."""
    return subprocess.run(("git", "commit", "--no-gpg-sign", *args), cwd=cwd, capture_output=True, text=True, env=env)


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """Exactly `env` as the process environment inside the block (for a module-scoped repository
    built outside any test's monkeypatch), the old one restored after."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
