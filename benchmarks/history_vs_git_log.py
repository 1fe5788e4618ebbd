"""Benchmarks 4 and 5: history commands vs `git log -p --no-merges` on the same range, and our peak RSS.

Uses the 12,000-commit pip history in ../shared/corpus when present (cloned to a temp folder),
else a generated history. builtin core + secrets (no config file). Prints, for the last 1,000 and
for all commits: git's time, each command's time and ratio, and the agentops-check process's own
peak RSS (git's memory is git's).
Run: .venv/bin/python benchmarks/history_vs_git_log.py [--runs N] [--generated N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile

from common import CORPUS, ENV, git, peak_rss_mb, table, timed, tool

COMMANDS = {  # name → argv after `agentops-check`, given the range
    "range": lambda r: ["range", r, "-f", "json"],
    "backtest": lambda r: ["backtest", "aws-access-key-id", "--range", r, "--format", "json"],
    "report": lambda r: ["report", "--range", r, "--format", "json"],
}


def available(name: str, root: str) -> bool:
    proc = subprocess.run([tool("agentops-check"), name, "--help"], cwd=root, env=ENV, capture_output=True)
    return proc.returncode == 0


def repository(generated: int) -> str:
    root = tempfile.mkdtemp(prefix="agentops-history-")
    if CORPUS.exists() and not generated:
        git(root, "clone", "-q", str(CORPUS), "repo")
        return f"{root}/repo"
    git(root, "init", "-q", "-b", "main", "repo")
    stream = []
    for i in range(generated or 12000):
        body = "".join(f"line {i} {j}\n" for j in range(20)).encode()
        stream.append(
            f"commit refs/heads/main\ncommitter Bench <b@example.com> {1700000000 + i} +0000\n"
            f"data {len(f'feat: change {i}')}\nfeat: change {i}\n"
            f"M 100644 inline src/f{i % 300}.py\ndata {len(body)}\n".encode()
            + body
            + b"\n"
        )
    subprocess.run(["git", "fast-import", "--quiet"], cwd=f"{root}/repo", input=b"".join(stream), check=True, env=ENV)
    git(f"{root}/repo", "checkout", "-q", "main")
    return f"{root}/repo"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generated", type=int, default=0, help="use a generated history of N commits")
    args = parser.parse_args()
    repo = repository(args.generated)
    try:
        revs = git(repo, "rev-list", "--no-merges", "HEAD").split()
        for size in (1000, len(revs)):
            span = f"{revs[min(size, len(revs) - 1)]}..HEAD" if size < len(revs) else "HEAD"
            print(f"\n== {size} commits ({span[:20]}…)")
            results = {"git log -p --no-merges": timed(["git", "log", "-p", "--no-merges", span], repo, args.runs)}
            for name, argv in COMMANDS.items():
                if available(name, repo):
                    results[f"agentops-check {name}"] = timed([tool("agentops-check"), *argv(span)], repo, args.runs)
            table(results, "git log -p --no-merges")
            for name, argv in COMMANDS.items():
                if available(name, repo):
                    print(f"peak RSS of agentops-check {name}: {peak_rss_mb(argv(span), repo):.1f} MB")
    finally:
        shutil.rmtree(repo.rsplit("/", 1)[0], ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
