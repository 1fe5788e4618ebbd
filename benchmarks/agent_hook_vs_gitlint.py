"""Benchmark 2: `agentops-check agent-hook` deciding one ordinary command (whole process) vs gitlint.

Run: .venv/bin/python benchmarks/agent_hook_vs_gitlint.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from common import scratch, table, timed, tool

EVENT = json.dumps(
    {
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "git commit -m 'fix: x' && git push"},
    }
).encode()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    root = scratch()
    try:
        msg = os.path.join(root, "MSG")
        with open(msg, "w") as f:
            f.write("fix(parser): accept empty files\n\nContext: x\n")
        results = {
            "python -c pass": timed([sys.executable, "-c", "pass"], root, args.runs),
            "gitlint --msg-filename": timed([tool("gitlint"), "--msg-filename", msg], root, args.runs),
            "agentops-check agent-hook": timed([tool("agentops-check"), "agent-hook"], root, args.runs, EVENT),
        }
        table(results, "gitlint --msg-filename")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
