"""History work against two floors: `git log -p` as a user types it, and git with exactly our options.

Every process writes into the same sink: a pipe this script drains and discards (`git log -p` to a
terminal or a file would be a different cost). Each row runs its commands in turns, `--runs`
rounds (the order rotates every round), and prints for each command the median wall time with
min–max, the median CPU time (user + system of the whole process tree, from `wait4`), and the
ratios of medians against both floors of the same rows. For agentops-check it also prints its own
CPU (the process's `RUSAGE_SELF`, without the git it starts) against git's CPU with our options,
and its own peak RSS (`VmHWM`). The machine's load average is printed before and after every row;
`--busy` runs a CPU-bound process beside the whole benchmark (the "loaded machine" column).

    .venv/bin/python benchmarks/history_floors.py                    # the pip corpus, all rows
    .venv/bin/python benchmarks/history_floors.py --busy             # the same with one core taken
    .venv/bin/python benchmarks/history_floors.py --synthetic 100000 --rows range  # small commits
    .venv/bin/python benchmarks/history_floors.py --scaling 1000,10000,100000 --runs 3  # the scaling table

`--scaling` builds each synthetic history in turn, measures `range` on it as above, and ends with
one table: wall and CPU against `git log -p`, our own CPU against git's, and our peak RSS (the
parent, the largest forked worker, and one process) with its change from the smallest history.
gitleaks is measured when it is on PATH; otherwise its row says it is unavailable.
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
from collections.abc import Sequence
from dataclasses import dataclass, field

from common import CORPUS, ENV, git, tool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from agentops_hooks.gitrepo.plumbing import DIFF_ARGS, HARDEN, LOG_FORMAT  # noqa: E402

SELF = (  # agentops-check in this process; at exit it (and each forked worker) reports CPU and peak RSS on stderr
    "import atexit, os, resource, sys\n"
    "def report(who='SELF'):\n"
    "    ru = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    with open('/proc/self/status') as f:\n"
    "        kb = next(int(ln.split()[1]) for ln in f if ln.startswith('VmHWM:'))\n"
    "    os.write(2, f'\\nAGENTOPS-{who} {ru.ru_utime + ru.ru_stime} {kb}\\n'.encode())\n"
    "atexit.register(report)\n"
    "parent, exit_ = os.getpid(), os._exit\n"
    "def worker_exit(code):  # a forked worker ends with os._exit, past atexit\n"
    "    if os.getpid() != parent:\n"
    "        report('WORKER')\n"
    "    exit_(code)\n"
    "os._exit = worker_exit\n"
    "from agentops_hooks.entry import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)
GITLEAKS_UNAVAILABLE = "unavailable: not installed (no Go module proxy here; not on PyPI or Debian)"


@dataclass
class Sample:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the whole process tree
    own_cpu: list[float] = field(default_factory=list)  # agentops-check alone
    rss_mb: list[float] = field(default_factory=list)
    worker_rss_mb: list[float] = field(default_factory=list)  # the largest forked worker of each run


def run_once(argv: Sequence[str], cwd: str, sample: Sample) -> None:
    """One whole-process run: stdout drained into nothing, stderr kept for the self-report."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        while proc.stdout.read(1 << 16):
            pass
        _, status, usage = os.wait4(proc.pid, 0)
        sample.wall.append(time.perf_counter() - start)
        proc.returncode = os.waitstatus_to_exitcode(status)
        sample.cpu.append(usage.ru_utime + usage.ru_stime)
        err.seek(0)
        said = err.read().decode(errors="replace").splitlines()
        lines = [ln for ln in said if ln.startswith("AGENTOPS-SELF ")]
        workers = [int(ln.split()[2]) / 1024 for ln in said if ln.startswith("AGENTOPS-WORKER ")]
        if workers:
            sample.worker_rss_mb.append(max(workers))
        if lines:
            _, cpu, kb = lines[-1].split()
            sample.own_cpu.append(float(cpu))
            sample.rss_mb.append(int(kb) / 1024)
        elif proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed with {proc.returncode}")


def ours(*args: str, jobs: int = 0) -> list[str]:
    """agentops-check with these arguments (`jobs`: with AGENTOPS_JOBS set, 1 = judged in one process)."""
    return [*(["env", f"AGENTOPS_JOBS={jobs}"] if jobs else []), sys.executable, "-c", SELF, *args]


def both(name: str, *args: str) -> dict[str, list[str]]:
    """The command as a user runs it (forked workers on a long range), and judged in one process,
    whose own CPU is all of our CPU (a forked worker's CPU counts in the tree, not in its parent's own)."""
    return {f"agentops-check {name}": ours(*args), f"agentops-check {name}, 1 job": ours(*args, jobs=1)}


