"""Commit messages as git records them: cleanup, scissors, trailers, sections; and through real commits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentops_hooks import message
from agentops_hooks.model import Message
from tests.testing import CLAUDE, GOOD_SECTIONS, commit, git, git_commit, install_hooks, write

SCISSORS_LINE = "# ------------------------ >8 ------------------------"

CLEANUP_CASES = [
    "subject  \n\n\n\nbody line   \n# a comment\n\n\n",
    "\n\n  \nsubject\t\n\nbody\n",
    "feat: x\n\n## Context\nthe why\n#not a heading\n## Solution\nthe how\n",
    f"subject\n\nbody\n{SCISSORS_LINE}\ndiff --git a/x b/x\n+Context: from the diff\n",
    "subject\n\n\n# only comments\n#\n",
]


def _recorded_by_git(text: str, mode: str, tmp_path: Path) -> str:
    """The message git records for `git commit --cleanup=MODE -F file` (read back from the commit object)."""
    msg = tmp_path / "git-msg"
    msg.write_bytes(text.encode())
    git(
        "commit",
        "-q",
        "--allow-empty",
        "--allow-empty-message",
        "--no-verify",
        "--no-gpg-sign",
        f"--cleanup={mode}",
        "-F",
        str(msg),
    )
    raw = git("cat-file", "commit", "HEAD")
    return raw.split("\n\n", 1)[1]


@pytest.mark.parametrize("mode", ["verbatim", "whitespace", "strip", "scissors"])
@pytest.mark.parametrize("text", CLEANUP_CASES)
def test_cleanup_matches_git(git_repo: Path, tmp_path: Path, mode: str, text: str) -> None:
    expected = _recorded_by_git(text, mode, tmp_path)

    assert message.cleanup(text, mode, "#", editing=False) == expected


SAVING_EDITOR = """\
import shutil, sys
shutil.copyfile(sys.argv[1], sys.argv[1] + ".seen")
"""


@pytest.mark.parametrize("mode", ["default", "verbatim", "whitespace", "strip", "scissors"])
@pytest.mark.parametrize("verbose", [False, True])
@pytest.mark.parametrize("text", CLEANUP_CASES[:3])
def test_cleanup_of_an_edited_message_matches_git(
    git_repo: Path, tmp_path: Path, mode: str, verbose: bool, text: str
) -> None:
    write("f.txt", "Context: a line of the diff\n")
    git("add", "f.txt")
    editor = write(tmp_path / "saving_editor.py", SAVING_EDITOR)
    msg = write(tmp_path / "typed", text)
    env = {**os.environ, "GIT_EDITOR": f'"{sys.executable}" "{editor}"'}
    git(
        "commit",
        "-q",
        "-e",
        "--allow-empty-message",
        "--no-verify",
        "--no-gpg-sign",
        f"--cleanup={mode}",
        *(["-v"] if verbose else []),
        "-F",
        str(msg),
        env=env,
    )
    seen = Path(git("rev-parse", "--absolute-git-dir").strip(), "COMMIT_EDITMSG.seen").read_text(encoding="utf-8")
    recorded = git("cat-file", "commit", "HEAD").split("\n\n", 1)[1]

    assert message.looks_edited(seen)
    assert message.cleanup(seen, mode, "#", editing=True) == recorded


def test_default_cleanup_depends_on_editing() -> None:
    text = "feat: x\n\n## Context\nthe why\n\n# Please enter the commit message\n#\n"

    assert message.cleanup(text, "default", "#", editing=False) == text
    assert message.cleanup(text, "default", "#", editing=True) == "feat: x\n\nthe why\n"


def test_editing_cuts_at_the_scissors_line() -> None:
    text = f"feat: x\n\nbody\n{SCISSORS_LINE}\n# Do not modify or remove the line above.\ndiff --git a/f b/f\n Context: kept text\n"

    assert message.cleanup(text, "default", "#", editing=True) == "feat: x\n\nbody\n"
    assert message.cleanup(text, "whitespace", "#", editing=True) == "feat: x\n\nbody\n"
    assert message.cleanup(text.replace("#", ";"), "default", ";", editing=True) == "feat: x\n\nbody\n"


def test_looks_edited() -> None:
    template = "\n# Please enter the commit message for your changes. Lines starting\n# with '#' will be ignored.\n#\n# On branch main\n"

    assert message.looks_edited("feat: x\n" + template)
    assert message.looks_edited(f"feat: x\n{SCISSORS_LINE}\ndiff\n")
    assert not message.looks_edited("feat: x\n\n## Context\nthe why\n## Solution\nthe how\n")
    assert not message.looks_edited("feat: x\n\n# one heading\n")
    assert message.looks_edited("feat: x\n" + template.replace("#", ";"), ";")


def test_guess_comment_char() -> None:
    assert message.guess_comment_char("feat: x\n\n; Please enter the commit message\n;\n") == ";"
    assert message.guess_comment_char("feat: x\n") == "#"


def test_parse_subject_and_body() -> None:
    m = message.parse("feat: add the parser\n\nfirst line\nsecond line\n")

    assert (m.subject, m.body) == ("feat: add the parser", "first line\nsecond line")
    assert message.parse("").subject == ""


TRAILER_CASES = [
    f"feat: x\n\nbody\n\nSigned-off-by: A U Thor <a@example.com>\n{CLAUDE}\n",
    "feat: x\n\nContext: the why\nSolution: the how\n",
    "feat: x\n\nsome text\nmore text\nReviewed-by: Rita <r@example.com>\n",
    "feat: x\n\ntext a\ntext b\ntext c\nSigned-off-by: A U Thor <a@example.com>\n",
    "feat: x\n\nbody\n\nKey: value\n  continued here\nOther: x\n",
    "Only a subject: with a colon\n",
    "feat: x\n\nbody\n\nfixes:#123\nKey : spaced\n",
    "feat: x\n\nbody\n\nSee also: the wiki\nSigned-off-by: A U Thor <a@example.com>\n",
    "feat: x\n\nbody\n\nCo-authored-by: A <a@example.com>\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\n",
    f"feat: x\n\nbody\n\nAgentOps-Exempt: ai-context-sections: a one-liner\n{CLAUDE}\n\n",
    "feat: x\n\nbody with no trailers\n",
]


@pytest.mark.parametrize("text", TRAILER_CASES)
def test_trailers_as_git_interpret_trailers_parses_them(git_repo: Path, text: str) -> None:
    out = subprocess.run(
        ("git", "interpret-trailers", "--parse"), input=text, capture_output=True, text=True, check=True
    ).stdout
    expected = [ln.rstrip() for ln in out.splitlines()]

    got = [f"{t.key}: {t.value}".rstrip() for t in message.parse(text).trailers]

    assert got == expected


def test_trailer_line_numbers() -> None:
    m = message.parse(f"feat: x\n\nbody\n\nSigned-off-by: A <a@example.com>\n{CLAUDE}\n")

    assert [(t.key, t.line) for t in m.trailers] == [("Signed-off-by", 5), ("Co-Authored-By", 6)]
    assert m.trailer_values("co-authored-by") == ("Claude <noreply@anthropic.com>",)


NAMES = ["Context", "Solution", "Learning", "Impact"]


@pytest.mark.parametrize(
    "body",
    [
        "Context: the why\nSolution: the how\nLearning: the lesson\nImpact: the effect\n",
        "**Context:** the why\n**Solution:** the how\n**Learning:** the lesson\n**Impact:** the effect\n",
        "**Context**: the why\n**Solution**: the how\n**Learning**: the lesson\n**Impact**: the effect\n",
        "## Context\nthe why\n\n## Solution\nthe how\n\n## Learning\nthe lesson\n\n## Impact\nthe effect\n",
        "context: the why\nSOLUTION: the how\nLearning:   the lesson\nImpact:\tthe effect\n",
    ],
)
def test_sections_in_every_accepted_form(body: str) -> None:
    found = message.sections(message.parse(f"feat: x\n\n{body}"), NAMES)

    assert {k: v[1] for k, v in found.items()} == {
        "context": "the why",
        "solution": "the how",
        "learning": "the lesson",
        "impact": "the effect",
    }


def test_section_lines_and_multi_line_content() -> None:
    text = f"feat: x\n\nContext:\n  the parser crashed\n  on empty files\n\n## Impact\nno crash\n\n{CLAUDE}\n"
    found = message.sections(message.parse(text), NAMES)

    assert found == {"context": (3, "the parser crashed\n  on empty files"), "impact": (7, "no crash")}


def test_a_trailer_ends_the_section_before_it() -> None:
    text = f"feat: x\n\nContext: the why\n{CLAUDE}\n"
    found = message.sections(message.parse(text), NAMES)

    assert found == {"context": (3, "the why")}


def test_words_that_merely_start_like_a_section_do_not_count() -> None:
    text = "feat: x\n\nContextual menus now open faster.\nThe Solution was simple.\n"

    assert message.sections(message.parse(text), NAMES) == {}


def test_subject_is_never_a_section() -> None:
    assert message.sections(Message("Context: x\n", "Context: x", ""), NAMES) == {}


# --- end to end: real commits through the real hooks ---

HEADINGS = "## Context\nthe parser crashed on empty files\n\n## Solution\nreturn early\n\n## Learning\nempty input is normal\n\n## Impact\nno crash\n"

EDITOR = """\
import os, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    template = f.read()
with open(os.environ["TEST_EDITOR_TEXT"], encoding="utf-8") as f:
    text = f.read()
