"""From an incident commit (and the later commit that fixed it) to a draft: pattern, paths, examples."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from agentops_hooks import rulefile
from agentops_hooks.commands.learn.pattern import Piece, include_glob, is_generic, piece
from agentops_hooks.errors import FatalError
from agentops_hooks.model import Commit, FileChange, Rule
from agentops_hooks.values import frozen

MAX_LINES = 3  # offending lines folded into one pattern
MAX_PASS_LINES = 5
Case = Mapping[str, Any]


@frozen
class Draft:
    """What the commit suggests before the user names it: pattern, paths, examples, default texts."""

    pattern: str
    include: tuple[str, ...]
    fail: tuple[Case, ...]
    passing: tuple[Case, ...]
    message: str
    hint: str
    rule_id: str
    redact: bool = False
    notes: tuple[str, ...] = ()
    kind: str = "added-pattern"
    keywords: tuple[str, ...] = ()
    incident: str = ""  # the commit learned from (full sha); its own findings of the new rule are ignored


def find_fix(incident: Commit, later: Iterable[Commit]) -> Commit | None:
    """The first later commit that removes a line the incident added, in the same file (or its new name)."""
    added = {f.path: {ln.text.strip() for ln in f.added if ln.text.strip()} for f in incident.files}
    found: Commit | None = None
    for commit in later:  # read to the end: the single git log stream then finishes cleanly
        if found is not None:
            continue
        for f in commit.files:
            wanted = added.get(f.old_path or f.path) or added.get(f.path)
            if wanted and any(ln.text.strip() in wanted for ln in f.removed):
                found = commit.held()  # its lines are read after the stream has moved on
                break
    return found


def offending(
    incident: Commit,
    fix: Commit | None,
    old_text: Mapping[str, str],
    chosen: Sequence[tuple[str, int]],
    secrets: Sequence[Any] = (),
) -> list[tuple[str, int, str]]:
    """The added lines the rule is made of: chosen ones, else those the fix removed, else the most distinctive."""
    files = {f.path: f for f in incident.files if not f.binary}
    if chosen:
        return [_chosen_line(incident, files, path, number) for path, number in chosen]
    if fix is not None:
        removed = {(f.old_path or f.path, ln.text.strip()) for f in fix.files for ln in f.removed}
        by_fix = [
            (p, ln.number, ln.text)
            for p, f in files.items()
            for ln in f.added
            if (p, ln.text.strip()) in removed and not is_generic(ln.text)
        ]
        if by_fix:
            return by_fix
    return _distinctive(files, old_text, secrets)


def _chosen_line(incident: Commit, files: Mapping[str, FileChange], path: str, number: int) -> tuple[str, int, str]:
    """The added line `--line PATH:N` names; any other line is exit 3 saying what to pick."""
    line = next((ln for ln in files[path].added if ln.number == number), None) if path in files else None
    if line is None:
        raise FatalError(
            f"--line {path}:{number}: commit {incident.short} adds no line {number} to {path}; "
            "pick an added line (git show --stat shows the files)"
        )
    return path, line.number, line.text


def _distinctive(
    files: Mapping[str, FileChange], old_text: Mapping[str, str], secrets: Sequence[Any]
) -> list[tuple[str, int, str]]:
    """Added lines new to their file and not generic; a leaked secret's line first, then the richest."""
    scored = []
    for path, f in files.items():
        old = old_text.get(path, "")
        old_lines = {ln.strip() for ln in old.splitlines()}
        for ln in f.added:
            if is_generic(ln.text) or ln.text.strip() in old_lines:
                continue
            words = set(re.findall(r"\w+", ln.text))
            calls = len(re.findall(r"\w\(", ln.text))
            leaked = any(s.search(ln.text) for s in secrets)
            scored.append((not leaked, -(len(words) + 2 * calls), path, ln.number, ln.text))
    scored.sort()
    return [(p, n, t) for _, _, p, n, t in scored]


