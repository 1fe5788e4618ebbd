"""Does agent detection cost `range` measurable time? Revision A against B over the pip history.

Runs `range HEAD -f json` over the whole pip history (../shared/corpus) with the code of
revision A and of revision B (`WORKTREE` = the files as they are now), alternating A and B run by
run so load on the machine falls on both alike, and prints min, median and max of each side and
the ratio of medians. Both sides run from a tree of this checkout (`python -m agentops_hooks`
with PYTHONPATH at that tree): same dependencies, only our code differs.
Run: .venv/bin/python benchmarks/agent_detection.py main [WORKTREE] [--runs 5]
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

from common import CORPUS, ENV, git
from same_outputs import HERE, checkout

ARGV = ("range", "HEAD", "-f", "json")
# detection alone, in one process: every non-merge commit's identities and message, judged 3 times
DETECT_ONLY = """
import subprocess, sys, time
from agentops_hooks import agents, message
from agentops_hooks.model import Commit, Person
out = subprocess.run(["git", "log", "--no-merges", "--format=%an%x00%ae%x00%cn%x00%ce%x00%B%x01"],
                     capture_output=True, text=True, check=True).stdout
commits = []
for rec in out.split("\\x01")[:-1]:
    an, ae, cn, ce, body = rec.lstrip("\\n").split("\\x00", 4)
    commits.append(Commit("0" * 40, message.parse(body), author=Person(an, ae), committer=Person(cn, ce), source="range"))
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    for c in commits:
        agents.detect(c)
    best = min(best, time.perf_counter() - start)
print(f"{best / len(commits) * 1e6:.1f}")
"""


def once(code: str, repo: str, cache: str) -> float:
    """One whole-process run's wall time (output discarded, as a CI log pipe would take it)."""
    env = {**ENV, "PYTHONPATH": code, "NO_COLOR": "1", "XDG_CACHE_HOME": cache}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "agentops_hooks", *ARGV], cwd=repo, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def show(name: str, times: list[float], base: float) -> None:
    med = statistics.median(times)
    print(f"{name:28} {min(times):8.2f} {med:9.2f} {max(times):8.2f} {med / base:7.3f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b", nargs="?", default="WORKTREE")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"the pip history is not at {CORPUS}")
    root = tempfile.mkdtemp(prefix="agentops-detect-")
    trees = []
    try:
        git(root, "clone", "-q", str(CORPUS), "repo")
        repo = os.path.join(root, "repo")
        codes = {side: checkout(rev, root) for side, rev in (("a", args.a), ("b", args.b))}
        trees = [c for c in codes.values() if c != str(HERE)]
        times: dict[str, list[float]] = {"a": [], "b": []}
        for side in ("a", "b"):  # warm-up: bytecode and caches for both
            once(codes[side], repo, os.path.join(root, f"cache-{side}"))
        for n in range(args.runs):
            for side in ("a", "b") if n % 2 == 0 else ("b", "a"):
                times[side].append(once(codes[side], repo, os.path.join(root, f"cache-{side}")))
        commits = git(repo, "rev-list", "--count", "--no-merges", "HEAD").strip()
        print(f"range HEAD -f json over pip ({commits} non-merge commits), {args.runs} alternating runs each")
        print(f"{'code':28} {'min s':>8} {'median s':>9} {'max s':>8} {'ratio':>8}")
        base = statistics.median(times["a"])
        show(f"a: {args.a}", times["a"], base)
        show(f"b: {args.b}", times["b"], base)
        print("(ratio = median / median of a, measured in this run)")
        for side, rev in (("a", args.a), ("b", args.b)):
            env = {**ENV, "PYTHONPATH": codes[side]}
            us = subprocess.run([sys.executable, "-c", DETECT_ONLY], cwd=repo, env=env, capture_output=True, text=True)
            print(f"detection alone, {side}: {rev}: {us.stdout.strip() or us.stderr[-300:]} us per commit (best of 3)")
        return 0
    finally:
        for tree in trees:
            git(str(HERE), "worktree", "remove", "--force", tree)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
