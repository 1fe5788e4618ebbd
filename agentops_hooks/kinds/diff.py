"""Kinds that read a commit's files: added lines, file names, sizes, binaries."""

from __future__ import annotations

from collections.abc import Iterator

from agentops_hooks.hashing import sha256_hex
from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import WINDOW, Commit, Finding, Rule
from agentops_hooks.values import replace

LINE_PATTERN = (Param("pattern", form=Form.LINE_REGEX), Param("keywords", (), Form.KEYWORDS))  # added/removed-pattern
FILE_LIMITS = (Param("max-size"), Param("no-binaries", False), Param("forbidden-names", form=Form.GLOBS))


def added_pattern(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Added lines that match the rule's pattern, in the files its paths select."""
    yield from _line_pattern(rule, commit, removed=False)


def removed_pattern(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Removed lines that match the rule's pattern (line numbers of the old file)."""
    yield from _line_pattern(rule, commit, removed=True)


def _line_pattern(rule: Rule, commit: Commit, removed: bool) -> Iterator[Finding]:
    pattern = rule.compiled.regexes["pattern"]
    keywords = rule.compiled.regex("keywords")
    whole = rule.compiled.regexes["pattern-text"]
    for change in commit.files:
        if (change.binary and rule.exemptible) or not rule.selects(change.path):  # binaries hide no secret
            continue
        # one search over the file's lines joined rules most files out; only a hit looks line by line,
        # and in a large file only in the pieces that hit
        def hit(text: str) -> bool:
            return (keywords is None or keywords.search(text) is not None) and whole.search(text) is not None

        if not any(hit(t) for t in change.texts(removed)):
            continue
        large = change.reread is not None or len(change.patch) > WINDOW
        for line in change.lines(removed, hit if large else None):
            if (keywords is None or keywords.search(line.text)) and (m := pattern.search(line.text)):
                found = rule.finding(path=change.path, line=line.number, match=m.group())
                yield replace(found, secret_digest=sha256_hex(m.group())) if not removed else found


def file_limits(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Files added or changed that are too large, binary, or forbidden by name."""
    names = rule.compiled.globs("forbidden-names")
    max_size = rule.param("max-size")
    for change in commit.files:
        if change.status == "D" or not rule.selects(change.path):
            continue
        if names is not None and names.match_file(change.path):
            yield rule.finding(path=change.path, problem=f"{change.path} is a forbidden file name")
        if rule.param("no-binaries") and change.binary:
            yield rule.finding(path=change.path, problem=f"{change.path} is a binary file")
        if max_size is not None and change.size is not None and change.size > max_size:
            yield rule.finding(path=change.path, problem=f"{change.path} is {change.size:,} bytes (limit {max_size:,})")
