"""Every real form of agent attribution, and the lookalikes that must stay human, as one history.

The history is written with `git fast-import` (authors, committers and messages byte for byte as
each agent writes them), notes with `git notes`; the real CLI judges it (`range -f json`) and each
commit's verdict, agents, roles and the reason a user sees are asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.testing import GOOD_SECTIONS, git, run_cli, write

BOT = "users.noreply.github.com"
DANA = ("Dana Dev", "dana@example.com")
WEB_FLOW = ("GitHub", "noreply@github.com")
CLAUDE = "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"
# label, author, committer (None: as author), message, kind, agents, roles, one reason shown
# fmt: off
FORMS: list[tuple[str, tuple[str, str], tuple[str, str] | None, str, str, list[str], list[str], str]] = [
    ("claude-trailer", DANA, None, f"feat: parser\n\n\U0001f916 Generated with [Claude Code](https://claude.com/claude-code)\n\n{CLAUDE}\n",
     "ai", ["claude-code"], ["co-author"], f"trailer {CLAUDE}"),
    ("claude-identity", ("Claude", "noreply@anthropic.com"), None, "Add retries\n",
     "ai", ["claude-code"], ["author", "committer"], "author Claude <noreply@anthropic.com>"),
    ("cursor-cloud-agent", ("Cursor Agent", "cursoragent@cursor.com"), None, "Fix flaky test\n",
     "ai", ["cursor"], ["author", "committer"], "author Cursor Agent <cursoragent@cursor.com>"),
    ("squash-edited", DANA, WEB_FLOW, "Add cache (#12)\n\n* add cache\n* fix test\n---------\nCo-authored-by: Claude <noreply@anthropic.com>\n",
     "ai", ["claude-code"], ["co-author"], "co-author line (as GitHub reads it) Co-authored-by: Claude <noreply@anthropic.com>"),
    ("squash-codex", DANA, WEB_FLOW, "Tidy (#13)\n\n* tidy\n\n---------\n\nCo-authored-by: Codex <codex@openai.com>\n",
     "ai", ["codex"], ["co-author"], "trailer Co-authored-by: Codex <codex@openai.com>"),
    ("cursor-ai-sh", DANA, None, "feat: y\n\nCo-authored-by: Cursor AI <ai@cursor.sh>\n",
     "ai", ["cursor"], ["co-author"], "trailer Co-authored-by: Cursor AI <ai@cursor.sh>"),
    ("anthropic-by-hand", DANA, None, "feat: z\n\nCo-authored-by: Anthropic Claude Opus 4 <claude@anthropic.com>\n",
     "ai", ["claude-code"], ["co-author"], "trailer Co-authored-by: Anthropic Claude Opus 4 <claude@anthropic.com>"),
    ("grok", DANA, None, "feat: g\n\nCo-authored-by: Grok <grok-code@x.ai>\n",
     "ai", ["grok"], ["co-author"], "trailer Co-authored-by: Grok <grok-code@x.ai>"),
    ("antigravity", DANA, None, "feat: a\n\nCo-authored-by: Antigravity <antigravity@google.com>\n",
     "ai", ["antigravity"], ["co-author"], "trailer Co-authored-by: Antigravity <antigravity@google.com>"),
    ("aider-prefix", DANA, None, "aider: Added retries to the fetcher\n",
     "ai", ["aider"], ["author"], "subject 'aider: Added retries to the fetcher'"),
    ("aider-transcript", DANA, None, "aider: Fixed the parser\n\n# Aider chat conversation:\n\nUSER: fix the parser\n\nASSISTANT: Here is the change.\n",
     "ai", ["aider"], ["author"], "body line '# Aider chat conversation:'"),
    ("aider-author", ("Dana Dev (aider)", "dana@example.com"), None, "feat: older aider\n",
     "ai", ["aider"], ["author", "committer"], "author name 'Dana Dev (aider)'"),
    ("aider-committer-only", DANA, ("Dana Dev (aider)", "dana@example.com"), "fix: my own edit, committed by aider\n",
     "human", [], ["committer"], "committer name 'Dana Dev (aider)' (role committer, not counted)"),
    ("aider-coauthor", DANA, None, "feat: b\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>\n",
     "ai", ["aider"], ["co-author"], "trailer Co-authored-by: aider (gpt-4o) <aider@aider.chat>"),
    ("copilot-agent", ("Copilot", f"198982749+Copilot@{BOT}"), WEB_FLOW,
     "Add retry\n\nAgent-Logs-Url: https://github.com/o/r/sessions/0d1e\nCo-authored-by: dana <1+dana@users.noreply.github.com>\n",
     "ai", ["copilot"], ["author"], f"author Copilot <198982749+Copilot@{BOT}>"),
    ("copilot-vscode", DANA, None, "feat: c\n\nCo-authored-by: Copilot <copilot@github.com>\n",
     "ai", ["copilot"], ["co-author"], "trailer Co-authored-by: Copilot <copilot@github.com>"),
    ("devin", ("devin-ai-integration[bot]", f"158243242+devin-ai-integration[bot]@{BOT}"), None,
     "Fix flaky test\n\nGenerated with [Devin](https://devin.ai)\n",
     "ai", ["devin"], ["author", "co-author", "committer"], f"author <158243242+devin-ai-integration[bot]@{BOT}>"),
    ("jules", ("google-labs-jules[bot]", f"161369871+google-labs-jules[bot]@{BOT}"), None, "Refactor the loader\n",
     "ai", ["jules"], ["author", "committer"], f"author <161369871+google-labs-jules[bot]@{BOT}>"),
    ("claude-app-committer-only", DANA, ("claude[bot]", f"209825114+claude[bot]@{BOT}"), "fix: a person's change\n",
     "human", [], ["committer"], f"committer <209825114+claude[bot]@{BOT}> (role committer, not counted)"),
    ("dependabot", ("dependabot[bot]", f"49699333+dependabot[bot]@{BOT}"), None, "Bump requests from 2.31 to 2.32\n",
     "automation", ["dependabot[bot]"], ["author", "committer"], f"author <49699333+dependabot[bot]@{BOT}>"),
    ("actions-committer", DANA, ("github-actions[bot]", f"41898282+github-actions[bot]@{BOT}"), "chore: rebase\n",
     "automation", ["github-actions[bot]"], ["committer"], f"committer <41898282+github-actions[bot]@{BOT}>"),
    ("kernel-assisted-by", DANA, None, "mm: fix\n\nAssisted-by: Claude:claude-3-opus coccinelle\nSigned-off-by: Dana Dev <dana@example.com>\n",
     "ai", ["claude"], ["co-author"], "trailer Assisted-by: Claude:claude-3-opus coccinelle"),
    ("amp", DANA, None, "feat: d\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>\n",
     "ai", ["amp"], ["co-author"], "trailer Co-authored-by: Amp <amp@ampcode.com>"),
    ("openhands-identity", ("openhands", "openhands@all-hands.dev"), None, "Fix lint\n",
     "ai", ["openhands"], ["author", "committer"], "author openhands <openhands@all-hands.dev>"),
    ("crush", DANA, None, "feat: e\n\n\U0001f498 Generated with Crush\n\nAssisted-by: Claude Sonnet 4 via Crush <crush@charm.land>\n",
     "ai", ["crush"], ["co-author"], "body line '\U0001f498 Generated with Crush'"),
    # lookalikes: a careful reader calls every one of these a person's commit
    ("person-named-claude", ("Claude Shannon", "claude@example.com"), None, "feat: information theory\n",
     "human", [], [], ""),
    ("display-name-only", DANA, None, "feat: pair\n\nCo-Authored-By: Claude <claude@example.com>\n", "human", [], [], ""),
    ("web-flow", DANA, WEB_FLOW, "Update README.md\n", "human", [], [], ""),
    ("anthropic-person", ("Jane Roe", "jane@anthropic.com"), None, "docs: typo\n\nCo-authored-by: Sam Poe <sam@anthropic.com>\n",
     "human", [], [], ""),
    ("person-after-dashes", DANA, WEB_FLOW, "Fix (#14)\n\n* fix\n---------\nCo-authored-by: Alex Doe <alex@example.com>\n",
     "human", [], [], ""),
    ("coauthor-mid-body", DANA, None, "docs: attribution\n\nThe line\nCo-authored-by: Claude <noreply@anthropic.com>\nwas added by mistake and is removed here.\n",
     "human", [], [], ""),
    ("x-ai-person", DANA, None, "feat: f\n\nCo-authored-by: Ada Lo <ada@x.ai>\n", "human", [], [], ""),
    ("kernel-codev-person", DANA, None, "mm: g\n\nCo-developed-by: Jane Roe <jane@kernel.org>\nSigned-off-by: Jane Roe <jane@kernel.org>\n",
     "human", [], [], ""),
    ("precommit-ci-fixup", DANA, None, "feat: h\n\nCo-authored-by: pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>\n",
     "human", [], [], "(weak signal)"),
    # attribution notes (written below): only raise
    ("noted-git-ai", DANA, None, "feat: noted\n", "ai", ["cursor"], ["co-author"], "attribution note refs/notes/ai: 3 of 4 added lines by cursor"),
    ("noted-trace", DANA, None, "feat: traced\n", "ai", ["cursor"], ["author"], "attribution note refs/notes/agent-trace: 4 of 4 added lines by cursor"),
    ("noted-other-revision", DANA, None, "feat: misfiled\n", "human", [], [], "attribution note refs/notes/agent-trace: a record for revision"),
    ("claude-noted-zero", DANA, None, f"feat: zero\n\n{CLAUDE}\n", "ai", ["claude-code"], ["co-author"], f"trailer {CLAUDE}"),
]
GIT_AI = (
    "{label}.txt\n  abcd1234abcd1234 1-2\n  0123456789abcdef 4,40-90\n---\n"
    '{{"schema_version": "authorship/3.0.0", "base_commit_sha": "0", "prompts": {{'
    '"abcd1234abcd1234": {{"agent_id": {{"tool": "cursor", "id": "6ef2", "model": "claude-4.5-opus"}}}}}}}}\n'
)


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def _fast_import(forms: list[tuple[str, tuple[str, str], tuple[str, str] | None, str]]) -> None:
    """One commit per form, each adding `<label>.txt` (4 lines), on main."""
    stream = b""
    for n, (label, author, committer, msg) in enumerate(forms, 1):
        who = committer or author
        stream += b"commit refs/heads/main\nmark :%d\n" % n
        stream += f"author {author[0]} <{author[1]}> {1700000000 + n} +0000\n".encode()
        stream += f"committer {who[0]} <{who[1]}> {1700000000 + n} +0000\n".encode()
        stream += _data(msg)[:-1] + (b"from :%d\n" % (n - 1) if n > 1 else b"")
        stream += f"M 100644 inline {label}.txt\n".encode() + _data("one\ntwo\nthree\nfour\n")
    subprocess.run(("git", "fast-import", "--quiet"), input=stream, check=True)


def _trace(revision: str) -> str:
    conv = {"contributor": {"type": "ai", "model_id": "anthropic/claude-opus-4-5"}, "ranges": [{"start_line": 1, "end_line": 4}]}
    human = {"contributor": {"type": "human"}, "ranges": [{"start_line": 1, "end_line": 4}]}
    files = [{"path": "noted-trace.txt", "conversations": [conv, human]}]
    return json.dumps({"version": "0.1.0", "vcs": {"type": "git", "revision": revision}, "tool": {"name": "cursor"}, "files": files})


def _corpus() -> tuple[str, dict[str, str]]:
    _fast_import([("base", DANA, None, "chore: start\n"), *[(f[0], f[1], f[2], f[3]) for f in FORMS]])
    git("reset", "-q", "--hard")
    shas = git("log", "--format=%H", "--reverse").split()
    by_label = {f[0]: sha for f, sha in zip(FORMS, shas[1:], strict=True)}
    note = {"noted-git-ai": GIT_AI.format(label="noted-git-ai"), "claude-noted-zero": GIT_AI.format(label="other")}
    for label, text in note.items():
        git("notes", "--ref=ai", "add", "-m", text, by_label[label])
    git("notes", "--ref=agent-trace", "add", "-m", _trace(by_label["noted-trace"]), by_label["noted-trace"])
    git("notes", "--ref=agent-trace", "add", "-m", _trace(shas[0]), by_label["noted-other-revision"])
    return shas[0], by_label


def _judged(base: str, *extra: str, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    proc = run_cli("range", f"{base}..HEAD", "-f", "json", *extra, env={**os.environ, **env} if env else None)
    assert proc.returncode in (0, 1), proc.stderr
    return {c["sha"]: c["agent"] for c in json.loads(proc.stdout)["commits"]}


@pytest.fixture
def corpus(git_repo: Path) -> tuple[str, dict[str, str]]:
    return _corpus()


def test_every_form_gets_the_verdict_agents_roles_and_reason_a_careful_reader_would(corpus: tuple[str, dict[str, str]]) -> None:
    base, shas = corpus
    judged = _judged(base)
    wrong = []
    for label, _, _, _, kind, agents, roles, reason in FORMS:
        v = judged[shas[label]]
        got = (v["kind"], v["agents"], v["roles"])
        if got != (kind, agents, roles) or not any(reason in r for r in v["reasons"]) and reason:
            wrong.append((label, got, v["reasons"]))
        assert v["is_agent"] == (kind != "human"), label
        if kind == "human" and not reason:
            assert v["reasons"] == [], (label, v["reasons"])
    assert wrong == []


def test_notes_give_the_share_of_added_lines_and_only_raise(corpus: tuple[str, dict[str, str]]) -> None:
    base, shas = corpus
    judged = _judged(base)
    assert judged[shas["noted-git-ai"]]["ai_share"] == 0.75  # lines 40-90 are not lines the commit adds
    assert judged[shas["noted-trace"]]["ai_share"] == 1.0  # the human conversation's ranges do not count
    assert judged[shas["claude-noted-zero"]]["ai_share"] == 0.0  # a note on other files: no AI line here
    assert judged[shas["claude-noted-zero"]]["kind"] == "ai"
    assert judged[shas["web-flow"]]["ai_share"] is None


def test_notes_that_are_not_fetched_change_nothing(corpus: tuple[str, dict[str, str]]) -> None:
    base, shas = corpus
    git("update-ref", "-d", "refs/notes/ai")
    git("update-ref", "-d", "refs/notes/agent-trace")
    judged = _judged(base)
    assert judged[shas["noted-git-ai"]]["kind"] == "human"
    assert judged[shas["claude-noted-zero"]]["kind"] == "ai"


def test_min_ai_share_judges_only_commits_that_ai_wrote_enough_of(corpus: tuple[str, dict[str, str]]) -> None:
    base, shas = corpus
    write(
        ".agentops.yaml",
        "version: 1\nrules:\n  - id: mostly-ai-needs-review\n    kind: message-trailers\n"
        "    description: Commits AI wrote most of name their reviewer.\n    message: 'no Reviewed-by'\n"
        "    severity: warning\n    applies-to: ai\n    min-ai-share: 0.8\n    required: [Reviewed-by]\n",
    )
    proc = run_cli("range", f"{base}..HEAD", "-f", "json")
    doc = json.loads(proc.stdout)
    flagged = {c["sha"] for c in doc["commits"] if c["findings"]}
    assert shas["noted-trace"] in flagged  # the note: 4 of 4 lines
    assert shas["noted-git-ai"] not in flagged  # the note: 3 of 4, and nothing else makes it ai
    assert shas["claude-trailer"] in flagged  # markers count as fully AI: a note cannot lower them
    assert shas["web-flow"] not in flagged


def test_a_branch_prefix_counts_only_when_configured_and_never_against_a_persons_sign_off(git_repo: Path) -> None:
    _fast_import(
        [
            ("base", DANA, None, "chore: start\n"),
            ("unmarked", DANA, None, "Add retries\n"),
            ("signed", DANA, None, "fix: my own fix\n\nSigned-off-by: Dana Dev <dana@example.com>\n"),
        ]
    )
    git("reset", "-q", "--hard")
    base, unmarked, signed = git("log", "--format=%H", "--reverse").split()
    env = {"GITHUB_HEAD_REF": "claude/add-retries-9j2n"}
    judged = _judged(base, env=env)
    assert judged[unmarked]["kind"] == "human" and judged[unmarked]["roles"] == ["branch"]
    assert judged[unmarked]["reasons"] == ["branch claude/add-retries-9j2n (role branch, not counted)"]
    write(".agentops.yaml", "version: 1\nagents: {count-roles: [branch]}\n")
    judged = _judged(base, env=env)
    assert (judged[unmarked]["kind"], judged[unmarked]["agents"]) == ("ai", ["claude-code"])
    assert judged[signed]["kind"] == "human"
    assert judged[signed]["reasons"] == [
        "branch claude/add-retries-9j2n (role branch, not counted: the author's own Signed-off-by)"
    ]


def test_report_gives_pass_rates_per_agent_and_the_ai_share_of_added_lines(corpus: tuple[str, dict[str, str]]) -> None:
    base, shas = corpus
    commit_msg = f"feat: parser\n\n{GOOD_SECTIONS}\n{CLAUDE}\n"
    _commit_on_top("claude-with-sections", commit_msg)
    doc = json.loads(run_cli("report", "--format", "json").stdout)
    claude = doc["agent_checks"]["claude-code"]
    assert (claude["checked"], claude["failed"]) == (6, 5)  # only the commit with its sections passes core
    assert claude["pass_rate"] == round(1 / 6, 4)
    assert doc["agents"]["claude-code"]["ai"] == 6
    assert doc["attribution"] == {
        "commits_with_notes": 4,
        "ai_lines": 7,  # 3 (git-ai) + 4 (Agent Trace); the other two notes give this commit's lines to no one
        "added_lines": 16,
        "ai_share_of_added_lines": 0.4375,
    }
    text = run_cli("report").stdout
    assert "AI share of added lines (attribution notes): 43.8%, 7 of 16 added lines in the 4 commits with a note" in text
    assert "1/6 (17%)" in text


def _commit_on_top(label: str, msg: str) -> None:
    write(f"{label}.txt", "one\n")
    git("add", f"{label}.txt")
    git("commit", "-q", "--no-verify", "--cleanup=verbatim", "-m", msg)
