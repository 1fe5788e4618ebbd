"""A 50-commit rebase with and without the reference-transaction guard: hook calls and added time.

Runs the same `git rebase main topic` (topic reset between runs) with no hook, with an empty
`exit 0` hook (the cost of git starting any hook), and with the guard; counts the hook's calls and
the guard's Python starts. Usage: python benchmarks/guard_rebase.py [--commits 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ENV  # noqa: E402

GOOD = "feat(demo): add file {i}\n\nContext: c.\nSolution: s.\nLearning: l.\nImpact: i.\n"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(("git", *args), cwd=cwd, env=ENV, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, commits: int) -> str:
    git("init", "-q", "-b", "main", cwd=root)
    git("commit", "-q", "--allow-empty", "-m", "feat: start", cwd=root)
    git("checkout", "-q", "-b", "topic", cwd=root)
    for i in range(commits):
        (root / f"f{i}.txt").write_text(f"{i}\n")
        git("add", f"f{i}.txt", cwd=root)
        git("commit", "-q", "--no-verify", "-m", GOOD.format(i=i), cwd=root)
    tip = git("rev-parse", "HEAD", cwd=root).strip()
    git("checkout", "-q", "main", cwd=root)
    git("commit", "-q", "--allow-empty", "-m", "docs: move main", cwd=root)
    return tip


def rebase_times(root: Path, tip: str, runs: int, counts: Path | None = None) -> list[float]:
    out = []
    for _ in range(runs + 1):  # the first run warms caches
        git("checkout", "-q", "main", cwd=root)
        git("update-ref", "refs/heads/topic", tip, cwd=root)
        for name in ("calls", "starts"):  # count the rebase's own calls, not the setup's
            if counts is not None and (counts / name).exists():
                (counts / name).unlink()
        start = time.perf_counter()
        git("rebase", "-q", "main", "topic", cwd=root)
        out.append(time.perf_counter() - start)
    return out[1:]


def main() -> None:
    """Print the three medians and the guard's counts."""
    from agentops_hooks.guard import install

    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root, counts = Path(tmp) / "repo", Path(tmp) / "counts"
        root.mkdir()
        counts.mkdir()
        tip = make_repo(root, args.commits)
        hook = root / ".git" / "hooks" / "reference-transaction"
        results = {"no hook": rebase_times(root, tip, args.runs)}
        hook.write_text("#!/bin/sh\nexit 0\n")
        hook.chmod(0o755)
        results["empty `exit 0` hook"] = rebase_times(root, tip, args.runs)
        hook.unlink()
        wrapper = counts / "python"
        wrapper.write_text(f'#!/bin/sh\necho x >> "{counts}/starts"\nexec "{sys.executable}" "$@"\n')
        wrapper.chmod(0o755)
        os.chdir(root)
        install.install(python=str(wrapper))
        text = hook.read_text().replace('state="$1"\n', f'state="$1"\necho x >> "{counts}/calls"\n', 1)
        hook.write_text(text)
        results["the guard"] = rebase_times(root, tip, args.runs, counts)
        calls = len((counts / "calls").read_text().split())
        starts = len((counts / "starts").read_text().split())
    base = statistics.median(results["no hook"])
    for name, times in results.items():
        med = statistics.median(times)
        print(
            f"{name:22} median {med * 1000:8.1f} ms  min {min(times) * 1000:8.1f} ms  added {1000 * (med - base):7.1f} ms"
        )
    print(f"{args.commits}-commit rebase: {calls} hook calls, {starts} Python start(s) of the guard per rebase")


if __name__ == "__main__":
    main()
