"""`learn`: an incident commit becomes a tested, backtested rule, inserted as text into the rule file."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from agentops_hooks.commands import learn
from tests.testing import AWS_KEY, CLAUDE, git, run_cli, write

APP = "const x = 1;\nconst y = 2;\nmodule.exports = x;\n"


def _commit(msg: str, files: dict[str, str]) -> str:
    for name, text in files.items():
        write(name, text)
        git("add", "--", name)
    git("commit", "-q", "--no-verify", "--no-gpg-sign", "--cleanup=verbatim", "--allow-empty", "-m", msg)
    return git("rev-parse", "HEAD").strip()


def _incident_history() -> dict[str, str]:
    """An agent logs process.env in src/app.js, a fix removes it; two other commits did the same elsewhere."""
    shas = {"base": _commit("feat: app\n", {"src/app.js": APP, "README.md": "app\n"})}
    shas["early"] = _commit("feat: server\n", {"src/server.js": "console.log(process.env.PORT);\n"})
    shas["incident"] = _commit(
        f"feat: debug output\n\n{CLAUDE}\n",
        {"src/app.js": "const x = 1;\nconsole.log(process.env);\nconst y = 2;\nmodule.exports = x;\n"},
    )
    shas["fix"] = _commit(
        "fix: stop logging the environment\n",
        {"src/app.js": "const x = 1;\nconsole.log('started');\nconst y = 2;\nmodule.exports = x;\n"},
    )
    shas["late"] = _commit(
        "feat: util\n", {"src/lib/util.js": "export const u = () => console.log(process.env.TOKEN);\n"}
    )
    shas["other"] = _commit("docs: notes\n", {"docs/notes.md": "Never log process.env.\n"})
    return shas


def _range_rule_ids(rev: str) -> list[str]:
    doc = json.loads(run_cli("range", f"{rev}^..{rev}", "-f", "json").stdout)
    return [f["rule_id"] for c in doc["commits"] for f in c["findings"]]


def test_learn_from_incident_fails_it_passes_the_fix_and_backtest_names_the_others(git_repo: Path) -> None:
    shas = _incident_history()

    proc = run_cli("learn", "--from-commit", shas["incident"])

    assert proc.returncode == 0, proc.stderr
    rule_id = f"learned-{shas['incident'][:7]}"
    text = Path(".agentops/rules.yaml").read_text()
    assert text.startswith("version: 1\nrules:\n")
    assert f"id: {rule_id}" in text
    assert r"pattern: '\bconsole\.log\(process\.env'" in text
    assert "include: ['src/**/*.js']" in text
    assert "added: ['console.log(process.env);']" in text  # fail example: the incident's line
    assert "added: ['console.log(''started'');']" in text or "console.log('started')" in text  # pass: the fix
    assert Path(".agentops.yaml").read_text() == (
        "version: 1\nextends: [builtin:core, builtin:secrets, .agentops/rules.yaml]\n"
    )
    assert f"{rule_id}: 3 commit(s) hit (ai 1, automation 0, human 2)" in proc.stdout
    assert run_cli("rules", "test").returncode == 0
    assert rule_id in _range_rule_ids(shas["incident"])
    assert rule_id not in _range_rule_ids(shas["fix"])
    doc = json.loads(run_cli("backtest", rule_id, "--format", "json").stdout)
    hits = {s["commit"] for s in doc["rules"][0]["samples"]}
    assert hits == {shas["early"], shas["late"]}  # the incident itself is listed in .agentops-ignore
    assert doc["rules"][0]["first_hit"]["sha"] == shas["early"]
    assert doc["rules"][0]["last_hit"]["sha"] == shas["late"]


def test_learn_lists_the_incident_in_the_ignore_file_so_the_push_of_its_fix_passes(git_repo: Path) -> None:
    shas = _incident_history()

    proc = run_cli("learn", "--from-commit", shas["incident"])

    assert proc.returncode == 0, proc.stderr
    rule_id = f"learned-{shas['incident'][:7]}"
    assert "learn: wrote .agentops-ignore" in proc.stdout
    assert (
        f"{shas['incident']} {rule_id} the incident agentops-check learn made this rule from (already fixed)"
        in Path(".agentops-ignore").read_text().splitlines()
    )
    doc = json.loads(run_cli("range", f"{shas['incident']}^..{shas['incident']}", "-f", "json").stdout)
    ours = [f for c in doc["commits"] for f in c["findings"] if f["rule_id"] == rule_id]
    assert ours and all(f.get("waived") for f in ours), ours
    late = run_cli("range", f"{shas['late']}^..{shas['late']}")
    assert f"{rule_id} " in late.stdout and late.returncode == 1  # a later commit doing it again is still refused
    again = run_cli("learn", "--from-commit", shas["incident"], "--id", "again-x")
    assert again.returncode == 3 and "already catches this" in again.stderr  # the same rule twice is refused
    assert Path(".agentops-ignore").read_text().count(shas["incident"]) == 1  # and writes no second line


def test_dry_run_prints_the_diff_and_writes_nothing(git_repo: Path) -> None:
    shas = _incident_history()

    proc = run_cli("learn", "--from-commit", shas["incident"], "--dry-run")

    assert proc.returncode == 0, proc.stderr
    assert "+++ b/.agentops/rules.yaml" in proc.stdout and "+++ b/.agentops.yaml" in proc.stdout
    assert not Path(".agentops").exists() and not Path(".agentops.yaml").exists()


def test_line_choice_and_flags_name_the_rule(git_repo: Path) -> None:
    shas = _incident_history()

    proc = run_cli(
        "learn", "--from-commit", shas["incident"], "--line", "src/app.js:2", "--id", "no-env-log",
        "--message", "process.env logged: {match}", "--hint", "Log the keys you need.", "--severity", "warning",
        "--applies-to", "agent",
    )  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    text = Path(".agentops/rules.yaml").read_text()
    for expected in (
        "id: no-env-log",
        "description: 'Process.env logged.'",
        "hint: 'Log the keys you need.'",
        "severity: warning",
        "applies-to: agent",
    ):
        assert expected in text


def test_line_choice_must_be_an_added_line(git_repo: Path) -> None:
    shas = _incident_history()

    proc = run_cli("learn", "--from-commit", shas["incident"], "--line", "src/app.js:9")

    assert proc.returncode == 3
    assert "adds no line 9 to src/app.js" in proc.stderr and len(proc.stderr.splitlines()) == 1


RULES_WITH_STYLE = """\
# yaml-language-server: $schema=whatever
version: 1   # the format