with open(path, "w", encoding="utf-8") as f:
    f.write(text + template)  # as a user would: type above git's comment lines, keep them
"""


@pytest.fixture
def hooked_repo(git_repo: Path) -> Path:
    commit("feat: start", ("parser.py", "def parse(text):\n    return text.split()\n"))
    install_hooks()
    write("parser.py", "def parse(text):\n    if not text:\n        return []\n    return text.split()\n")
    git("add", "parser.py")
    return git_repo


def _editor_env(tmp_path: Path, text: str) -> dict[str, str]:
    script = write(tmp_path / "editor.py", EDITOR)
    typed = write(tmp_path / "typed.txt", text)
    return {**os.environ, "GIT_EDITOR": f'"{sys.executable}" "{script}"', "TEST_EDITOR_TEXT": str(typed)}


def test_m_message_keeps_markdown_headings(hooked_repo: Path) -> None:
    text = f"fix(parser): accept empty files\n\n{HEADINGS}\n{CLAUDE}\n"

    proc = git_commit("-m", text)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "## Context" in git("log", "-1", "--format=%B")


def test_m_message_under_cleanup_strip_loses_its_headings(hooked_repo: Path) -> None:
    # a hook cannot see `--cleanup=` on git's command line, only the configured mode
    git("config", "commit.cleanup", "strip")
    proc = git_commit("-m", f"fix(parser): accept empty files\n\n{HEADINGS}\n{CLAUDE}\n")

    assert proc.returncode != 0
    assert "ai-context-sections missing the 'Context:' section" in proc.stdout + proc.stderr


def test_editor_commit_drops_comment_lines(hooked_repo: Path, tmp_path: Path) -> None:
    env = _editor_env(tmp_path, f"fix(parser): accept empty files\n\n{HEADINGS}\n{CLAUDE}\n")

    proc = git_commit(env=env)

    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    for name in NAMES:
        assert f"ai-context-sections missing the '{name}:' section" in out
    assert git("log", "-1", "--format=%s") == "feat: start\n"


def test_editor_commit_with_key_form_passes(hooked_repo: Path, tmp_path: Path) -> None:
    env = _editor_env(tmp_path, f"fix(parser): accept empty files\n\n{GOOD_SECTIONS}\n{CLAUDE}\n")

    proc = git_commit(env=env)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert git("log", "-1", "--format=%s") == "fix(parser): accept empty files\n"


def test_verbose_editor_commit_ignores_the_diff_below_the_scissors(git_repo: Path, tmp_path: Path) -> None:
    commit("docs: notes", ("notes.txt", "Context: one\nSolution: two\nLearning: three\nImpact: four\nx = 1\n"))
    install_hooks()
    write("notes.txt", "Context: one\nSolution: two\nLearning: three\nImpact: four\nx = 2\n")
    git("add", "notes.txt")
    env = _editor_env(tmp_path, f"fix: bump x in the notes\n\n{CLAUDE}\n")

    proc = git_commit("-v", env=env)

    assert proc.returncode != 0
    assert "ai-context-sections missing the 'Context:' section" in proc.stdout + proc.stderr
