"""Kinds that read whole documents an agent loads or leaves behind: context budgets, required sections.

They judge a file as the commit leaves it (the staged or committed blob), not the lines it
changed, so every commit that grows an agent's context file past its budget is told, whoever
made it. An added file's `-U0` patch already holds every line; any other file is read from
git by its blob id, and only for the files a rule selects.

Tokens are estimated offline (no tokenizer, no model download): the mean of characters / 4 and
words × 4/3, rounded up. Both are the usual rules of thumb for English text under the common BPE
vocabularies; prose lands near the words estimate, code and tables near the characters one, and
their mean errs on neither side for long. It is an estimate to set budgets by, not a count:
leave a margin (tests/documents_test.py pins it on known texts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

from agentops_hooks.errors import GitError
from agentops_hooks.kinds.history import CommitSummary, Named, in_range
from agentops_hooks.kinds.params import Form, Param
from agentops_hooks.model import Commit, FileChange, Finding, Rule

CONTEXT_FILES = (
    "CLAUDE.md",
    "**/CLAUDE.md",
    "AGENTS.md",
    "**/AGENTS.md",
    "GEMINI.md",
    ".cursorrules",
    ".cursor/rules/**",
    ".github/copilot-instructions.md",
    ".agents/**",
)
CONTEXT_BUDGET = (
    Param("files", CONTEXT_FILES, Form.GLOBS),
    Param("max-tokens", 4000),
    Param("max-total-tokens"),
    Param("largest", 3),
)
DOCUMENT_SECTIONS = (
    Param("files", form=Form.GLOBS),
    Param("sections", (), Form.FULL_REGEXES),
    Param("front-matter", ()),
    Param("min-words", 1),
    Param("per", "commit"),
    Param("co-change", 3),
    Param("live"),
)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_KEY = re.compile(r"^([A-Za-z_][\w .-]*?)[ \t]*:(?:[ \t]+(.*))?$")
_WORD = re.compile(r"\S+")


def estimate(text: str) -> int:
    """Tokens an agent's model will spend on `text`: the mean of chars/4 and words×4/3, rounded up."""
    chars, words = len(text), len(_WORD.findall(text))
    return -(-(3 * chars + 16 * words) // 24)  # ceil((chars/4 + words*4/3) / 2) in integers


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, content) of a Markdown text, in order; text before the first heading is under ''."""
    out: list[tuple[str, list[str]]] = [("", [])]
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m:
            out.append((m.group(2).strip(), []))
        else:
            out[-1][1].append(line)
    return [(head, "\n".join(body).strip()) for head, body in out if head or "\n".join(body).strip()]


def keys(text: str, path: str) -> list[tuple[str, str]]:
    """(key, content) of a JSON object, a YAML mapping's top level, or a Markdown file's front matter."""
    if path.endswith(".json"):
        try:
            doc = json.loads(text)
        except ValueError:
            return []
        return [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in doc.items()] if isinstance(doc, dict) else []
    lines = text.split("\n")
    if not path.endswith((".yaml", ".yml")):  # Markdown: only the front matter has keys
        if not lines or lines[0].strip() != "---":
            return []
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
        lines = lines[1:end]
    return _top_level(lines)


def _top_level(lines: Sequence[str]) -> list[tuple[str, str]]:
    """Top-level `key: value` pairs, a block under a key counted as its content (no YAML parser on the hook path)."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        m = None if line[:1] in (" ", "\t", "-", "#") else _KEY.match(line)
        if m:
            out.append((m.group(1), [(m.group(2) or "").strip().strip("\"'")]))
        elif out and line.strip() and not line.lstrip().startswith("#"):
            out[-1][1].append(line.strip())
    return [(k, " ".join(v).strip()) for k, v in out]


def content(change: FileChange) -> str | None:
    """The text of a file as the commit leaves it; None for a deleted, binary or unreadable one."""
    if change.status == "D" or change.binary or change.new_mode == "160000":
        return None
    if change.status == "A" or not change.new_oid.strip("0"):  # an added file's patch is all of it
        return "\n".join(line.text for line in change.lines())
    return _blob(change.new_oid)


def _blob(oid: str) -> str | None:
    from agentops_hooks import gitrepo  # plumbing only: the hook path pays for no GitPython

    try:
        return b"".join(gitrepo.blob_blocks(oid)).decode("utf-8", "replace")
    except GitError:
        return None


