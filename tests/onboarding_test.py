"""init, the prepare-commit-msg gate under --no-verify, and the template for editor commits."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.testing import CLAUDE, GOOD_SECTIONS, ROOT, clean_env, git, run_cli, write

BAD_AGENT = f"fix: handle empty input in the parser\n\n{CLAUDE}\n"
COMMENTED = """\
# Team hooks: keep this comment
minimum_pre_commit_version: "3.2.0"  # pinned
default_install_hook_types: [pre-commit]  # local checks

repos:
  # formatting first
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.6.0  # keep in step with CI
    hooks:
      - id: ruff
  # end of repos
# the end
"""


def _prepare_hook() -> None:
    hooks = Path(git("rev-parse", "--git-path", "hooks").strip())
    for name in ("prepare-commit-msg", "commit-msg"):
        path = hooks / name
        path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m agentops_hooks {name} "$@"\n')
        path.chmod(0o755)


def test_no_verify_commit_is_still_refused_by_prepare_commit_msg(git_repo: Path) -> None:
    _prepare_hook()
    write("parser.py", "def parse(t):\n    return t.split()\n")
    git("add", "parser.py")

    proc = subprocess.run(["git", "commit", "--no-verify", "-m", BAD_AGENT], capture_output=True, text=True)

    assert proc.returncode != 0
    assert "ai-context-sections missing the 'Context:' section (error)" in proc.stdout + proc.stderr
    assert "commit refused by prepare-commit-msg, which runs even under --no-verify" in proc.stdout + proc.stderr
    assert git("rev-list", "--all").strip() == ""  # nothing was committed

    good = BAD_AGENT.replace(CLAUDE, GOOD_SECTIONS + "\n" + CLAUDE)
    proc = subprocess.run(["git", "commit", "--no-verify", "-m", good], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_message_checked_once_when_both_hooks_run(git_repo: Path) -> None:
    _prepare_hook()
    write("a.py", "x = 1\n")
    git("add", "a.py")
    proc = subprocess.run(["git", "commit", "-m", "wip"], capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert out.count("vague-subject") == 1  # prepare-commit-msg refused it; commit-msg never ran twice


def test_editor_commit_gets_the_template(git_repo: Path, tmp_path: Path) -> None:
    _prepare_hook()
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.sh"
    # the "editor" keeps a copy of what it was given, then writes a real message above git's comments
    editor.write_text(f'#!/bin/sh\ncp "$1" "{seen}"\nprintf "feat: add a\\n\\n" | cat - "{seen}" > "$1"\n')
    editor.chmod(0o755)
    write("a.py", "x = 1\n")
    git("add", "a.py")

    proc = subprocess.run(
        ["git", "commit"], capture_output=True, text=True, env={**os.environ, "GIT_EDITOR": str(editor)}
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    given = seen.read_text()
    assert "# Context: why the change was needed" in given
    assert "# Learning: what the next person or agent should know" in given
    assert git("log", "-1", "--format=%B").strip() == "feat: add a"  # the commented template is gone


def test_amend_gets_no_template(git_repo: Path, tmp_path: Path) -> None:
    _prepare_hook()
    write("a.py", "x = 1\n")
    git("add", "a.py")
    git("commit", "-q", "--no-verify", "-m", "feat: add a")
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" "{seen}"\n')
    editor.chmod(0o755)
    subprocess.run(
        ["git", "commit", "--amend"], capture_output=True, text=True, env={**os.environ, "GIT_EDITOR": str(editor)}
    )
    assert "agentops: say why" not in seen.read_text()


def test_init_in_an_empty_repository(git_repo: Path) -> None:
    proc = run_cli("init")
    assert proc.returncode == 0, proc.stderr
    assert (
        "pre-commit install --hook-type prepare-commit-msg --hook-type pre-push" in proc.stdout
    )
    config = (git_repo / ".agentops.yaml").read_text()
    assert config.startswith("# yaml-language-server: $schema=")
    assert "extends: [builtin:core, builtin:secrets]" in config
    hooks = (git_repo / ".pre-commit-config.yaml").read_text()
    assert "default_install_hook_types: [prepare-commit-msg, pre-push]" in hooks
    for hook in ("agentops-staged", "agentops-prepare-commit-msg", "agentops-commit-msg", "agentops-pre-push"):
        assert f"- id: {hook}" in hooks
    assert run_cli("rules", "validate").returncode == 0


def test_init_keeps_every_comment_and_is_idempotent(git_repo: Path) -> None:
    write(".pre-commit-config.yaml", COMMENTED)
    assert run_cli("init").returncode == 0
    after = (git_repo / ".pre-commit-config.yaml").read_text()
    for line in COMMENTED.splitlines():
        if line.startswith("default_install_hook_types"):
            assert (
                after.count(
                    "default_install_hook_types: [pre-commit, prepare-commit-msg, pre-push]  # local checks"
                )
                == 1
            )
        else:
            assert line in after.splitlines(), line
    assert after.index("- id: ruff") < after.index("agentops-hooks") < after.index("# the end")

    assert run_cli("init").returncode == 0
    assert (git_repo / ".pre-commit-config.yaml").read_text() == after
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_init_keeps_the_comment_on_an_empty_repos_line(git_repo: Path) -> None:
    write(".pre-commit-config.yaml", "repos: []  # none yet\n")
    assert run_cli("init").returncode == 0
    text = (git_repo / ".pre-commit-config.yaml").read_text()
    assert "repos:  # none yet\n  - repo: https://github.com/agentops-hooks/agentops-hooks" in text


def test_init_dry_run_writes_nothing_and_outside_a_repository_refuses(git_repo: Path, tmp_path: Path) -> None:
    proc = run_cli("init", "--dry-run", "--agent", "cursor")
    assert proc.returncode == 0
    assert "+++ b/.cursor/hooks.json" in proc.stdout and "-m agentops_hooks agent-hook --runtime cursor" in proc.stdout
    assert not (git_repo / ".agentops.yaml").exists() and not (git_repo / ".cursor").exists()
    outside = tmp_path / "plain"
    outside.mkdir()
    proc = run_cli("init", cwd=outside)
    assert proc.returncode == 3
    assert "not a git repository" in proc.stderr and "Traceback" not in proc.stderr


def test_init_then_install_refuses_a_bad_agent_commit(git_repo: Path, pre_commit_home: Path) -> None:
    rev = git("rev-parse", "HEAD", cwd=ROOT).strip()
    assert run_cli("init", "--repo", str(ROOT), "--rev", rev).returncode == 0
    env = {**clean_env(), "PRE_COMMIT_HOME": str(pre_commit_home)}
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "install",
            "--hook-type",
            "pre-commit",
            "--hook-type",
            "commit-msg",
            "--hook-type",
            "prepare-commit-msg",
            "--hook-type",
            "pre-push",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    write("parser.py", "def parse(t):\n    return t.split()\n")
    git("add", "-A")
    proc = subprocess.run(["git", "commit", "-m", BAD_AGENT], capture_output=True, text=True, env=env)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "ai-context-sections" in proc.stdout + proc.stderr
    proc = subprocess.run(["git", "commit", "--no-verify", "-m", BAD_AGENT], capture_output=True, text=True, env=env)
    assert proc.returncode != 0, proc.stdout + proc.stderr


def test_agent_settings_are_merged_not_replaced(git_repo: Path) -> None:
    write(".claude/settings.json", '{"permissions": {"allow": ["Bash(ls)"]}}\n')
    assert run_cli("init", "--agent", "claude").returncode == 0
    text = (git_repo / ".claude/settings.json").read_text()
    assert '"Bash(ls)"' in text and "-m agentops_hooks agent-hook --runtime claude" in text
    assert run_cli("init", "--agent", "claude").returncode == 0
    assert (git_repo / ".claude/settings.json").read_text().count("agent-hook --runtime claude") == 1


def test_init_upgrades_a_hook_that_needed_path(git_repo: Path) -> None:
    old = {"type": "command", "command": "agentops-check agent-hook --runtime claude", "timeout": 30}
    write(".claude/settings.json", json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [old]}]}}))

    assert run_cli("init", "--agent", "claude").returncode == 0

    text = (git_repo / ".claude/settings.json").read_text()
    assert "agentops-check agent-hook" not in text and text.count("agent-hook --runtime claude") == 1
    command = json.loads(text)["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    assert command.startswith(shlex.quote(sys.executable) + " -P -m agentops_hooks agent-hook --runtime claude;")


def test_stamp_trailer_in_an_agent_shell(git_repo: Path) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:core]\nagents: {stamp-trailer: true}\n")
    git("add", ".agentops.yaml")
    git("commit", "-q", "--no-verify", "-m", "chore: configure agentops")  # a person sets it up
    _prepare_hook()
    write("parser.py", "def parse(t):\n    return t.split()\n")
    git("add", "-A")
    message = "feat: add the parser\n\n" + GOOD_SECTIONS
    agent = {**os.environ, "CLAUDE_CODE_CHILD_SESSION": "1"}
    proc = subprocess.run(["git", "commit", "-q", "-m", message], capture_output=True, text=True, env=agent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Assisted-by: claude-code" in git("log", "-1", "--format=%B")

    write("b.py", "x = 1\n")
    git("add", "b.py")
    proc = subprocess.run(
        ["git", "commit", "-q", "-m", message.replace("parser", "b module")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Assisted-by" not in git("log", "-1", "--format=%B")  # a person's shell: nothing stamped


def test_init_appends_to_a_flow_repos_list(git_repo: Path) -> None:
    before = "repos: [{repo: local, hooks: [{id: lint, name: lint, entry: 'true', language: system}]}]  # ours\n"
    write(".pre-commit-config.yaml", before)
    assert run_cli("init", "--rev", "v1").returncode == 0
    after = (git_repo / ".pre-commit-config.yaml").read_text()
    assert after == (
        "default_install_hook_types: [pre-commit, prepare-commit-msg, pre-push]\n"
        "repos: [{repo: local, hooks: [{id: lint, name: lint, entry: 'true', language: system}]}, "
        "{repo: https://github.com/agentops-hooks/agentops-hooks, rev: v1, hooks: [{id: agentops-staged}, "
        "{id: agentops-prepare-commit-msg}, {id: agentops-commit-msg}, {id: agentops-pre-push}]}]  # ours\n"
    )
    assert run_cli("init", "--rev", "v1").returncode == 0
    assert (git_repo / ".pre-commit-config.yaml").read_text() == after


def test_init_installs_the_guard_and_uninstall_removes_it(git_repo: Path) -> None:
    git("commit", "-q", "--allow-empty", "--no-verify", "-m", "chore: start")
    hook = git_repo / ".git" / "hooks" / "reference-transaction"

    first = run_cli("init")
    agent = {**os.environ, "CLAUDECODE": "1"}
    refused = subprocess.run(["git", "commit", "-q", "--no-verify", "--allow-empty", "-m", "wip"], capture_output=True, text=True, env=agent)
    again = run_cli("init")
    removed = run_cli("uninstall")

    assert first.returncode == 0 and "installed the reference-transaction guard" in first.stdout
    assert refused.returncode != 0 and "reference-transaction guard" in refused.stderr
    assert "installed already" in again.stdout
    assert removed.returncode == 0 and "removed the reference-transaction guard" in removed.stdout
    assert "pre-commit uninstall --hook-type prepare-commit-msg" in removed.stdout
    assert not hook.exists()
