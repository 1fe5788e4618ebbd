"""Shared helpers for the benchmarks: timing whole processes, ratios, a scratch repository."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BIN = Path(sys.executable).parent
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pypa__pip.bundle"
ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}
# as installed for real: pip compiles bytecode, so let the warm-up run write it for the editable checkout too
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
for _var in ("CLAUDECODE", "CLAUDE_CODE_CHILD_SESSION", "CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID", "GEMINI_CLI", "CURSOR_AGENT", "AI_AGENT"):
    ENV.pop(_var, None)


def tool(name: str) -> str:
    """A console script of this environment (agentops-check, gitlint, detect-secrets-hook)."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: pip install -e '.[test,bench]' installs the baselines")
    return found


def timed(cmd: Sequence[str], cwd: str, runs: int, stdin: bytes | None = None) -> list[float]:
    """Wall times of `runs` whole-process runs (one warm-up run first)."""
    subprocess.run(cmd, cwd=cwd, env=ENV, input=stdin, capture_output=True)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=ENV, input=stdin, capture_output=True)
        out.append(time.perf_counter() - start)
    return out


def alternated(cmds: dict[str, Sequence[str]], cwd: str, runs: int, stdin: bytes | None = None) -> dict[str, list[float]]:
    """Wall times of `runs` whole-process runs of each command, the commands taking turns (one
    warm-up run each first): a change in the machine's load hits every command alike."""
    for cmd in cmds.values():
        subprocess.run(cmd, cwd=cwd, env=ENV, input=stdin, capture_output=True)
    out: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, env=ENV, input=stdin, capture_output=True)
            out[name].append(time.perf_counter() - start)
    return out


def spread(results: dict[str, list[float]], load_before: tuple[float, ...]) -> None:
    """Each command's min–max, and the machine's load over the run (decisions need an idle one)."""
    for name, times in results.items():
        print(f"  {name}: median {statistics.median(times) * 1000:.1f} ms, min–max {min(times) * 1000:.1f}–{max(times) * 1000:.1f} ms")
    load_after = os.getloadavg()
    print(
        f"({len(next(iter(results.values())))} alternated runs each; load average {load_before[0]:.2f} before,"
        f" {load_after[0]:.2f} after, on {os.cpu_count()} cores; python {sys.version.split()[0]})"
    )


def table(results: dict[str, list[float]], baseline: str) -> None:
    """min / median per command and the ratio of medians against the baseline of this run."""
    base = statistics.median(results[baseline])
    print(f"{'command':44} {'min ms':>9} {'median ms':>10} {'ratio':>8}")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:44} {min(times) * 1000:9.1f} {med * 1000:10.1f} {med / base:7.2f}x")
    print(f"(ratio = median / median of {baseline!r}, measured in this run)")


def scratch() -> str:
    """A fresh git repository in a temporary folder."""
    root = tempfile.mkdtemp(prefix="agentops-bench-")
    git(root, "init", "-q", "-b", "main")
    return root


def git(cwd: str, *args: str) -> str:
    """Run git in the benchmark environment."""
    return subprocess.run(("git", *args), cwd=cwd, env=ENV, check=True, capture_output=True, text=True).stdout


PEAK = (  # run agentops-check in this process and print its own VmHWM when it exits, after every output
    "import atexit, sys\n"
    "def hwm():\n"
    "    with open('/proc/self/status') as f:\n"
    "        kb = next(int(ln.split()[1]) for ln in f if ln.startswith('VmHWM:'))\n"
    "    sys.stderr.write(f'\\nVmHWM {kb}\\n')\n"
    "atexit.register(hwm)\n"
    "from agentops_hooks.entry import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)


def peak_rss_mb(args: Sequence[str], cwd: str) -> float:
    """Peak RSS of the agentops-check process itself (Linux): its VmHWM read by itself at exit.

    git's memory is git's: a child's pages are not in our VmHWM. Read at exit, so the peak of the
    last step (writing a report) counts too; polling from outside can miss a short run's end.
    getrusage(RUSAGE_SELF) is not used: on Linux it has been seen to report the git child's peak.
    """
    proc = subprocess.run(
        (sys.executable, "-c", PEAK, *args), cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    line = next((ln for ln in reversed(proc.stderr.splitlines()) if ln.startswith("VmHWM ")), None)
    if line is None:
        raise SystemExit(f"agentops-check {' '.join(args)} did not report its memory: {proc.stderr[-500:]}")
    return int(line.split()[1]) / 1024