# Team rules. Keep them sorted.
rules:
    -   id: "no-todo"        # double quotes stay
        kind: added-pattern
        description: 'No TODO placeholders.'
        message: TODO in {path}
        severity:   warning
        pattern: "TODO"
        paths: {include: ["src/**", 'lib/**'], exclude: [vendor/**]}
        examples:
          fail: [{files: [{path: src/a.py, added: ["# TODO"]}]}]
          pass: [{files: [{path: src/a.py, added: ["# done"]}]}]
    # - id: parked-rule   (commented out, stays in the list)

# overrides follow
overrides: {}
"""


def _inserted_only(before: str, after: str) -> list[str]:
    """The lines `after` adds; fails if any line of `before` changed or moved."""
    sm = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    added = []
    for op, a1, a2, b1, b2 in sm.get_opcodes():
        assert op in ("equal", "insert"), (op, before.splitlines()[a1:a2], after.splitlines()[b1:b2])
        if op == "insert":
            added.append((b1, after.splitlines()[b1:b2]))
    assert len(added) == 1, added  # one contiguous block
    return added[0][1]


def test_rule_file_keeps_every_other_line(git_repo: Path) -> None:
    shas = _incident_history()
    write("team/rules.yaml", RULES_WITH_STYLE)
    cfg = "# our config\nversion: 1\nextends:\n  - builtin:core   # the basics\n  - builtin:secrets\n# end\n"
    write(".agentops.yaml", cfg)

    proc = run_cli("learn", "--from-commit", shas["incident"], "--rule-file", "team/rules.yaml")

    assert proc.returncode == 0, proc.stderr
    after = Path("team/rules.yaml").read_text()
    block = _inserted_only(RULES_WITH_STYLE, after)
    assert block[0].startswith("    -   id: learned-")  # the list's own indentation
    assert after.index("id: learned-") < after.index("# overrides follow")
    assert after.index("# - id: parked-rule") < after.index("id: learned-")
    assert _inserted_only(cfg, Path(".agentops.yaml").read_text()) == ["  - team/rules.yaml"]
    assert run_cli("rules", "validate").returncode == 0


@pytest.mark.parametrize(
    "rules_line",
    ["rules: []", "rules: []  # none yet", "rules:"],
)
def test_empty_rules_list_becomes_a_block(git_repo: Path, rules_line: str) -> None:
    shas = _incident_history()
    before = f"version: 1\n{rules_line}\n# trailing comment\n"
    write(".agentops/rules.yaml", before)

    assert run_cli("learn", "--from-commit", shas["incident"]).returncode == 0

    after = Path(".agentops/rules.yaml").read_text()
    head = "version: 1\n" + (rules_line.replace(" []", "") if "[]" in rules_line else rules_line) + "\n"
    assert after.startswith(head + "  - id: learned-")
    assert after.endswith("\n# trailing comment\n")


def test_flow_rules_list_gets_a_flow_item(git_repo: Path) -> None:
    shas = _incident_history()
    before = "version: 1\nrules: [{id: a-rule, kind: added-pattern, description: d, message: m, severity: info, pattern: x1}]  # flow\n"
    write(".agentops/rules.yaml", before)

    assert run_cli("learn", "--from-commit", shas["incident"], "--dry-run").returncode == 0
    proc = run_cli("learn", "--from-commit", shas["incident"])

    assert proc.returncode == 0, proc.stderr
    after = Path(".agentops/rules.yaml").read_text()
    assert after.startswith(
        "version: 1\nrules: [{id: a-rule, kind: added-pattern, description: d, message: m, severity: info, pattern: x1}, {id: learned-"
    )
    assert after.endswith("}]  # flow\n")
    assert run_cli("rules", "validate", ".agentops/rules.yaml").returncode == 0


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        (r"(a)\1", "is not valid RE2"),
        (".*", "matches every line"),
        ("x*", "matches every line"),
        (r"\S|^", "matches every line"),
    ],
)
def test_bad_pattern_is_refused_and_nothing_written(git_repo: Path, pattern: str, says: str) -> None:
    _commit("feat: app\n", {"src/app.js": APP})

    proc = run_cli("learn", "--pattern", pattern, "--paths", "src/**", "--id", "bad-one", "--message", "m")

    assert proc.returncode == 3
    assert says in proc.stderr and len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not Path(".agentops").exists() and not Path(".agentops.yaml").exists()


def test_pattern_from_flags(git_repo: Path) -> None:
    _incident_history()

    proc = run_cli(
        "learn", "--pattern", r"process\.env\b", "--paths", "src/**/*.js", "--id", "no-env",
        "--message", "environment used: {match}", "--keywords", "process.env",
    )  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    text = Path(".agentops/rules.yaml").read_text()
    assert r"pattern: 'process\.env\b'" in text and "keywords: [process.env]" in text
    assert "no-env: 3 commit(s) hit" in proc.stdout


def test_duplicate_id_is_refused(git_repo: Path) -> None:
    _incident_history()

    proc = run_cli("learn", "--pattern", "foo", "--id", "vague-subject", "--message", "m")

    assert proc.returncode == 3 and "already loaded" in proc.stderr


def test_a_rule_that_duplicates_a_loaded_one_is_refused_naming_it(git_repo: Path) -> None:
    _incident_history()
    assert run_cli("learn", "--pattern", r"process\.env\b", "--id", "no-env", "--message", "m").returncode == 0

    proc = run_cli("learn", "--pattern", r"process\.env\b", "--id", "no-env-again", "--message", "m")

    assert proc.returncode == 3
    assert proc.stderr.startswith("agentops-check: the proposed rule duplicates 'no-env' (.agentops/rules.yaml rule #1)")
    assert "no-env-again" not in Path(".agentops/rules.yaml").read_text()


def test_a_learned_pattern_keeps_a_commit_id_whole(git_repo: Path) -> None:
    _commit("feat: app\n", {"src/app.js": APP})
    bad = _commit(f"feat: pin\n\n{CLAUDE}\n", {"src/pin.js": APP + 'const pinned = "3f2a9c1";\n'})

    proc = run_cli("learn", "--from-commit", bad, "--line", "src/pin.js:" + str(APP.count("\n") + 1))

    assert proc.returncode == 0, proc.stderr
    text = Path(".agentops/rules.yaml").read_text()
    assert r"\b[0-9a-f]{7,}\b" in text and r"\d+f2a9c1" not in text


def test_a_leaked_secret_never_reaches_the_rule_file(git_repo: Path) -> None:
    _commit("feat: app\n", {"src/app.js": APP})
    leak = _commit(
        f"feat: aws client\n\n{CLAUDE}\n",
        {"src/aws.js": f'const client = makeClient();\nconst awsKey = "{AWS_KEY}";\n'},
    )
    _commit("fix: read the key from the environment\n", {"src/aws.js": "const client = makeClient();\n"})

    proc = run_cli("learn", "--from-commit", leak)

    assert proc.returncode == 0, proc.stderr
    text = Path(".agentops/rules.yaml").read_text()
    assert AWS_KEY not in text and AWS_KEY[4:] not in text
    assert AWS_KEY not in proc.stdout + proc.stderr
    assert "[0-9A-Z]+" in text and "redact: true" in text
    assert run_cli("rules", "test").returncode == 0  # its fail example still fails, without the secret


def test_only_secret_lines_give_the_secret_rule_s_shape_which_is_refused_as_its_duplicate(git_repo: Path) -> None:
    _commit("feat: app\n", {"src/app.js": APP})
    leak = _commit("feat: key\n", {"keys.txt": f"{AWS_KEY}\n"})

    proc = run_cli("learn", "--from-commit", leak)

    assert proc.returncode == 3
    assert "the proposed rule duplicates 'aws-access-key-id' (builtin:secrets rule #" in proc.stderr
    assert AWS_KEY not in proc.stdout + proc.stderr
    assert not Path(".agentops/rules.yaml").exists()


@pytest.mark.parametrize(
    ("literal", "pattern"),
    [
        ("console.log(process.env);", r"console\.log\(process\.env\);"),
        ("retry 3 times", r"retry\s+\d+\s+times"),
        ("sha 0a1b2c3d4e5f6a7b", r"sha\s+\b[0-9a-f]{7,}\b"),
        ("git revert 3f2a9c1", r"git\s+revert\s+\b[0-9a-f]{7,}\b"),  # a short commit id: one token, not \d+f2a9c1
        ("pin 1234567abc", r"pin\s+\b[0-9a-f]{7,}\b"),
        ("width 3px", r"width\s+3px"),
        ("utf8 [x]", r"utf8\s+\[x\]"),
    ],
)
def test_generalise(literal: str, pattern: str) -> None:
    assert learn.generalise(literal) == pattern


def test_include_globs() -> None:
    assert learn.include_glob("src/app.js") == "src/**/*.js"
    assert learn.include_glob("app.py") == "*.py"
    assert learn.include_glob("Makefile") == "/Makefile"
    assert learn.include_glob("tools/Makefile") == "tools/Makefile"


def test_generic_lines() -> None:
    assert all(learn.is_generic(t) for t in ("}", "  });", "import os", "from a import b", "return;", ""))
    assert not any(learn.is_generic(t) for t in ("console.log(x)", "# type: ignore", "debugger;"))


def test_no_prompt_without_a_terminal(git_repo: Path) -> None:
    shas = _incident_history()
    env = {**os.environ}

    proc = run_cli("learn", "--from-commit", shas["incident"], env=env, stdin="")

    assert proc.returncode == 0 and "Message" not in proc.stdout
