"""One option grammar for every command, usage errors exit 2, colour as the environment asks, -q quiet."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from agentops_hooks.outputs import default_color
from tests.testing import CLAUDE, clean_env, commit, environment, git, run_cli, write


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history with a clean human commit and an agent commit without sections; a staged TODO-free change."""
    root = tmp_path_factory.mktemp("grammar") / "repo"
    root.mkdir()
    with environment(_env(root)):
        git("init", "-q", "-b", "main", cwd=root)
        commit("feat: start the parser", ("src/app.py", "x = 1\n"), cwd=root)
        commit(f"fix: parse empty input\n\n{CLAUDE}\n", ("src/app.py", "x = 2\n"), cwd=root)
        write(root / "src/new.py", "y = 1\n")
        git("add", "src/new.py", cwd=root)
    return root


def _env(root: Path, **extra: str) -> dict[str, str]:
    return {**clean_env(), "XDG_CACHE_HOME": str(root.parent / "cache"), **extra}



def cli(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=repo, env=_env(repo, **env))


def test_the_default_command_takes_the_options_of_staged(repo: Path) -> None:
    proc = cli(repo, "-f", "json")

    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [c["source"] for c in doc["commits"]] == ["staged"]


def test_two_documents_on_standard_output_are_a_usage_error_naming_the_fix(repo: Path) -> None:
    proc = cli(repo, "range", "HEAD~1..HEAD", "-f", "json", "-f", "sarif")

    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "json and sarif would share standard output" in proc.stderr
    assert "-f json -f sarif=out.sarif" in proc.stderr


def test_two_formats_each_in_its_place(repo: Path, tmp_path: Path) -> None:
    proc = cli(repo, "range", "HEAD~1..HEAD", "-f", "json", "-f", f"sarif={tmp_path / 'out.sarif'}")

    assert proc.returncode == 1
    assert json.loads(proc.stdout)["summary"]["blocking"] is True
    assert json.loads((tmp_path / "out.sarif").read_text("utf-8"))["version"] == "2.1.0"


def test_an_unknown_format_lists_the_command_s_formats(repo: Path) -> None:
    proc = cli(repo, "learnings", "-f", "sarif")

    assert proc.returncode == 2
    assert "`agentops-check learnings` has no format 'sarif'; it writes json, markdown, text" in proc.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("range",), "no range given: pass A..B or --base REF"),
        (("ci",), "not in a known CI (GitHub Actions, GitLab CI): pass --base REF"),
        (("learn",), "learn needs --from-commit SHA or --pattern RE"),
        (("explain", "vague-subjct"), "no rule 'vague-subjct' (did you mean 'vague-subject'?)"),
        (("commit-msg", "/nonexistent"), "/nonexistent: no such message file"),
        (("backtest", "vague-subjct"), "did you mean 'vague-subject'?"),
        (("learnings", "-f", "markdown"), "-f markdown writes one note per learning into a folder: -f markdown=DIR"),
        (("report", "-f", "sarif"), "it writes html, json, markdown, openmetrics, text"),
    ],
)
def test_missing_or_wrong_arguments_exit_2_saying_what_to_pass(repo: Path, args: tuple[str, ...], says: str) -> None:
    proc = cli(repo, *args)

    assert proc.returncode == 2, proc.stderr
    assert says in proc.stderr
    assert "Traceback" not in proc.stderr


def test_quiet_prints_the_findings_only(repo: Path) -> None:
    loud = cli(repo, "range", "HEAD~1..HEAD")
    quiet = cli(repo, "range", "HEAD~1..HEAD", "-q")

    assert loud.returncode == quiet.returncode == 1
    findings = [ln for ln in loud.stdout.splitlines() if ": ai-context-sections " in ln]
    assert len(findings) == 4
    assert quiet.stdout.splitlines() == findings
    assert any(ln.startswith("agentops: ") for ln in loud.stdout.splitlines())


def test_a_finding_about_the_whole_message_names_no_line(repo: Path) -> None:
    sha = git("rev-parse", "--short=7", "HEAD", cwd=repo).strip()

    proc = cli(repo, "range", "HEAD~1..HEAD", "-q")

    assert f"{sha}: ai-context-sections missing the 'Context:' section (error)" in proc.stdout.splitlines()
    assert ":msg:1:" not in proc.stdout


def test_backtest_takes_f_with_a_file(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "bt.json"

    proc = cli(repo, "backtest", "ai-context-sections", "-f", "text", "-f", f"json={out}")

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("backtest HEAD: 2 commits scanned")
    assert json.loads(out.read_text("utf-8"))["rules"][0]["commits_hit"] == 1


def test_report_writes_every_format_it_lists(repo: Path, tmp_path: Path) -> None:
    args = [a for fmt in ("json", "markdown", "html") for a in ("-f", f"{fmt}={tmp_path / ('r.' + fmt)}")]

    proc = cli(repo, "report", "-q", "-f", "text", *args)

    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["schema_version"] == 1
    assert (tmp_path / "r.html").read_text("utf-8").lstrip().lower().startswith("<!doctype html")
    assert (tmp_path / "r.markdown").read_text("utf-8").startswith("#")
    assert proc.stdout.strip()


@pytest.mark.parametrize(
    ("env", "tty", "color"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"TERM": "dumb"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, False, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # set but empty: not a request
    ],
)
def test_colour_follows_no_color_force_color_and_term(
    env: dict[str, str], tty: bool, color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: tty)

    assert default_color(env) is color


def test_force_color_colours_the_text_and_no_color_flag_wins(repo: Path) -> None:
    forced = cli(repo, "range", "HEAD~1..HEAD", FORCE_COLOR="1", NO_COLOR="")
    flagged = cli(repo, "range", "HEAD~1..HEAD", "--no-color", FORCE_COLOR="1", NO_COLOR="")

    assert "\033[31merror\033[0m" in forced.stdout
    assert "\033[" not in flagged.stdout
