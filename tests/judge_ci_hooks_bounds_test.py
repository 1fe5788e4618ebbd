"""No way around the judge: CI reads only the base, every final message is judged, hostile input is bounded.

Every test is an attack that went through before (issue 19's list) and must now be refused with a
clear reason, beside the benign form that must still pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.attacks import AGENT_BAD, CONFIG
from tests.ci_test import github_env
from tests.testing import GOOD_SECTIONS, commit, git, run_cli, write

# --- CI reads only the base's git objects ---------------------------------------------------------


@pytest.fixture
def base(git_repo: Path) -> str:
    sha = commit("chore: agentops config", (".agentops.yaml", CONFIG))
    git("checkout", "-q", "-b", "feat/x")
    return sha


def test_a_pr_that_makes_the_config_a_dangling_symlink_is_judged_by_the_base(base: str, tmp_path: Path) -> None:
    os.remove(".agentops.yaml")
    os.symlink("nowhere.yaml", ".agentops.yaml")
    git("add", ".agentops.yaml")
    git("commit", "-q", "--no-verify", "-m", AGENT_BAD)
    head = git("rev-parse", "HEAD").strip()

    proc = run_cli("ci", env=github_env(tmp_path, base, head))

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ai-context-sections" in proc.stdout


def test_a_pr_ignore_file_pointing_at_the_environment_waives_nothing(base: str, tmp_path: Path) -> None:
    bad = commit(AGENT_BAD, ("a.py", "x = 1\n"))
    os.symlink("/proc/self/environ", ".agentops-ignore")
    git("add", ".agentops-ignore")
    git("commit", "-q", "--no-verify", "-m", f"chore: ignore {bad}")
    head = git("rev-parse", "HEAD").strip()
    env = github_env(tmp_path, base, head, AGENTOPS_CANARY=f"{bad} ai-context-sections canary")

    proc = run_cli("ci", env=env)

    assert proc.returncode == 1, proc.stdout
    assert "canary" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("kind", ["symlink", "tree"])
def test_a_base_whose_config_is_not_a_file_cannot_run(git_repo: Path, tmp_path: Path, kind: str) -> None:
    if kind == "symlink":
        write("real.yaml", CONFIG)
        os.symlink("real.yaml", ".agentops.yaml")
    else:
        write(".agentops.yaml/x", "y\n")
    git("add", "-A")
    git("commit", "-q", "--no-verify", "-m", "chore: config")
    base_sha = git("rev-parse", "HEAD").strip()
    head = commit(AGENT_BAD, ("a.py", "x = 1\n"))

    proc = run_cli("ci", env=github_env(tmp_path, base_sha, head))

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert ".agentops.yaml" in proc.stderr and ("symlink" in proc.stderr or "not a file" in proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_local_config_symlink_cannot_run(git_repo: Path, tmp_path: Path) -> None:
    write(tmp_path / "outside.yaml", "version: 1\nextends: []\n")
    os.symlink(tmp_path / "outside.yaml", ".agentops.yaml")
    msg = write(tmp_path / "msg", AGENT_BAD)

    proc = run_cli("commit-msg", str(msg))

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "symlink" in proc.stderr


def _base_with(*setup: tuple[str, str]) -> str:
    """A base commit made of the config plus links or gitlinks (`kind`, `path`), the agent's PR on top."""
    write(".agentops.yaml", CONFIG.replace("builtin:secrets]", "builtin:secrets, team/rules.yaml]"))
    write("team/real.yaml", "version: 1\n")
    git("add", "-A")
    for kind, path in setup:
        if kind == "symlink":
            os.symlink("real.yaml" if path.startswith("team/") else "team/real.yaml", path)
            git("add", path)
        else:  # a gitlink: a submodule's commit recorded at the path
            sha = git("rev-parse", "HEAD").strip() if git("rev-parse", "-q", "--verify", "HEAD", check=False) else ""
            sha = sha or commit("chore: seed", ("seed", "s\n"))
            git("update-index", "--add", "--cacheinfo", f"160000,{sha},{path}")
    git("commit", "-q", "--no-verify", "-m", "chore: config")
    return git("rev-parse", "HEAD").strip()


