"""Where `ci`'s time goes on a 200-commit pull request: imports, loading the base's rules, the walk.

Runs `agentops-check ci --base <the 200th commit> -f json` over the pip history (a clone of
../shared/corpus) as whole processes, each wrapped so that it times its own phases with a CPU
clock (user + system of this process, without the git it starts) and a wall clock:

- imports: the console entry and the modules of `ci`'s body (click too when the arguments are not
  a CI job's usual ones; what they import lazily counts where it happens);
- rules: `config.load` (the base's `.agentops.yaml` or the defaults, the packs they extend:
  read, validated, compiled);
- rest of setup: the rest of `open_context` (ignore file, signers) and the range (`ci_revs`);
- walk and output: every commit judged and the JSON written (`write_outputs`; git log runs beside it);
- other: the rest (the CI event read, click's parsing, the base's baseline file, lazy imports).

Prints the median of each phase over `--runs` runs (one warm-up first) and the load average.
Run: .venv/bin/python benchmarks/ci_phases.py [--runs N] [--commits N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from common import CORPUS, ENV, git

WRAPPER = """\
import os, resource, sys, time
def clocks():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), r.ru_utime + r.ru_stime
start = clocks()
from agentops_hooks.entry import fast_path
import agentops_hooks.config as config
import agentops_hooks.commands.ci as body
from agentops_hooks.entry import main
if fast_path(sys.argv[1:]) is None:  # `ci` with these arguments goes through click: its import is part of the cost
    import agentops_hooks.cli
spent = {"imports": tuple(b - a for a, b in zip(start, clocks()))}
def timed(module, name, phase):
    inner = getattr(module, name)
    def run(*args, **kwargs):
        before = clocks()
        try:
            return inner(*args, **kwargs)
        finally:
            wall, cpu = spent.get(phase, (0.0, 0.0))
            after = clocks()
            spent[phase] = (wall + after[0] - before[0], cpu + after[1] - before[1])
    setattr(module, name, run)
timed(config, "load", "rules")
timed(body, "open_context", "setup")
timed(body, "ci_revs", "setup")
timed(body, "write_outputs", "walk and output")
code = main(sys.argv[1:])
sys.stdout.flush()
total = tuple(b - a for a, b in zip(start, clocks()))
spent["setup"] = tuple(s - r for s, r in zip(spent["setup"], spent["rules"]))  # setup less the rules inside it
spent["other"] = tuple(t - sum(v[k] for v in spent.values()) for k, t in enumerate(total))
spent["total"] = total
os.write(2, ("\\nPHASES " + " ".join(f"{k.replace(' ', '_')}={w:.4f},{c:.4f}" for k, (w, c) in spent.items()) + "\\n").encode())
raise SystemExit(code)
"""
ORDER = ("imports", "rules", "setup", "walk_and_output", "other", "total")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--commits", type=int, default=200)
    args = parser.parse_args()
    repo = tempfile.mkdtemp(prefix="agentops-ci-phases-")
    try:
        git(repo, "clone", "-q", str(CORPUS), ".")
        base = git(repo, "rev-list", "--no-merges", "HEAD").split()[args.commits]
        argv = [sys.executable, "-c", WRAPPER, "ci", "--base", base, "-f", "json"]
        print(f"ci --base {base[:12]} (a {args.commits}-commit PR of {CORPUS.name}); load average {os.getloadavg()[0]:.2f}")
        phases: dict[str, list[tuple[float, float]]] = {}
        for i in range(args.runs + 1):
            proc = subprocess.run(argv, cwd=repo, env=ENV, capture_output=True, text=True)
            line = next((ln for ln in proc.stderr.splitlines() if ln.startswith("PHASES ")), None)
            if line is None:
                raise SystemExit(f"ci failed ({proc.returncode}): {proc.stderr.strip()}")
            if i == 0:
                continue  # warm-up: bytecode, page cache
            for item in line.split()[1:]:
                name, _, value = item.partition("=")
                wall, cpu = value.split(",")
                phases.setdefault(name, []).append((float(wall), float(cpu)))
        print(f"{'phase':18} {'wall s':>8} {'own CPU s':>10}")
        for name in ORDER:
            runs = phases.get(name, [])
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            print(f"{name.replace('_', ' '):18} {wall:8.3f} {cpu:10.3f}")
        print(f"(medians of {args.runs} runs; load average after {os.getloadavg()[0]:.2f})")
    finally:
        shutil.rmtree(repo, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
