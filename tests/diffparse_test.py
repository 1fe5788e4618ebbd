"""diffparse, a pure module: git's `--raw -z -p -U0` bytes in, FileChange values out (no git run here)."""

from __future__ import annotations

from agentops_hooks import diffparse

Z40 = "0" * 40
# `git show --format= <DIFF_ARGS>` of one commit: a modified file with a space in its name, a binary
# added, a file deleted, a symlink added, a pure rename (raw records first, then the patch sections)
SHOW = (
    b":100644 100644 814f4a422927b82f5f8a43f8fab6d3839e3983f2 99b356dcd03dde0755c749bcd4cae4b2b73a8fa8 M\x00a b.txt\x00"
    b":000000 100644 " + Z40.encode() + b" badc806ed7d7937d6fcb727b07d0e90ec752bf9f A\x00blob.bin\x00"
    b":100644 000000 587be6b4c3f93f93c489c0111bba5596147a26cb " + Z40.encode() + b" D\x00gone\x00"
    b":000000 120000 " + Z40.encode() + b" 3e5126c4e761fd09582fc517918a1601b218dff0 A\x00link\x00"
    b":100644 100644 7d3d01af1af4398fe5ed268f43cfe68ab571d28b 7d3d01af1af4398fe5ed268f43cfe68ab571d28b R100\x00old\x00new\x00"
    b"\x00diff --git a/a b.txt b/a b.txt\nindex 814f4a4..99b356d 100644\n--- a/a b.txt\t\n+++ b/a b.txt\t\n"
    b"@@ -2 +2 @@ one\n-two\n+2\n"
    b"diff --git a/blob.bin b/blob.bin\nnew file mode 100644\nindex 0000000..badc806\n"
    b"Binary files /dev/null and b/blob.bin differ\n"
    b"diff --git a/gone b/gone\ndeleted file mode 100644\nindex 587be6b..0000000\n--- a/gone\n+++ /dev/null\n"
    b"@@ -1 +0,0 @@\n-x\n"
    b"diff --git a/link b/link\nnew file mode 120000\nindex 0000000..3e5126c\n--- /dev/null\n+++ b/link\n"
    b"@@ -0,0 +1 @@\n+new\n\\ No newline at end of file\n"
    b"diff --git a/old b/new\nsimilarity index 100%\nrename from old\nrename to new\n"
)


def _by_path() -> dict[str, diffparse.FileChange]:
    return {f.path: f for f in diffparse.parse(SHOW)}


def test_every_record_becomes_one_file_in_order() -> None:
    files = diffparse.parse(SHOW)
    assert [(f.status, f.path, f.old_path) for f in files] == [
        ("M", "a b.txt", None),
        ("A", "blob.bin", None),
        ("D", "gone", None),
        ("A", "link", None),
        ("R", "new", "old"),
    ]


def test_lines_carry_their_numbers_on_each_side() -> None:
    f = _by_path()["a b.txt"]
    assert [(ln.number, ln.text) for ln in f.added] == [(2, "2")]
    assert [(ln.number, ln.text) for ln in f.removed] == [(2, "two")]


def test_binary_deleted_and_renamed_files() -> None:
    files = _by_path()
    assert files["blob.bin"].binary and files["blob.bin"].added == ()
    assert [ln.text for ln in files["gone"].removed] == ["x"] and files["gone"].new_mode == "000000"
    assert files["new"].added == () and files["new"].removed == ()


def test_modes_and_object_ids_come_from_the_raw_records() -> None:
    link = _by_path()["link"]
    assert (link.old_mode, link.new_mode) == ("000000", "120000")
    assert link.new_oid == "3e5126c4e761fd09582fc517918a1601b218dff0"
    assert [ln.text for ln in link.added] == ["new"]  # the no-newline marker is not a line


def test_an_empty_diff_has_no_files() -> None:
    assert diffparse.parse(b"") == ()


def test_a_log_stream_splits_commits_at_the_mark_even_in_tiny_blocks() -> None:
    header = b"\x00".join([b"a" * 40, b"", b"Dana", b"d@x", b"2024-01-01T00:00:00+00:00"] * 1) + b"\x00"
    header += b"Dana\x00d@x\x002024-01-01T00:00:00+00:00\x00subject\n\nbody\n\x00"
    one = diffparse.MARK + header + b"\n" + SHOW
    stream = one + b"\n" + one.replace(b"a" * 40, b"b" * 40)
    blocks = [stream[i : i + 7] for i in range(0, len(stream), 7)]  # boundaries fall anywhere

    commits = list(diffparse.log(blocks))

    assert [fields[0].decode() for fields, _ in commits] == ["a" * 40, "b" * 40]
    assert [fields[8] for fields, _ in commits] == [b"subject\n\nbody\n"] * 2
    assert [len(files) for _, files in commits] == [5, 5]
    assert [ln.text for ln in {f.path: f for f in commits[1][1]}["a b.txt"].added] == ["2"]


def _commit_of(sha: bytes, sections: list[tuple[str, bytes]]) -> bytes:
    """One commit of a log stream: each (path, added bytes) a modified file with one hunk."""
    header = b"\x00".join([sha, b"", b"Dana", b"d@x", b"2024-01-01T00:00:00+00:00"] * 1) + b"\x00"
    header += b"Dana\x00d@x\x002024-01-01T00:00:00+00:00\x00subject\n\x00"
    raw = b"".join(b":100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" M\x00" + p.encode() + b"\x00" for p, _ in sections)
    patches = b"".join(
        b"diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -0,0 +1 @@\n+%s\n" % (p.encode(), p.encode(), p.encode(), p.encode(), text)
        for p, text in sections
    )
    return diffparse.MARK + header + b"\n" + raw + b"\x00" + patches


def test_a_section_ends_at_the_nearest_boundary_wherever_it_falls() -> None:
    """Sections as long as the boundary search's first windows, give or take a marker's length: the
    next file or commit is found whether its marker lies inside a window or across its end."""
    sizes = [n for edge in (2048, 8192, 32768) for n in range(edge - 90, edge + 12)]
    stream = b"".join(
        _commit_of(b"%040d" % n, [("a.txt", b"x" * n), ("b.txt", b"y" * (n % 7))] if n % 2 else [("a.txt", b"x" * n)])
        for n in sizes
    )

    commits = list(diffparse.log([stream]))

    assert [int(fields[0]) for fields, _ in commits] == sizes
    for (_, files), n in zip(commits, sizes, strict=True):
        assert [f.path for f in files] == (["a.txt", "b.txt"] if n % 2 else ["a.txt"])
        assert [ln.text for ln in files[0].added] == ["x" * n]
        if n % 2:
            assert [ln.text for ln in files[1].added] == ["y" * (n % 7)]
