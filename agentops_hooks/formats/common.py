"""What every format shares: the run's facts, fingerprints, where a message finding is shown.

Formats only render: the counting (and so the exit code) is counting.Totals's, done as the
results stream past on their way in; a format reads the totals after the stream ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from agentops_hooks.counting import Totals
from agentops_hooks.hashing import sha256_hex
from agentops_hooks.model import Checked, CommitResult, Finding, RangeFindings
from agentops_hooks.names import CONFIG_FILE
from agentops_hooks.values import field, frozen

__all__ = ["COMMIT_LEVEL_PATH", "RuleDoc", "RunInfo", "Totals", "about", "each_finding", "fingerprint", "plural"]

# Where file-based tools (SARIF, GitLab Code Quality: both require a path) show a finding that is about
# a commit or a range and no file: the config whose rules made it, line 1 — the same path for every such
# finding, never a changed file that has nothing to do with it.
COMMIT_LEVEL_PATH = CONFIG_FILE


@frozen
class RunInfo:
    """Facts about this run that outputs mention."""

    version: str
    command: str
    color: bool = False
    verbose: bool = False
    blocking_note: str = ""
    rules: Mapping[str, RuleDoc] = field(default_factory=dict)  # rule id → what SARIF and JUnit describe
    quiet: bool = False  # -q: the text format prints the finding lines only


@frozen
class RuleDoc:
    """What outputs say about a rule besides its findings."""

    description: str
    hint: str = ""
    factor: str | None = None
    severity: str = "error"


def plural(n: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def fingerprint(result: Checked, f: Finding) -> str:
    """Finding identity (SPEC §12): rule id + path + matched text (+ commit for message findings), no line."""
    commit = (result.commit.sha or "") if isinstance(result, CommitResult) and f.path is None else ""
    key = "\0".join((f.rule_id, f.path or "", f.match or f.message, commit, ",".join(f.commits)))
    return sha256_hex(key.encode("utf-8", "replace"))  # "replace": the bytes SARIF fingerprints always had


def about(result: Checked) -> str:
    """What a finding without a file is about, as a phrase: `commit 1a2b3c4`, `the new commit`, `the range`."""
    if isinstance(result, RangeFindings):
        return "the range"
    c = result.commit
    if c.source == "squash":
        return "the pull request's title and body"
    return f"commit {c.short}" if c.sha else "the new commit"


def each_finding(results: Iterable[Checked]) -> Iterator[tuple[Checked, Finding]]:
    """Every (result, finding) pair."""
    for result in results:
        for f in result.findings:
            yield result, f
