"""Benchmark 3: `agentops-check staged` on a 1,000-file change (core + secrets) vs `detect-secrets-hook`.

Run: .venv/bin/python benchmarks/staged_vs_detect_secrets.py [--runs N] [--files N]
"""

from __future__ import annotations

import argparse
import os
import shutil

from common import git, scratch, table, timed, tool


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    root = scratch()
    try:
        names = []
        for i in range(args.files):
            name = f"pkg{i % 20}/mod{i}.py"
            os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(root, name), "w") as f:
                f.write("".join(f"def f{j}(value):\n    return value * {j}  # compute\n" for j in range(25)))
            names.append(name)
        git(root, "add", "-A")
        results = {
            "detect-secrets-hook (same files)": timed([tool("detect-secrets-hook"), *names], root, args.runs),
            "agentops-check staged": timed([tool("agentops-check"), "staged"], root, args.runs),
        }
        table(results, "detect-secrets-hook (same files)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
