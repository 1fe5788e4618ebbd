"""Config keys and exemptions, each proven on real commits through the real CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.testing import AWS_KEY, CLAUDE, git, run_cli, write

BOT = "49699333+dependabot[bot]@users.noreply.github.com"
TODO_RULE = """\
version: 1
rules:
  - id: no-todo
    kind: added-pattern
    description: No TODO placeholders.
    message: "TODO added in {path}"
    severity: error
    applies-to: ai
    pattern: "TODO"
"""


def _commit(msg: str, files: dict[str, str], author: tuple[str, str] | None = None, date: str | None = None) -> str:
    env = dict(os.environ)
    if author:
        env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1])
    if date:
        env.update(GIT_COMMITTER_DATE=date, GIT_AUTHOR_DATE=date)
    for name, text in files.items():
        write(name, text)
        git("add", "--", name)
    git("commit", "-q", "--no-verify", "--cleanup=verbatim", "--allow-empty", "-m", msg, env=env)
    return git("rev-parse", "HEAD").strip()


def _range(base: str, *args: str) -> tuple[int, list[str]]:
    proc = run_cli("range", f"{base}..HEAD", *args)
    assert "Traceback" not in proc.stderr
    return proc.returncode, proc.stdout.splitlines()


def _findings(base: str, *args: str) -> dict[str, list[dict]]:
    doc = json.loads(run_cli("range", f"{base}..HEAD", "-f", "json", *args).stdout)
    return {c["sha"]: c["findings"] for c in doc["commits"]}


def test_applies_to_ai_fails_ai_and_passes_human_and_dependabot(git_repo: Path) -> None:
    write(".agentops/rules.yaml", TODO_RULE)
    write(".agentops.yaml", "version: 1\nextends: [.agentops/rules.yaml]\n")
    base = _commit("chore: config\n", {})
    ai = _commit(f"feat: a\n\n{CLAUDE}\n", {"a.py": "# TODO later\n"})
    human = _commit("feat: b\n", {"b.py": "# TODO later\n"})
    bot = _commit("Bump x\n", {"c.py": "# TODO later\n"}, author=("dependabot[bot]", BOT))

    found = _findings(base)

    assert [f["rule_id"] for f in found[ai]] == ["no-todo"]
    assert found[human] == [] and found[bot] == []


def test_overrides_disable_floor_exclude_ignore(git_repo: Path) -> None:
    write(
        ".agentops.yaml",
        """\
version: 1
extends: [builtin:core, builtin:secrets]
overrides:
  subject-length: {max-subject-length: 20, severity: error}
disable: [vague-subject, conventional-subject]  # "wip" is neither specific nor conventional
severity-floor: warning
exclude: ["fixtures/**"]
ignore:
  authors: ["*[bot]@users.noreply.github.com"]
  subjects: ["^Release v"]
