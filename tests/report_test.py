"""Reports on real repositories: every number of the JSON, the schema, merge, markdown's cap, HTML in a browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from agentops_hooks.report import links, render_md, scan
from tests.testing import CLAUDE, git, run_cli, write

BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
CONFIG = """\
version: 1
rules:
  - id: ai-sections
    kind: message-sections
    description: AI commits say why and what was learned.
    message: "{problem}"
    severity: error
    applies-to: ai
    factor: I
    sections: [Context, Learning]
  - id: no-todo
    kind: added-pattern
    description: No placeholders.
    message: "placeholder added in {path}"
    severity: error
    factor: IV
    pattern: "TO[D]O"
  - id: fix-spiral
    kind: spiral
    description: Three fixes in a row on one file.
    message: "{problem}"
    severity: warning
    factor: XI
    min-commits: 3
    area: file
"""
FULL = "Context: the parser crashed.\nSolution: guard it.\nLearning: empty input is normal.\nImpact: no crash.\n"
EXEMPT = "AgentOps-Exempt: no-todo: placeholder until the docs land"
SCRIPT = "<script>alert(1)</script>"
CHROMIUM = Path("/usr/bin/chromium")


def _commit(msg: str, files: dict[str, str], date: str, author: tuple[str, str] | None = None, cwd: Path | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    if author:
        env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1])
    for name, text in files.items():
        write((cwd or Path(".")) / name, text)
        git("add", "--", name, cwd=cwd)
    git("commit", "-q", "--no-verify", "--no-gpg-sign", "--cleanup=verbatim", "--allow-empty", "-m", msg, env=env, cwd=cwd)
    return git("rev-parse", "HEAD", cwd=cwd).strip()


def build(cwd: Path | None = None) -> dict[str, str]:
    """Nine commits over three ISO weeks (2024-W01..W03): 3 ai, 1 automation, 5 human."""
    w1, w2, w3 = "2024-01-02T10:00:00+00:00", "2024-01-09T10:00:00+00:00", "2024-01-16T10:00:00+00:00"
    c = {}
    c["config"] = _commit("chore: add the config\n", {".agentops.yaml": CONFIG}, w1, cwd=cwd)
    c["ai_ok"] = _commit(f"feat: parser\n\n{FULL}\n{CLAUDE}\n", {"a.py": "x = 1\n"}, w1, cwd=cwd)
    c["ai_bad"] = _commit(f"feat: add helper\n\n{CLAUDE}\n", {"b.py": "# TODO\n"}, w1, cwd=cwd)
    c["exempt"] = _commit(f"Update readme\n\nDocs to come.\n\n{EXEMPT}\n", {"README": "TODO\n"}, w2, cwd=cwd)
    c["bot"] = _commit("Bump x from 1 to 2\n", {"req.txt": "x==2\ny==1\nz==3\n"}, w2, BOT, cwd=cwd)
    c["fix1"] = _commit("fix: parser crash\n", {"p.py": "a\n"}, w3, cwd=cwd)
    c["fix2"] = _commit("fix: parser crash again\n", {"p.py": "b\n"}, w3, cwd=cwd)
    learning = f"Learning: check the empty case first {SCRIPT}\n"
    c["fix3"] = _commit(f"fix: parser crash, take 3\n\n{learning}", {"p.py": "c\n"}, w3, cwd=cwd)
    big = "".join(f"line_{i} = {i}\n" for i in range(50))
    c["big"] = _commit(f"feat: big module\n\nContext: it had to be big.\n\n{CLAUDE}\n", {"big.py": big}, w3, cwd=cwd)
    return c


def _report(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    proc = run_cli("report", "-f", "json", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress in a pipe
    return json.loads(proc.stdout)


def by(ai: int = 0, automation: int = 0, human: int = 0) -> dict[str, int]:
    return {"ai": ai, "automation": automation, "human": human}


def test_every_number_of_the_json_report(git_repo: Path) -> None:
    c = build()
    r = _report()

    assert scan.validate(r) is None
    assert r["schema_version"] == 1 and r["repository"] == "repo" and r["commit_url"] is None
    assert (r["commits"], r["by_verdict"]) == (9, by(3, 1, 5))
    assert (r["agent_share"], r["ai_share"]) == (0.4444, 0.3333)
    assert r["checked"] == by(3, 1, 5) and r["failed"] == by(2, 0, 3)
    assert r["agents"] == {"claude-code": by(ai=3), "dependabot[bot]": by(automation=1)}
    rules = {x["rule_id"]: (x["factor"], x["checked"], x["failed"]) for x in r["rules"]}
    assert rules == {
        "ai-sections": ("I", by(ai=3), by(ai=2)),
        "no-todo": ("IV", by(3, 1, 5), by(ai=1)),
        "fix-spiral": ("XI", by(3, 1, 5), by(human=3)),
    }
    factors = {f["factor"]: (f["checked"], f["failed"]) for f in r["factors"]}
    assert [f["factor"] for f in r["factors"]] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    assert factors["I"] == (by(ai=3), by(ai=2))
    assert factors["IV"] == (by(3, 1, 5), by(ai=1))
    assert factors["XI"] == (by(3, 1, 5), by(human=3))
    assert factors["V"] == (by(), by())
    weeks = {w["week"]: (w["by_verdict"], w["checked"], w["failed"], w["agent_share"], w["ai_share"]) for w in r["weeks"]}
    assert weeks == {
        "2024-W01": (by(2, 0, 1), by(2, 0, 1), by(ai=1), 0.6667, 0.6667),
        "2024-W02": (by(0, 1, 1), by(0, 1, 1), by(), 0.5, 0.0),
        "2024-W03": (by(1, 0, 3), by(1, 0, 3), by(1, 0, 3), 0.25, 0.25),
    }
    assert r["weeks"][0]["agents"] == {"claude-code": by(ai=2)}
    assert r["sections"] == {
        "commits": by(3, 1, 5),
        "Context": by(ai=2),
        "Solution": by(ai=1),
        "Learning": by(ai=1, human=1),
        "Impact": by(ai=1),
        "complete": by(ai=1),
    }
    assert r["conventional"] == by(3, 0, 4)
    assert r["exemptions"]["count"] == by(human=1)
    assert r["exemptions"]["by"] == {"trailer": 1, "inline": 0, "ignore-file": 0}
    assert r["exemptions"]["used"] == [
        {"rule_id": "no-todo", "by": "trailer", "reason": "placeholder until the docs land", "count": by(human=1)}
    ]
    assert r["findings"]["count"] == by(ai=4, human=1)  # missing Context + Learning + TODO; missing Learning; the spiral
    assert Counter(f["rule_id"] for f in r["findings"]["items"]) == {"ai-sections": 3, "no-todo": 2}
    assert [s["commits"] for s in r["spirals"]] == [[c["fix1"], c["fix2"], c["fix3"]]]
    assert r["spirals"][0]["verdict"] == "human"
    top = r["largest_commits"][0]
    assert (top["sha"], top["added"], top["removed"], top["files"], top["verdict"]) == (c["big"], 50, 0, 1, "ai")
    assert len(r["largest_commits"]) == 9
    assert r["learnings"]["count"] == by(ai=1, human=1)
    assert [(i["sha"], i["text"]) for i in r["learnings"]["items"]] == [
        (c["ai_ok"], "empty input is normal."),
        (c["fix3"], f"check the empty case first {SCRIPT}"),
    ]
    assert r["repositories"] == [
        {
            "repository": "repo",
            "commit_url": None,
            "commits": 9,
            "agent_share": 0.4444,
            "ai_share": 0.3333,
            "by_verdict": by(3, 1, 5),
            "checked": by(3, 1, 5),
            "failed": by(2, 0, 3),
        }
    ]


def test_range_since_and_until_limit_the_report(git_repo: Path) -> None:
    c = build()
    assert _report("--range", f"{c['bot']}..HEAD")["by_verdict"] == by(1, 0, 3)
    assert _report("--since", "2024-01-08")["commits"] == 6
    assert _report("--until", "2024-01-08")["commits"] == 3


def test_text_and_markdown_show_the_figures(git_repo: Path) -> None:
    build()
    text = run_cli("report").stdout
    assert "commits: 9 (ai 3, automation 1, human 5); agent share 44%, ai share 33%" in text
    assert re.search(r"ai-sections\s+I\s+33% \(1/3\)", text)
    md = run_cli("report", "-f", "markdown").stdout
    assert "| no-todo | IV | 67% (2/3) | 100% (1/1) | 100% (5/5) |" in md
    assert SCRIPT not in md and "&lt;script&gt;" in md


def count_paths(report: dict[str, Any]) -> Counter[str]:
    """Every count of a report, flattened to `path.verdict` → number (what merge must add up)."""
    out: Counter[str] = Counter()

    def add(prefix: str, counts: dict[str, int]) -> None:
        for k, n in counts.items():
            out[f"{prefix}.{k}"] += n

    out["commits"] += report["commits"]
    for key in ("by_verdict", "checked", "failed", "conventional"):
        add(key, report[key])
    for name, counts in report["agents"].items():
        add(f"agents.{name}", counts)
    for row in report["rules"]:
        add(f"rules.{row['rule_id']}.checked", row["checked"])
        add(f"rules.{row['rule_id']}.failed", row["failed"])
    for row in report["factors"]:
        add(f"factors.{row['factor']}.checked", row["checked"])
        add(f"factors.{row['factor']}.failed", row["failed"])
    for w in report["weeks"]:
        out[f"weeks.{w['week']}.commits"] += w["commits"]
        for key in ("by_verdict", "checked", "failed"):
            add(f"weeks.{w['week']}.{key}", w[key])
        for name, counts in w["agents"].items():
            add(f"weeks.{w['week']}.agents.{name}", counts)
    for key, counts in report["sections"].items():
        add(f"sections.{key}", counts)
    for section in ("exemptions", "findings", "learnings"):
        add(f"{section}.count", report[section]["count"])
    add("exemptions.by", report["exemptions"]["by"])
    for e in report["exemptions"]["used"]:
        add(f"exemptions.used.{e['rule_id']}.{e['by']}.{e['reason']}", e["count"])
    return out


def test_merge_of_three_reports_equals_the_sums(git_repo: Path, tmp_path: Path) -> None:
    build()
    paths = [tmp_path / "one.json"]
    paths[0].write_text(json.dumps(_report("--name", "acme/one")))
    for name, n in (("two", 4), ("three", 7)):
        repo = tmp_path / name
        git("init", "-q", "-b", "main", str(repo))
        git("remote", "add", "origin", f"git@github.com:acme/{name}.git", cwd=repo)
        for i in range(n):
            msg = f"fix: thing {i}\n\n{CLAUDE}\n" if i % 2 else f"docs: page {i}\n\nLearning: lesson {name} {i}\n"
            _commit(msg, {f"f{i % 2}.py": f"v{i} TODO\n" if i == 1 else f"v{i}\n"}, f"2024-01-{1 + i:02d}T10:00:00+00:00", cwd=repo)
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(_report(cwd=repo)))
    parts = [json.loads(p.read_text()) for p in paths]
    assert parts[2]["repository"] == "acme/three"
    assert parts[2]["commit_url"] == "https://github.com/acme/three/commit/{sha}"

    merged = _report("--merge", *map(str, paths))

    assert scan.validate(merged) is None
    assert count_paths(merged) == sum((count_paths(p) for p in parts), Counter())
    assert merged["commits"] == 9 + 4 + 7
    assert merged["agent_share"] == round(sum(p["by_verdict"]["ai"] + p["by_verdict"]["automation"] for p in parts) / 20, 4)
    assert [r["repository"] for r in merged["repositories"]] == ["acme/one", "acme/two", "acme/three"]
    assert sorted(merged["repositories"], key=str) == sorted((p["repositories"][0] for p in parts), key=str)


def test_merge_refuses_a_file_that_is_not_a_report(git_repo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 2}')
    proc = run_cli("report", "--merge", str(bad))
    assert proc.returncode == 3 and "not a schema_version 1 report" in proc.stderr
    assert run_cli("report", "--merge").returncode == 2


def _fast_import(repo: Path, n: int) -> None:
    """n commits, one per week, each with a long learning: a history whose markdown would pass the cap."""
    stream = []
    for i in range(n):
        msg = f"feat: change {i}\n\nLearning: {'lesson ' * 30}{i}\n".encode()
        body = f"v{i}\n".encode()
        stream.append(
            f"commit refs/heads/main\ncommitter T <t@example.com> {1500000000 + i * 604800} +0000\n".encode()
            + f"data {len(msg)}\n".encode() + msg
            + f"M 100644 inline f{i % 7}.py\ndata {len(body)}\n".encode() + body + b"\n"
        )
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(stream), check=True)
    git("reset", "-q", "--hard", "main", cwd=repo)


def test_markdown_fits_a_pull_request_comment(git_repo: Path) -> None:
    _fast_import(git_repo, 2000)
    proc = run_cli("report", "-f", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout) < render_md.LIMIT
    assert "report cut to fit a pull-request comment" in proc.stdout
    assert "**2000 commits**" in proc.stdout


def test_markdown_is_whole_when_it_fits() -> None:
    lines = list(render_md.render(_report_doc(), limit=render_md.LIMIT))
    assert not any("report cut" in ln for ln in lines)
    cut = list(render_md.render(_report_doc(), limit=400))
    assert "report cut" in cut[-1] and sum(len(ln) + 1 for ln in cut) < 400


def _report_doc() -> dict[str, Any]:
    from agentops_hooks.report.aggregate import Accumulator

    return Accumulator(()).document({"version": "0", "repository": "empty", "range": None})


def test_learnings_grep_finds_the_right_lines(git_repo: Path) -> None:
    c = build()
    proc = run_cli("learnings", "--grep", "EMPTY CASE")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{c['fix3'][:7]} 2024-01-16 human: check the empty case first {SCRIPT}\n"
    items = json.loads(run_cli("learnings", "-f", "json").stdout)["learnings"]
    assert [(i["sha"], i["verdict"], i["text"]) for i in items] == [
        (c["ai_ok"], "ai", "empty input is normal."),
        (c["fix3"], "human", f"check the empty case first {SCRIPT}"),
    ]
    assert run_cli("learnings", "--grep", "nowhere").stdout == ""


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:acme/widgets.git", "https://github.com/acme/widgets/commit/{sha}"),
        ("https://github.com/acme/widgets", "https://github.com/acme/widgets/commit/{sha}"),
        ("https://x-access-token:ghs_secret@github.com/acme/widgets.git", "https://github.com/acme/widgets/commit/{sha}"),
        ("ssh://git@gitlab.com/group/sub/proj.git", "https://gitlab.com/group/sub/proj/commit/{sha}"),
        ("git@gitlab.example.com:group/proj.git", "https://gitlab.example.com/group/proj/commit/{sha}"),
        ("/srv/git/repo.git", None),
        (None, None),
    ],
)
def test_commit_links_from_remote_urls(remote: str | None, expected: str | None) -> None:
    assert links.commit_url(remote) == expected


def test_progress_only_on_a_terminal(git_repo: Path) -> None:
    from agentops_hooks.report.scan import Progress

    class Stream:
        text = ""

        def write(self, s: str) -> None:
            self.text += s

        def flush(self) -> None:
            pass

    times = iter([0.0, 0.5, 2.0, 2.1, 3.0])
    stream = Stream()
    progress = Progress(stream, lambda: next(times))  # type: ignore[arg-type]
    for n in (50, 100, 150, 200):
        progress(n)
    progress.done()
    assert stream.text == "\ragentops report: 100 commits…\ragentops report: 200 commits…\r\033[K"


def _chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    flags = (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
    )
    return subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)")
def test_html_renders_in_a_headless_browser(git_repo: Path, tmp_path: Path) -> None:
    c = build()
    git("remote", "add", "origin", "git@github.com:acme/widgets.git")
    page = tmp_path / "report.html"
    proc = run_cli("report", "-f", "html", "--output", str(page))
    assert proc.returncode == 0, proc.stderr
    source = page.read_text()
    assert "<script" not in source and "http://" not in source.replace("http://www.w3.org", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source

    dom = _chromium("--dump-dom", page.as_uri(), tmp=tmp_path).stdout

    assert '<meta name="viewport"' in dom and "prefers-color-scheme:dark" in dom
    assert "<script" not in dom  # the commit's text stayed text
    svgs = re.findall(r"<svg\b.*?</svg>", dom, re.S)
    assert len(svgs) == 3 and all("<rect" in s for s in svgs)
    assert len(re.findall(r'class="week-bar', dom)) == 3
    assert len(re.findall(r'class="pass-point"', dom)) == 3
    assert len(re.findall(r'class="rule-bar', dom)) == 2 * 3
    assert len(re.findall(r'class="section-bar', dom)) == 4 * 3
    assert f'href="https://github.com/acme/widgets/commit/{c["ai_bad"]}"' in dom
    heights = [float(h) for h in re.findall(r'class="week-bar agent"[^>]*height="([\d.]+)"', dom)]
    assert heights[0] > heights[2] > 0 and heights[1] > 0

    shot = tmp_path / "report.png"
    proc2 = _chromium(f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri(), tmp=tmp_path)
    assert shot.exists() and shot.stat().st_size > 10_000, proc2.stderr
    if os.environ.get("AGENTOPS_SCREENSHOT"):  # regenerate docs/report-screenshot.png
        shutil.copy(shot, os.environ["AGENTOPS_SCREENSHOT"])
