"""What holds against a hostile agent, PR or rule pack: safe YAML, extends inside the repository,
a verified rules cache, RE2 only, secrets masked as a prefix and a hash in every format."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agentops_hooks import config, rulefile
from agentops_hooks.cli import main
from agentops_hooks.errors import RuleFileError
from agentops_hooks.formats import FORMATTERS
from agentops_hooks.model import mask
from tests.testing import AWS_KEY, PRIVATE_KEY, ROOT, clean_env, commit, git, run_cli, write

RULE = """  - id: {id}
    kind: added-pattern
    description: Hostile patterns run in linear time.
    message: "{{path}} matched"
    severity: error
    pattern: '{pattern}'
"""
NO_HACK = "version: 1\nrules:\n" + RULE.format(id="no-hack", pattern="HACK-[0-9]+")


def one_line_exit_3(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI in-process; it must be exit 3 with exactly one line on stderr and nothing on stdout."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 3, (out, err)
    assert out == "" and len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err.strip()


# --- YAML: no anchors, aliases or tags; nothing constructed, nothing executed ---


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nrules: !!python/object/apply:os.system ['touch {marker}']\n",
        "!!python/object/new:os.system ['touch {marker}']\n",
        "version: !!python/name:os.system 1\n",
        "version: 1\nrules: !<tag:yaml.org,2002:python/object/apply:subprocess.call> [['touch', '{marker}']]\n",
        "version: 1\nx: &a [1]\ny: *a\n",
    ],
)
def test_yaml_tags_and_aliases_are_refused_and_nothing_runs(text: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(RuleFileError) as e:
        rulefile.load_text("team.yaml", text.format(marker=marker))
    assert str(e.value).startswith("team.yaml:") and "not allowed" in str(e.value)
    assert not marker.exists()


def test_an_alias_bomb_is_refused_at_the_first_anchor() -> None:
    bomb = "version: 1\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(RuleFileError, match=r"^bomb.yaml:2:4: YAML anchors and aliases are not allowed here"):
        rulefile.load_text("bomb.yaml", bomb)


def test_a_message_template_cannot_reach_attributes_or_blow_up_memory() -> None:
    for template, why in (
        ("{path.__class__}", "must be a plain name"),
        ("{path:>2000000000}", "takes no format spec"),
        ("{match!r}", "no format spec or conversion"),
        ("{0}", "must be a plain name"),
    ):
        text = NO_HACK.replace('"{path} matched"', json.dumps(template))
        with pytest.raises(RuleFileError, match=why):
            rulefile.load_text("team.yaml", text)


def test_no_rule_field_names_a_program_or_a_file_to_run() -> None:
    for key in ("command", "exec", "script", "entry", "run", "shell", "file", "include"):
        text = NO_HACK + f"    {key}: /bin/sh\n"
        with pytest.raises(RuleFileError, match=f"'{key}' is not valid for kind 'added-pattern'"):
            rulefile.load_text("team.yaml", text)


# --- extends stays inside the repository ---


@pytest.fixture
def outside(git_repo: Path) -> Path:
    """A rule file beside the repository (a file an agent should not make the hooks read)."""
    return write(git_repo.parent / "outside.yaml", "version: 1\nrules: []\n")


def test_extends_cannot_climb_out_of_the_repository(
    git_repo: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:core, ../outside.yaml]\n")
    err = one_line_exit_3(["staged"], capsys)
    assert err == (
        f"agentops-check: .agentops.yaml:2:10: extends '../outside.yaml': resolves outside the repository ({outside});"
        " extended files must stay inside it (builtin: and pkg: packs load shared rules)"
    )


def test_extends_cannot_name_an_absolute_path(
    git_repo: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(".agentops.yaml", f"version: 1\nextends: ['{outside}']\n")
    err = one_line_exit_3(["staged"], capsys)
    assert err.startswith(f"agentops-check: .agentops.yaml:2:10: extends '{outside}': an absolute path;")
    write(".agentops.yaml", f"version: 1\nextends: ['{git_repo / 'team.yaml'}']\n")  # even one inside
    assert "an absolute path" in one_line_exit_3(["staged"], capsys)


def test_extends_cannot_escape_through_a_symlink(
    git_repo: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (git_repo / "rules").mkdir()
    os.symlink(outside, git_repo / "rules" / "team.yaml")
    os.symlink("/etc", git_repo / "etc")
    write(".agentops.yaml", "version: 1\nextends: [rules/team.yaml]\n")
    err = one_line_exit_3(["staged"], capsys)
    assert "extends 'rules/team.yaml': rules/team.yaml: a symlink;" in err
    write(".agentops.yaml", "version: 1\nextends: [etc/passwd]\n")
    err = one_line_exit_3(["staged"], capsys)
    assert "extends 'etc/passwd': etc: a symlink;" in err and "root:" not in err


def test_a_nested_rule_file_cannot_escape_either(
    git_repo: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write("team/rules.yaml", "version: 1\nextends: [../../outside.yaml]\n")
    write(".agentops.yaml", "version: 1\nextends: [team/rules.yaml]\n")
    assert "resolves outside the repository" in one_line_exit_3(["staged"], capsys)


def test_extends_through_a_symlink_inside_the_repository_is_refused(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: a link is read only as what it is; CI reads blobs, so the same config means the same locally."""
    write("team/real.yaml", NO_HACK)
    os.symlink("real.yaml", git_repo / "team" / "link.yaml")
    write(".agentops.yaml", "version: 1\nextends: [team/link.yaml]\n")
    err = one_line_exit_3(["staged"], capsys)
    assert err.startswith("agentops-check: .agentops.yaml:2:10: extends 'team/link.yaml': team/link.yaml: a symlink;")
    write(".agentops.yaml", "version: 1\nextends: [team/real.yaml]\n")  # the file itself
    write("a.py", "x = 'HACK-1'\n")
    git("add", "a.py")
    assert main(["staged"]) == 1
    assert "a.py:1: no-hack a.py matched (error)" in capsys.readouterr().out


