"""History streams: git's log read block by block, commits too large to hold, early stops, forged marks."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentops_hooks import diffparse, gitrepo, sources
from agentops_hooks.errors import GitError
from agentops_hooks.model import FileChange
from tests.testing import AWS_KEY, commit, git, run_cli, write

BIG_LINES = 12_000  # about 3.5 times diffparse.BUDGET of added lines: a commit too large to keep


def _history(repo: Path) -> list[str]:
    """A small history with every kind of change git's patch output has, and one very large commit."""
    shas = [commit("feat: start", ("a.txt", "one\ntwo\nthree\n"), ("b.txt", "".join(f"b{i}\n" for i in range(40))))]
    (repo / "bin.dat").write_bytes(b"\x00\x01\x02 binary")
    (repo / "tool.sh").write_text("echo hi\n")
    git("add", "bin.dat", "tool.sh")
    shas.append(commit("feat: a binary and a script"))
    git("mv", "b.txt", "c.txt")
    write(repo / "c.txt", "".join(f"b{i}\n" for i in range(40)) + "b40\n")
    os.chmod(repo / "tool.sh", 0o755)
    write(repo / "a.txt", "one\n2\nthree\nfour")  # and no newline at the end
    git("add", "-A")
    shas.append(commit("refactor: rename, mode change, no final newline"))
    (repo / "a.txt").unlink()
    os.symlink("c.txt", repo / "a.txt")
    git("add", "-A")
    shas.append(commit("refactor: a file becomes a link"))
    big = "".join(f"line {i} {'x' * (i % 50)}\n" for i in range(BIG_LINES)) + f"key = '{AWS_KEY}'\n"
    shas.append(commit("feat: a generated file", ("gen/big.py", big), ("small.py", "print('hi')\n")))
    shas.append(commit("chore: nothing changed"))
    write(repo / "gen/big.py", big.replace("line 7 ", "line seven "))
    git("add", "-A")
    shas.append(commit("fix: one line of the big file"))
    git("rm", "-q", "gen/big.py")
    shas.append(commit("chore: drop the big file"))
    odd = "we ird\u00e9\nname.txt"
    write(repo / odd, "hello\n")
    git("add", "--", odd)
    shas.append(commit("feat: an odd file name"))
    return shas


def _view(f: FileChange) -> tuple[Any, ...]:
    return (
        f.status,
        f.path,
        f.old_path,
        f.binary,
        f.old_mode,
        f.new_mode,
        f.new_oid,
        f.added,
        f.removed,
        f.count(),
        f.count(True),
    )


def _blocks(data: bytes, size: int) -> Iterator[bytes]:
    return (data[i : i + size] for i in range(0, len(data), size))


def _parsed(data: bytes, size: int) -> list[tuple[Any, ...]]:
    with sources.Spool() as spool:
        return [(tuple(h), tuple(_view(f) for f in files)) for h, files in diffparse.log(_blocks(data, size), spool)]


