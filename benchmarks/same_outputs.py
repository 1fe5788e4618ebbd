"""Are the history commands' outputs byte-identical between two revisions of this project?

Runs `range`, `report` and `backtest` in every format they take over one repository's whole
history (the pip history in ../shared/corpus when present, else a generated one), once with the
code of revision A and once with the code of revision B (`WORKTREE` means the files as they are
now), and compares each output's SHA-256, stdout and exit code alike.

Each side runs from a `git worktree` of this checkout at that revision (`python -m agentops_hooks`
with PYTHONPATH at that tree), so both use this environment's dependencies and only our code differs.
Run: .venv/bin/python benchmarks/same_outputs.py A [B]      (B defaults to WORKTREE)
Exit 0 when every output is identical, 1 when one differs (the differing outputs are kept and named).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import CORPUS, ENV, git

HERE = Path(__file__).resolve().parents[1]
RANGE_FORMATS = ("text", "json", "sarif", "github", "junit", "markdown", "gitlab")
COMMANDS: dict[str, list[str]] = {
    **{f"range-{fmt}": ["range", "HEAD", "-f", fmt, "--no-color"] for fmt in RANGE_FORMATS},
    **{f"report-{fmt}": ["report", "--format", fmt, "--name", "pypa/pip"] for fmt in ("text", "json", "markdown", "html")},
    **{f"backtest-{fmt}": ["backtest", "aws-access-key-id", "--format", fmt] for fmt in ("text", "json")},
    # each side backtests its own revision's pack (an older revision cannot read a newer pack's keys)
    "backtest-secrets-pack": ["backtest", "{code}/rules/secrets.yaml"],
}


def checkout(rev: str, into: str) -> str:
    """A tree of this project's code at `rev` (the live checkout for WORKTREE)."""
    if rev == "WORKTREE":
        return str(HERE)
    path = os.path.join(into, f"code-{rev[:12]}")
    git(str(HERE), "worktree", "add", "--detach", "-q", path, rev)
    return path


def run_all(code: str, repo: str, out: str) -> dict[str, str]:
    """Each command's output digest, its bytes kept under `out`."""
    os.makedirs(out, exist_ok=True)
    env = {**ENV, "PYTHONPATH": code, "NO_COLOR": "1", "XDG_CACHE_HOME": os.path.join(out, "cache")}
    digests = {}
    for name, argv in COMMANDS.items():
        argv = [a.replace("{code}", code) for a in argv]
        proc = subprocess.run([sys.executable, "-m", "agentops_hooks", *argv], cwd=repo, env=env, capture_output=True)
        data = proc.stdout + f"\n[exit {proc.returncode}]\n".encode()
        Path(out, name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
        print(f"  {name:24} exit {proc.returncode}  {len(proc.stdout):>10,} bytes  {digests[name][:12]}", flush=True)
    return digests


def repository(root: str) -> str:
    repo = os.path.join(root, "repo")
    if CORPUS.exists():
        git(root, "clone", "-q", str(CORPUS), "repo")
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from history_vs_git_log import repository as generated

        return generated(2000)
    return repo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b", nargs="?", default="WORKTREE")
    parser.add_argument("--keep", metavar="DIR", help="keep the outputs here (default: a temp folder, removed when equal)")
    args = parser.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="agentops-same-")
    os.makedirs(root, exist_ok=True)
    trees = []
    try:
        repo = repository(root)
        results = {}
        for side, rev in (("a", args.a), ("b", args.b)):
            print(f"{side}: {rev}")
            code = checkout(rev, root)
            if code != str(HERE):
                trees.append(code)
            results[side] = run_all(code, repo, os.path.join(root, side))
        differ = [name for name in COMMANDS if results["a"][name] != results["b"][name]]
        for name in differ:
            print(f"DIFFERS: {name}  ({root}/a/{name} vs {root}/b/{name})")
        print(f"{len(COMMANDS) - len(differ)} of {len(COMMANDS)} outputs identical")
        return 1 if differ else 0
    finally:
        for tree in trees:
            git(str(HERE), "worktree", "remove", "--force", tree)
        if not args.keep and "differ" in locals() and not differ:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
