"""`backtest`: what a rule would have caught, counted over one streamed `git log`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.testing import CLAUDE, git, run_cli, write

RULE_FILE = """\
version: 1
rules:
  - id: no-env-log
    kind: added-pattern
    description: Do not log the environment.
    message: "environment logged: {match}"
    severity: error
    pattern: 'console\\.log\\(process\\.env'
    paths: {include: ["src/**/*.js"]}
"""
N, EVERY, AI_EVERY = 5000, 37, 74
T0 = 1_700_000_000


def fast_history(n: int) -> None:
    """n commits through one `git fast-import`: every EVERY-th adds the bad line, every AI_EVERY-th by an agent."""
    out: list[bytes] = []
    for i in range(1, n + 1):
        bad = i % EVERY == 0
        msg = f"feat: change {i}\n" + (f"\n{CLAUDE}\n" if i % AI_EVERY == 0 else "")
        path = f"src/m{i}.js" if bad else f"notes/n{i % 97}.txt"
        body = f"console.log(process.env.K{i});\n" if bad else f"note {i}\n"
        m, b = msg.encode(), body.encode()
        out.append(
            b"commit refs/heads/main\nmark :%d\nauthor Dana <dana@example.com> %d +0000\n"
            b"committer Dana <dana@example.com> %d +0000\ndata %d\n%s" % (i, T0 + i * 60, T0 + i * 60, len(m), m)
        )
        if i > 1:
            out.append(b"from :%d\n" % (i - 1))
        out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(b), b))
    subprocess.run(("git", "fast-import", "--quiet"), input=b"".join(out), check=True)
    git("reset", "-q", "--hard", "main")


def test_backtest_over_5000_commits_counts_exactly(git_repo: Path) -> None:
    fast_history(N)
    write("team/rules.yaml", RULE_FILE)

    proc = run_cli("backtest", "team/rules.yaml", "--format", "json")

    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    (rule,) = doc["rules"]
    hits = N // EVERY
    ai = N // AI_EVERY  # multiples of 74 are multiples of 37
    assert doc["schema_version"] == 1 and doc["range"] == "HEAD"
    assert rule["rule_id"] == "no-env-log" and rule["commits_hit"] == hits
    assert rule["by_verdict"] == {"ai": ai, "automation": 0, "human": hits - ai}
    first = git("rev-parse", f"main~{N - EVERY}").strip()
    last = git("rev-parse", f"main~{N - hits * EVERY}").strip()
    assert rule["first_hit"]["sha"] == first and rule["last_hit"]["sha"] == last
    assert rule["first_hit"]["date"].startswith("2023-11-14")
    assert len(rule["samples"]) == 5
    sample = rule["samples"][0]
    assert sample["commit"] == first and sample["path"] == f"src/m{EVERY}.js" and sample["rule_id"] == "no-env-log"
    assert set(sample) >= {"rule_id", "severity", "factor", "path", "line", "message", "hint", "match", "waived"}


def test_range_since_and_text(git_repo: Path) -> None:
    fast_history(400)
    write("team/rules.yaml", RULE_FILE)

    ranged = json.loads(run_cli("backtest", "team/rules.yaml", "--range", "main~100..main", "--format", "json").stdout)
    since = json.loads(
        run_cli("backtest", "team/rules.yaml", "--since", f"@{T0 + 300 * 60}", "--format", "json").stdout
    )
    text = run_cli("backtest", "team/rules.yaml")

    assert ranged["range"] == "main~100..main"
    assert ranged["rules"][0]["commits_hit"] == len([i for i in range(301, 401) if i % EVERY == 0])
    assert since["rules"][0]["commits_hit"] == len([i for i in range(300, 401) if i % EVERY == 0])
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0] == "backtest HEAD: 400 commits scanned"
    assert lines[1] == "no-env-log: 10 commit(s) hit (ai 5, automation 0, human 5)"


def test_rule_id_from_the_config_and_the_builtin_packs(git_repo: Path) -> None:
    fast_history(80)

    core = json.loads(run_cli("backtest", "vague-subject", "--format", "json").stdout)
    js = json.loads(run_cli("backtest", "js-console-log", "--format", "json").stdout)

    assert core["rules"][0]["commits_hit"] == 0
    assert js["rules"][0]["rule_id"] == "js-console-log"


def test_unknown_rule_is_a_usage_error_with_a_suggestion(git_repo: Path) -> None:
    fast_history(3)

    proc = run_cli("backtest", "vague-subjec")

    assert proc.returncode == 2
    assert "did you mean 'vague-subject'" in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_empty_repository_has_nothing_to_count(git_repo: Path) -> None:
    proc = run_cli("backtest", "vague-subject")

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == [
        "backtest HEAD: 0 commits scanned",
        "vague-subject: 0 commit(s) hit (ai 0, automation 0, human 0)",
    ]


def test_unknown_revision_is_exit_3(git_repo: Path) -> None:
    fast_history(3)

    proc = run_cli("backtest", "vague-subject", "--range", "nope..main")

    assert proc.returncode == 3 and "unknown revision 'nope'" in proc.stderr
