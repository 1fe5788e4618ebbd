"""Benchmark 1: `agentops-check commit-msg` as a whole process vs gitlint and `python -c pass`.

Prints min/median wall time of several runs and the ratio against gitlint measured in the
same run, on an ordinary commit: a staged change of a few files, builtin core + secrets.
Run: .venv/bin/python benchmarks/commit_msg_vs_gitlint.py [--runs N]
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

MESSAGE = (
    "fix(parser): accept empty files\n\n"
    "Context: the parser crashed on empty input.\nSolution: return early.\n"
    "Learning: empty input is normal.\nImpact: no crash.\n\n"
    "Co-Authored-By: Claude <noreply@anthropic.com>\n"
)


def timed(cmd: list[str], cwd: str, env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="agentops-bench-")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "B", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "B", "GIT_COMMITTER_EMAIL": "b@example.com"}
    try:
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, env=env)
        for i in range(5):
            with open(os.path.join(root, f"mod{i}.py"), "w") as f:
                f.write("".join(f"def f{j}(x):\n    return x + {j}\n" for j in range(40)))
        subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
        msg = os.path.join(root, ".git", "COMMIT_EDITMSG")
        with open(msg, "w") as f:
            f.write(MESSAGE)
        bindir = os.path.dirname(sys.executable)
        gitlint = shutil.which("gitlint", path=bindir) or shutil.which("gitlint")
        subprocess.run([sys.executable, "-m", "agentops_hooks", "commit-msg", msg], cwd=root, env=env)  # warm the cache
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "agentops-check commit-msg": [os.path.join(bindir, "agentops-check"), "commit-msg", msg],
        }
        if gitlint:
            cases["gitlint --msg-filename"] = [gitlint, "--staged", "--msg-filename", msg]
        results = {name: timed(cmd, root, env, args.runs) for name, cmd in cases.items()}
        base = statistics.median(results["gitlint --msg-filename"]) if gitlint else None
        print(f"{'command':32} {'min ms':>8} {'median ms':>10} {'vs gitlint':>10}")
        for name, times in results.items():
            med = statistics.median(times)
            ratio = f"{med / base:.2f}x" if base else "n/a"
            print(f"{name:32} {min(times) * 1000:8.1f} {med * 1000:10.1f} {ratio:>10}")
        if not gitlint:
            print("gitlint not found: pip install gitlint-core to measure the baseline")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
