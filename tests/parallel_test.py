"""A long range judged by forked workers (`walk.parallel`) says exactly what one process says.

One history of a few hundred commits (one `git fast-import`), with findings in every block, agent
commits, a merge, and fix spirals that straddle the blocks two workers share, read by `range`,
`backtest`, `report` and `ci` with `AGENTOPS_JOBS=2` (which also lowers the threshold to two
blocks) and with `AGENTOPS_JOBS=1` (this process only).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentops_hooks import walk
from tests.testing import AWS_KEY, CLAUDE, GOOD_SECTIONS, clean_env, git, run_cli, write

N = 300  # commits: more than four blocks of walk.BLOCK
T0 = 1_700_000_000
SPIRALS = (60, 126, 200)  # each starts three fix commits on one file: across block edges 64 and 128
RULE_FILE = """\
version: 1
rules:
  - id: no-env-log
    kind: added-pattern
    description: Do not log the environment.
    message: "environment logged: {match}"
    severity: error
    pattern: 'console\\.log\\(process\\.env'
"""


def _commit(i: int) -> tuple[str, str, str]:
    """Commit i's (message, path, added line)."""
    if any(start <= i < start + 3 for start in SPIRALS):
        return f"fix: try {i} at the retry loop\n", "src/retry.py", f"RETRIES = {i}\n"
    if i + 1 in SPIRALS:  # an agent writes the line the fixes then change: fix-after-agent, for the report
        return f"feat: the backoff loop {i}\n\n{CLAUDE}\n", "src/retry.py", f"RETRIES = {i}\n"
    if i % 23 == 0:
        return f"feat: config {i}\n\n{GOOD_SECTIONS}\n{CLAUDE}\n", f"src/c{i}.py", f"key = '{AWS_KEY}'\n"
    if i % 17 == 0:
        return f"feat: logging {i}\n", f"web/m{i}.js", f"console.log(process.env.K{i});\n"
    if i % 11 == 0:
        return f"change things {i}\n\n{CLAUDE}\n", f"notes/n{i % 7}.txt", f"note {i}\n"
    return f"docs: note {i}\n", f"notes/n{i % 7}.txt", f"note {i}\n"


def _stream(n: int) -> Iterator[bytes]:
    for i in range(1, n + 1):
        message, path, line = _commit(i)
        m, body = message.encode(), line.encode()
        who = b"Dana <dana@example.com> %d +0000" % (T0 + i * 60)
        yield b"commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s" % (i, who, who, len(m), m)
        if i > 1:
            yield b"from :%d\n" % (i - 1)
        if i == 150:  # a side branch merged back: merges are left out, in both paths alike
            yield b"merge :%d\n" % (n + 1)
        yield b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body)
        if i == 140:
            side = b"feat: on the side\n"
            yield (
                b"commit refs/heads/side\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s"
                b"from :%d\nM 100644 inline side.txt\ndata 5\nside\n" % (n + 1, who, who, len(side), side, i)
            )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parallel") / "repo"
    root.mkdir()
    env = clean_env()
    git("init", "-q", "-b", "main", cwd=root, env=env)
    subprocess.run(("git", "fast-import", "--quiet"), cwd=root, input=b"".join(_stream(N)), check=True, env=env)
    git("reset", "-q", "--hard", "main", cwd=root, env=env)
    write(root / "team/rules.yaml", RULE_FILE)
    return root


def _env(jobs: str, cache: Path) -> dict[str, str]:
    return {**clean_env(), "AGENTOPS_JOBS": jobs, "XDG_CACHE_HOME": str(cache)}


