"""Mining history for patterns (Factor IX): recurring learnings, and agent lines fixed again within days.

A pattern seen three times should become a check. Two kinds are grouped as the commits stream
past, in bounded memory:
- learnings that say the same thing (the same content words, mostly), however worded;
- fix-after-agent: a fix commit that changes lines an agent commit added to the same file
  within DAYS days (the hunks' line ranges overlap; an approximation, as later edits shift lines).
A group that reaches RECUR carries the `learn` command that would turn it into a rule.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from agentops_hooks.judge import light
from agentops_hooks.kinds.history import SPIRAL_SUBJECT
from agentops_hooks.model import CommitResult, FileChange
from agentops_hooks.values import replace

RECUR = 3
DAYS = 7
GROUPS_KEPT = 300  # distinct learnings, and files with fixes, kept
SPANS_KEPT = 20  # agent-added spans remembered per file
SHAS_KEPT = 5
_FIX = re.compile(SPIRAL_SUBJECT)
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
_WORD = re.compile(r"[a-z0-9][a-z0-9_.-]{3,}")
_STOP = frozenset("that this with when from into have were been they their there than then what which only also".split())


def words(text: str) -> frozenset[str]:
    """The content words of a learning: four letters or more, lower case, common words dropped."""
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two learnings say the same thing: most of their content words are shared (Jaccard ≥ 0.5)."""
    return bool(a and b) and len(a & b) * 2 >= len(a | b)


def spans(change: FileChange, old: bool) -> list[tuple[int, int]]:
    """The line ranges a change's hunks cover in the new file (or, `old`, the lines they replace)."""
    out = []
    for m in _HUNK.finditer(change.patch):
        start, count = (m.group(1), m.group(2)) if old else (m.group(3), m.group(4))
        n = 1 if count is None else int(count)
        if n:
            out.append((int(start), int(start) + n))
    return out


def kept(result: CommitResult) -> CommitResult:
    """The light result (`judge.light`) of a commit, with the hunk headers `Miner.commit` reads of it.

    Only an agent commit's and a fix commit's headers are kept (the others' spans are never
    read), so a long history's results still cross a worker's pipe small.
    """
    lit = light(result)
    c = result.commit
    if not c.sha or not (result.agent.is_agent or _FIX.search(c.message.subject)):
        return lit
    files = tuple(
        replace(f, patch=b"".join(m.group(0) + b"\n" for m in _HUNK.finditer(whole.patch)))
        for f, whole in zip(lit.commit.files, c.files, strict=True)
    )
    return replace(lit, commit=replace(lit.commit, files=files))


def _seconds(date: str) -> float:
    try:
        return time.mktime(time.strptime(date[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return 0.0


class Miner:
    """Groups as the commits pass, oldest first; `document` gives the report's `patterns`."""

    def __init__(self) -> None:
        self.learnings: list[dict[str, Any]] = []  # {text, words, count, shas}
        self.added: dict[str, list[tuple[int, int, str, float]]] = {}  # path → agent spans (start, end, sha, when)
        self.fixes: dict[str, dict[str, Any]] = {}  # path → {count, agent_shas, fix_shas}

    def learning(self, sha: str | None, text: str) -> None:
        """Count one learning into the group it belongs to (a new group while there is room)."""
        key = words(text)
        group = next((g for g in self.learnings if similar(g["words"], key)), None)
        if group is None:
            if len(self.learnings) >= GROUPS_KEPT or not key:
                return
            group = {"text": text, "words": key, "count": 0, "shas": []}
            self.learnings.append(group)
        group["count"] += 1
        if sha and len(group["shas"]) < SHAS_KEPT:
            group["shas"].append(sha)

    def commit(self, result: CommitResult) -> None:
        """Remember an agent commit's added lines; match a fix commit's changed lines against them."""
        c = result.commit
        if not c.sha:
            return
        when = _seconds(c.committer.date)
        if _FIX.search(c.message.subject):
            self._fixed(c.sha, c.files, when)
        if result.agent.is_agent:
            for f in c.files:
                if f.status != "D" and (found := spans(f, old=False)):
                    kept = self.added.setdefault(f.path, [])
                    kept.extend((a, b, c.sha, when) for a, b in found)
                    del kept[:-SPANS_KEPT]
            while len(self.added) > GROUPS_KEPT:
                del self.added[next(iter(self.added))]

    def _fixed(self, sha: str, files: tuple[FileChange, ...], when: float) -> None:
        for f in files:
            path = f.old_path or f.path
            recent = [s for s in self.added.get(path, ()) if s[2] != sha and 0 <= when - s[3] <= DAYS * 86400]
            hit = {s[2] for s in recent for a, b in spans(f, old=True) if a < s[1] and s[0] < b}
            if not hit:
                continue
            if path not in self.fixes and len(self.fixes) >= GROUPS_KEPT:
                continue
            group = self.fixes.setdefault(path, {"count": 0, "agent_shas": [], "fix_shas": []})
            group["count"] += 1
            for key, shas in (("agent_shas", sorted(hit)), ("fix_shas", [sha])):
                group[key] = (group[key] + [s for s in shas if s not in group[key]])[-SHAS_KEPT:]

    def document(self) -> dict[str, Any]:
        """The groups seen at least twice, most frequent first; those at RECUR carry a `learn` command."""
        learned = [
            {"text": g["text"], "count": g["count"], "commits": g["shas"], "learn": _learn(g["shas"], g["count"])}
            for g in sorted(self.learnings, key=lambda g: -g["count"])
            if g["count"] >= 2
        ]
        fixed = [
            {"path": p, "count": g["count"], "agent_commits": g["agent_shas"], "fix_commits": g["fix_shas"]}
            | {"learn": _learn(g["agent_shas"], g["count"])}
            for p, g in sorted(self.fixes.items(), key=lambda x: (-x[1]["count"], x[0]))
            if g["count"] >= 2
        ]
        return {"recur": RECUR, "days": DAYS, "learnings": learned, "fix_after_agent": fixed}


def _learn(shas: list[str], count: int) -> str | None:
    """`learn` proposes a rule from a bad commit: the latest one of the group (it finds the fix itself)."""
    return f"agentops-check learn --from-commit {shas[-1][:12]}" if count >= RECUR and shas else None


def lines(patterns: dict[str, Any] | None) -> Iterator[str]:
    """The patterns as report lines (text and Markdown share them)."""
    if not patterns:
        return
    for g in patterns["learnings"]:
        yield f"learning x{g['count']}: {g['text']}"
        if g["learn"]:
            yield f"  seen {g['count']} times: turn it into a check: {g['learn']}"
    for g in patterns["fix_after_agent"]:
        yield f"fix-after-agent x{g['count']}: {g['path']} (agent lines fixed again within {patterns['days']} days)"
        if g["learn"]:
            yield f"  seen {g['count']} times: turn it into a check: {g['learn']}"