def floors(span: Sequence[str]) -> dict[str, list[str]]:
    return {
        "git log -p": ["git", "log", "-p", "--no-merges", *span],
        "git, our options": ["git", *HARDEN, "log", "--reverse", f"--format={LOG_FORMAT}", *DIFF_ARGS, "--no-merges", *span, "--"],
    }


def measure(title: str, commands: dict[str, list[str]], cwd: str, runs: int) -> dict[str, Sample]:
    print(f"\n== {title}   (load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    samples = {name: Sample() for name in commands}
    names = list(commands)
    for name in names:  # one warm-up run each: caches, bytecode
        run_once(commands[name], cwd, Sample())
    for i in range(runs):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            run_once(commands[name], cwd, samples[name])
    med = {name: (statistics.median(s.wall), statistics.median(s.cpu)) for name, s in samples.items()}
    user, exact = med["git log -p"], med["git, our options"]
    print(f"{'command':34} {'wall s median (min-max)':>26} {'CPU s':>7} {'wall/git -p':>11} {'wall/git opts':>13} {'CPU/git opts':>12}")
    for name, s in samples.items():
        wall, cpu = med[name]
        span = f"{wall:.3f} ({min(s.wall):.3f}-{max(s.wall):.3f})"
        print(f"{name:34} {span:>26} {cpu:7.3f} {wall / user[0]:10.2f}x {wall / exact[0]:12.2f}x {cpu / exact[1]:11.2f}x")
        if s.own_cpu:
            own = statistics.median(s.own_cpu)
            rss = f"peak RSS {statistics.median(s.rss_mb):.1f} MB (max {max(s.rss_mb):.1f})"
            if commands[name][0] == "env":  # one process: its own CPU is all of ours
                print(f"{'':34} own CPU {own:.3f} s = {own / exact[1]:.2f}x git's CPU with our options; {rss}")
            else:
                workers = f"; largest worker's {max(s.worker_rss_mb):.1f} MB" if s.worker_rss_mb else ""
                print(f"{'':34} parent's own CPU {own:.3f} s (workers' in the tree's CPU); parent's {rss}{workers}")
    print(f"(load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {runs} rounds, order rotated each round)")
    return samples


def synthetic(commits: int) -> str:
    """A history of many small commits (one 3-line change each), made with git fast-import."""
    root = tempfile.mkdtemp(prefix="agentops-floors-")
    git(root, "init", "-q", "-b", "main")
    with subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, env=ENV, stdin=subprocess.PIPE) as proc:
        assert proc.stdin is not None
        for i in range(commits):
            message = f"fix(mod{i % 50}): adjust value {i}\n\nContext: step {i}.\n".encode()
            body = f"VALUE_{i % 977} = {i}\nNAME = 'item-{i}'\n# note {i * 7919 % 100003}\n".encode()
            proc.stdin.write(
                b"commit refs/heads/main\n"
                + f"author Dev <dev{i % 20}@example.com> {1600000000 + i * 60} +0000\n".encode()
                + f"committer Dev <dev{i % 20}@example.com> {1600000000 + i * 60} +0000\n".encode()
                + f"data {len(message)}\n".encode()
                + message
                + f"M 100644 inline pkg/mod{i % 400}.py\ndata {len(body)}\n".encode()
                + body
                + b"\n"
            )
    git(root, "checkout", "-q", "main")
    return root


