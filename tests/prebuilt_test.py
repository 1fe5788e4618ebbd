"""The built-in packs' prebuilt files: current, taken only for the package's own packs, never a repository's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agentops_hooks import config, docsgen, packs, prebuilt, rulefile
from agentops_hooks.errors import FatalError
from agentops_hooks.hashing import digest
from tests.testing import ROOT, commit, git, run_cli, write

REGENERATE = "regenerate them: python -m agentops_hooks.docsgen --write"
BROKEN_RULE = (
    "version: 1\nrules:\n  - id: broken\n    kind: added-pattern\n    description: d\n    message: m\n"
    "    severity: error\n    pattern: 'a(?=b)'\n"
)
BAD_MESSAGE = "did stuff\n\nAssisted-by: Claude <noreply@anthropic.com>\n"  # an agent's, no sections: core refuses it


def test_each_prebuilt_file_is_what_validating_its_pack_gives_now() -> None:
    made = docsgen.prebuilt_files()
    on_disk = {p.name: p.read_text("utf-8") for p in (ROOT / "agentops_hooks" / "prebuilt").iterdir()}
    names = [f"{n}.{part}" for n in packs.builtin_names() for part in ("json", "examples")] + ["globs.json"]

    assert sorted(on_disk) == sorted(made) == sorted(names), REGENERATE
    for name, text in made.items():
        assert on_disk[name] == text, f"agentops_hooks/prebuilt/{name} is out of date; {REGENERATE}"


def test_no_glob_of_a_built_in_pack_is_translated_on_a_run() -> None:
    # `ci` validates the base's config on every run and trusts no cache: the built-in packs' globs
    # come translated with the package, so pathspec (tens of milliseconds to import) stays unloaded
    script = (
        "import sys\n"
        "from agentops_hooks import config\n"
        "cfg = config.load(None, trust_cache=False)\n"
        "for r in cfg.rules:\n"
        "    r.selects('deploy/k8s/app-secret.yaml')\n"
        "    for g in (r.include, r.exclude, *r.compiled.globsets.values()):\n"
        "        g is not None and g.match_file('deploy/k8s/app-secret.yaml')\n"
        "print('pathspec' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr
    extended = "from agentops_hooks import globs\nprint(globs.compile_globs(['*.pem'], use_cache=False).match_file('k.pem'))"
    assert subprocess.run([sys.executable, "-c", extended], capture_output=True, text=True, cwd=ROOT).stdout == "True\n"


def test_a_glob_the_package_does_not_ship_is_translated_as_before() -> None:
    from agentops_hooks import globs

    unshipped = "deploy/**/*.never-in-a-pack"
    assert unshipped not in globs.shipped_table()
    chosen = globs.compile_globs([unshipped], use_cache=False)
    assert chosen.match_file("deploy/a/b/x.never-in-a-pack") and not chosen.match_file("x.never-in-a-pack")
    assert globs.shipped_table()["**/*secret*.yaml"][1] is True


def test_the_prebuilt_data_is_the_validated_yaml_with_its_examples() -> None:
    source = Path(packs.builtin_path("secrets")).read_bytes()
    ready = prebuilt.doc("secrets", source)

    assert ready is not None
    assert rulefile.plain(ready) == rulefile.load_text("secrets.yaml", source.decode("utf-8"))
    text = Path(prebuilt.path("secrets")).read_text("utf-8") + Path(prebuilt.path("secrets", "examples")).read_text("utf-8")
    fakes = [leaf for r in ready["rules"] for leaf in _strings(dict(r["examples"]).get("fail")) if len(leaf) >= 20]
    assert len(fakes) > 20 and not [f for f in fakes if f in text]  # the fake keys are not spelled out
    assert prebuilt.doc("secrets", source + b"# edited\n") is None  # other bytes: validated as any file is


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_a_built_in_pack_is_not_validated_on_a_run(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a built-in pack was validated")

    monkeypatch.setattr(rulefile, "load_rules", refuse)
    cfg = config.load(None, trust_cache=False, toplevel=str(git_repo))  # as ci: no cache either

    assert {"ai-context-sections", "aws-access-key-id"} <= {r.id for r in cfg.rules}


def test_a_checkout_whose_pack_was_edited_validates_it(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = git_repo.parent / "packs"
    shutil.copytree(packs.pack_dir(), folder)
    (folder / "core.yaml").write_text(BROKEN_RULE, encoding="utf-8")  # the prebuilt file is of the old core.yaml
    monkeypatch.setattr(packs, "pack_dir", lambda: str(folder))
    write(".agentops.yaml", "version: 1\nextends: [builtin:core]\n")

    proc = run_cli("config", "show")

    assert proc.returncode == 3
    assert "rule 'broken': 'pattern'" in proc.stderr and "is not valid RE2" in proc.stderr


def test_a_repositorys_own_prebuilt_file_is_never_read(git_repo: Path) -> None:
    """A repository ships a "prebuilt" core that has no rules, beside the package's paths and its own
    copy of the pack: the package's rules still judge, and its own copy is validated."""
    core = Path(packs.builtin_path("core")).read_bytes()
    forged = prebuilt.render("core", core, {"version": 1, "rules": []})["json"]
    for place in ("agentops_hooks/prebuilt/core.json", "prebuilt/core.json", "core.json", "builtin:core.json"):
        write(place, forged)
    write(".agentops.yaml", "version: 1\nextends: [builtin:core]\n")
    commit("chore: start", (".agentops.yaml", "version: 1\nextends: [builtin:core]\n"))
    write("msg", BAD_MESSAGE)

    assert run_cli("commit-msg", "msg").returncode == 1  # core's rules, not the forged empty list

    # a local file named like the pack, whose forged prebuilt file records its own digest
    write("builtin:core", BROKEN_RULE)
    fake = prebuilt.render("core", BROKEN_RULE.encode(), {"version": 1, "rules": []})["json"]
    for place in ("agentops_hooks/prebuilt/core.json", "prebuilt/core.json"):
        write(place, fake)
    write(".agentops.yaml", "version: 1\nextends: ['./builtin:core']\n")
    proc = run_cli("commit-msg", "msg")

    assert proc.returncode == 3
    assert proc.stderr.count("\n") == 1 and "rule 'broken': 'pattern'" in proc.stderr


