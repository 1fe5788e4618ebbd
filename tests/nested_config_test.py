"""Nested `.agentops.yaml` files in a monorepo: each judges its folder's files, on top of the root's,
and none can weaken the secrets, the protected config or the commit-level rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing import CLAUDE, GOOD_SECTIONS, commit, git, run_cli, write

ROOT = """\
version: 1
extends: [builtin:core, builtin:secrets]
rules:
  - id: no-print
    kind: added-pattern
    description: No print calls.
    message: "print in {path}"
    severity: error
    pattern: '\\bprint\\('
"""
LEGACY = "packages/legacy/.agentops.yaml"


@pytest.fixture(scope="module")
def _cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _shared_cache(_cache: Path, git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(_cache))  # the packs are validated once for the module, not per test


def _monorepo(nested: str | None = None) -> None:
    files = [(".agentops.yaml", ROOT), ("packages/api/main.py", "x = 1\n"), ("packages/legacy/old.py", "x = 1\n")]
    if nested is not None:
        files.append((LEGACY, nested))
    commit("chore: start", *files)


def _staged(*files: tuple[str, str]) -> tuple[int, str]:
    for name, text in files:
        write(name, text)
        git("add", "--", name)
    proc = run_cli("staged")
    return proc.returncode, proc.stdout + proc.stderr


def test_a_nested_file_judges_only_its_folder(git_repo: Path) -> None:
    _monorepo("version: 1\noverrides:\n  no-print: {severity: warning}\n")

    code, out = _staged(("packages/legacy/a.py", "print(1)\n"), ("packages/api/b.py", "print(2)\n"), ("c.py", "print(3)\n"))

    assert [ln for ln in out.splitlines() if "no-print" in ln] == [
        "c.py:1: no-print print in c.py (error)",
        "packages/api/b.py:1: no-print print in packages/api/b.py (error)",
        "packages/legacy/a.py:1: no-print print in packages/legacy/a.py (warning)",
    ]
    assert code == 1


def test_nested_files_cascade_the_closest_has_the_last_word(git_repo: Path) -> None:
    _monorepo("version: 1\noverrides:\n  no-print: {severity: warning}\n")
    commit("chore: nested", ("packages/legacy/new/.agentops.yaml", "version: 1\n"),
           ("packages/legacy/kept/.agentops.yaml", "version: 1\ndisable: [no-print]\n"))

    _, out = _staged(("packages/legacy/new/a.py", "print(1)\n"), ("packages/legacy/kept/b.py", "print(2)\n"))

    # an empty file inherits its parent's override (ESLint's cascade, not ruff's nearest-file-resets)
    assert [ln for ln in out.splitlines() if "no-print" in ln] == [
        "packages/legacy/new/a.py:1: no-print print in packages/legacy/new/a.py (warning)"
    ]


def test_a_nested_file_cannot_turn_off_a_secret_rule(git_repo: Path) -> None:
    _monorepo("version: 1\ndisable: [aws-access-key-id]\n")

    code, out = _staged(("packages/legacy/a.py", "x = 1\n"))

    assert code == 3
    assert (f"{LEGACY}: disable: rule 'aws-access-key-id' is exemptible: false; a nested .agentops.yaml cannot change it"
            in out)


def test_a_nested_file_cannot_touch_the_protected_config_or_message_rules(git_repo: Path) -> None:
    _monorepo("version: 1\noverrides:\n  protect-agentops-config: {severity: warning}\n")
    code, out = _staged(("packages/legacy/a.py", "x = 1\n"))
    assert code == 3
    assert "rule 'protect-agentops-config' is exemptible: false" in out

    code, out = _staged((LEGACY, "version: 1\ndisable: [vague-subject]\n"))
    assert code == 3
    assert "rule 'vague-subject' is a 'message-format' rule, judged once per commit by the root .agentops.yaml" in out

    code, out = _staged((LEGACY, "version: 1\nexclude: ['**']\n"))
    assert code == 3
    assert f"{LEGACY}: 'exclude' belongs in the root .agentops.yaml" in out


def test_an_agent_adding_a_nested_file_needs_approval(git_repo: Path) -> None:
    _monorepo()
    write(LEGACY, "version: 1\ndisable: [no-print]\n")
    git("add", LEGACY)
    msg = write(git_repo.parent / "MSG", f"chore(legacy): relax the checks\n\n{GOOD_SECTIONS}\n{CLAUDE}\n")

    proc = run_cli("commit-msg", str(msg))

    assert proc.returncode == 1
    assert f"{LEGACY}: protect-agentops-config" in proc.stdout


def test_an_untracked_nested_file_has_no_effect(git_repo: Path) -> None:
    _monorepo()
    write(LEGACY, "version: 1\ndisable: [no-print]\n")  # dropped in the work tree, never added

    code, out = _staged(("packages/legacy/a.py", "print(1)\n"))

    assert "packages/legacy/a.py:1: no-print print in packages/legacy/a.py (error)" in out
    assert code == 1


def test_ci_reads_nested_files_from_the_base_revision(git_repo: Path) -> None:
    _monorepo("version: 1\n")
    git("checkout", "-q", "-b", "topic")
    commit("feat(legacy): print", (LEGACY, "version: 1\ndisable: [no-print]\n"), ("packages/legacy/a.py", "print(1)\n"))

    judged_by_base = run_cli("ci", "--base", "main")
    judged_by_head = run_cli("ci", "--base", "main", "--rules-from", "head")

    assert "packages/legacy/a.py:1: no-print print in packages/legacy/a.py (error)" in judged_by_base.stdout
    assert judged_by_base.returncode == 1
    assert "no-print" not in judged_by_head.stdout  # the PR's own nested file, only when asked for


def test_a_git_that_cannot_list_the_files_is_an_error_not_no_nested_configs(git_repo: Path) -> None:
    # an agent that breaks the index must not make the nested configs silently disappear
    commit("chore: base", ("a.py", "x = 1\n"))
    (git_repo / ".git" / "index").write_bytes(b"DIRC garbage, not an index")

    proc = run_cli("config", "show")

    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith("agentops-check: ") and "index" in proc.stderr, proc.stderr
