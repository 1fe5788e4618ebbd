"""init as a user re-runs it: packs that add, usage errors before writing, config files of every shape, safe writes;
exemptions that warn instead of refusing; the editor template, byte for byte."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing import CLAUDE, GOOD_SECTIONS, git, run_cli, write

OTHER = "repos:\n  - repo: local\n    hooks:\n      - id: lint\n        name: lint\n        entry: 'true'\n        language: system\n"


def _validate(path: str = ".pre-commit-config.yaml") -> None:
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", path], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_pack_adds_to_core_and_secrets_and_init_says_what_it_wrote(git_repo: Path) -> None:
    proc = run_cli("init", "--pack", "python", "--rev", "v1")

    assert proc.returncode == 0, proc.stderr
    assert "extends: [builtin:core, builtin:secrets, builtin:python]" in Path(".agentops.yaml").read_text()
    assert "agentops init: created .agentops.yaml (extends: builtin:core, builtin:secrets, builtin:python)" in proc.stdout
    assert (
        "agentops init: created .pre-commit-config.yaml (added https://github.com/agentops-hooks/agentops-hooks at rev v1;"
        " default_install_hook_types += prepare-commit-msg, pre-push)" in proc.stdout
    )


def test_an_unknown_pack_is_refused_with_the_list_before_anything_is_written(git_repo: Path) -> None:
    proc = run_cli("init", "--pack", "nosuch")

    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "agentops init: unknown pack 'nosuch' (available: agentops, core, javascript, python, secrets, secrets-cloud, "
        "secrets-generic, secrets-saas, strict, "
        "or a path to a rule file); nothing written"
    )
    assert sorted(os.listdir(".")) == [".git"]
    assert not Path(".git/hooks/reference-transaction").exists()


def test_rerunning_with_another_pack_repo_or_rev_updates_and_says_so(git_repo: Path) -> None:
    assert run_cli("init", "--rev", "v1").returncode == 0

    again = run_cli("init", "--pack", "javascript", "--repo", "/srv/mirror/agentops-hooks", "--rev", "abc1234")
    same = run_cli("init", "--repo", "/srv/mirror/agentops-hooks", "--rev", "abc1234")

    assert again.returncode == 0, again.stderr
    assert "agentops init: updated .agentops.yaml (extends += builtin:javascript)" in again.stdout
    assert (
        "agentops init: updated .pre-commit-config.yaml "
        "(repo https://github.com/agentops-hooks/agentops-hooks -> /srv/mirror/agentops-hooks; rev v1 -> abc1234)"
        in again.stdout
    )
    text = Path(".pre-commit-config.yaml").read_text()
    assert "  - repo: /srv/mirror/agentops-hooks\n    rev: abc1234\n" in text and "v1" not in text
    assert "already set up; nothing changed" in same.stdout
    _validate()


@pytest.mark.parametrize(
    ("before", "expected_start"),
    [
        ("---\n# team hooks\n" + OTHER, "---\n# team hooks\ndefault_install_hook_types: [pre-commit, prepare-commit-msg, pre-push]\nrepos:\n"),
        (
            "default_install_hook_types:\n  - pre-commit\n  - commit-msg\n" + OTHER,
            "default_install_hook_types:\n  - pre-commit\n  - commit-msg\n  - prepare-commit-msg\n  - pre-push\nrepos:\n",
        ),
        (
            "default_install_hook_types: [\n  pre-commit,\n  commit-msg,\n]\n" + OTHER,
            "default_install_hook_types: [\n  pre-commit,\n  commit-msg, prepare-commit-msg, pre-push\n]\nrepos:\n",
        ),
    ],
    ids=["document-start", "block-list", "multi-line-flow-list"],
)
def test_config_shapes_are_edited_in_place(git_repo: Path, before: str, expected_start: str) -> None:
    write(".pre-commit-config.yaml", before)

    assert run_cli("init", "--rev", "v1").returncode == 0

    after = Path(".pre-commit-config.yaml").read_text()
    assert after.startswith(expected_start), after
    assert "      - id: lint\n" in after and "    rev: v1\n" in after
    _validate()


def test_bom_and_crlf_are_kept(git_repo: Path) -> None:
    Path(".pre-commit-config.yaml").write_bytes(b"\xef\xbb\xbf" + OTHER.replace("\n", "\r\n").encode())

    assert run_cli("init", "--rev", "v1").returncode == 0

    raw = Path(".pre-commit-config.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdefault_install_hook_types: [pre-commit, prepare-commit-msg, pre-push]\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n") and b"    rev: v1\r\n" in raw
    _validate()


def test_a_symlink_to_outside_the_repository_is_refused_in_one_line(git_repo: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere.yaml", "repos: []\n")
    os.symlink(outside, ".pre-commit-config.yaml")

    proc = run_cli("init", "--rev", "v1")

    assert proc.returncode == 3
    assert proc.stderr.strip().endswith(
        f".pre-commit-config.yaml: a symlink to {outside}, outside the repository; refusing to write through it"
    )
    assert len(proc.stderr.strip().splitlines()) == 1
    assert outside.read_text() == "repos: []\n"


def test_writes_are_atomic_and_keep_the_mode(git_repo: Path) -> None:
    write(".pre-commit-config.yaml", OTHER)
    os.chmod(".pre-commit-config.yaml", 0o640)
    inode = os.stat(".pre-commit-config.yaml").st_ino

    assert run_cli("init", "--rev", "v1").returncode == 0

    st = os.stat(".pre-commit-config.yaml")
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert st.st_ino != inode  # a new file renamed over the old one, not the old one truncated
    assert not [n for n in os.listdir(".") if n.endswith(".tmp")]


def test_an_expired_exemption_warns_and_does_not_refuse_a_clean_commit(git_repo: Path) -> None:
    write("MSG", "fix(parser): accept empty files in the reader\n\nAgentOps-Exempt: subject-length: long title until=2001-01-01\n")

    proc = run_cli("commit-msg", "MSG")

    assert proc.returncode == 0, proc.stdout
    assert "staged:msg:1: invalid-exemption the exemption of 'subject-length' expired on 2001-01-01 (warning)" in proc.stdout


def test_an_expired_exemption_leaves_its_finding_blocking(git_repo: Path) -> None:
    write("MSG", f"fix(parser): accept empty files\n\n{CLAUDE}\nAgentOps-Exempt: ai-context-sections: legacy until=2001-01-01\n")

    proc = run_cli("commit-msg", "MSG")

    assert proc.returncode == 1
    assert "ai-context-sections missing the 'Context:' section (error)" in proc.stdout


def test_a_misspelt_rule_id_gets_did_you_mean(git_repo: Path) -> None:
    write("MSG", "fix(parser): accept empty files in the reader\n\nAgentOps-Exempt: subject-lenght: long title\n")

    proc = run_cli("commit-msg", "MSG")

    assert proc.returncode == 0
    assert (
        "invalid-exemption the exemption names 'subject-lenght', which is not a loaded rule "
        "(did you mean 'subject-length'?) (warning)" in proc.stdout
    )


def test_an_exemption_outside_the_trailer_block_is_said_to_be_ignored(git_repo: Path) -> None:
    write(
        "MSG",
        f"fix(parser): accept empty files\n\nAgentOps-Exempt: ai-context-sections: small fix\nIt was a typo.\n\n{CLAUDE}\n",
    )

    proc = run_cli("commit-msg", "MSG")

    assert proc.returncode == 1  # not waived: it is not a trailer
    assert (
        "staged:msg:3: invalid-exemption 'AgentOps-Exempt: ai-context-sections: small fix' on line 3 is ignored: "
        "exemptions count only in the trailer block (the message's last paragraph, with the other trailers) (warning)"
        in proc.stdout
    )


def _template_hook() -> None:
    hook = Path(".git/hooks/prepare-commit-msg")
    hook.write_text(f'#!/bin/sh\n"{sys.executable}" -m agentops_hooks prepare-commit-msg "$@" || exit $?\ncp "$1" .git/SEEN\n')
    hook.chmod(0o755)


def _editor_commit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_EDITOR": "true"}
    return subprocess.run(["git", "commit", "-q", "--allow-empty", *args], capture_output=True, env=env, text=True)


def test_a_latin1_template_keeps_its_bytes(git_repo: Path) -> None:
    git("commit", "-q", "--allow-empty", "--no-verify", "-m", "chore: start")
    Path("tpl").write_bytes(b"Sujet: caf\xe9\n\n# mod\xe8le latin-1\n")
    git("config", "commit.template", "tpl")
    git("config", "i18n.commitEncoding", "ISO-8859-1")
    _template_hook()

    _editor_commit()

    seen = Path(".git/SEEN").read_bytes()
    assert seen.startswith(b"Sujet: caf\xe9\n\n# agentops: say why (Factor I).")
    assert b"# mod\xe8le latin-1\n" in seen and "\ufffd".encode() not in seen


def test_no_template_in_a_message_with_comment_lines_of_its_own(git_repo: Path) -> None:
    git("commit", "-q", "--allow-empty", "--no-verify", "-m", "chore: start")
    _template_hook()

    _editor_commit("-m", "fix(parser): accept empty files", "-m", "# keep this note", "-e")
    mine = Path(".git/SEEN").read_text()
    _editor_commit("-m", "fix(parser): accept empty files", "-m", GOOD_SECTIONS.replace("Context", "Why"), "-e")
    plain = Path(".git/SEEN").read_text()

    assert "# keep this note" in mine and "agentops: say why" not in mine
    assert "agentops: say why" in plain
