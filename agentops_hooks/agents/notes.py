"""Line-level AI attribution kept in git notes: git-ai (`refs/notes/ai`) and Agent Trace records.

git-ai (Git AI Standard v3): an attestation section (a path at column 0, then two-space indented
`<hash> <ranges>` lines), a line `---`, then JSON metadata whose `prompts` name each hash's tool.
Agent Trace (v0.1.0) prescribes no storage; we read a note under `refs/notes/agent-trace` holding
one trace record (or a JSON array of them) whose `vcs.revision` is the commit itself.

Parsing is pure; `Notes` lists each ref once and reads blobs through one `git cat-file --batch`.
"""

from __future__ import annotations

import bisect
import subprocess
from typing import Any

from agentops_hooks.model import Commit
from agentops_hooks.values import frozen

REFS = {"refs/notes/ai": "git-ai", "refs/notes/agent-trace": "agent-trace"}
TOOLS = {"claude": "claude-code", "claude-code": "claude-code", "github-copilot": "copilot"}
MAX_NOTE = 1 << 22  # a note bigger than 4 MB is not read


@frozen
class Attribution:
    """The AI-written line ranges of one commit's note, per path, and the agents it names."""

    ref: str
    agents: tuple[str, ...]
    ranges: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # path → sorted inclusive (start, end)
    reasons: tuple[str, ...] = ()  # what in the note was ignored, and why


def _ranges(text: str) -> list[tuple[int, int]]:
    """`1-4,9,12-20` as inclusive pairs; a malformed piece is skipped."""
    out = []
    for piece in text.split(","):
        a, _, b = piece.partition("-")
        if a.isdigit() and (not b or b.isdigit()):
            out.append((int(a), int(b or a)))
    return out


def _merge(spans: dict[str, list[tuple[int, int]]]) -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    """Per path, the ranges sorted and overlapping ones joined (a line counts once)."""
    out = []
    for path, pieces in sorted(spans.items()):
        joined: list[tuple[int, int]] = []
        for a, b in sorted((min(p), max(p)) for p in pieces):
            if joined and a <= joined[-1][1] + 1:
                joined[-1] = (joined[-1][0], max(b, joined[-1][1]))
            else:
                joined.append((a, b))
        if joined:
            out.append((path, tuple(joined)))
    return tuple(out)


def _tool(name: str) -> str:
    name = name.strip().lower()
    return TOOLS.get(name, name)


def parse_git_ai(text: str) -> Attribution:
    """A git-ai authorship note: AI line ranges per file, the tools its prompts name."""
    import json  # only when a note exists

    head, sep, meta = text.partition("\n---\n")
    prompts: dict[str, Any] = {}
    reasons: tuple[str, ...] = ()
    if sep:
        try:
            prompts = json.loads(meta).get("prompts") or {}
        except (ValueError, AttributeError):
            reasons = ("attribution note refs/notes/ai: metadata is not JSON (agents unnamed)",)
    spans: dict[str, list[tuple[int, int]]] = {}
    path = None
    for line in head.split("\n"):
        if line.startswith("  ") and path is not None:
            _, _, ranges = line.strip().partition(" ")
            spans.setdefault(path, []).extend(_ranges(ranges.strip()))
        elif line.strip() and not line.startswith(" "):
            path = line[1:-1] if line.startswith('"') and line.endswith('"') and len(line) > 1 else line
    tools = (p.get("agent_id", {}).get("tool", "") for p in prompts.values() if isinstance(p, dict))
    agents = tuple(dict.fromkeys(_tool(t) for t in tools if isinstance(t, str) and t))
    return Attribution("refs/notes/ai", agents, _merge(spans), reasons)


def parse_trace(text: str, sha: str) -> Attribution:
    """Agent Trace records: the ranges of `ai` conversations in the record(s) naming this commit."""
    import json  # only when a note exists

    ref = "refs/notes/agent-trace"
    try:
        doc = json.loads(text)
    except ValueError:
        return Attribution(ref, (), (), (f"attribution note {ref}: not JSON, ignored",))
    records = doc if isinstance(doc, list) else [doc]
    spans: dict[str, list[tuple[int, int]]] = {}
    agents: list[str] = []
    reasons: list[str] = []
    for rec in records:
        if not isinstance(rec, dict):
            continue
        revision = str((rec.get("vcs") or {}).get("revision", ""))
        if not revision or not sha.startswith(revision.lower()) or len(revision) < 7:
            reasons.append(f"attribution note {ref}: a record for revision {revision[:12]!r} ignored (not this commit)")
            continue
        _trace_files(rec, spans, agents)
    return Attribution(ref, tuple(dict.fromkeys(agents)), _merge(spans), tuple(reasons))


