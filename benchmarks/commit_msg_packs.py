"""`agentops-check commit-msg` (whole process) with builtin:agentops on and a live spiral, against core + secrets alone.

A repository with 200 commits of a few files each, a CLAUDE.md and a PROGRESS.md; the staged
change edits a module (the usual commit), then also CLAUDE.md (the context budget reads blobs). Configs compared:
core + secrets; + agentops (hand-off kept current live over 10 commits); + a spiral with `live: 10`.
Run: .venv/bin/python benchmarks/commit_msg_packs.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time

from common import ENV, git, scratch, spread, table, tool

MESSAGE = (
    "fix(parser): accept empty files\n\n"
    "Context: the parser crashed on empty input.\nSolution: return early.\n"
    "Learning: empty input is normal.\nImpact: no crash.\n\n"
    "Co-Authored-By: Claude <noreply@anthropic.com>\n"
)
CONFIGS = {
    "core + secrets": "version: 1\nextends: [builtin:core, builtin:secrets]\n",
    "+ agentops": "version: 1\nextends: [builtin:core, builtin:secrets, builtin:agentops]\n",
    "+ agentops + live spiral": (
        "version: 1\nextends: [builtin:core, builtin:secrets, builtin:agentops]\nrules:\n"
        "  - {id: live-spiral, kind: spiral, description: d, message: '{problem}', severity: warning, area: file, live: 10}\n"
    ),
}


def _write(root: str, name: str, text: str) -> None:
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    root = scratch()
    try:
        _write(root, "CLAUDE.md", "# Rules\n" + "Run the whole suite before you commit a change.\n" * 60)
        _write(root, "PROGRESS.md", "## Decisions\nRE2.\n## State\nstarted\n## Next steps\nthe CLI\n")
        for n in range(200):
            _write(root, f"src/mod{n % 7}.py", "".join(f"def f{j}(x):\n    return x + {j + n}\n" for j in range(40)))
            git(root, "add", "-A")
            git(root, "commit", "-q", "--no-verify", "-m", f"feat: step {n}")
        msg = os.path.join(root, ".git", "COMMIT_EDITMSG")
        _write(root, ".git/COMMIT_EDITMSG", MESSAGE)
        for staged in ("a module", "a module and CLAUDE.md"):
            _write(root, "src/mod0.py", "def g():\n    return 0\n")
            if "CLAUDE" in staged:  # the worst case: the budget reads the blob and the tree's context files
                _write(root, "CLAUDE.md", "# Rules\n" + "Run the whole suite before you commit a change.\n" * 61)
            git(root, "add", "src", "CLAUDE.md")
            results: dict[str, list[float]] = {name: [] for name in CONFIGS}
            load_before = os.getloadavg()
            cmd = [tool("agentops-check"), "commit-msg", msg]
            for text in CONFIGS.values():  # warm-up: each config's own file validated and cached once
                _write(root, ".agentops.yaml", text)
                subprocess.run(cmd, cwd=root, env=ENV, capture_output=True)
            for _ in range(args.runs):  # the configs take turns, run by run
                for name, text in CONFIGS.items():
                    _write(root, ".agentops.yaml", text)
                    start = time.perf_counter()
                    subprocess.run(cmd, cwd=root, env=ENV, capture_output=True)
                    results[name].append(time.perf_counter() - start)
            print(f"staged: {staged}")
            table(results, "core + secrets")
            spread(results, load_before)
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