def context_budget(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Agent context files the commit grows past `max-tokens` each, or past `max-total-tokens` together."""
    files = rule.compiled.globsets["files"]
    limit, largest = rule.param("max-tokens"), rule.param("largest")
    grown: dict[str, int] = {}
    for change in commit.files:
        if not (rule.selects(change.path) and files.match_file(change.path)) or _shrinks(change):
            continue
        if change.new_mode == "120000":  # an agent reads the target; a link's blob is only its path
            problem = f"{change.path} is a symlink: the budget cannot weigh what an agent reads through it; commit the file itself"
            yield rule.finding(path=change.path, problem=problem, tokens="?", limit=str(limit))
            continue
        text = content(change)
        if text is None:
            continue
        grown[change.path] = tokens = estimate(text)
        if limit is not None and tokens > limit:
            problem = f"{change.path} is about {tokens:,} tokens (budget {limit:,}); largest sections: {_largest(text, largest)}"
            yield rule.finding(path=change.path, problem=problem, tokens=str(tokens), limit=str(limit))
    total_limit = rule.param("max-total-tokens")
    if total_limit is None or not grown:
        return
    together = {**_unchanged(rule, commit, set(grown)), **grown}
    total = sum(together.values())
    if total > total_limit and len(together) > 1:  # one file alone is the per-file budget's to judge
        biggest = ", ".join(f"{p} ({n:,})" for p, n in sorted(together.items(), key=lambda x: (-x[1], x[0]))[:largest])
        problem = f"the agent context files are about {total:,} tokens together (budget {total_limit:,}): {biggest}"
        yield rule.finding(path=next(iter(grown)), problem=problem, tokens=str(total), limit=str(total_limit))


def _shrinks(change: FileChange) -> bool:
    """A change that removes more text than it adds: it makes an over-budget file better, never
    worse. Counted in characters, not lines: a few long lines for many short ones is growth."""
    if change.status != "M" or change.new_mode == "120000":
        return False
    return sum(map(len, change.texts(removed=True))) > sum(map(len, change.texts()))


def _largest(text: str, n: int) -> str:
    ranked = sorted(((estimate(body), head or "(before the first heading)") for head, body in sections(text)), reverse=True)
    return ", ".join(f"{head!r} ({tokens:,})" for tokens, head in ranked[:n]) or "(no sections)"


def _unchanged(rule: Rule, commit: Commit, changed: set[str]) -> dict[str, int]:
    """Tokens of the context files the commit leaves as they were (an agent loads them too)."""
    if not any(f.new_oid.strip("0") for f in commit.files):  # a rule example or case: no repository behind it
        return {}
    from agentops_hooks import gitrepo

    files = rule.compiled.globsets["files"]
    args = ("ls-tree", "-r", "-z", commit.sha) if commit.sha else ("ls-files", "-s", "-z")
    try:
        out = gitrepo.git(*args)
    except GitError:
        return {}
    found = {}
    for record in out.split(b"\0"):
        meta, _, raw = record.partition(b"\t")
        path = raw.decode("utf-8", "surrogateescape")
        fields = meta.split()
        if not path or path in changed or len(fields) < 3 or not files.match_file(path) or not rule.selects(path):
            continue
        oid = (fields[2] if commit.sha else fields[1]).decode()
        text = _blob(oid)
        if text is not None:
            found[path] = estimate(text)
    return found


def document_sections(rule: Rule, commit: Commit) -> Iterator[Finding]:
    """Documents the commit leaves without a required section (or front-matter key) that has content."""
    files = rule.compiled.globs("files")
    for change in commit.files:
        if not rule.selects(change.path) or (files is not None and not files.match_file(change.path)):
            continue
        text = content(change)
        if text is not None:
            yield from _missing(rule, change.path, text)


def _missing(rule: Rule, path: str, text: str) -> Iterator[Finding]:
    least = rule.param("min-words")
    structured = path.endswith((".json", ".yaml", ".yml"))
    parts = keys(text, path) if structured else sections(text)
    wanted = zip(rule.param("sections") or (), rule.compiled.regex_list("sections"), strict=True)
    for name, pattern in wanted:
        body = next((b for h, b in parts if pattern.search(h)), None)
        if body is None or len(_WORD.findall(body)) < least:
            what = "key" if structured else "section"
            state = "is missing" if body is None else f"has fewer than {least} words"
            yield rule.finding(path=path, problem=f"{path}: the {what} matching {name!r} {state}", section=name)
    front = keys(text, path) if rule.param("front-matter") and not structured else []
    for key in rule.param("front-matter") or ():
        value = next((v for k, v in front if k.lower() == key.lower()), None)
        if not value:
            state = "is missing" if value is None else "is empty"
            yield rule.finding(path=path, problem=f"{path}: the front-matter key {key!r} {state}", section=key)


class HandOff:
    """`per: range`: an agent session that keeps a hand-off file keeps it current.

    Once a commit in the range touches a file the rule selects (the session keeps one), a run of
    `co-change` agent commits in a row that change other files and not it is reported, once per run.
    A person's commit that leaves the file alone neither counts nor breaks the run; one that
    updates it does (with `applies-to: all`, which lets the fold see people's commits too).
    """

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.files = rule.compiled.globs("files")
        self.least = rule.param("co-change")
        self.kept = False
        self.run: list[CommitSummary] = []

    def _touches(self, commit: CommitSummary) -> bool:
        return any(
            self.rule.selects(f.path) and (self.files is None or self.files.match_file(f.path)) for f in commit.files
        )

    def add(self, commit: CommitSummary) -> list[Named]:
        """A run the commit completes: the `co-change`-th agent commit in a row without the hand-off file."""
        if self._touches(commit):
            self.kept, self.run = True, []
            return []
        if not self.kept or not commit.verdict.is_agent or not commit.files:
            return []
        self.run.append(commit)
        if len(self.run) != self.least:
            return []
        wanted = ", ".join(self.rule.param("files") or ())
        listed = "; ".join(f"{(c.sha or 'staged')[:7]} {c.subject!r}" for c in self.run)
        problem = f"{len(self.run)} agent commits in a row left the hand-off file ({wanted}) as it was: {listed}"
        finding = self.rule.finding(problem=problem, count=str(len(self.run)))
        return [(in_range(finding, (c.sha for c in self.run)), tuple(self.run))]

    def end(self) -> list[Named]:
        """Runs are reported as they complete: nothing is left open."""
        return []