def _trace_files(rec: dict[str, Any], spans: dict[str, list[tuple[int, int]]], agents: list[str]) -> None:
    tool = _tool(str((rec.get("tool") or {}).get("name", "")))
    for f in rec.get("files") or ():
        for conv in (f.get("conversations") or ()) if isinstance(f, dict) else ():
            if not isinstance(conv, dict) or (conv.get("contributor") or {}).get("type") != "ai":
                continue
            for r in conv.get("ranges") or ():
                if isinstance(r, dict) and isinstance(r.get("start_line"), int) and isinstance(r.get("end_line"), int):
                    spans.setdefault(str(f.get("path", "")), []).append((r["start_line"], r["end_line"]))
            agents.append(tool or "agent")


def _covered(spans: tuple[tuple[int, int], ...], starts: list[int], line: int) -> bool:
    at = bisect.bisect_right(starts, line) - 1  # spans are joined: only the one starting before can hold it
    return at >= 0 and line <= spans[at][1]


def share(note: Attribution, commit: Commit) -> tuple[int, int]:
    """(AI-attributed added lines, all added lines): only lines the commit adds can count."""
    by_path = dict(note.ranges)
    ai = added = 0
    for f in commit.files:
        added += f.count()
        spans = by_path.get(f.path)
        if not spans or f.binary:
            continue
        starts = [s for s, _ in spans]
        ai += sum(1 for line in f.lines() if _covered(spans, starts, line.number))
    return ai, added


def parse(ref: str, text: str, sha: str) -> Attribution:
    """A note's text in the format its ref holds."""
    return parse_git_ai(text) if REFS[ref] == "git-ai" else parse_trace(text, sha)


class Notes:
    """The attribution notes of a repository: each ref listed once, blobs read on demand by one cat-file."""

    def __init__(self, cwd: str | None, index: dict[str, list[tuple[str, str]]]) -> None:
        self._cwd, self._index = cwd, index
        self._proc: subprocess.Popen[bytes] | None = None

    def __len__(self) -> int:
        return len(self._index)

    def get(self, sha: str | None) -> Attribution | None:
        """The commit's attribution (the first ref with an AI line wins), or None without a note."""
        found = None
        for ref, blob in self._index.get(sha or "", ()):
            text = self._read(blob)
            if text is None:
                continue
            found = parse(ref, text, sha or "")
            if found.ranges:
                return found
        return found

    def _read(self, blob: str) -> str | None:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ("git", "cat-file", "--batch"), cwd=self._cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(blob.encode() + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            return None
        size = int(header[2])
        if size > MAX_NOTE:  # skipped in pieces, never held
            for _ in range(0, size + 1, 1 << 16):
                self._proc.stdout.read(min(1 << 16, size + 1))
            return None
        return self._proc.stdout.read(size + 1)[:-1].decode("utf-8", "replace")

    def close(self) -> None:
        """End the cat-file process, if one was started."""
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait()
            self._proc = None


def open_notes(cwd: str | None = None) -> Notes | None:
    """The repository's attribution notes, or None when it keeps none (one `git for-each-ref`)."""
    run = subprocess.run(
        ("git", "for-each-ref", "--format=%(refname)", *REFS), cwd=cwd, capture_output=True, check=False
    )
    refs = [r for r in run.stdout.decode().split() if r in REFS]
    if not refs:
        return None
    index: dict[str, list[tuple[str, str]]] = {}
    for ref in refs:
        listed = subprocess.run(("git", "notes", f"--ref={ref}", "list"), cwd=cwd, capture_output=True, check=False)
        for line in listed.stdout.decode().splitlines():
            blob, _, sha = line.partition(" ")
            if sha:
                index.setdefault(sha.strip(), []).append((ref, blob))
    return Notes(cwd, index)
