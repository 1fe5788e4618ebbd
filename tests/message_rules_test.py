"""Message rules as precise as commitlint and gitlint, through the real CLI in one shared repository.

The repository's config extends builtin:core and adds a ticket reference, a monorepo's scopes and
the agent co-author rule; each test writes a message file (or makes a real commit) and reads what
the user sees.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testing import CLAUDE, GOOD_SECTIONS, clean_env, commit, git, run_cli, write

CONFIG = """\
version: 1
extends: [builtin:core]
overrides:
  subject-length: {ignore-subject: '^Release v\\d'}
rules:
  - id: ticket
    kind: message-format
    description: Every commit names its ticket.
    message: "{problem}"
    severity: warning
    body-pattern: '(?m)^Refs?: [A-Z]+-\\d+'
    ignore-subject: '^(docs|chore)'
  - id: scope
    kind: message-format
    description: The scope is a package of the monorepo, the one the commit changes.
    message: "{problem}"
    severity: warning
    scope-required: true
    scopes: [repo]
    scopes-from: [packages/*, apps/*]
    scope-matches-paths: true
  - id: no-agent-co-author
    kind: message-trailers
    description: Agents are disclosed with Assisted-by, people credited with Co-authored-by.
    message: "{problem}"
    hint: "Write 'Assisted-by: Claude <noreply@anthropic.com>' instead."
    severity: error
    forbidden-agents: [Co-authored-by]
  - id: spaces
    kind: message-format
    description: No stray whitespace.
    message: "{problem}"
    severity: warning
    no-edge-whitespace: true
    max-body-line-length: 20
    body-required: true
"""
REFS = "Refs: ABC-12"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("messages")
    env = {**clean_env(), "XDG_CACHE_HOME": str(root / "cache")}
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        path = root / "repo"
        path.mkdir()
        git("init", "-q", "-b", "main", cwd=path)
        commit(
            "chore(repo): start",
            (".agentops.yaml", CONFIG),
            ("packages/api/main.py", "x = 1\n"),
            ("packages/web/app.js", "let x = 1\n"),
            ("apps/site/index.html", "<p>\n"),
            cwd=path,
        )
        yield path
    finally:
        os.environ.clear()
        os.environ.update(saved)


def check(repo: Path, text: str, *args: str) -> tuple[int, str]:
    """Run the commit-msg check on a message (and what is staged): exit code and output."""
    path = repo.parent / "MSG"
    path.write_bytes(text.encode("utf-8"))
    proc = run_cli("commit-msg", *args, str(path), cwd=repo, env={**clean_env(), "XDG_CACHE_HOME": str(repo.parent / "cache")})
    return proc.returncode, proc.stdout + proc.stderr


def findings(out: str, rule: str) -> list[str]:
    return [ln.split(f" {rule} ", 1)[1] for ln in out.splitlines() if f" {rule} " in ln and ":msg:" in ln]


@pytest.mark.parametrize(
    ("subject", "problem"),
    [
        ("Add the parser", "subject is not 'type(scope)!: description' (Conventional Commits 1.0), e.g. 'fix(parser): accept empty files'"),
        (" feat(repo): add the parser", "subject starts with whitespace; Conventional Commits begin with the type"),
        ("feat(repo):add the parser", "a single space must follow the colon (type: description)"),
        ("feat(repo):  add the parser", "a single space must follow the colon (type: description)"),
        ("feat(): add the parser", "the scope in '()' is empty; name the part of the code, or leave the parentheses out"),
        ("feat(repo): ", "the description after the colon is empty"),
        ("setup.py(repo): add the parser", "type 'setup.py' must be one word (letters, digits, '_'), e.g. 'fix'"),
    ],
)
def test_conventional_subject_says_what_is_wrong(repo: Path, subject: str, problem: str) -> None:
    code, out = check(repo, f"{subject}\n\n{REFS}\n")

    assert code == 0, out  # a warning in builtin:core
    assert findings(out, "conventional-subject") == [f"{problem} (warning)"]


@pytest.mark.parametrize(
    "subject",
    [
        "FEAT(repo): add the parser",  # types are not case-sensitive
        "feat(repo)!: drop Python 3.8",
        "Revert \"feat(repo): add the parser\"",
        "Reapply \"feat(repo): add the parser\"",
        "Merge branch 'topic'",
        "fixup! feat(repo): add the parser",  # fixup!/squash!/amend! skip every message rule
    ],
)
def test_conventional_subject_accepts_the_spec_and_skips_what_git_writes(repo: Path, subject: str) -> None:
    code, out = check(repo, f"{subject}\n\nThe body.\n\nBREAKING CHANGE: 3.8 is gone\n{REFS}\n")

    assert findings(out, "conventional-subject") == [], out
    assert code == 0


def test_a_types_enum_is_compared_in_any_case_and_strict_makes_it_an_error(repo: Path) -> None:
    strict = write(repo.parent / "strict.yaml", "version: 1\nextends: [builtin:strict]\noverrides:\n"
                   "  conventional-subject: {types: [feat, fix]}\n")

    ok_code, ok = check(repo, f"Fix(repo): accept empty files\n\n{REFS}\n", "--config", str(strict))
    bad_code, bad = check(repo, "docs: explain\n", "--config", str(strict))

    assert findings(ok, "conventional-subject") == [], ok
    assert findings(bad, "conventional-subject") == ["type 'docs' is not one of feat, fix (error)"]
    assert bad_code == 1


@pytest.mark.parametrize("subject", ["WIP: add the parser", "feat(repo): [WIP] add the parser", "feat(repo): add the parser wip"])
def test_vague_subject_catches_wip_inside_a_longer_subject(repo: Path, subject: str) -> None:
    code, out = check(repo, f"{subject}\n\n{REFS}\n")

    assert findings(out, "vague-subject") == [f"subject {subject!r} does not say what changed or why (error)"]
    assert code == 1


@pytest.mark.parametrize("body", ["Why: empty files crashed the parser", "https://example.com/issues/12"])
def test_a_one_line_why_or_a_lone_url_is_a_body(repo: Path, body: str) -> None:
    code, out = check(repo, f"fix(repo): accept empty files\n\n{body}\n")

    assert not [f for f in findings(out, "spaces") if "a body" in f], out


def test_trailers_alone_are_not_a_body(repo: Path) -> None:
    _, out = check(repo, f"fix(repo): accept empty files\n\n{REFS}\nReviewed-by: Pat <pat@example.com>\n")

    assert "a body explaining why is required (warning)" in findings(out, "spaces")


def test_crlf_is_not_counted_and_edge_whitespace_is_found(repo: Path) -> None:
    crlf = "fix(repo): accept empty files\r\n\r\n" + "x" * 20 + "\r\n" + REFS + "\r\n"
    spaced = " fix(repo): accept empty files\n\nthe body \n\n" + REFS + "\n"

    assert range_findings(repo, crlf, "spaces") == []
    assert range_findings(repo, spaced, "spaces") == [
        "subject starts with whitespace (warning)",
        "line 3 ends with whitespace (warning)",
    ]


def range_findings(repo: Path, text: str, rule: str) -> list[str]:
    """A real commit recorded verbatim (as `git commit --cleanup=verbatim` keeps it), checked with `range`."""
    sha = commit(text, cwd=repo)
    try:
        proc = run_cli("range", f"{sha}~1..{sha}", cwd=repo, env={**clean_env(), "XDG_CACHE_HOME": str(repo.parent / "cache")})
    finally:
        git("reset", "-q", "--hard", "HEAD~1", cwd=repo)
    return findings(proc.stdout, rule)


@pytest.mark.parametrize(
    "sections",
    [
        "- Context: the parser crashed\n- Solution: return early\n- Learning: empty is normal\n- Impact: no crash\n",
        "* **Context:** the parser crashed\n* **Solution:** return early\n* **Learning:** empty is normal\n* **Impact:** no crash\n",
        "Context - the parser crashed\nSolution - return early\nLearning - empty is normal\nImpact - N/A\n",
    ],
)
def test_sections_as_list_items_and_dashes(repo: Path, sections: str) -> None:
    code, out = check(repo, f"fix(repo): accept empty files\n\n{sections}\n{REFS}\n{CLAUDE.replace('Co-Authored-By', 'Assisted-by')}\n")

    assert findings(out, "ai-context-sections") == [], out
    assert "ai agent" in out


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("TBD", "the 'Impact:' section says 'TBD', a placeholder; write what it is (or 'N/A' when there is nothing to say)"),
        ("none", "the 'Impact:' section says 'none', a placeholder; write what it is (or 'N/A' when there is nothing to say)"),
        ("see above", "the 'Impact:' section says 'see above', a placeholder; write what it is (or 'N/A' when there is nothing to say)"),
        ("todo", "the 'Impact:' section says 'todo', a placeholder; write what it is (or 'N/A' when there is nothing to say)"),
        ("ok", "the 'Impact:' section is 1 character shorter than min-length 3"),
        ("", "the 'Impact:' section is empty"),
    ],
)
def test_placeholders_and_short_sections_say_what_is_wrong(repo: Path, content: str, problem: str) -> None:
    sections = GOOD_SECTIONS.replace("Impact: no crash on empty files.", f"Impact: {content}")
    code, out = check(repo, f"fix(repo): accept empty files\n\n{sections}\n{REFS}\nAssisted-by: Claude <noreply@anthropic.com>\n")

    assert findings(out, "ai-context-sections") == [f"{problem} (error)"]
    assert code == 1
    assert "## Context" not in out  # git strips `#` lines in an editor: never recommended


def test_ignore_subject_turns_off_one_rule_for_matching_subjects(repo: Path) -> None:
    long = "v1.2.0 with the parser, the lexer, the formatter, the linter and every other part of the toolkit, at last"
    _, released = check(repo, f"Release {long}\n")
    _, other = check(repo, f"Publish {long}\n")

    assert findings(released, "subject-length") == []
    assert findings(other, "subject-length") == ["subject is 113 characters long (limit 100) (warning)"]
    assert findings(released, "conventional-subject")  # only the named rule is turned off


def test_ignore_subject_on_a_non_exemptible_rule_is_a_load_error(repo: Path) -> None:
    write(repo.parent / "team.yaml", """\
version: 1
rules:
  - id: signed-off
    kind: message-trailers
    description: Every commit certifies the DCO.
    message: "{problem}"
    severity: error
    exemptible: false
    required: [Signed-off-by]
""")
    bad = write(repo.parent / "bad.yaml", "version: 1\nextends: [team.yaml]\noverrides:\n  signed-off: {ignore-subject: '^chore'}\n")
    on_a_line_rule = write(repo.parent / "bad2.yaml", "version: 1\nextends: [builtin:secrets]\noverrides:\n"
                           "  aws-access-key-id: {ignore-subject: '^chore'}\n")

    code, out = check(repo, "chore(repo): x\n", "--config", str(bad))
    code2, out2 = check(repo, "chore(repo): x\n", "--config", str(on_a_line_rule))

    assert code == 3
    assert "bad.yaml: rule 'signed-off' is exemptible: false, so 'ignore-subject' cannot turn it off for some commits" in out
    assert code2 == 3
    assert "overrides.aws-access-key-id: 'ignore-subject' cannot be set for kind 'added-pattern'" in out2


def test_body_pattern_requires_a_ticket_reference(repo: Path) -> None:
    _, missing = check(repo, "fix(repo): accept empty files\n\nThe parser crashed.\n")
    _, present = check(repo, f"fix(repo): accept empty files\n\nThe parser crashed.\n\n{REFS}\n")
    _, skipped = check(repo, "docs(repo): explain\n\nThe guide.\n")

    assert findings(missing, "ticket") == ["the body does not match '(?m)^Refs?: [A-Z]+-\\\\d+' (warning)"]
    assert findings(present, "ticket") == []
    assert findings(skipped, "ticket") == []


def test_scopes_come_from_the_packages_and_must_match_the_paths(repo: Path) -> None:
    write(repo / "packages/web/app.js", "let x = 2\n")
    git("add", "packages/web/app.js", cwd=repo)
    try:
        _, right = check(repo, f"fix(web): keep x\n\n{REFS}\n")
        _, other = check(repo, f"fix(api): keep x\n\n{REFS}\n")
        _, unknown = check(repo, f"fix(mobile): keep x\n\n{REFS}\n")
        _, none = check(repo, f"fix: keep x\n\n{REFS}\n")
    finally:
        git("reset", "-q", "--hard", cwd=repo)

    assert findings(right, "scope") == []
    assert findings(other, "scope") == ["scope 'api' is not the package this commit changes (web) (warning)"]
    assert findings(unknown, "scope") == [
        "scope 'mobile' is not a known scope (api, repo, site, web) (warning)",
        "scope 'mobile' is not the package this commit changes (web) (warning)",
    ]
    assert findings(none, "scope") == ["the subject needs a scope, e.g. 'fix(parser): accept empty files' (warning)"]


def test_scopes_of_a_commit_are_read_from_its_own_tree(repo: Path) -> None:
    base = commit(f"feat(cli): add the cli package\n\n{REFS}\n", ("packages/cli/main.py", "x = 1\n"), cwd=repo)
    before = commit(f"docs(cli): describe it\n\n{REFS}\n", ("README.md", "cli\n"), cwd=repo)
    git("rm", "-q", "-r", "packages/cli", cwd=repo)
    commit(f"chore(cli): drop the cli package\n\n{REFS}\n", cwd=repo)
    after = commit(f"docs(cli): mention it\n\n{REFS}\n", ("README.md", "no cli\n"), cwd=repo)
    try:
        proc = run_cli("range", f"{base}..{after}", cwd=repo, env={**clean_env(), "XDG_CACHE_HOME": str(repo.parent / "cache")})
    finally:
        git("reset", "-q", "--hard", f"{base}~1", cwd=repo)

    # `before` names cli while its tree has packages/cli; `after` names it once the package is gone
    scope_lines = [ln for ln in proc.stdout.splitlines() if " scope " in ln]
    assert scope_lines == [f"{after[:7]}:msg:1: scope scope 'cli' is not a known scope (api, repo, site, web) (warning)"]
    assert f"commit {before[:7]} 'docs(cli): describe it'" in proc.stdout  # judged, with no scope finding


def test_agent_co_authors_are_refused_and_people_kept(repo: Path) -> None:
    body = f"fix(repo): accept empty files\n\n{GOOD_SECTIONS}\n{REFS}\n"
    code, agent = check(repo, f"{body}{CLAUDE}\n")
    _, person = check(repo, f"{body}Co-authored-by: Pat Doe <pat@example.com>\nAssisted-by: Claude <noreply@anthropic.com>\n")

    assert findings(agent, "no-agent-co-author") == [
        "'Co-Authored-By: Claude <noreply@anthropic.com>' names an agent, not a person (error)"
    ]
    assert "Assisted-by: Claude" in agent  # the hint
    assert code == 1
    assert findings(person, "no-agent-co-author") == []


def test_strict_refuses_an_agent_co_author_and_recommends_assisted_by(repo: Path) -> None:
    strict = write(repo.parent / "strict-only.yaml", "version: 1\nextends: [builtin:strict]\n")
    body = f"fix(repo): accept empty files\n\n{GOOD_SECTIONS}\n"

    code, agent = check(repo, f"{body}{CLAUDE}\n", "--config", str(strict))
    clean, disclosed = check(repo, f"{body}Co-authored-by: Pat Doe <pat@example.com>\nAssisted-by: Claude <noreply@anthropic.com>\n",
                         "--config", str(strict))

    assert findings(agent, "agent-co-author") == [
        "'Co-Authored-By: Claude <noreply@anthropic.com>' names an agent, not a person (error)"
    ]
    assert "Disclose the agent as 'Assisted-by: Claude <noreply@anthropic.com>'" in agent
    assert code == 1
    assert (clean, disclosed) == (0, "")  # quiet when clean