# --- the compiled-rules cache cannot weaken a check ---


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "agentops-hooks" / "rules").glob("*.json"))


def _hack_repo(git_repo: Path) -> Path:
    write(".agentops.yaml", NO_HACK)
    write("a.py", "x = 'HACK-1'\n")
    git("add", "a.py")
    return git_repo.parent / "cache"


def _forge(entry: Path, removed: bool = True, resign: bool = False) -> None:
    """Rewrite a cache entry with its rules removed (optionally with a correct data digest)."""
    from agentops_hooks.hashing import digest

    head, _, data = entry.read_bytes().partition(b"\n")
    meta = json.loads(head)
    doc = json.loads(data)
    if removed:
        doc["rules"] = []
    data = json.dumps(doc).encode()
    if resign:
        meta["data"] = digest(meta["key"].encode() + b"\0" + data)
    entry.write_bytes(json.dumps(meta).encode() + b"\n" + data)


def test_a_poisoned_cache_entry_under_the_right_key_does_not_weaken_the_hook(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = _hack_repo(git_repo)
    assert main(["staged"]) == 1  # fills the cache
    capsys.readouterr()
    (entry,) = _entries(cache)
    _forge(entry)  # the rule removed, the rest of the entry kept

    assert main(["staged"]) == 1
    assert "a.py:1: no-hack a.py matched (error)" in capsys.readouterr().out


def test_an_entry_for_other_content_or_a_garbled_entry_is_not_used(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = _hack_repo(git_repo)
    assert main(["staged"]) == 1
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    head, _, data = good.partition(b"\n")
    for poisoned in (
        json.dumps({**json.loads(head), "content": "0" * 64}).encode() + b"\n" + b'{"version": 1, "rules": []}',
        b'{"version": 1, "rules": []}',  # an old-style entry: no proof at all
        b"\xff\xfe garbage",
        b"",
    ):
        entry.write_bytes(poisoned)
        capsys.readouterr()
        assert main(["staged"]) == 1, poisoned
        assert "no-hack" in capsys.readouterr().out


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_others_can_write_is_ignored_even_when_its_entry_is_consistent(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = _hack_repo(git_repo)
    assert main(["staged"]) == 1
    (entry,) = _entries(cache)
    _forge(entry, resign=True)  # a forger who knows the scheme
    folder = entry.parent
    for target, mode in ((entry, 0o666), (entry, 0o620), (folder, 0o777), (folder, 0o775)):
        before = target.stat().st_mode
        target.chmod(mode)
        capsys.readouterr()
        assert main(["staged"]) == 1, oct(mode)
        assert "no-hack" in capsys.readouterr().out
        target.chmod(before)


def test_ci_never_reads_the_cache(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(".agentops.yaml", NO_HACK)
    base = commit("chore: add the rules", (".agentops.yaml", NO_HACK))
    commit("feat: add a", ("a.py", "x = 'HACK-1'\n"))
    cache = git_repo.parent / "cache"
    assert main(["range", f"{base}..HEAD"]) == 1  # fills the cache
    capsys.readouterr()
    (entry,) = _entries(cache)
    _forge(entry, resign=True)  # consistent and private: the local hook would trust it
    assert main(["range", f"{base}..HEAD"]) == 0  # the documented limit: the cache is as trusted as $HOME
    capsys.readouterr()

    assert main(["ci", "--base", base]) == 1
    assert "no-hack" in capsys.readouterr().out


def test_new_cache_entries_are_private(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = _hack_repo(git_repo)
    os.umask(old := os.umask(0o002))  # a permissive umask must not make the cache unusable
    try:
        assert main(["staged"]) == 1
    finally:
        os.umask(old)
    (entry,) = _entries(cache)
    assert entry.stat().st_mode & 0o077 == 0
    assert entry.parent.stat().st_mode & 0o022 == 0


def test_a_relative_cache_home_is_ignored(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A relative XDG_CACHE_HOME would put (and read) the cache in whatever folder the hook runs in."""
    from agentops_hooks import cache

    home = git_repo.parent / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    cache.glob_table.cache_clear()
    _hack_repo(git_repo)
    assert main(["staged"]) == 1
    assert "no-hack" in capsys.readouterr().out
    assert not (git_repo / "relative-cache").exists()
    assert _entries(home / ".cache")  # the default place instead


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_poisoned_glob_cache_is_ignored_when_others_can_write_it_and_always_in_ci(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The glob → regex cache decides which files a rule looks at: it is held to the rules cache's terms.

    It holds the globs of a team's own rules only: the built-in packs' come with the package
    (prebuilt/globs.json), so a poisoned entry for one of them changes nothing anywhere."""
    from agentops_hooks import cache

    rules = (
        "version: 1\nextends: [builtin:secrets]\nrules:\n"
        "  - {id: no-dumps, kind: file-limits, description: d, message: '{problem}', severity: error,"
        " forbidden-names: ['*.dump']}\n"
    )
    base = commit("chore: add the rules", (".agentops.yaml", rules))
    commit("feat: settings", (".env", "DEBUG=1\n"), ("db.dump", "rows\n"))
    cache.glob_table.cache_clear()  # the cache is read once per process
    assert main(["range", f"{base}..HEAD"]) == 1  # env-file and no-dumps; fills the glob cache
    said = capsys.readouterr().out
    assert "env-file" in said and "no-dumps" in said
    path = git_repo.parent / "cache" / "agentops-hooks" / "globs" / f"v{cache.GLOBS_VERSION}.json"
    # `*.dump` and the pack's `.env` made to match nothing
    poisoned = json.loads(path.read_text("utf-8")) | {"*.dump": ["(?!)", True], ".env": ["(?!)", True]}
    path.write_text(json.dumps(poisoned), "utf-8")

    cache.glob_table.cache_clear()
    assert main(["range", f"{base}..HEAD"]) == 1  # private and ours: as trusted as $HOME (the documented limit)
    said = capsys.readouterr().out
    assert "no-dumps" not in said and "env-file" in said  # the pack's glob is not the cache's to change
    cache.glob_table.cache_clear()
    assert main(["ci", "--base", base]) == 1
    said = capsys.readouterr().out
    assert "env-file" in said and "no-dumps" in said
    for target, mode in ((path, 0o666), (path, 0o620), (path.parent, 0o777), (path.parent, 0o775)):
        before = target.stat().st_mode
        target.chmod(mode)
        cache.glob_table.cache_clear()
        assert main(["range", f"{base}..HEAD"]) == 1, oct(mode)
        assert "no-dumps" in capsys.readouterr().out
        target.chmod(before)
    assert path.stat().st_mode & 0o077 == 0 and path.parent.stat().st_mode & 0o077 == 0


# --- CI: the base's rules judge the PR ---


def test_a_pr_pointing_extends_outside_the_repository_is_judged_by_the_base(git_repo: Path) -> None:
    base = commit("chore: rules", (".agentops.yaml", NO_HACK))
    write(git_repo.parent / "weak.yaml", "version: 1\nrules: []\n")
    commit(
        "feat: add a",
        (".agentops.yaml", "version: 1\nextends: [../weak.yaml]\n"),
        ("a.py", "x = 'HACK-1'\n"),
    )
    proc = run_cli("ci", "--base", base)
    assert proc.returncode == 1, proc.stderr
    assert "a.py:1: no-hack a.py matched (error)" in proc.stdout
    head = run_cli("ci", "--base", base, "--rules-from", "head")
    assert head.returncode == 3 and "resolves outside the repository" in head.stderr


# --- regexes: RE2 only ---


HOSTILE_PATTERNS = ("(a+)+$", "(a|aa)+$", "(a*)*b", "(x+x+)+y", "^(([a-z])+.)+[A-Z]([a-z])+$", "(.*a){20}$")


def test_catastrophic_patterns_run_in_linear_time_on_a_1mb_line(git_repo: Path) -> None:
    rules = "".join(RULE.format(id=f"hostile-{i}", pattern=p) for i, p in enumerate(HOSTILE_PATTERNS))
    write(".agentops.yaml", "version: 1\nrules:\n" + rules + RULE.format(id="tail", pattern="(a+)+b$"))
    write("big.txt", "a" * (1 << 20) + "!\n")
    write("hit.txt", "a" * (1 << 20) + "b\n")
    git("add", "-A")
    proc = subprocess.run(
        (sys.executable, "-m", "agentops_hooks", "staged", "-f", "json"),
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard, not a timing assertion: backtracking would take years
        env=clean_env() | {"XDG_CACHE_HOME": str(git_repo.parent / "cache")},
    )
    assert proc.returncode == 1, proc.stderr
    found = {(f["rule_id"], f["path"]) for c in json.loads(proc.stdout)["commits"] for f in c["findings"]}
    assert ("tail", "hit.txt") in found and ("tail", "big.txt") not in found
    assert ("hostile-0", "big.txt") not in found


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=x)y", "(?<!x)y", "a{1001}", "(unclosed", r"\p{Nope}"])
def test_a_pattern_re2_cannot_compile_is_exit_3_at_load(
    git_repo: Path, pattern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(".agentops.yaml", "version: 1\nrules:\n" + RULE.format(id="bad-re", pattern=pattern.replace("'", "''")))
    err = one_line_exit_3(["staged"], capsys)
    assert err.startswith("agentops-check: .agentops.yaml:8:14: rule 'bad-re': 'pattern': pattern ")
    assert "is not valid RE2" in err


def test_user_patterns_never_reach_pythons_backtracking_re() -> None:
    rule = rulefile.compile_rule("r.yaml", rulefile.load_text("r.yaml", NO_HACK)["rules"][0], "")
    assert type(rule.compiled.regexes["pattern"]).__module__.startswith("re2")
    found = [(r.id, p) for r in config.load(None).rules for p in r.compiled.every_regex()]
    assert len(found) > 10  # the built-in packs' patterns, every one of them looked at
    for rule_id, p in found:
        assert not type(p).__module__.startswith("re"), (rule_id, type(p))


# --- secrets masked in every output format ---


def test_mask_is_a_prefix_and_a_hash() -> None:
    assert mask(AWS_KEY) == "AKIA…[sha256:53de5baa]"
    assert mask("hunter2-pw") == "…[sha256:" + mask("hunter2-pw")[-9:]  # short: no prefix at all
    assert mask(AWS_KEY) != mask(AWS_KEY[:-1] + "X")
    assert AWS_KEY[4:8] not in mask(AWS_KEY)


def test_every_format_masks_planted_secrets(git_repo: Path, tmp_path: Path) -> None:
    github = "ghp_" + "x7Rk2LmN9pQ4sT6vW8yZ1aB3cD5eF7gH9jK2"
    write("settings.py", f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\nTOKEN = '{github}'\n")
    write("deploy/key.txt", f"{PRIVATE_KEY}\nMIIEowIBAAKCAQEA\n")
    git("add", "-A")
    summary = tmp_path / "summary.md"
    env = clean_env() | {"XDG_CACHE_HOME": str(tmp_path / "cache"), "GITHUB_STEP_SUMMARY": str(summary)}
    args = [a for name in sorted(FORMATTERS) for a in ("-f", f"{name}={tmp_path / ('out.' + name)}")]
    assert len(FORMATTERS) >= 7
    proc = run_cli("staged", *args, env=env)
    assert proc.returncode == 1, proc.stderr
    commit("feat: leak", cwd=git_repo)
    ranged = run_cli("range", "HEAD", "-f", "json", env=env)
    texts = {name: (tmp_path / f"out.{name}").read_text("utf-8") for name in FORMATTERS}
    texts |= {"stdout": proc.stdout + proc.stderr, "summary": summary.read_text("utf-8") if summary.exists() else ""}
    texts["range"] = ranged.stdout + ranged.stderr
    for name, text in texts.items():
        decoded = text.encode().decode("unicode_escape", "ignore") if name in ("json", "sarif", "gitlab") else text
        for secret in (AWS_KEY, github, PRIVATE_KEY):
            assert secret not in text and secret not in decoded, (name, secret)
            assert secret[4:] not in decoded, (name, secret)
        if name not in ("summary", "stdout"):
            assert "53de5baa" in text, name  # the same secret correlates across formats


def test_docs_security_page_covers_the_threat_model() -> None:
    text = (ROOT / "docs" / "security.md").read_text("utf-8").lower()
    for needle in (
        "careless agent",
        "get around",
        "hostile pull request",
        "malicious rule pack",
        "branch protection",
        "codeowners",
        "signed commits",
        "--amend",
        "cache",
    ):
        assert needle in text, needle


def test_every_test_the_threat_model_table_names_exists() -> None:
    """The table's last column names real tests: a row whose test is gone is a promise nobody checks."""
    text = (ROOT / "docs" / "security.md").read_text("utf-8")
    table = text.split("## Threat model", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    rows = [ln for ln in table.splitlines() if ln.startswith("| ") and not ln.startswith("| attacker")]
    assert len(rows) >= 15
    for row in rows:
        current = None
        for ref in re.findall(r"`([a-z_]+(?:::[a-z0-9_]+)?)`", row.rsplit("|", 2)[-2]):
            name, _, function = ref.partition("::")
            if name.endswith("_test"):
                current = (ROOT / "tests" / f"{name}.py").read_text("utf-8")
            assert current is not None, row
            if function:
                assert f"def {function}(" in current, f"{ref} in: {row[:80]}"
            elif not name.endswith("_test"):
                assert f"def {name}(" in current, f"{ref} in: {row[:80]}"
