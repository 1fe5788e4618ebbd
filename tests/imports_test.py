"""The hook paths import none of the heavy modules they must not (what makes them fast)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing import CLAUDE, GOOD_SECTIONS, clean_env, commit, git, write

# dataclasses brings inspect, ast, dis and tokenize and compiles seven methods per class (values.frozen
# instead); pathlib brings urllib.parse and ipaddress (os.path instead); datetime for a date (time instead);
# tempfile for git's stderr (plumbing.unnamed_file instead); fastyaml when no YAML is read (prebuilt packs, cache)
FORBIDDEN = (
    *("click", "git", "jsonschema", "ruamel", "pathspec", "xml", "urllib", "hashlib"),
    *("dataclasses", "inspect", "pathlib", "datetime"),
    *("tempfile", "shutil", "agentops_hooks.fastyaml"),  # tempfile brings shutil, bz2, lzma, random; YAML: prebuilt packs
)
PROBE = (
    "import json, sys\n"
    "from agentops_hooks.entry import main\n"
    "code = main(sys.argv[1:])\n"
    "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
)


def _modules(args: list[str], cwd: Path, stdin: str | None = None) -> set[str]:
    env = {**clean_env(), "XDG_CACHE_HOME": str(cwd.parent / "cache")}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True
    )
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def _leaks(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))


@pytest.fixture
def staged_repo(git_repo: Path) -> Path:
    write("app.py", "def run():\n    return 1\n")
    git("add", "app.py")
    (git_repo / "MSG").write_text(f"feat: add run\n\n{GOOD_SECTIONS}\n{CLAUDE}\n")
    _modules(["commit-msg", "MSG"], git_repo)  # warm the rule cache, as every commit after the first
    return git_repo


@pytest.mark.parametrize(
    "args",
    [["commit-msg", "MSG"], ["staged", "--hook"], ["prepare-commit-msg", "MSG", "message"]],
    ids=["commit-msg", "staged", "prepare-commit-msg"],
)
def test_hook_paths_import_nothing_heavy(staged_repo: Path, args: list[str]) -> None:
    modules = _modules(args, staged_repo)
    assert "agentops_hooks.hooks" in modules  # the probe really ran the hook
    assert _leaks(modules) == []


def test_agent_hook_imports_nothing_heavy(staged_repo: Path) -> None:
    event = json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "git status"}})
    modules = _modules(["agent-hook"], staged_repo, stdin=event)
    assert "agentops_hooks.commands.bypass" in modules
    assert _leaks(modules) == []
    assert "agentops_hooks.config" not in modules  # deciding a command needs no rules


def test_the_full_cli_is_still_there(staged_repo: Path) -> None:
    assert "click" in _modules(["rules", "list"], staged_repo)


def test_ci_reads_the_base_revision_without_gitpython(git_repo: Path) -> None:
    """The base's config, ignore and baseline files come through git plumbing (GitPython's import cost ci 0.13 s)."""
    base = commit("chore: the rules\n", (".agentops.yaml", "version: 1\nextends: [builtin:core]\n"), (".agentops-ignore", "# none\n"))
    commit(f"feat: add run\n\n{GOOD_SECTIONS}\n{CLAUDE}\n", ("app.py", "def run():\n    return 1\n"))

    modules = _modules(["ci", "--base", base], git_repo)

    assert {"agentops_hooks.commands.ci", "agentops_hooks.configfiles", "agentops_hooks.baseline"} <= modules
    assert [m for m in modules if m == "git" or m.startswith("git.")] == []