@pytest.mark.parametrize(
    ("setup", "named"),
    [
        ((("symlink", "team/rules.yaml"),), "team/rules.yaml in the base revision"),
        ((("gitlink", "team/rules.yaml"),), "a submodule (git mode 160000)"),
        ((("symlink", ".agentops-ignore"),), ".agentops-ignore in the base revision"),
        ((("gitlink", ".agentops-ignore"),), ".agentops-ignore in the base revision"),
    ],
)
def test_a_base_rule_or_ignore_file_that_is_not_a_file_cannot_run(
    git_repo: Path, tmp_path: Path, setup: tuple[tuple[str, str], ...], named: str
) -> None:
    if setup[0][1] != "team/rules.yaml":
        write("team/rules.yaml", "version: 1\n")
    base_sha = _base_with(*setup)
    head = commit(AGENT_BAD, ("a.py", "x = 1\n"))

    proc = run_cli("ci", env=github_env(tmp_path, base_sha, head))

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert named in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_ci_never_reads_the_work_tree_for_the_base_rules(base: str, tmp_path: Path) -> None:
    """The checkout is the PR's: its files (even one the base config names) are not what judges it."""
    head = commit(AGENT_BAD, ("a.py", "x = 1\n"))
    write(".agentops.yaml", "version: 1\nextends: []\n")  # the work tree says: no rules at all

    proc = run_cli("ci", env=github_env(tmp_path, base, head))

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ai-context-sections" in proc.stdout


@pytest.mark.parametrize("name", [".agentops.yaml", ".agentops-ignore"])
def test_a_local_dangling_symlink_is_not_the_defaults(git_repo: Path, tmp_path: Path, name: str) -> None:
    if name != ".agentops.yaml":
        write(".agentops.yaml", CONFIG)
    os.symlink("nowhere", name)
    msg = write(tmp_path / "msg", AGENT_BAD)

    proc = run_cli("commit-msg", str(msg))

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"agentops-check: {name}: a symlink;")


