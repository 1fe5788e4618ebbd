"""The verdict table of a history: how many commits each form and role found, with samples to read.

Runs `agentops-check range <range> -f json` in a repository (default: the pip history in
../shared/corpus) and counts the commits by verdict, by role, by agent and by form (a reason with
its names, emails and values cut away: `trailer Assisted-by`, `author <…[bot]>`), printing up to
`--samples` commits per form (sha, subject, reason) so each form can be read and judged.
Run: .venv/bin/python benchmarks/agent_verdicts.py [--repo PATH] [--range HEAD] [--samples 3]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from common import CORPUS, ENV, git

_FORM = (
    (re.compile(r"^(trailer|co-author line \(as GitHub reads it\)) ([\w-]+): .*<(.+)>"), r"\1 \2: …<\3>"),
    (re.compile(r"^(trailer [\w-]+): .*"), r"\1"),
    (re.compile(r"^(author|committer) .*<(?:\d+\+)?(.+)>"), r"\1 <\2>"),
    (re.compile(r"^(author name|committer name|subject|branch|body line) .*"), r"\1"),
    (re.compile(r"^(environment|attribution note \S+) .*"), r"\1"),
)


def form(reason: str) -> str:
    """A reason with the parts that differ commit by commit cut away (its suffix kept)."""
    suffix = re.search(r" \((weak signal|role [^)]*)\)$", reason)
    head = reason[: suffix.start()] if suffix else reason
    for pattern, repl in _FORM:
        if pattern.match(head):
            head = pattern.sub(repl, head)
            break
    return head + (f" ({suffix.group(1)})" if suffix else "")


def tally(commits: list[dict[str, object]], samples: int) -> dict[str, collections.Counter[str]]:
    counts: dict[str, collections.Counter[str]] = {k: collections.Counter() for k in ("kind", "role", "agent", "form")}
    shown: dict[str, list[str]] = collections.defaultdict(list)
    for c in commits:
        agent = c["agent"]
        assert isinstance(agent, dict)
        counts["kind"][agent["kind"]] += 1
        counts["role"].update(f"{r} ({agent['kind']})" for r in agent["roles"])
        counts["agent"].update(f"{a} ({agent['kind']})" for a in agent["agents"])
        for reason in agent["reasons"]:
            key = f"{form(reason)} → {agent['kind']}"
            counts["form"][key] += 1
            if len(shown[key]) < samples:
                shown[key].append(f"    {str(c['sha'])[:10]} {str(c['subject'])[:60]!r}: {reason}")
    counts["samples"] = collections.Counter({"\n".join([f"  {k}", *v]): 0 for k, v in shown.items()})
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", help="a repository (default: a clone of the pip history)")
    parser.add_argument("--range", default="HEAD", dest="spec")
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args()
    root = None
    repo = args.repo
    if repo is None:
        root = tempfile.mkdtemp(prefix="agentops-verdicts-")
        git(root, "clone", "-q", str(CORPUS), "repo")
        repo = os.path.join(root, "repo")
    try:
        env = {**ENV, "NO_COLOR": "1", "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}
        out = subprocess.run(
            [sys.executable, "-m", "agentops_hooks", "range", args.spec, "-f", "json"],
            cwd=repo,
            env=env,
            capture_output=True,
        ).stdout
        commits = json.loads(out)["commits"]
        counts = tally(commits, args.samples)
        print(f"{len(commits)} commits judged")
        for what in ("kind", "role", "agent", "form"):
            print(f"\nby {what}:")
            for key, n in counts[what].most_common():
                print(f"  {n:6}  {key}")
        print("\nsamples per form:")
        for block in counts["samples"]:
            print(block)
        return 0
    finally:
        if root:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