""",
    )
    base = _commit("chore: config\n", {})
    long = _commit("feat: a subject that is too long now\n", {})
    vague = _commit("wip\n", {})
    fixture = _commit("test: add fixture\n", {"fixtures/keys.py": f"KEY = '{AWS_KEY}'\n"})
    bot = _commit("wip\n", {"x.py": f"KEY = '{AWS_KEY}'\n"}, author=("dependabot[bot]", BOT))
    release = _commit("Release v1.0 with a very long subject line\n", {})

    found = _findings(base)

    assert [(f["rule_id"], f["severity"]) for f in found[long]] == [("subject-length", "error")]
    assert found[vague] == []  # disabled
    # exclude and ignore narrow the exemptible rules; a secret is found wherever it is (issue 19)
    assert [f["rule_id"] for f in found[fixture]] == ["aws-access-key-id"]
    assert [f["rule_id"] for f in found[bot]] == ["aws-access-key-id"]  # ignored: judged by non-exemptible rules only
    assert found[release] == []  # ignored commit: its too-long subject is not judged


def test_severity_floor_raises_warnings(git_repo: Path) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:core]\nseverity-floor: error\n")
    base = _commit("chore: config\n", {})
    long = _commit("feat: " + "add the parser " * 8 + "\n", {})
    assert [(f["rule_id"], f["severity"]) for f in _findings(base)[long]] == [("subject-length", "error")]


def test_bad_config_is_exit_3_with_position(git_repo: Path) -> None:
    write(".agentops.yaml", "version: 1\nextends: [builtin:core]\noverrides:\n  subject-lenght: {severity: error}\n")
    base = _commit("chore: config\n", {})
    proc = run_cli("range", f"{base}~0")
    assert proc.returncode == 3
    assert proc.stderr.strip().count("\n") == 0
    assert proc.stderr.startswith("agentops-check: ")
    assert (
        ".agentops.yaml:4:3: overrides: no loaded rule has the id 'subject-lenght' (did you mean 'subject-length'?)"
        in proc.stderr
    )

    write(
        ".agentops.yaml", "version: 1\nextends: [builtin:core]\noverrides:\n  subject-length: {max-subjekt-length: 3}\n"
    )
    proc = run_cli("staged")
    assert proc.returncode == 3
    assert (
        ".agentops.yaml:4:20: overrides.subject-length: 'max-subjekt-length' cannot be set for kind 'message-format' (did you mean 'max-subject-length'?)"
        in proc.stderr
    )

    write(".agentops.yaml", "version: 1\nextends: [builtin:core]\ndisable: [no-such-rule]\n")
    proc = run_cli("staged")
    assert (
        proc.returncode == 3 and ".agentops.yaml:3:11: disable: no loaded rule has the id 'no-such-rule'" in proc.stderr
    )


def _exempt_case(
    trailers: str, author: tuple[str, str] | None = None, date: str | None = None
) -> tuple[int, list[str]]:
    base = _commit("chore: start\n", {})
    _commit(f"feat: add the parser module\n\n{CLAUDE}\n{trailers}", {}, author=author, date=date)
    return _range(base)


def test_valid_exemption_is_shown_as_waived(git_repo: Path) -> None:
    code, out = _exempt_case(
        "AgentOps-Exempt: ai-context-sections: one-line fix, reviewed in PR 12\nApproved-by: Lee Lead <lee@example.com>\n"
    )
    assert code == 0
    assert any(
        "ai-context-sections missing the 'Context:' section (waived) [waived by trailer: one-line fix, reviewed in PR 12;"
        " approved by Lee Lead <lee@example.com> (unverified approval: a line in the agent's own commit)]"
        in ln
        for ln in out
    )


def test_expired_exemption_does_not_count(git_repo: Path) -> None:
    code, out = _exempt_case(
        "AgentOps-Exempt: ai-context-sections: legacy until=2026-01-31\n", date="2026-03-01T12:00:00+00:00"
    )
    assert code == 1
    assert any(
        "invalid-exemption the exemption of 'ai-context-sections' expired on 2026-01-31 (warning)" in ln for ln in out
    )
    assert any("ai-context-sections missing the 'Context:' section (error)" in ln for ln in out)


def test_exemption_not_yet_expired_counts(git_repo: Path) -> None:
    code, _ = _exempt_case(
        "AgentOps-Exempt: ai-context-sections: legacy until=2026-12-31\nApproved-by: Lee Lead <lee@example.com>\n",
        date="2026-03-01T12:00:00+00:00",
    )
    assert code == 0


def test_reasonless_exemption_is_a_finding(git_repo: Path) -> None:
    code, out = _exempt_case("AgentOps-Exempt: ai-context-sections:\n")
    assert code == 1
    assert any("invalid-exemption the exemption of 'ai-context-sections' gives no reason (error)" in ln for ln in out)


def test_self_approved_exemption_is_a_finding(git_repo: Path) -> None:
    code, out = _exempt_case(
        "AgentOps-Exempt: ai-context-sections: trivial\nApproved-by: Dana Dev <dana@example.com>\n"
    )
    assert code == 1
    assert any(
        "the exemption of 'ai-context-sections' does not hold: 'Approved-by: Dana Dev <dana@example.com>'"
        " is the author of the commit: its own author cannot approve it (error)" in ln
        for ln in out
    )


def test_agent_approved_exemption_is_a_finding(git_repo: Path) -> None:
    code, out = _exempt_case(
        "AgentOps-Exempt: ai-context-sections: trivial\nApproved-by: Claude <noreply@anthropic.com>\n"
    )
    assert code == 1
    assert any("'Approved-by: Claude <noreply@anthropic.com>' is an agent identity, not a person (error)" in ln for ln in out)


def test_non_exemptible_rule_ignores_every_waiver(git_repo: Path) -> None:
    base = _commit("chore: start\n", {})
    _commit(
        "feat: settings\n\nAgentOps-Exempt: aws-access-key-id: it is a test key\n",
        {"s.py": f"KEY = '{AWS_KEY}'  # agentops: allow aws-access-key-id test key\n"},
    )
    git("rev-parse", "HEAD")
    code, out = _range(base)
    assert code == 1
    assert any("s.py:1: aws-access-key-id" in ln and "(error)" in ln for ln in out)
    assert any("'aws-access-key-id' cannot be exempted (exemptible: false)" in ln for ln in out)
    assert AWS_KEY not in "\n".join(out)


def test_inline_allow_and_no_inline_allow(git_repo: Path) -> None:
    write(".agentops/rules.yaml", TODO_RULE.replace("applies-to: ai", "applies-to: all"))
    write(".agentops.yaml", "version: 1\nextends: [.agentops/rules.yaml]\n")
    base = _commit("chore: config\n", {})
    _commit("feat: a\n", {"a.py": "x = 1  # TODO agentops: allow no-todo tracked in issue 7\n"})

    code, out = _range(base)
    assert code == 0
    assert any("a.py:1: no-todo TODO added in a.py (waived) [waived by inline: tracked in issue 7]" in ln for ln in out)

    code, out = _range(base, "--no-inline-allow")
    assert code == 1
    assert any("a.py:1: no-todo TODO added in a.py (error)" in ln for ln in out)


def test_agent_adding_inline_allow_is_reported(git_repo: Path) -> None:
    write(".agentops/rules.yaml", TODO_RULE)
    write(".agentops.yaml", "version: 1\nextends: [.agentops/rules.yaml]\n")
    base = _commit("chore: config\n", {})
    _commit(f"feat: a\n\n{CLAUDE}\n", {"a.py": "x = 1  # TODO agentops: allow no-todo later\n"})
    code, out = _range(base)
    assert code == 0
    assert any(
        "a.py:1: agent-added-suppression an agent added an inline allow of 'no-todo': later (warning)" in ln
        for ln in out
    )


def test_ignore_file_waives_pushed_commits(git_repo: Path) -> None:
    write(".agentops/rules.yaml", TODO_RULE.replace("applies-to: ai", "applies-to: all"))
    write(".agentops.yaml", "version: 1\nextends: [.agentops/rules.yaml]\n")
    base = _commit("chore: config\n", {})
    bad = _commit("feat: a\n", {"a.py": "# TODO\n"})
    write(".agentops-ignore", f"# pushed before the rule existed\n{bad[:10]} no-todo landed before the rule\n")

    code, out = _range(base)
    assert code == 0
    assert any("(waived) [waived by ignore-file: landed before the rule]" in ln for ln in out)