def draft_from_commit(
    incident: Commit,
    fix: Commit | None,
    old_text: Mapping[str, str],
    secrets: Sequence[Rule],
    chosen: Sequence[tuple[str, int]] = (),
) -> Draft:
    """Pattern, paths and examples proposed from an incident commit (and its fix, when found)."""
    compiled = [rulefile.regex(str(r.param("pattern")), f"rule '{r.id}'") for r in secrets]  # finditer needs RE2 itself
    candidates = offending(incident, fix, old_text, chosen, compiled)
    notes: list[str] = []
    pieces = _pieces(candidates, compiled, len(chosen) or (MAX_LINES if fix is not None else 1), notes)
    sha7 = incident.short
    rule_id = f"learned-{sha7}"
    hint = f"See commit {sha7}" + (f" and its fix {fix.short}" if fix else "") + "."
    if not pieces:
        return _from_secret_shape(incident, secrets, rule_id, hint, notes)
    pattern = "|".join(p.pattern for p in pieces)
    regex = rulefile.regex(pattern, "the proposed pattern")
    include = tuple(dict.fromkeys(include_glob(p.path) for p in pieces))
    fail = tuple({"files": [{"path": p.path, "added": [p.example]}]} for p in pieces)
    passing = _pass_cases(incident, fix, pieces, regex, compiled)
    for p in pieces:
        notes.append(f"{p.path}:{p.line}: chosen" + (" (secret replaced by a class)" if p.redacted else ""))
    message = f"repeats incident {sha7} ({incident.message.subject}): {{match}}"
    return Draft(pattern, include, fail, passing, message, hint, rule_id, any(p.redacted for p in pieces), tuple(notes))


def _pieces(
    candidates: Sequence[tuple[str, int, str]], secrets: Sequence[Any], limit: int, notes: list[str]
) -> list[Piece]:
    """Up to `limit` lines with distinct patterns; a line whose secret cannot be generalised is noted and skipped."""
    pieces: list[Piece] = []
    for path, number, text in candidates:
        p = piece(path, number, text, secrets)
        if p is None:
            notes.append(f"{path}:{number}: holds a secret that cannot be generalised safely; line skipped")
            continue
        if p.pattern not in {q.pattern for q in pieces}:
            pieces.append(p)
        if len(pieces) >= limit:
            break
    return pieces


def _pass_cases(
    incident: Commit, fix: Commit | None, pieces: Sequence[Piece], regex: Any, secrets: Sequence[Any]
) -> tuple[Case, ...]:
    """Clean neighbours: the incident's other added lines, and what the fix added in their place."""
    used = {(p.path, p.line) for p in pieces}
    cases = []
    for source, commit in (("incident", incident), ("fix", fix)):
        if commit is None:
            continue
        for f in commit.files:
            if f.binary or f.path not in {p.path for p in pieces}:
                continue
            lines = [
                ln.text
                for ln in f.added
                if (source == "fix" or (f.path, ln.number) not in used)
                and ln.text.strip()
                and not is_generic(ln.text)
                and not regex.search(ln.text)
                and not any(s.search(ln.text) for s in secrets)
            ][:MAX_PASS_LINES]
            if lines:
                cases.append({"files": [{"path": f.path, "added": lines}]})
    return tuple(cases)


def _from_secret_shape(incident: Commit, secrets: Sequence[Rule], rule_id: str, hint: str, notes: list[str]) -> Draft:
    """Every offending line holds a secret: the rule takes the secret rule's own shape, never the literal."""
    hits = [
        (r, f.path)
        for f in incident.files
        for r in secrets
        if any(r.compiled.regexes["pattern"].search(ln.text) for ln in f.added)
    ]
    if not hits:
        raise FatalError(
            f"commit {incident.short} adds no line a rule can be learned from; choose one with --line PATH:N "
            "or give --pattern"
        )
    rule, path = hits[0]
    notes.append(f"every offending line holds a secret: the pattern is the shape of '{rule.id}', without the literal")
    return Draft(
        str(rule.param("pattern")),
        (include_glob(path),),
        (),
        tuple((rule.examples or {}).get("pass") or ()),
        f"repeats incident {incident.short}: {{match}}",
        hint,
        rule_id,
        True,
        tuple(notes),
        keywords=tuple(rule.param("keywords") or ()),
    )
