"""`ci --base` on a 200-commit pull request and `learn --from-commit` on a real commit: before vs after.

Both revisions of this project (default: `main` and the work tree's HEAD) are exported with
`git archive` and run as whole processes by this interpreter (`python -m agentops_hooks`,
PYTHONPATH on the export), so the only difference is the code. The repository is the last 200
first-parent commits of the pip history in ../shared/corpus, replayed as a linear chain with their
real trees, messages and authors (objects shared with the clone); the incident for `learn` is the
first commit of the chain that `learn` can turn into a rule. builtin core + secrets (no config file).
Prints median and min–max of N runs (after one warm-up; the two versions take turns) and the difference of medians; the bar of
issue 15 is at most 250 ms slower.
Run: .venv/bin/python benchmarks/ci_and_learn.py [--before REV] [--after REV] [--runs N] [--commits N]
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

from common import CORPUS, ENV, git

PROJECT = str(Path(__file__).resolve().parents[1])


def export(rev: str, into: str) -> str:
    """The project at `rev` as plain files (a package PYTHONPATH can import)."""
    out = os.path.join(into, rev.replace("/", "_"))
    os.makedirs(out)
    archive = subprocess.run(("git", "archive", rev), cwd=PROJECT, check=True, capture_output=True).stdout
    subprocess.run(("tar", "-x", "-C", out), input=archive, check=True)
    return out


def chain(root: str, commits: int) -> tuple[str, list[str]]:
    """A repository whose history is pip's last `commits` first-parent commits, linear; (path, shas oldest first)."""
    clone = os.path.join(root, "pip")
    git(root, "clone", "-q", "--no-checkout", str(CORPUS), clone)
    repo = os.path.join(root, "pr")
    git(root, "init", "-q", "-b", "main", repo)
    Path(repo, ".git/objects/info/alternates").write_text(os.path.join(clone, ".git/objects") + "\n")
    original = git(clone, "rev-list", "--first-parent", f"--max-count={commits + 1}", "HEAD").split()[::-1]
    shas: list[str] = []
    for sha in original:
        an, ae, ad, cn, ce, cd, body = git(
            clone, "log", "-1", "--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B", sha
        ).split("\0")
        env = {**ENV, "GIT_AUTHOR_NAME": an, "GIT_AUTHOR_EMAIL": ae, "GIT_AUTHOR_DATE": ad}
        env |= {"GIT_COMMITTER_NAME": cn, "GIT_COMMITTER_EMAIL": ce, "GIT_COMMITTER_DATE": cd}
        parent = ("-p", shas[-1]) if shas else ()
        proc = subprocess.run(
            ("git", "commit-tree", f"{sha}^{{tree}}", *parent),
            cwd=repo,
            env=env,
            input=body,
            text=True,
            capture_output=True,
            check=True,
        )
        shas.append(proc.stdout.strip())
    git(repo, "update-ref", "refs/heads/main", shas[-1])
    git(repo, "read-tree", "main")  # an index that matches HEAD; the work tree stays empty
    return repo, shas


def run(code: str, args: list[str], cwd: str, cache: str) -> subprocess.CompletedProcess[str]:
    env = {**ENV, "PYTHONPATH": code, "XDG_CACHE_HOME": cache, "NO_COLOR": "1"}
    for var in ("GITHUB_ACTIONS", "GITLAB_CI", "CI", "GITHUB_EVENT_PATH"):
        env.pop(var, None)
    return subprocess.run(
        (sys.executable, "-m", "agentops_hooks", *args), cwd=cwd, env=env, capture_output=True, text=True
    )


def timed(codes: dict[str, str], args: list[str], cwd: str, runs: int, cache: str) -> dict[str, list[float]]:
    """Wall times per version; the versions take turns (order swapped each round), so load drift hits both."""
    names = list(codes)
    for name in names:
        run(codes[name], args, cwd, cache)  # warm-up: bytecode, caches
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        for name in names if i % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            run(codes[name], args, cwd, cache)
            times[name].append(time.perf_counter() - start)
    return times


def incident(code: str, repo: str, shas: list[str], cache: str) -> str:
    """The first commit of the chain (after its root) that learn makes a rule of."""
    for sha in shas[1:]:
        if run(code, ["learn", "--from-commit", sha, "--dry-run"], repo, cache).returncode == 0:
            return sha
    raise SystemExit("no commit of the chain gives a rule")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--commits", type=int, default=200)
    opts = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} not found: this benchmark replays pip's history")
    root = tempfile.mkdtemp(prefix="agentops-ci-learn-")
    codes = {name: export(rev, root) for name, rev in (("before", opts.before), ("after", opts.after))}
    repo, shas = chain(root, opts.commits)
    cache = os.path.join(root, "cache")
    sha = incident(codes["after"], repo, shas, cache)
    commands = {
        f"ci --base (a {len(shas) - 1}-commit PR)": ["ci", "--base", shas[0], "-f", "json"],
        f"learn --from-commit {sha[:9]} --dry-run": ["learn", "--from-commit", sha, "--dry-run"],
    }
    print(f"before = {opts.before}, after = {opts.after}; {opts.runs} runs each, whole processes")
    print(f"{'command':44} {'version':7} {'median ms':>10} {'min-max ms':>16} {'after-before':>13}")
    for name, args in commands.items():
        times = timed(codes, args, repo, opts.runs, cache)
        before = statistics.median(times["before"])
        for version, ts in times.items():
            med = statistics.median(ts)
            spread = f"{min(ts) * 1000:.0f}-{max(ts) * 1000:.0f}"
            delta = f"{(med - before) * 1000:+.0f} ms" if version == "after" else ""
            print(f"{name:44} {version:7} {med * 1000:10.0f} {spread:>16} {delta:>13}")
    print("(bar of issue 15: after - before <= +250 ms)")


if __name__ == "__main__":
    main()