def test_a_local_ignore_file_symlink_to_the_environment_waives_nothing(git_repo: Path, tmp_path: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    bad = commit(AGENT_BAD, ("a.py", "x = 1\n"))
    os.symlink("/proc/self/environ", ".agentops-ignore")

    proc = run_cli("range", "HEAD~1..HEAD", env={**os.environ, "CANARY": f"{bad} ai-context-sections x"})

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "CANARY" not in proc.stdout + proc.stderr and ".agentops-ignore: a symlink" in proc.stderr


def test_a_shallow_range_is_exit_3_with_the_fetch_to_run(git_repo: Path, tmp_path: Path) -> None:
    base_sha = commit("chore: config", (".agentops.yaml", CONFIG))
    for i in range(3):
        commit(AGENT_BAD, (f"f{i}.py", "x = 1\n"))
    head = git("rev-parse", "HEAD").strip()
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth=1", f"file://{git_repo}", str(clone))
    git("fetch", "-q", "--depth=1", "origin", base_sha, cwd=clone)

    proc = run_cli("ci", env=github_env(tmp_path, base_sha, head), cwd=clone)

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert f"cuts the range {base_sha}..{head} at {head[:12]}" in proc.stderr
    assert "run `git fetch --unshallow origin`" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_shallow_clone_that_holds_the_whole_range_is_judged(git_repo: Path, tmp_path: Path) -> None:
    base_sha = commit("chore: config", (".agentops.yaml", CONFIG))
    shas = [commit(AGENT_BAD, (f"f{i}.py", "x = 1\n")) for i in range(3)]
    head = shas[-1]
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth=4", f"file://{git_repo}", str(clone))  # the base is the boundary: outside the range

    proc = run_cli("ci", env=github_env(tmp_path, base_sha, head), cwd=clone)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert all(f"agentops: commit {sha[:7]} 'fix(parser): strip input'" in proc.stdout for sha in shas)


# --- prepare-commit-msg judges every final message --------------------------------------------------


def hooked_repo(git_repo: Path) -> dict[str, str]:
    """Our prepare-commit-msg hook installed; this shell an agent's; HEAD's message one no rule accepts."""
    commit("chore: config", (".agentops.yaml", CONFIG))
    commit("wip", ("w.txt", "w\n"))  # what -C HEAD and --amend --no-edit reuse
    hooks = Path(git("rev-parse", "--absolute-git-dir").strip()) / "hooks"
    script = hooks / "prepare-commit-msg"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m agentops_hooks prepare-commit-msg "$@"\n')
    script.chmod(0o755)
    return {**os.environ, "CLAUDECODE": "1"}


@pytest.mark.parametrize(
    "argv",
    [
        ["-m", "wip"],
        ["-m", "wip", "-m", "# a"],
        ["-C", "HEAD"],
        ["--amend", "--no-edit"],
        ["-F", "msg.txt"],
    ],
)
def test_no_verify_commits_with_a_final_message_are_judged(git_repo: Path, argv: list[str]) -> None:
    env = hooked_repo(git_repo)
    write("msg.txt", "wip\n")
    write("a.py", "x = 1\n")
    git("add", "a.py")

    proc = subprocess.run(["git", "commit", "--no-verify", *argv], capture_output=True, text=True, env=env)

    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "refused" in proc.stderr + proc.stdout


def test_a_planted_commit_source_file_does_not_skip_the_check(git_repo: Path, tmp_path: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    msg = write(tmp_path / "COMMIT_EDITMSG", AGENT_BAD)
    state = Path(git("rev-parse", "--absolute-git-dir").strip()) / "agentops"
    state.mkdir(exist_ok=True)
    from agentops_hooks import sources

    digest = sources.digest(str(msg))
    (state / "commit-source.json").write_text(json.dumps({"source": "message", "checked": digest}))

    proc = run_cli("commit-msg", str(msg))

    assert proc.returncode == 1, proc.stdout


EDITOR_FORMS = [  # (git commit arguments, whether git runs an editor), on git 2.39
    (["-m", "a"], False),
    (["-m", "a", "-m", "# b"], False),
    (["-F", "msg.txt"], False),
    (["-C", "HEAD"], False),
    (["--amend", "--no-edit"], False),
    (["-c", "HEAD", "--no-edit"], False),
    (["--fixup", "HEAD"], False),
    (["-c", "HEAD"], True),
    (["-m", "a", "-e"], True),
    ([], True),
    (["--amend"], True),
]


def test_git_sets_git_editor_to_colon_exactly_when_no_editor_runs(git_repo: Path, tmp_path: Path) -> None:
    """The signal prepare-commit-msg trusts, checked on the git that runs these tests."""
    commit("feat: seed", ("seed", "s\n"))
    hooks = Path(git("rev-parse", "--absolute-git-dir").strip()) / "hooks"
    log = tmp_path / "seen"
    for name in ("prepare-commit-msg", "commit-msg"):
        (hooks / name).write_text(f'#!/bin/sh\necho "{name} ${{GIT_EDITOR-unset}} ${{GIT_INDEX_FILE:+index}}" >> "{log}"\n')
        (hooks / name).chmod(0o755)
    editor = write(tmp_path / "editor.sh", '#!/bin/sh\necho "feat: edited" > "$1"\n')
    editor.chmod(0o755)
    write("msg.txt", "feat: from a file\n")
    env = {**os.environ, "GIT_EDITOR": str(editor)}
    for i, (argv, edits) in enumerate(EDITOR_FORMS):
        write("f.txt", f"{i}\n")
        git("add", "f.txt")
        log.write_text("")
        subprocess.run(["git", "commit", "-q", *argv], check=True, env=env, capture_output=True)
        seen = log.read_text().splitlines()
        expected = str(editor) if edits else ":"
        assert seen == [f"prepare-commit-msg {expected} index", f"commit-msg {expected} index"], argv


def test_an_agents_final_message_that_says_why_passes_prepare_commit_msg(git_repo: Path) -> None:
    env = hooked_repo(git_repo)
    write("a.py", "x = 1\n")
    git("add", "a.py")
    good = f"feat(parser): add the parser\n\n{GOOD_SECTIONS}"

    made = subprocess.run(["git", "commit", "--no-verify", "-m", good], capture_output=True, text=True, env=env)
    again = subprocess.run(["git", "commit", "--no-verify", "--amend", "--no-edit"], capture_output=True, text=True, env=env)

    assert made.returncode == 0, made.stdout + made.stderr
    assert again.returncode == 0, again.stdout + again.stderr


def test_an_editor_commit_gets_the_template_and_is_not_judged_before_the_editor(git_repo: Path, tmp_path: Path) -> None:
    env = hooked_repo(git_repo)
    editor = write(tmp_path / "editor.sh", f'#!/bin/sh\ncp "$1" "{tmp_path}/seen"\nprintf "%s" "$MSG" > "$1"\n')
    editor.chmod(0o755)
    write("a.py", "x = 1\n")
    git("add", "a.py")
    good = f"feat(parser): add the parser\n\n{GOOD_SECTIONS}"

    proc = subprocess.run(["git", "commit", "-q"], capture_output=True, text=True, env={**env, "GIT_EDITOR": str(editor), "MSG": good})

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# Context: why the change was needed" in (tmp_path / "seen").read_text()


@pytest.mark.parametrize("source", ["commit", "message", "squash", "template"])
def test_under_pre_commit_the_source_and_gits_signal_reach_the_hook(git_repo: Path, source: str) -> None:
    """pre-commit passes only the file, the source in PRE_COMMIT_COMMIT_MSG_SOURCE, git's environment as is."""
    commit("chore: config", (".agentops.yaml", CONFIG))
    msg = write("COMMIT_EDITMSG", AGENT_BAD)
    env = {**os.environ, "PRE_COMMIT": "1", "PRE_COMMIT_COMMIT_MSG_SOURCE": source, "GIT_EDITOR": ":"}

    proc = run_cli("prepare-commit-msg", str(msg), env=env)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "commit refused by prepare-commit-msg" in proc.stdout + proc.stderr


def test_a_merge_commit_is_left_to_history(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    msg = write("MERGE_MSG", "Merge branch 'x'\n")

    proc = run_cli("prepare-commit-msg", str(msg), "merge", env={**os.environ, "GIT_EDITOR": ":", "CLAUDECODE": "1"})

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert Path("MERGE_MSG").read_text() == "Merge branch 'x'\n"


# --- bounded work on hostile sizes and states --------------------------------------------------


def test_a_github_event_without_base_is_one_line(git_repo: Path, tmp_path: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    event = write(tmp_path / "e.json", json.dumps({"pull_request": {"number": 1, "head": {"sha": "x"}}}))
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}

    proc = run_cli("ci", env=env)

    assert proc.returncode == 3
    assert "internal error" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_list_as_the_event_payload_is_one_line(git_repo: Path, tmp_path: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    event = write(tmp_path / "e.json", "[1, 2]")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}

    proc = run_cli("ci", env=env)

    assert proc.returncode == 3
    assert "internal error" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_huge_rule_file_is_refused_quickly(git_repo: Path) -> None:
    import time

    write(".agentops.yaml", "version: 1\nrules:\n" + "  - id: r\n    kind: added-pattern\n" * 400_000)
    start = time.perf_counter()
    proc = run_cli("rules", "validate")
    took = time.perf_counter() - start

    assert proc.returncode == 3
    assert took < 10, took
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "rule files are at most 256 KB" in proc.stderr


@pytest.mark.parametrize("size", [50 << 20, 5 << 20])
def test_a_huge_rule_file_in_the_base_is_refused_quickly(git_repo: Path, tmp_path: Path, size: int) -> None:
    import time

    rule = "  - id: r\n    kind: added-pattern\n"
    huge = ("team/rules.yaml", "version: 1\nrules:\n" + rule * (size // len(rule)))
    base_sha = commit("chore: config", (".agentops.yaml", "version: 1\nextends: [team/rules.yaml]\n"), huge)
    head = commit(AGENT_BAD, ("a.py", "x = 1\n"))
    start = time.perf_counter()

    proc = run_cli("ci", env=github_env(tmp_path, base_sha, head))

    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert time.perf_counter() - start < 10
    assert proc.stderr.startswith("agentops-check: team/rules.yaml:1:1: larger than 256 KB; rule files are at most 256 KB")


def test_a_rule_file_just_under_the_bound_is_decided_in_seconds(git_repo: Path) -> None:
    """The bound is what keeps the worst case short: a file of broken rules just under it."""
    import time

    rule = "  - id: r\n    kind: added-pattern\n"
    write(".agentops.yaml", "version: 1\nrules:\n" + rule * (250_000 // len(rule)))
    start = time.perf_counter()
    proc = run_cli("rules", "validate")
    took = time.perf_counter() - start

    assert proc.returncode == 3 and "missing required key" in proc.stderr
    assert took < 15, took


def test_a_closed_stdout_is_one_line(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    commit(AGENT_BAD, ("a.py", "x = 1\n"))
    cmd = f'exec "{sys.executable}" -m agentops_hooks range HEAD~1..HEAD >&-'

    proc = subprocess.run(["sh", "-c", cmd], capture_output=False, stderr=subprocess.PIPE, text=True)

    assert proc.returncode == 3
    assert proc.stderr.strip().splitlines() == [
        "agentops-check: standard output is closed, so the findings cannot be shown; run with it open, or pass --output FILE"
    ]


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if not p.is_symlink()}


def test_the_commit_hooks_write_nothing_in_the_git_folder(git_repo: Path, tmp_path: Path) -> None:
    """So a read-only .git cannot make them fail: no hand-off file, no state (the old commit-source.json)."""
    commit("chore: config", (".agentops.yaml", CONFIG))
    write("a.py", "x = 1\n")
    git("add", "a.py")
    msg = write(tmp_path / "msg", f"feat(parser): add the parser\n\n{GOOD_SECTIONS}")
    git_dir = Path(git("rev-parse", "--absolute-git-dir").strip())
    before = _tree(git_dir)
    final = {**os.environ, "GIT_EDITOR": ":", "GIT_INDEX_FILE": str(git_dir / "index")}

    codes = [
        run_cli("prepare-commit-msg", str(msg), "message", env=final).returncode,
        run_cli("commit-msg", str(msg), env=final).returncode,
        run_cli("staged").returncode,
        run_cli("prepare-commit-msg", str(msg), "", env={**os.environ, "GIT_INDEX_FILE": str(git_dir / "index")}).returncode,
    ]

    assert codes == [0, 0, 0, 0]
    assert _tree(git_dir) == before


def test_init_with_a_non_utf8_file_is_one_line(git_repo: Path) -> None:
    Path(".pre-commit-config.yaml").write_bytes(b"repos: []\n# caf\xe9\n")

    proc = run_cli("init")

    assert proc.returncode == 3, proc.stdout + proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.endswith(".pre-commit-config.yaml:2:1: not UTF-8 text (byte 15); save the file as UTF-8 and run again")


def test_the_crash_log_never_follows_a_symlink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentops_hooks import crashlog

    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    folder = cache / "agentops-hooks"
    folder.mkdir(parents=True, mode=0o700)
    tmp.mkdir()
    victim = write(tmp_path / "victim", "theirs\n")
    os.symlink(victim, folder / "crash.log")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr("tempfile.tempdir", str(tmp))

    path = crashlog.write(ValueError("boom"))

    assert victim.read_text() == "theirs\n"
    assert path == str(tmp / f"agentops-hooks-{os.getuid()}" / "crash.log")
    assert "ValueError: boom" in Path(path).read_text()
    assert (os.stat(path).st_mode & 0o777, os.stat(Path(path).parent).st_mode & 0o777) == (0o600, 0o700)


def test_the_crash_log_skips_a_folder_others_can_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agentops_hooks import crashlog

    shared = tmp_path / "tmp" / f"agentops-hooks-{os.getuid()}"
    shared.mkdir(parents=True)
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored: ~/.cache would be used, so point HOME away
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".cache").write_text("not a folder")  # the cache folder cannot be made
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))

    path = crashlog.write(ValueError("boom"))

    assert path == "(no private place to write a log)"
    assert not (shared / "crash.log").exists() and not Path("relative").exists()


def test_a_relative_cache_home_is_ignored(git_repo: Path) -> None:
    commit("chore: config", (".agentops.yaml", CONFIG))
    msg = write("../msg", f"feat(parser): add the parser\n\n{GOOD_SECTIONS}")

    proc = run_cli("commit-msg", str(msg), env={**os.environ, "XDG_CACHE_HOME": "rel-cache"})

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not Path("rel-cache").exists()
