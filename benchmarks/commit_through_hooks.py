"""Benchmark: a `git commit -m` through every hook `init` installs vs the same commit through gitlint's hook.

What a user waits for at `git commit` is the whole hook set, pre-commit's start-up included. Two
scratch repositories, the same staged change and the same message:
- ours: `agentops-check init --repo <this checkout> --rev <HEAD>` then `pre-commit install` (the
  hook types init writes, and the reference-transaction guard init installs natively);
- gitlint: gitlint's own pre-commit hook (its manifest: `gitlint --staged --msg-filename`, stage
  commit-msg), run as a local hook of this environment's gitlint (no network needed).
The two are timed alternately, whole `git commit` processes; the machine's load is printed.
The hook repository is this checkout at HEAD: commit your change before measuring it.
Run: .venv/bin/python benchmarks/commit_through_hooks.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BIN, ENV, git, scratch, tool

ROOT = Path(__file__).resolve().parents[1]
MESSAGE = (
    "fix(parser): accept empty files\n\n"
    "Context: the parser crashed on empty input.\nSolution: return early.\n"
    "Learning: empty input is normal.\nImpact: no crash.\n\n"
    "Co-Authored-By: Claude <noreply@anthropic.com>\n"
)
GITLINT_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: gitlint
        name: gitlint
        entry: {gitlint} --staged --msg-filename
        language: system
        stages: [commit-msg]
"""


def _setup(root: str, env: dict[str, str]) -> None:
    git(root, "config", "user.name", "Bench")  # gitlint --staged reads the committer from git config
    git(root, "config", "user.email", "bench@example.com")
    for i in range(5):
        with open(os.path.join(root, f"mod{i}.py"), "w") as f:
            f.write("".join(f"def f{j}(x):\n    return x + {j}\n" for j in range(40)))
    git(root, "add", "-A")
    subprocess.run(("git", "commit", "-q", "--no-verify", "-m", "chore: start"), cwd=root, env=env, check=True)


def _run(cmd: list[str], cwd: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stdout}{proc.stderr}")
    return proc


def _commit(root: str, env: dict[str, str], n: int) -> float:
    """Stage a one-line change (not timed), then time the `git commit -m` a user waits for."""
    with open(os.path.join(root, "mod0.py"), "a") as f:
        f.write(f"# change {n}\n")
    git(root, "add", "mod0.py")
    start = time.perf_counter()
    proc = subprocess.run(("git", "commit", "-q", "-m", MESSAGE), cwd=root, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"the commit failed in {root}:\n{proc.stdout}{proc.stderr}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rev = subprocess.run(("git", "rev-parse", "HEAD"), cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    home = tempfile.mkdtemp(prefix="agentops-bench-pc-")
    env = {**ENV, "PRE_COMMIT_HOME": home, "PATH": f"{BIN}{os.pathsep}{ENV.get('PATH', '')}"}
    ours, theirs = scratch(), scratch()
    try:
        _setup(ours, env)
        _setup(theirs, env)
        init = _run([tool("agentops-check"), "init", "--repo", str(ROOT), "--rev", rev], ours, env)
        git(ours, "add", "-A")
        subprocess.run(("git", "commit", "-q", "--no-verify", "-m", "chore: hooks"), cwd=ours, env=env, check=True)
        _run([tool("pre-commit"), "install"], ours, env)
        with open(os.path.join(theirs, ".pre-commit-config.yaml"), "w") as f:
            f.write(GITLINT_CONFIG.format(gitlint=tool("gitlint")))
        _run([tool("pre-commit"), "install", "--hook-type", "commit-msg"], theirs, env)
        hooks = sorted(h for h in os.listdir(os.path.join(ours, ".git", "hooks")) if not h.endswith(".sample"))
        print(f"hook repository: {ROOT} at {rev[:12]}; ours installs: {', '.join(hooks)}")
        print("\n".join("  " + ln for ln in init.stdout.splitlines()))
        _commit(ours, env, 0)  # warm-up: pre-commit builds the hook environment once
        _commit(theirs, env, 0)
        times: dict[str, list[float]] = {"ours": [], "gitlint": []}
        load_before = os.getloadavg()
        for n in range(1, args.runs + 1):
            order = (("ours", ours), ("gitlint", theirs)) if n % 2 else (("gitlint", theirs), ("ours", ours))
            for name, root in order:
                times[name].append(_commit(root, env, n))
        load_after = os.getloadavg()
        base = statistics.median(times["gitlint"])
        print(f"{'git commit -m through':44} {'median ms':>10} {'min-max ms':>16} {'ratio':>7}")
        labels = {"ours": "every hook init installs", "gitlint": "gitlint's pre-commit hook"}
        for name, ts in times.items():
            med = statistics.median(ts)
            span = f"{min(ts) * 1000:.0f}-{max(ts) * 1000:.0f}"
            print(f"{labels[name]:44} {med * 1000:10.0f} {span:>16} {med / base:6.2f}x")
        print(
            f"({args.runs} alternated runs each; ratio = median / gitlint's median; load average "
            f"{load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} cores; python {sys.version.split()[0]})"
        )
    finally:
        for d in (ours, theirs, home):
            shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