def test_any_block_size_and_any_budget_give_the_same_commits(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shas = _history(git_repo)
    data = b"".join(gitrepo.log_blocks(["HEAD"]))
    monkeypatch.setattr(diffparse, "BUDGET", 1 << 40)
    whole = _parsed(data, len(data))
    assert [h[0].decode() for h, _ in whole] == shas
    big = next(files for h, files in whole if h[0].decode() == shas[4])
    assert big[0][1] == "gen/big.py" and big[0][9] == BIG_LINES + 1 and big[0][7][-1].number == BIG_LINES + 1
    kinds = {f[0] for _, files in whole for f in files}
    assert {"A", "M", "R", "T", "D"} <= kinds and any(f[3] for _, files in whole for f in files)  # and a binary
    for budget in (0, 100, diffparse.BUDGET):
        monkeypatch.setattr(diffparse, "BUDGET", budget)
        for size in (1, 7, 4096, 1 << 16):
            assert _parsed(data, size) == whole, (budget, size)


def test_a_commit_larger_than_memory_keeps_is_read_again_from_its_spill(git_repo: Path) -> None:
    shas = _history(git_repo)
    with sources.Spool() as spool:
        for _, files in diffparse.log(gitrepo.log_blocks([f"{shas[4]}^!"]), spool):
            (big,) = [f for f in files if f.path == "gen/big.py"]
            assert big.patch == b"" and big.reread is not None  # counted as it streamed by, not kept
            assert big.count() == BIG_LINES + 1
            assert [ln.number for ln in big.lines()][-3:] == [BIG_LINES - 1, BIG_LINES, BIG_LINES + 1]
            assert big.held().patch.count(b"\n+") == BIG_LINES + 1
            assert sum(len(t) for t in big.texts()) > diffparse.BUDGET


def test_a_secret_at_the_end_of_a_huge_commit_is_found_on_its_line(git_repo: Path) -> None:
    shas = _history(git_repo)
    proc = run_cli("range", f"{shas[3]}..{shas[4]}", "-f", "json")
    doc = json.loads(proc.stdout)
    (found,) = [f for c in doc["commits"] for f in c["findings"] if f["rule_id"] == "aws-access-key-id"]
    assert (found["path"], found["line"]) == ("gen/big.py", BIG_LINES + 1)
    assert proc.returncode == 1 and AWS_KEY not in proc.stdout


def test_a_report_counts_the_lines_of_a_huge_commit(git_repo: Path) -> None:
    shas = _history(git_repo)
    doc = json.loads(run_cli("report", "--format", "json").stdout)
    (largest, *_) = doc["largest_commits"]
    assert largest["sha"] == shas[4] and largest["added"] == BIG_LINES + 2  # and small.py's line


def test_a_forged_commit_mark_inside_a_file_is_only_text(git_repo: Path) -> None:
    """A NUL after git's first 8,000 bytes keeps a file text: its lines may hold our commit mark."""
    commit("feat: start", ("README", "hi\n"))
    forged = "\0\1AGENTOPS\2" + "f" * 40 + "\0\0Mallory\0m@example.com\0"
    body = "pad\n" * 2500 + f"{forged}\n" + f"key = '{AWS_KEY}'\n"
    (git_repo / "data.txt").write_bytes(body.encode())
    git("add", "data.txt")
    sha = commit("feat: data")
    assert "Binary" not in git("show", "--stat", "--format=", sha)  # git diffs it as text
    doc = json.loads(run_cli("range", f"{sha}~1..{sha}", "-f", "json").stdout)
    assert [c["sha"] for c in doc["commits"]] == [sha]
    (found,) = [f for f in doc["commits"][0]["findings"] if f["rule_id"] == "aws-access-key-id"]
    assert (found["path"], found["line"]) == ("data.txt", 2502)


def _children() -> list[str]:
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (OSError, ValueError):
            continue
        if pid.isdigit() and stat.rsplit(")", 1)[-1].split()[1] == me:
            found.append(pid)
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
def test_a_reader_that_stops_early_ends_git(git_repo: Path) -> None:
    _history(git_repo)
    stream = sources.history(["HEAD"])
    next(stream)
    assert _children()  # git is still writing the rest
    stream.close()
    assert _children() == []


def test_an_unknown_revision_is_git_s_own_one_line_reason(git_repo: Path) -> None:
    commit("feat: start", ("a", "1\n"))
    with pytest.raises(GitError, match="git log: .*nope"):
        list(gitrepo.log_blocks(["nope..HEAD"]))


def test_the_lines_of_a_commit_already_judged_are_not_given(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diffparse, "BUDGET", 0)
    commit("feat: one", ("a.txt", "1\n"))
    commit("feat: two", ("b.txt", "2\n"))
    first, _ = list(sources.history(["HEAD"]))
    with pytest.raises(RuntimeError, match="already judged"):
        list(first.files[0].lines())