def scaling(sizes: Sequence[int], runs: int) -> None:
    """`range` over synthetic histories of each size, then one table of how its costs grow."""
    leaks = shutil.which("gitleaks")
    rows: list[tuple[int, dict[str, Sample]]] = []
    for n in sizes:
        repo = synthetic(n)
        try:
            commands = {**floors(["HEAD"]), **both("range", "range", "HEAD", "-f", "json")}
            if leaks:
                commands["gitleaks"] = [leaks, "detect", "--no-banner", "--exit-code", "0", "--report-path", os.devnull, "--source", "."]
            rows.append((n, measure(f"range, a synthetic history of {n:,} small commits", commands, repo, runs)))
        finally:
            shutil.rmtree(repo, ignore_errors=True)
    print(f"\n== scaling: `range HEAD -f json` over synthetic histories ({runs} rounds; medians)")
    print("| commits | `git log -p` wall / CPU | ours wall (workers; 1 job) | wall / `git log -p` | CPU of the tree / `git log -p`'s (workers; 1 job) | own CPU, 1 job / git's with our options | peak RSS: 1 job; parent; largest worker | RSS vs smallest | gitleaks |")
    print("|---|---|---|---|---|---|---|---|---|")
    first = 0.0
    for n, samples in rows:
        med = {name: (statistics.median(x.wall), statistics.median(x.cpu)) for name, x in samples.items()}
        (gw, gc), (ow, oc), (sw, sc) = med["git log -p"], med["agentops-check range"], med["agentops-check range, 1 job"]
        exact_cpu = med["git, our options"][1]
        one, par = samples["agentops-check range, 1 job"], samples["agentops-check range"]
        peaks = [max(one.rss_mb), max(par.rss_mb), max(par.worker_rss_mb, default=0.0)]
        first = first or max(peaks)
        leak = f"{med['gitleaks'][0]:.2f} s = {ow / med['gitleaks'][0]:.2f}x ours (workers)" if "gitleaks" in med else GITLEAKS_UNAVAILABLE
        print(
            f"| {n:,} | {gw:.2f} s / {gc:.2f} s | {ow:.2f} s; {sw:.2f} s | {ow / gw:.2f}x; {sw / gw:.2f}x "
            f"| {oc / gc:.2f}x; {sc / gc:.2f}x | {statistics.median(one.own_cpu) / exact_cpu:.2f}x "
            f"| {peaks[0]:.1f}; {peaks[1]:.1f}; {peaks[2]:.1f} MB | {(max(peaks) / first - 1) * 100:+.1f} % | {leak} |"
        )
    print("(RSS: the largest VmHWM of each kind of process over the rounds; the target is at most 80 MB and within 10 % from the smallest history to the largest)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="rounds of alternated runs (default 5)")
    parser.add_argument("--busy", action="store_true", help="keep one CPU-bound process running beside the benchmark")
    parser.add_argument("--synthetic", type=int, default=0, help="a generated history of N small commits instead of pip")
    parser.add_argument("--rows", default="range,report,backtest,last1k,ci200", help="which rows (comma-separated)")
    parser.add_argument("--scaling", default="", help="synthetic sizes for the scaling table, e.g. 1000,10000,100000")
    args = parser.parse_args()
    rows = set(args.rows.split(","))
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.busy else None
    if args.scaling:
        try:
            print(f"agentops-check from {tool('agentops-check')}; {os.cpu_count()} CPUs; {'BUSY: one CPU-bound process running' if busy else 'no extra load started'}")
            print(f"command: {' '.join(sys.argv)}")
            scaling([int(n) for n in args.scaling.split(",")], args.runs)
        finally:
            if busy:
                busy.kill()
        return 0
    if args.synthetic:
        repo = synthetic(args.synthetic)
    else:
        repo = tempfile.mkdtemp(prefix="agentops-floors-")
        git(repo, "clone", "-q", str(CORPUS), ".")
    try:
        print(
            f"agentops-check from {tool('agentops-check')}; git {git(repo, 'version').split()[-1]}; "
            f"{os.cpu_count()} CPUs; {'BUSY: one CPU-bound process running' if busy else 'no extra load started'}"
        )
        print(f"repository: {f'synthetic, {args.synthetic} commits' if args.synthetic else CORPUS.name}; command: {' '.join(sys.argv)}")
        revs = git(repo, "rev-list", "--no-merges", "HEAD").split()
        everything = ["HEAD"]
        if "range" in rows:
            measure(f"range, all {len(revs)} commits", {**floors(everything), **both("range", "range", "HEAD", "-f", "json")}, repo, args.runs)
        if "report" in rows:
            measure(f"report, all {len(revs)} commits", {**floors(everything), **both("report", "report", "--range", "HEAD", "-f", "json")}, repo, args.runs)
        if "backtest" in rows:
            argv = ("backtest", "aws-access-key-id", "--range", "HEAD", "--format", "json")
            measure(f"backtest, all {len(revs)} commits", {**floors(everything), **both("backtest", *argv)}, repo, args.runs)
        if "last1k" in rows and len(revs) > 1000:
            span = [f"{revs[1000]}..HEAD"]
            measure("range, last 1,000 commits", {**floors(span), **both("range", "range", span[0], "-f", "json")}, repo, args.runs)
        if "ci200" in rows and len(revs) > 200:
            base = revs[200]
            commands = {**floors([f"{base}..HEAD"]), **both("ci", "ci", "--base", base, "-f", "json")}
            measure("ci, a 200-commit pull request", commands, repo, args.runs)
    finally:
        if busy:
            busy.kill()
        shutil.rmtree(repo, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
