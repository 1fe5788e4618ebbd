"""The HTML report puts failing rules first and labels every bar; `learnings -f markdown=DIR` writes notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.testing import CLAUDE, GOOD_SECTIONS, clean_env, commit, environment, git, run_cli


def _env(root: Path) -> dict[str, str]:
    return {**clean_env(), "XDG_CACHE_HOME": str(root.parent / "cache")}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A human start, an agent commit with sections and a learning, an agent `wip` without sections."""
    root = tmp_path_factory.mktemp("report") / "repo"
    root.mkdir()
    with environment(_env(root)):
        git("init", "-q", "-b", "main", cwd=root)
        shas = {"root": str(root)}
        shas["start"] = commit("feat: start the parser", ("src/app.py", "x = 1\n"), cwd=root)
        shas["learned"] = commit(
            f"fix(parser): accept empty files\n\n{GOOD_SECTIONS}\n{CLAUDE}\n",
            ("src/app.py", "x = 2\n"),
            ("src/parse.py", "y = 1\n"),
            cwd=root,
        )
        shas["wip"] = commit(f"wip\n\n{CLAUDE}\n", ("src/app.py", "x = 3\n"), cwd=root)
    return shas


def cli(repo: dict[str, str], *args: str) -> None:
    proc = run_cli(*args, cwd=repo["root"], env=_env(Path(repo["root"])))
    assert proc.returncode == 0, proc.stderr


def test_html_lists_failing_rules_first_and_labels_every_bar(repo: dict[str, str], tmp_path: Path) -> None:
    cli(repo, "report", "-q", "-f", f"html={tmp_path / 'r.html'}")
    html = (tmp_path / "r.html").read_text("utf-8")

    table = html[html.index("<h2>Rules: passed / checked</h2>") :]
    ids = re.findall(r"<tr><td>([a-z0-9-]+)</td>", table[: table.index("</table>")])
    # the three that failed lead ("wip" is also not a Conventional Commits subject)
    assert set(ids[:3]) == {"ai-context-sections", "vague-subject", "conventional-subject"}
    assert ids[3:] == sorted(ids[3:])  # the rest by id
    chart = html[html.index('<figure id="rules">') : html.index("</figure>", html.index('<figure id="rules">'))]
    assert re.findall(r"<text x=\"0\" [^>]*>([^<]+)</text>", chart)[:3] == ids[:3]
    assert chart.count("<rect ") == chart.count('<text class="bar-label"') == 2 * len(ids)
    assert '<text class="bar-label" x="294" y="10" text-anchor="end">agent</text>' in chart


def test_learnings_markdown_writes_one_note_per_learning_with_front_matter(
    repo: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "vault" / "learnings"

    cli(repo, "learnings", "-f", f"markdown={folder}", "-f", "text")

    notes = sorted(folder.iterdir())
    date = git("log", "-1", "--format=%cI", repo["learned"], cwd=repo["root"]).strip()
    assert [n.name for n in notes] == [f"{date[:10]}-{repo['learned'][:7]}-fix-parser-accept-empty-files.md"]
    assert notes[0].read_text("utf-8") == (
        "---\n"
        f'commit: "{repo["learned"]}"\n'
        f'date: "{date}"\n'
        'agent: "ai"\n'
        "files:\n"
        '  - "src/app.py"\n'
        '  - "src/parse.py"\n'
        "rule: null\n"
        "tags: [learning]\n"
        "---\n"
        "\n"
        "# fix(parser): accept empty files\n"
        "\n"
        "empty input is a normal input.\n"
    )


def test_writing_the_notes_again_gives_the_same_files(repo: dict[str, str], tmp_path: Path) -> None:
    cli(repo, "learnings", "-f", f"markdown={tmp_path}")
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    cli(repo, "learnings", "-f", f"markdown={tmp_path}")

    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first