def test_a_broken_user_rule_still_fails_closed_in_the_hook(git_repo: Path) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:core, builtin:secrets]\n" + BROKEN_RULE.split("\n", 1)[1])
    git("add", ".agentops.yaml")
    write("msg", "fix: a\n")

    for args in (("commit-msg", "msg"), ("staged", "--hook")):
        proc = run_cli(*args)
        assert proc.returncode == 3, proc.stderr
        assert proc.stderr.startswith("agentops-check: .agentops.yaml:") and proc.stderr.count("\n") == 1, proc.stderr
        assert "rule 'broken': 'pattern': pattern 'a(?=b)' is not valid RE2" in proc.stderr


def test_a_prebuilt_file_records_what_it_was_made_from() -> None:
    head = json.loads(Path(prebuilt.path("core")).read_text("utf-8").split("\n", 1)[0])
    source = Path(packs.builtin_path("core")).read_bytes()

    shelf = Path(prebuilt.path("core", "examples")).read_bytes()

    assert head == {"pack": "core", "format": prebuilt.FORMAT, "source": digest(source), "rules": 9, "examples": digest(shelf)}
    assert head["rules"] == len(rulefile.load_text("core.yaml", source.decode("utf-8"))["rules"])


def test_examples_that_are_not_the_packs_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for part in ("json", "examples"):
        shutil.copy(prebuilt.path("core", part), tmp_path / f"core.{part}")
    (tmp_path / "core.examples").write_bytes(Path(prebuilt.path("secrets", "examples")).read_bytes())
    monkeypatch.setattr(prebuilt, "FOLDER", str(tmp_path))
    ready = prebuilt.doc("core", Path(packs.builtin_path("core")).read_bytes())

    assert ready is not None  # the rules load; their examples are read only when asked for
    with pytest.raises(FatalError, match="not the examples of builtin:core"):
        dict(ready["rules"][0]["examples"])
