"""Benchmark 1: `agentops-check commit-msg` (whole process) vs `gitlint --msg-filename` and `python -c pass`.

An ordinary commit: a staged change of a few files, builtin core + secrets (no config file). The
commands take turns, run by run; each one's min–max and the machine's load are printed.
Run: .venv/bin/python benchmarks/commit_msg_vs_gitlint.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from common import alternated, git, scratch, spread, table, tool

MESSAGE = (
    "fix(parser): accept empty files\n\n"
    "Context: the parser crashed on empty input.\nSolution: return early.\n"
    "Learning: empty input is normal.\nImpact: no crash.\n\n"
    "Co-Authored-By: Claude <noreply@anthropic.com>\n"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    root = scratch()
    try:
        for i in range(5):
            with open(os.path.join(root, f"mod{i}.py"), "w") as f:
                f.write("".join(f"def f{j}(x):\n    return x + {j}\n" for j in range(40)))
        git(root, "add", "-A")
        msg = os.path.join(root, ".git", "COMMIT_EDITMSG")
        with open(msg, "w") as f:
            f.write(MESSAGE)
        load_before = os.getloadavg()
        results = alternated(
            {
                "python -c pass": [sys.executable, "-c", "pass"],
                "gitlint --staged --msg-filename": [tool("gitlint"), "--staged", "--msg-filename", msg],
                "gitlint --msg-filename": [tool("gitlint"), "--msg-filename", msg],
                "agentops-check commit-msg": [tool("agentops-check"), "commit-msg", msg],
            },
            root,
            args.runs,
        )
        table(results, "gitlint --staged --msg-filename")  # how gitlint's own commit-msg hook runs it
        table(results, "gitlint --msg-filename")
        spread(results, load_before)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
