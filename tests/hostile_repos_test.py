"""Hostile and unusual repository states, each a real repository checked with `staged`,
`commit-msg` and/or `range`: the right findings, no crash, no silent pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentops_hooks.model import mask
from tests.testing import AWS_KEY, CLAUDE, clean_env, commit, git, git_commit, install_hooks, run_cli, write

SECRET_LINE = f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n"
MASKED = mask(AWS_KEY)
GOOD = "docs: describe the parser\n"
LIMITS = """version: 1
extends: [builtin:secrets]
rules:
  - id: file-size
    kind: file-limits
    description: Big files stay out of the repository.
    message: "{path} is too big"
    severity: error
    max-size: 5000000
"""
STATES: set[str] = set()  # every state a test below covered; the last test counts them


def covers(*names: str) -> None:
    STATES.update(names)


def check(
    *args: str, cwd: str | Path | None = None, env: dict[str, str] | None = None
) -> tuple[int, set[tuple[str, str | None]], dict]:
    """Run the real CLI with JSON output: exit code, (rule, path) findings, the document."""
    proc = run_cli(*args, "-f", "json", cwd=cwd, env=env)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert AWS_KEY not in proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    found = {(f["rule_id"], f["path"]) for c in doc["commits"] for f in c["findings"] if not f["waived"]}
    return proc.returncode, found, doc


def message_file(git_repo: Path, text: str = GOOD) -> str:
    return str(write(git_repo.parent / "MSG", text))


def test_unborn_head(git_repo: Path) -> None:
    covers("unborn HEAD")
    write("settings.py", SECRET_LINE)
    git("add", "-A")
    assert check("staged")[:2] == (1, {("aws-access-key-id", "settings.py")})
    assert check("commit-msg", message_file(git_repo))[:2] == (1, {("aws-access-key-id", "settings.py")})
    proc = run_cli("range", "HEAD")
    assert proc.returncode == 3 and len(proc.stderr.splitlines()) == 1 and "unknown revision" in proc.stderr


def test_detached_head(git_repo: Path) -> None:
    covers("detached HEAD")
    first = commit("docs: start", ("README.md", "hi\n"))
    git("checkout", "-q", "--detach", first)
    write("settings.py", SECRET_LINE)
    git("add", "-A")
    assert check("staged")[:2] == (1, {("aws-access-key-id", "settings.py")})
    git("commit", "-q", "--no-verify", "-m", "feat: leak")
    assert check("range", f"{first}..HEAD")[:2] == (1, {("aws-access-key-id", "settings.py")})


def test_shallow_clone_without_the_base(git_repo: Path, tmp_path: Path) -> None:
    covers("shallow without base")
    base = commit("docs: start", ("README.md", "hi\n"))
    commit("feat: leak", ("settings.py", SECRET_LINE))
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth", "1", f"file://{git_repo}", str(clone))
    proc = run_cli("ci", "--base", base, cwd=clone)
    assert proc.returncode == 3 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "git fetch --unshallow" in proc.stderr
    rng = run_cli("range", f"{base}..HEAD", cwd=clone)
    assert rng.returncode == 3 and len(rng.stderr.splitlines()) == 1, rng.stderr


def _evil_merge(octopus: bool) -> tuple[str, str]:
    base = commit("docs: start", ("README.md", "hi\n"))
    branches = ["b1", "b2"] if octopus else ["b1"]
    for b in branches:
        git("checkout", "-q", "-b", b, base)
        commit(f"docs: {b}", (f"{b}.md", f"{b}\n"))
    git("checkout", "-q", "main")
    commit("docs: main side", ("main.md", "m\n"))
    git("merge", "-q", "--no-ff", "--no-commit", *branches)
    write("settings.py", SECRET_LINE)  # hidden in the merge commit itself
    git("add", "settings.py")
    git("commit", "-q", "--no-verify", "-m", "Merge branches")
    merge = git("rev-parse", "HEAD").strip()
    assert len(git("log", "-1", "--format=%P").split()) == len(branches) + 1
    return base, merge


@pytest.mark.parametrize("octopus", [False, True], ids=["merge", "octopus"])
def test_merges_are_skipped_by_default_and_judged_with_include_merges(git_repo: Path, octopus: bool) -> None:
    covers("octopus merge" if octopus else "merge commit")
    base, merge = _evil_merge(octopus)
    code, found, doc = check("range", f"{base}..HEAD")
    assert merge not in [c["sha"] for c in doc["commits"]] and code == 0 and not found
    write(".agentops.yaml", "version: 1\nextends: [builtin:secrets]\ninclude-merges: true\n")
    code, found, doc = check("range", f"{base}..HEAD")
    assert merge in [c["sha"] for c in doc["commits"]]
    assert (code, found) == (1, {("aws-access-key-id", "settings.py")})


def test_renames_and_copies(git_repo: Path) -> None:
    covers("rename", "copy")
    base = commit("docs: start", ("old.py", "x = 1\n" * 20), ("fixtures/keys.txt", SECRET_LINE))
    git("mv", "old.py", "new.py")
    write("copy.txt", SECRET_LINE)  # a copy of a committed secret is a new exposure
    git("add", "-A")
    code, found, doc = check("staged")
    assert (code, found) == (1, {("aws-access-key-id", "copy.txt")})
    files = json.loads(run_cli("staged", "-f", "json").stdout)["commits"][0]
    assert files["sha"] is None
    git("commit", "-q", "--no-verify", "-m", "refactor: move")
    assert check("range", f"{base}..HEAD")[:2] == (1, {("aws-access-key-id", "copy.txt")})


def test_rename_with_a_secret_added_in_the_same_commit(git_repo: Path) -> None:
    covers("rename with a secret added")
    base = commit("docs: start", ("old.py", "".join(f"x{i} = {i}\n" for i in range(30))))
    git("mv", "old.py", "new.py")
    with open("new.py", "a", encoding="utf-8") as f:
        f.write(SECRET_LINE)
    git("add", "-A")
    assert "R" in git("diff", "--cached", "--name-status", "-M")
    code, found, doc = check("staged")
    assert (code, found) == (1, {("aws-access-key-id", "new.py")})
    assert [f["line"] for f in doc["commits"][0]["findings"]] == [31]
    git("commit", "-q", "--no-verify", "-m", "refactor: rename")
    assert check("range", f"{base}..HEAD")[:2] == (1, {("aws-access-key-id", "new.py")})


def test_mode_only_change_of_a_file_with_a_secret_is_not_a_new_secret(git_repo: Path) -> None:
    covers("mode-only change")
    base = commit("docs: start", ("run.sh", SECRET_LINE))
    os.chmod("run.sh", 0o755)
    git("add", "run.sh")
    assert "100644 100755" in git("diff", "--cached", "--raw")
    assert check("staged")[:2] == (0, set())
    git("commit", "-q", "--no-verify", "-m", "chore: make it executable")
    code, found, doc = check("range", f"{base}..HEAD")
    assert (code, found, len(doc["commits"])) == (0, set(), 1)


def test_type_changes_file_to_symlink_and_back(git_repo: Path) -> None:
    covers("type change file->symlink", "type change symlink->file")
    base = commit("docs: start", ("conf.py", "x = 1\n"), ("target.py", "y = 2\n"))
    os.remove("conf.py")
    os.symlink("target.py", "conf.py")
    git("add", "-A")
    assert check("staged")[:2] == (0, set())
    git("commit", "-q", "--no-verify", "-m", "chore: link")
    os.remove("conf.py")
    write("conf.py", SECRET_LINE)
    git("add", "-A")
    assert "T" in git("diff", "--cached", "--name-status")
    assert check("staged")[:2] == (1, {("aws-access-key-id", "conf.py")})
    git("commit", "-q", "--no-verify", "-m", "chore: unlink")
    assert check("range", f"{base}..HEAD")[:2] == (1, {("aws-access-key-id", "conf.py")})


def test_binary_files(git_repo: Path) -> None:
    covers("binary file")
    write(".agentops.yaml", LIMITS.replace("max-size: 5000000", "no-binaries: true"))
    Path("blob.bin").write_bytes(b"\x00\x01" + AWS_KEY.encode() + b"\x00" * 100)
    write("ok.py", "x = 1\n")
    git("add", "-A")
    code, found, doc = check("staged")
    # judged as a binary by the exemptible rule, and still read for the secret: its bytes never printed
    assert (code, found) == (1, {("file-size", "blob.bin"), ("aws-access-key-id", "blob.bin")})


def test_submodule(git_repo: Path, tmp_path: Path) -> None:
    covers("submodule")
    sub = tmp_path / "sub"
    sub.mkdir()
    git("init", "-q", "-b", "main", cwd=sub)
    commit("docs: sub", ("s.txt", SECRET_LINE), cwd=sub)
    base = commit("docs: start", ("README.md", "hi\n"))
    git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    assert check("staged")[:2] == (0, set())  # the gitlink is a commit id, the submodule's files are its own
    git("commit", "-q", "--no-verify", "-m", "chore: add the submodule")
    code, found, doc = check("range", f"{base}..HEAD")
    assert (code, found, len(doc["commits"])) == (0, set(), 1)


def test_symlink_pointing_outside_is_never_followed(git_repo: Path, tmp_path: Path) -> None:
    covers("symlink outside the repository")
    outside = write(tmp_path / "outside" / "creds.py", SECRET_LINE)
    os.symlink(outside, "creds.py")
    os.symlink("/etc/passwd", "passwd")
    git("add", "-A")
    proc = run_cli("staged", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert AWS_KEY not in proc.stdout and "root:" not in proc.stdout
    assert json.loads(proc.stdout)["commits"][0]["findings"] == []


def test_worktree(git_repo: Path, tmp_path: Path) -> None:
    covers("worktree")
    commit("docs: start", ("README.md", "hi\n"))
    install_hooks(git_repo)
    wt = tmp_path / "wt"
    git("worktree", "add", "-q", "-b", "feat", str(wt))
    write(wt / "settings.py", SECRET_LINE)
    git("add", "-A", cwd=wt)
    assert check("staged", cwd=wt)[:2] == (1, {("aws-access-key-id", "settings.py")})
    refused = git_commit("-m", "feat: add settings", cwd=wt, env=clean_env() | {"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert refused.returncode != 0 and MASKED in refused.stdout + refused.stderr
    assert AWS_KEY not in refused.stdout + refused.stderr
    git("rm", "-q", "--cached", "settings.py", cwd=wt)
    write(wt / "docs.md", "words\n")
    git("add", "docs.md", cwd=wt)
    ok = git_commit("-m", GOOD, cwd=wt, env=clean_env() | {"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_partial_commits_see_what_git_will_commit(git_repo: Path) -> None:
    covers("GIT_INDEX_FILE partial commit", "commit -a")
    commit("docs: start", ("a.py", "a = 1\n"), ("b.py", "b = 1\n"))
    install_hooks()
    write("a.py", SECRET_LINE)  # modified, not staged
    write("b.py", "b = 2\n")
    git("add", "b.py")
    only_b = git_commit("-m", "fix: raise b\n\nContext: b.\n", "b.py")
    assert only_b.returncode == 0, only_b.stdout + only_b.stderr
    write("b.py", "b = 3\n")
    all_files = git_commit("-a", "-m", "fix: raise a and b")  # GIT_INDEX_FILE: a.py comes along
    assert all_files.returncode != 0
    assert (
        f"a.py:1: aws-access-key-id AWS access key id added in a.py: {MASKED} (error)"
        in all_files.stdout + all_files.stderr
    )


def test_amend_sees_what_the_amend_adds(git_repo: Path) -> None:
    covers("--amend")
    base = commit("docs: start", ("README.md", "hi\n"))
    commit("docs: leak", ("settings.py", SECRET_LINE))  # slipped in with --no-verify
    install_hooks()
    write("notes.md", "more\n")
    git("add", "notes.md")
    amended = git_commit("--amend", "-m", GOOD)
    assert amended.returncode == 0, amended.stdout + amended.stderr  # the hooks see the index against HEAD only
    write("other.py", SECRET_LINE.replace("AWS_ACCESS_KEY_ID", "KEY"))
    git("add", "other.py")
    refused = git_commit("--amend", "--no-edit")
    assert refused.returncode != 0 and "other.py:1: aws-access-key-id" in refused.stdout + refused.stderr
    git("reset", "-q", "other.py")
    # what the hooks cannot see on amend, the range (CI) sees: the commit as a whole
    assert check("range", f"{base}..HEAD")[:2] == (1, {("aws-access-key-id", "settings.py")})


@pytest.mark.parametrize(
    "name",
    ["line\nbreak.py", "my file.py", "café/ünïcode.py", "-dash.py", 'quote".py', "'single'.py", "back\\slash.py"],
)
def test_odd_file_names(git_repo: Path, name: str) -> None:
    covers(f"file name {name!r}")
    write(name, SECRET_LINE)
    git("add", "--", name)
    assert check("staged")[:2] == (1, {("aws-access-key-id", name)})
    git("commit", "-q", "--no-verify", "-m", "feat: odd")
    assert check("range", "HEAD")[:2] == (1, {("aws-access-key-id", name)})


def test_crlf_file(git_repo: Path) -> None:
    covers("CRLF file")
    Path("win.py").write_bytes(b"x = 1\r\n" + SECRET_LINE.replace("\n", "\r\n").encode() + b"y = 2\r\n")
    git("add", "-A")
    code, found, doc = check("staged")
    assert (code, found) == (1, {("aws-access-key-id", "win.py")})
    (finding,) = doc["commits"][0]["findings"]
    assert (finding["line"], finding["match"]) == (2, MASKED)
    assert "\r" not in finding["message"]


def test_empty_commit(git_repo: Path) -> None:
    covers("empty commit")
    base = commit("docs: start", ("README.md", "hi\n"))
    commit(f"chore: nothing\n\n{CLAUDE}\n")
    code, found, doc = check("range", f"{base}..HEAD")
    assert len(doc["commits"]) == 1 and doc["commits"][0]["agent"]["kind"] == "ai"
    assert (code, found) == (1, {("ai-context-sections", None)})  # judged on its message, nothing else
    assert check("staged")[:2] == (0, set())
    assert check("commit-msg", message_file(git_repo))[:2] == (0, set())


def test_deleted_and_re_added(git_repo: Path) -> None:
    covers("deleted and re-added")
    base = commit("docs: start", ("README.md", "hi\n"))
    first = commit("feat: leak", ("settings.py", SECRET_LINE))
    git("rm", "-q", "settings.py")
    git("commit", "-q", "--no-verify", "-m", "fix: remove the key")
    back = commit("feat: back", ("settings.py", SECRET_LINE))
    code, found, doc = check("range", f"{base}..HEAD")
    hits = [c["sha"] for c in doc["commits"] if c["findings"]]
    assert code == 1 and hits == [first, back]


def test_pre_commit_run_all_files_outside_a_commit(git_repo: Path) -> None:
    covers("pre-commit run --all-files")
    commit("docs: start", ("settings.py", SECRET_LINE))
    env = clean_env() | {"PRE_COMMIT": "1", "XDG_CACHE_HOME": str(git_repo.parent / "cache")}
    proc = run_cli("staged", "--hook", env=env)
    assert proc.returncode == 0 and proc.stdout == ""
    assert "agentops-check ci" in proc.stderr and len(proc.stderr.splitlines()) == 1  # never a silent pass
    write("more.py", SECRET_LINE)
    git("add", "more.py")
    staged = run_cli("staged", "--hook", env=env)
    assert staged.returncode == 1 and "more.py:1: aws-access-key-id" in staged.stdout


def test_hostile_git_config_is_not_obeyed(git_repo: Path, tmp_path: Path) -> None:
    covers("hostile git config (external diff, textconv, noprefix, colour)")
    marker = tmp_path / "ran"
    script = write(tmp_path / "evil.sh", f"#!/bin/sh\ntouch {marker}\necho nothing\n")
    script.chmod(0o755)
    for key, value in (
        ("diff.external", str(script)),
        ("diff.evil.textconv", str(script)),
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("color.ui", "always"),
        ("diff.renames", "copies"),
        ("core.quotePath", "true"),
        ("diff.relative", "true"),
    ):
        git("config", key, value)
    write(".gitattributes", "*.py diff=evil\n")
    (git_repo / "sub").mkdir()
    write("sub/settings.py", SECRET_LINE)
    git("add", "-A")
    assert check("staged", cwd=git_repo / "sub")[:2] == (1, {("aws-access-key-id", "sub/settings.py")})
    git("commit", "-q", "--no-verify", "-m", "feat: leak")
    assert check("range", "HEAD")[:2] == (1, {("aws-access-key-id", "sub/settings.py")})
    assert not marker.exists()


def test_not_a_repository(tmp_path: Path, git_repo: Path) -> None:
    covers("not a repository")
    bare = tmp_path / "plain"
    bare.mkdir()
    for args in (("staged",), ("commit-msg", message_file(git_repo)), ("range", "HEAD")):
        proc = run_cli(*args, cwd=bare, env=clean_env() | {"GIT_CEILING_DIRECTORIES": str(tmp_path)})
        assert proc.returncode == 3 and proc.stdout == "", args
        assert proc.stderr.splitlines() == [
            f"agentops-check: not a git repository: {bare} (run inside one, or `git init`)"
        ]


MEMORY_PROBE = """
import sys
from agentops_hooks.cli import main
code = main(sys.argv[1:])
# VmHWM is this process's own peak (ru_maxrss would carry pytest's peak over the exec)
peak = [ln.split()[1] for ln in open("/proc/self/status") if ln.startswith("VmHWM:")]
print("maxrss_kb", peak[0] if peak else 0, file=sys.stderr)
raise SystemExit(code)
"""


def _probe(*args: str, cwd: Path) -> tuple[int, dict, int]:
    env = clean_env() | {"XDG_CACHE_HOME": str(cwd.parent / "cache")}
    proc = subprocess.run(
        (sys.executable, "-c", MEMORY_PROBE, *args, "-f", "json"),
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    rss = int(proc.stderr.rsplit("maxrss_kb", 1)[1].split()[0])
    return proc.returncode, json.loads(proc.stdout), rss


@pytest.mark.parametrize("text", [False, True], ids=["sparse-zeros", "text-lines"])
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_a_200_mb_file_is_judged_by_size_and_read_for_secrets_in_bounded_memory(git_repo: Path, text: bool) -> None:
    covers(f"200 MB {'text' if text else 'binary'} file")
    write(".agentops.yaml", LIMITS)
    base = commit("docs: start", ("README.md", "hi\n"))
    with open("huge.dat", "wb") as f:
        if text:  # 200 MB of lines, the secret among them: read for it, streaming, never held whole
            block = (b"a line of text in a generated file\n" * 29127)[: 1 << 20]
            f.write(SECRET_LINE.encode())
            for _ in range(200):
                f.write(block)
        else:  # sparse: no time or disk spent writing it; one 200 MB line of NUL bytes
            f.truncate(200 * 1024 * 1024)
    git("add", "huge.dat")
    want = [("file-size", "huge.dat")] + ([("aws-access-key-id", "huge.dat")] if text else [])
    code, doc, rss = _probe("staged", cwd=git_repo)
    assert code == 1
    assert sorted((f["rule_id"], f["path"]) for f in doc["commits"][0]["findings"]) == sorted(want)
    assert rss < 150 * 1024, f"our process peaked at {rss // 1024} MB"
    git("commit", "-q", "--no-verify", "-m", "chore: data")
    code, doc, rss = _probe("range", f"{base}..HEAD", cwd=git_repo)
    assert code == 1 and rss < 150 * 1024, rss
    assert sorted((f["rule_id"], f["path"]) for c in doc["commits"] for f in c["findings"]) == sorted(want)


def test_at_least_twenty_states_are_covered() -> None:
    # counted from this file's `covers(...)` calls, not at run time: under xdist a module's tests
    # are spread over workers, and no one worker sees every state
    import ast

    tree = ast.parse(Path(__file__).read_text("utf-8"))
    declared = {
        arg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "covers"
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }
    declared |= {  # `covers("a" if x else "b")`
        branch.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "covers"
        for arg in node.args
        if isinstance(arg, ast.IfExp)
        for branch in (arg.body, arg.orelse)
        if isinstance(branch, ast.Constant) and isinstance(branch.value, str)
    }
    parametrized = sum(  # `covers(f"file name {name!r}")`: a state per parameter, counted once here
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "covers"
        for arg in node.args
        if isinstance(arg, ast.JoinedStr)
    )
    assert len(declared) + parametrized >= 20, sorted(declared)
