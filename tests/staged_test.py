"""The staged source: secrets refused at pre-commit time, exactly what git will commit, odd paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.testing import (
    AWS_KEY,
    PRIVATE_KEY,
    commit,
    git,
    git_commit,
    install_hooks,
    run_cli,
    write,
)

AWS_LINE = "settings.py:1: aws-access-key-id AWS access key id added in settings.py: AKIA…[sha256:53de5baa] (error)"
AWS_HINT = "    hint: Remove it, deactivate the key in IAM, and read credentials from the environment or a profile."


def _seen(proc) -> str:
    return proc.stdout + proc.stderr


def test_staged_secrets_are_refused_with_location_hint_and_mask(git_repo: Path) -> None:
    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    write("deploy/notes.txt", f"# the deploy key\n{PRIVATE_KEY}\nMIIEowIBAAKCAQEA\n")
    git("add", "-A")

    proc = run_cli("staged")

    assert proc.returncode == 1, _seen(proc)
    lines = proc.stdout.splitlines()
    assert lines == [
        "agentops: staged change: no agent marker, judged as human (the message is not written yet)",
        "deploy/notes.txt:2: private-key private key material added in deploy/notes.txt: ----…[sha256:8bcac790] (error)",
        "    hint: Remove the key, rotate it, and load it from a secret store or an ignored file.",
        AWS_LINE,
        AWS_HINT,
        "agentops: 2 errors in 1 commit checked: refused",
    ]
    assert proc.stderr == ""
    assert AWS_KEY not in _seen(proc)
    assert PRIVATE_KEY not in _seen(proc)


def test_staged_json_masks_the_match(git_repo: Path) -> None:
    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    git("add", "-A")

    proc = run_cli("staged", "-f", "json")

    assert proc.returncode == 1, _seen(proc)
    assert AWS_KEY not in _seen(proc)
    doc = json.loads(proc.stdout)
    (only,) = doc["commits"]
    assert only["sha"] is None
    assert [(f["rule_id"], f["path"], f["line"], f["match"]) for f in only["findings"]] == [
        ("aws-access-key-id", "settings.py", 1, "AKIA…[sha256:53de5baa]")
    ]
    assert doc["summary"]["blocking"] is True


def test_default_command_is_staged(git_repo: Path) -> None:
    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    git("add", "-A")

    proc = run_cli()

    assert proc.returncode == 1
    assert AWS_LINE in proc.stdout.splitlines()


def test_hook_blocks_only_on_findings_no_message_can_exempt(git_repo: Path) -> None:
    write(
        ".agentops.yaml",
        "version: 1\n"
        "extends: [builtin:core, builtin:secrets]\n"
        "rules:\n"
        "  - id: no-debugger\n"
        "    kind: added-pattern\n"
        "    description: A debugger call stops the program.\n"
        "    message: 'debugger call in {path}'\n"
        "    severity: error\n"
        "    pattern: 'pdb\\.set_trace\\('\n",
    )
    write("app.py", "import pdb\npdb.set_trace()\n")
    git("add", "app.py")

    plain = run_cli("staged")
    hook = run_cli("staged", "--hook")

    assert plain.returncode == 1
    assert "app.py:2: no-debugger debugger call in app.py (error)" in plain.stdout.splitlines()
    assert hook.returncode == 0, _seen(hook)
    assert (
        "app.py:2: no-debugger debugger call in app.py"
        " (commit-msg will refuse this unless the message exempts it) (warning)" in hook.stdout.splitlines()
    )

    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    git("add", "settings.py")
    hook = run_cli("staged", "--hook")
    assert hook.returncode == 1
    assert AWS_LINE in hook.stdout.splitlines()


def test_first_commit_of_a_repository(git_repo: Path) -> None:
    install_hooks()
    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    git("add", "settings.py")

    refused = git_commit("-m", "feat: configure storage")

    assert refused.returncode != 0
    assert AWS_LINE in refused.stdout.splitlines() + refused.stderr.splitlines()
    assert AWS_KEY not in _seen(refused)
    assert git("rev-parse", "-q", "--verify", "HEAD", check=False) == ""  # still unborn

    write("settings.py", "import os\nAWS_ACCESS_KEY_ID = os.environ['AWS_ACCESS_KEY_ID']\n")
    git("add", "settings.py")
    done = git_commit("-m", "feat: configure storage from the environment")

    assert done.returncode == 0, _seen(done)
    assert git("log", "--format=%s").splitlines() == ["feat: configure storage from the environment"]


def test_partial_commit_is_judged_on_the_paths_committed(git_repo: Path) -> None:
    commit("feat: add a and b", ("a.py", "A = 1\n"), ("b.py", "B = 1\n"))
    install_hooks()
    write("a.py", f"A = '{AWS_KEY}'\n")
    git("add", "a.py")  # staged, but not part of the next commit
    write("b.py", "B = 2\n")

    only_b = git_commit("b.py", "-m", "feat: raise b")

    assert only_b.returncode == 0, _seen(only_b)
    assert git("show", "--name-only", "--format=", "HEAD").split() == ["b.py"]
    assert git("diff", "--cached", "--name-only").split() == ["a.py"]  # still staged, still uncommitted

    only_a = git_commit("a.py", "-m", "feat: configure a")

    assert only_a.returncode != 0
    assert (
        "a.py:1: aws-access-key-id AWS access key id added in a.py: AKIA…[sha256:53de5baa] (error)"
        in _seen(only_a).splitlines()
    )
    assert git("log", "-1", "--format=%s") == "feat: raise b\n"


def test_commit_all_sees_the_unstaged_key(git_repo: Path) -> None:
    commit("feat: add settings", ("settings.py", "REGION = 'eu-west-1'\n"))
    install_hooks()
    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")  # modified, not staged

    assert run_cli("staged").returncode == 0  # the index itself is clean

    proc = git_commit("-a", "-m", "feat: configure storage")

    assert proc.returncode != 0
    assert AWS_LINE in _seen(proc).splitlines()
    assert AWS_KEY not in _seen(proc)
    assert git("log", "-1", "--format=%s") == "feat: add settings\n"


def test_outside_a_commit_under_pre_commit_says_so_in_one_line(git_repo: Path) -> None:
    commit("feat: add settings", ("settings.py", "REGION = 'eu-west-1'\n"))
    env = {**os.environ, "PRE_COMMIT": "1"}
    env.pop("GIT_INDEX_FILE", None)

    proc = run_cli("staged", "--hook", env=env)

    assert proc.returncode == 0
    lines = _seen(proc).splitlines()
    assert len(lines) == 1, lines
    assert "agentops-check ci" in lines[0]


def test_odd_file_names_are_reported_exactly(git_repo: Path) -> None:
    names = ["my file.py", "café/ünïcode.py", "new\nline.py", "-dash.py", 'quote".py']
    for name in names:
        write(name, f"KEY = '{AWS_KEY}'\n")
        git("add", "--", name)

    proc = run_cli("staged", "-f", "json")

    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    found = sorted((f["path"], f["line"], f["rule_id"]) for f in doc["commits"][0]["findings"])
    assert found == sorted((name, 1, "aws-access-key-id") for name in names)
    assert AWS_KEY not in proc.stdout

    text = run_cli("staged").stdout.splitlines()
    for name in ("my file.py", "café/ünïcode.py", "-dash.py", 'quote".py'):
        assert f"{name}:1: aws-access-key-id AWS access key id added in {name}: AKIA…[sha256:53de5baa] (error)" in text


def test_renames_deletions_binaries_and_type_changes(git_repo: Path) -> None:
    body = "".join(f"line {i} of a long enough file\n" for i in range(1, 11))
    commit("feat: start", ("a.txt", body), ("b.txt", "bye\n"), ("c.txt", "see\n"), ("d.txt", "dee\n"))
    Path("img.bin").write_bytes(bytes(range(256)) * 4)
    os.symlink("a.txt", "link")
    git("add", "img.bin", "link")
    git("commit", "-q", "--no-verify", "-m", "feat: add an image and a link")

    git("mv", "a.txt", "a2.txt")
    write("a2.txt", body + f"KEY = '{AWS_KEY}'\n")  # renamed and changed
    git("rm", "-q", "b.txt")  # deleted
    Path("link").unlink()
    write("link", f"KEY = '{AWS_KEY}'\n")  # symlink -> file
    Path("c.txt").unlink()
    os.symlink("d.txt", "c.txt")  # file -> symlink
    Path("img.bin").write_bytes(bytes(range(255, -1, -1)) * 4)  # binary modified
    git("add", "-A")
    status = git("diff", "--cached", "--name-status", "-M").split("\n")
    assert {ln[:1] for ln in status if ln} >= {"R", "D", "T", "M"}, status

    proc = run_cli("staged", "-f", "json")

    assert proc.returncode == 1, proc.stderr
    assert "internal error" not in proc.stderr
    findings = json.loads(proc.stdout)["commits"][0]["findings"]
    assert sorted((f["path"], f["line"], f["rule_id"]) for f in findings) == [
        ("a2.txt", 11, "aws-access-key-id"),
        ("link", 1, "aws-access-key-id"),
    ]

    # the same change read back from history, and its reverse (file -> symlink, un-rename, re-add)
    git("commit", "-q", "--no-verify", "-m", "feat: reshuffle")
    assert sorted(
        (f["path"], f["line"])
        for f in json.loads(run_cli("range", "HEAD~1..HEAD", "-f", "json").stdout)["commits"][0]["findings"]
    ) == [("a2.txt", 11), ("link", 1)]
    git("revert", "--no-edit", "HEAD", env={**os.environ, "GIT_EDITOR": "true"})
    back = run_cli("range", "HEAD~1..HEAD", "-f", "json")
    assert back.returncode == 0, back.stdout + back.stderr
    assert json.loads(back.stdout)["commits"][0]["findings"] == []


def test_pre_commit_run_before_a_commit_still_checks_what_is_staged(git_repo: Path) -> None:
    commit("feat: add settings", ("settings.py", "REGION = 'eu-west-1'\n"))
    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n")
    git("add", "settings.py")
    env = {**os.environ, "PRE_COMMIT": "1"}
    env.pop("GIT_INDEX_FILE", None)

    proc = run_cli("staged", "--hook", env=env)

    assert proc.returncode == 1
    assert AWS_LINE in proc.stdout.splitlines()
    assert AWS_KEY not in _seen(proc)


def test_all_files_mode_reads_a_file_an_attribute_calls_binary(git_repo: Path) -> None:
    # `pre-commit run --all-files` passes file names; an agent's `.gitattributes` cannot blind it
    commit("chore: attributes", (".gitattributes", "*.py -diff binary\nsettings.py filter=hide\n"))
    commit("feat: settings", ("settings.py", f'KEY = "{AWS_KEY}"\n'))

    proc = run_cli("staged", "--hook", "settings.py", ".gitattributes")

    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "settings.py:1: aws-access-key-id" in proc.stdout and AWS_KEY not in proc.stdout