def _both(repo: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    one = run_cli(*args, cwd=repo, env=_env("1", tmp_path / "c1"))
    two = run_cli(*args, cwd=repo, env=_env("2", tmp_path / "c2"))
    return one, two


def test_the_fixture_is_long_enough_to_be_judged_in_parallel(repo: Path) -> None:
    commits = int(git("rev-list", "--count", "--no-merges", "HEAD", cwd=repo))
    assert commits == N  # less the merge (commit 150), plus the side branch's commit
    assert commits >= 4 * walk.BLOCK


FORMATS = ("json", "text", "sarif", "junit", "markdown", "github", "gitlab")


def test_range_in_parallel_says_what_one_process_says_in_every_format(repo: Path, tmp_path: Path) -> None:
    said = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        out.mkdir()
        proc = run_cli("range", "HEAD", *(f"-f{fmt}={out / fmt}" for fmt in FORMATS), cwd=repo, env=_env(jobs, tmp_path / jobs))
        said[jobs] = proc.returncode, proc.stderr, {fmt: (out / fmt).read_bytes() for fmt in FORMATS}

    assert said["1"][0] == 1, said["1"][1]  # the fixture has errors to find
    assert said["2"] == said["1"]
    assert all(said["1"][2].values())


def test_the_parallel_range_keeps_order_range_findings_and_every_commit(repo: Path, tmp_path: Path) -> None:
    _, two = _both(repo, tmp_path, "range", "HEAD", "-f", "json")
    doc = json.loads(two.stdout)

    shas = [c["sha"] for c in doc["commits"]] if "commits" in doc else []
    listed = git("rev-list", "--reverse", "--no-merges", "HEAD", cwd=repo).split()
    if shas:  # the json lists every commit it judged, oldest first
        assert shas == listed
    text = json.dumps(doc)
    assert text.count("fix-spiral") >= len(SPIRALS)  # the runs across block edges were found
    assert "no-env-log" not in text  # the team rule file is backtest's, not the config's


def test_backtest_in_parallel_counts_what_one_process_counts(repo: Path, tmp_path: Path) -> None:
    for extra in ((), ("--since", f"@{T0 + 100 * 60}")):
        one, two = _both(repo, tmp_path, "backtest", "team/rules.yaml", "--format", "json", *extra)

        assert one.returncode == 0, one.stderr
        assert two.stdout == one.stdout and two.stderr == one.stderr
        (rule,) = json.loads(two.stdout)["rules"]
        since = extra and 100 or 0
        assert rule["commits_hit"] == len([i for i in range(since + 1, N + 1) if _commit(i)[1].startswith("web/")])


def test_report_in_parallel_says_what_one_process_says(repo: Path, tmp_path: Path) -> None:
    for fmt in ("json", "markdown", "text", "html"):
        one, two = _both(repo, tmp_path, "report", "-f", fmt, "--name", "o/r")

        assert one.returncode == 0, one.stderr
        assert two.stdout == one.stdout
        if fmt == "json":
            doc = json.loads(one.stdout)
    assert doc["spirals"]
    (fixed,) = doc["patterns"]["fix_after_agent"]  # mined from the hunks the workers sent back
    assert fixed["path"] == "src/retry.py" and fixed["count"] == 3 * len(SPIRALS)


def test_ci_of_a_long_range_in_parallel_says_what_one_process_says(repo: Path, tmp_path: Path) -> None:
    one, two = _both(repo, tmp_path, "ci", "--base", "HEAD~250")

    assert one.returncode == 1, one.stdout + one.stderr
    assert (two.returncode, two.stdout) == (one.returncode, one.stdout)


DYING_WORKER = """\
import os, sys
from agentops_hooks import walk
from agentops_hooks.entry import main

parent, victim, judge = os.getpid(), sys.argv[1], walk.judge

def dying(ctx, commit, **kw):
    if commit.sha == victim and os.getpid() != parent:  # in a worker only
        os._exit(9)
    return judge(ctx, commit, **kw)

walk.judge = dying
sys.exit(main(sys.argv[2:]))
"""


def test_a_worker_that_dies_is_an_error_never_a_shorter_result(repo: Path, tmp_path: Path) -> None:
    victim = git("rev-parse", "HEAD~200", cwd=repo).strip()
    env = _env("2", tmp_path / "c")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            (sys.executable, "-c", DYING_WORKER, victim, *args), cwd=repo, capture_output=True, text=True, env=env
        )

    for args in (
        ("range", "HEAD", "-f", "json"),
        ("backtest", "team/rules.yaml", "--format", "json"),
        ("report", "-f", "json"),  # the report, too, is judged by the workers
    ):
        proc = run(*args)

        assert proc.returncode == 3, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "worker" in lines[0] and "stopped" in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr
        assert '"rules"' not in proc.stdout and "commits_hit" not in proc.stdout  # no partial answer
        if args[0] == "report":
            assert proc.stdout == ""  # a report is written once the walk is whole


def test_a_worker_that_dies_in_one_process_mode_is_not_reached(repo: Path, tmp_path: Path) -> None:
    """The same wrapper with one job: the victim is judged in the parent, so nothing dies (the fault is the worker's)."""
    victim = git("rev-parse", "HEAD~200", cwd=repo).strip()
    proc = subprocess.run(
        (sys.executable, "-c", DYING_WORKER, victim, "range", "HEAD", "-f", "json"),
        cwd=repo, capture_output=True, text=True, env=_env("1", tmp_path / "c"),
    )

    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)


@pytest.mark.parametrize("value", ["abc", "0", "-2", "65", "2.5"])
def test_a_bad_jobs_value_is_a_one_line_error(repo: Path, tmp_path: Path, value: str) -> None:
    proc = run_cli("range", "HEAD", "-f", "json", cwd=repo, env=_env(value, tmp_path / "c"))

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert proc.stdout == ""  # said before any output
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "AGENTOPS_JOBS" in lines[0] and repr(value) in lines[0]


def test_an_empty_jobs_value_is_the_default(repo: Path, tmp_path: Path) -> None:
    proc = run_cli("range", "HEAD~5..HEAD", "-f", "json", cwd=repo, env=_env("", tmp_path / "c"))

    assert proc.returncode in (0, 1), proc.stderr
    assert len(json.loads(proc.stdout)["commits"]) == 5


def test_a_bad_range_is_one_line_before_any_output_in_both_modes(repo: Path, tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        proc = run_cli("range", "no-such-branch..HEAD", "-f", "json", cwd=repo, env=_env(jobs, tmp_path / jobs))

        assert proc.returncode == 3, proc.stdout + proc.stderr
        assert proc.stdout == ""
        assert len(proc.stderr.strip().splitlines()) == 1 and "no-such-branch" in proc.stderr
