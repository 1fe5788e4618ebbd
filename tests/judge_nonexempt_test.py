"""No way around the judge, non-exemptible rules: no setting, attribute or class hides them, tried for real.

Every test is an attack that went through before (issue 19's list) and must now be refused with a
clear reason, beside the benign form that must still pass.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.attacks import CONFIG, KEY_LINE
from tests.testing import AWS_KEY, GOOD_SECTIONS, commit, git, run_cli, write

# --- non-exemptible means non-exemptible ----------------------------------------------------------


@pytest.mark.parametrize(
    "attributes",
    ["* -diff\n", "*.py binary\n", "*.py -text\n", "*.py diff=hide\n"],
)
def test_attributes_do_not_hide_a_staged_secret(git_repo: Path, attributes: str) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    git("config", "diff.hide.textconv", "true")  # a textconv driver that prints nothing
    write(".gitattributes", attributes)
    write("keys.py", KEY_LINE)
    git("add", ".gitattributes", "keys.py")

    proc = run_cli("staged")

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "aws-access-key-id" in proc.stdout


def test_info_attributes_do_not_hide_a_secret_in_range(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    commit("feat: keys", ("keys.py", KEY_LINE))
    info = Path(git("rev-parse", "--absolute-git-dir").strip()) / "info"
    write(info / "attributes", "* -diff\n")

    proc = run_cli("range", "HEAD~1..HEAD")

    assert proc.returncode == 1, proc.stdout
    assert "aws-access-key-id" in proc.stdout


def test_a_nul_byte_before_the_key_does_not_hide_it(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    Path("blob.py").write_bytes(b"\0\n" + KEY_LINE.encode())
    git("add", "blob.py")

    proc = run_cli("staged")

    assert proc.returncode == 1, proc.stdout
    assert "aws-access-key-id" in proc.stdout


def test_a_large_file_exempted_for_size_is_still_scanned(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    Path("big.txt").write_bytes(b"x" * (6 << 20) + b"\n" + KEY_LINE.encode())
    git("add", "big.txt")
    msg = write("msg", f"feat: data\n\n{GOOD_SECTIONS}\nAgentOps-Exempt: large-file: test data\n")

    proc = run_cli("commit-msg", str(msg))

    assert proc.returncode == 1, proc.stdout
    assert "aws-access-key-id" in proc.stdout


def test_a_secret_moved_out_of_an_excluded_path_is_judged(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + "exclude: ['fixtures/**']\n"))
    commit("test: fixture", ("fixtures/k.py", KEY_LINE))
    git("mv", "fixtures/k.py", "src_k.py")
    git("commit", "-q", "--no-verify", "-m", "refactor: move")

    proc = run_cli("range", "HEAD~1..HEAD")

    assert proc.returncode == 1, proc.stdout
    assert "aws-access-key-id" in proc.stdout


@pytest.mark.parametrize("ignore", ["ignore:\n  authors: ['*@example.com']\n", "ignore:\n  subjects: ['^feat']\n"])
def test_ignore_settings_do_not_waive_a_non_exemptible_finding(git_repo: Path, ignore: str) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + ignore))
    commit("feat: keys", ("keys.py", KEY_LINE))

    proc = run_cli("range", "HEAD~1..HEAD")

    assert proc.returncode == 1, proc.stdout
    assert "aws-access-key-id" in proc.stdout


# the helper's own cases for this section: benign forms beside each bypass, and the narrowing a team may choose

TODO_RULE = """rules:
  - id: no-todo
    kind: added-pattern
    description: No TODO markers.
    message: "TODO added in {path}"
    severity: error
    pattern: "TODO"
"""


def found(proc: subprocess.CompletedProcess[str]) -> set[tuple[str, str | None]]:
    doc = json.loads(proc.stdout)
    return {(f["rule_id"], f["path"]) for c in doc["commits"] for f in c["findings"] if not f["waived"]}


def test_exclude_keeps_exemptible_rules_off_but_not_secrets(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + TODO_RULE + "exclude: ['fixtures/**']\n"))
    write("fixtures/a.py", "# TODO: more cases\n" + KEY_LINE)
    write("src.py", "# TODO: later\n")
    git("add", "fixtures/a.py", "src.py")

    proc = run_cli("staged", "-f", "json")

    assert proc.returncode == 1, proc.stdout
    assert found(proc) == {("aws-access-key-id", "fixtures/a.py"), ("no-todo", "src.py")}


@pytest.mark.parametrize("move", ["mv", "cp"])
def test_a_secret_copied_out_of_a_rules_own_paths_is_judged(git_repo: Path, move: str) -> None:
    narrowed = "overrides:\n  aws-access-key-id: {paths: {exclude: ['fixtures/**']}}\n"
    commit("chore: config", (".agentops.yaml", CONFIG + narrowed))
    write("fixtures/k.py", KEY_LINE)
    git("add", "fixtures/k.py")
    assert run_cli("staged").returncode == 0  # the override, named in the reviewed config, holds
    git("commit", "-q", "--no-verify", "-m", "test: fixture")
    if move == "mv":
        git("mv", "fixtures/k.py", "k.py")
    else:
        write("k.py", KEY_LINE)
        git("add", "k.py")
    git("commit", "-q", "--no-verify", "-m", f"refactor: {move} the fixture")

    proc = run_cli("range", "HEAD~1..HEAD", "-f", "json")

    assert proc.returncode == 1, proc.stdout
    assert found(proc) == {("aws-access-key-id", "k.py")}
    assert AWS_KEY not in proc.stdout


def test_a_pure_move_inside_the_rules_view_is_no_new_finding(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + "exclude: ['fixtures/**']\n"))
    commit("docs: notes", ("notes/a.md", "# TODO: more\n"))
    git("mv", "notes/a.md", "notes/b.md")
    git("commit", "-q", "--no-verify", "-m", "docs: rename the notes")

    proc = run_cli("range", "HEAD~1..HEAD", "-f", "json")

    assert (proc.returncode, found(proc)) == (0, set()), proc.stdout


def test_ignore_settings_still_waive_exemptible_rules(git_repo: Path) -> None:
    ignore = "ignore:\n  authors: ['*@example.com']\n"
    commit("chore: config", (".agentops.yaml", CONFIG + TODO_RULE + ignore))
    commit("feat: later", ("src.py", "# TODO: later\n"))

    proc = run_cli("range", "HEAD~1..HEAD", "-f", "json")

    assert (proc.returncode, found(proc)) == (0, set()), proc.stdout


def test_an_ignore_file_line_does_not_waive_a_secret(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG + TODO_RULE))
    sha = commit("feat: keys", ("keys.py", "# TODO: rotate\n" + KEY_LINE))
    write(".agentops-ignore", f"{sha[:12]} aws-access-key-id a test key\n{sha[:12]} no-todo tracked elsewhere\n")

    proc = run_cli("range", "HEAD~1..HEAD", "-f", "json")

    assert proc.returncode == 1, proc.stdout
    assert found(proc) == {("aws-access-key-id", "keys.py")}  # the exemptible one is waived, the secret is not


def test_a_key_after_a_megabyte_line_of_nul_bytes_is_found(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    Path("blob.bin").write_bytes(b"\0" * (3 << 20) + b"x" + KEY_LINE.encode().rstrip(b"\n") + b"\0" * 10)
    git("add", "blob.bin")

    proc = run_cli("staged", "-f", "json")

    assert proc.returncode == 1, proc.stdout
    assert found(proc) == {("aws-access-key-id", "blob.bin")}
