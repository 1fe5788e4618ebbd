"""`learn`: a bad commit (or a pattern given as flags) → a proposed `added-pattern` rule, saved as text.

The rule is inserted into the rule file at the end of its `rules:` list, where ruamel.yaml locates
it, so every other line (comments, order, quoting, indentation, flow style) stays exactly as it was.
Nothing a `redact: true` rule matches is ever copied into the pattern or the examples.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from agentops_hooks import rulefile
from agentops_hooks.commands.files import read_text
from agentops_hooks.errors import FatalError
from agentops_hooks.model import Commit, FileChange, Rule
from agentops_hooks.values import field, frozen, replace

CONFIG_NAME = ".agentops.yaml"
NEW_CONFIG = "version: 1\nextends: [builtin:core, builtin:secrets, {path}]\n"
NEW_RULE_FILE = "version: 1\nrules:\n"
MAX_LINES = 3  # offending lines folded into one pattern
MAX_PASS_LINES = 5
# lines that say nothing about an incident: closers, imports, keywords alone, very short lines
GENERIC = re.compile(
    r"""^\s*(?:
        [\[\](){};,]*
      | (?:import|from|using|use|package|require|include|\#include|\#import)\b.*
      | (?:const|let|var)\s+\w+\s*=\s*require\(.*
      | \}?\s*(?:else|try|finally|do|end|fi|done|esac|pass|break|continue|return)\b\s*[;{:]?
      | .{0,3}
    )\s*$""",
    re.VERBOSE,
)
ORDINARY_LINES = (  # a pattern matching all of these matches every line
    "x",
    "}",
    "import os",
    "return 0;",
    "def main():",
    "    // a comment",
    "hello world",
    "#",
    " ",
    "0",
)
_META = re.compile(r"([\\.^$*+?()\[\]{}|])")
_TOKENS = re.compile(
    r"(?P<hex>(?<![0-9A-Za-z_])(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}(?![0-9A-Za-z_]))"
    r"|(?P<digits>(?<![A-Za-z_0-9])\d+)"
    r"|(?P<space>\s+)"
)
_TRAILING = re.compile(r"[\s;,)\]}]+$")
FILLERS = ("0", "x", "X", "-", "_")


@frozen
class Piece:
    """One offending line: where it was added, the pattern it gives, the example that pattern must flag."""

    path: str
    line: int
    pattern: str
    example: str
    redacted: bool = False


@frozen
class Draft:
    """What the commit suggests before the user names it: pattern, paths, examples, default texts."""

    pattern: str
    include: tuple[str, ...]
    fail: tuple[Mapping[str, Any], ...]
    passing: tuple[Mapping[str, Any], ...]
    message: str
    hint: str
    rule_id: str
    redact: bool = False
    notes: tuple[str, ...] = ()
    kind: str = "added-pattern"
    keywords: tuple[str, ...] = ()


@frozen
class FileEdit:
    """One file learn writes: its path, text before (None: new) and after."""

    path: str
    before: str | None
    after: str

    def diff(self, shown: str) -> str:
        """A unified diff of the edit, `shown` as the file name."""
        old = (self.before or "").splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        src = "/dev/null" if self.before is None else f"a/{shown}"
        return "".join(difflib.unified_diff(old, new, src, f"b/{shown}"))


@frozen
class Proposal:
    """The new rule (compiled from the new file text) and the files to write."""

    rule: Rule
    edits: tuple[FileEdit, ...]
    notes: tuple[str, ...] = field(default=())


# --- from a commit ---------------------------------------------------------------------------


def generalise(text: str) -> str:
    """A readable RE2 pattern for a literal: digits → \\d+, long hex → [0-9a-f]+, whitespace → \\s+, the rest escaped."""
    out: list[str] = []
    pos = 0
    for m in _TOKENS.finditer(text):
        out.append(_escape(text[pos : m.start()]))
        if m.group("hex"):
            out.append("[0-9a-f]+" if m.group().islower() or m.group().isdigit() else "[0-9A-Fa-f]+")
        elif m.group("digits"):
            out.append(r"\d+")
        else:
            out.append(r"\s+")
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def _escape(text: str) -> str:
    return _META.sub(r"\\\1", text)


def secret_class(secret: str) -> str:
    """A character class of the secret's shape (letters, digits, its symbols), never its literal."""
    parts = []
    if any(c.isdigit() for c in secret):
        parts.append("0-9")
    if any(c.isupper() for c in secret):
        parts.append("A-Z")
    if any(c.islower() for c in secret):
        parts.append("a-z")
    symbols = sorted({c for c in secret if not c.isalnum() and not c.isspace()})
    parts += [("\\" + c) if c in "\\]^-[" else c for c in symbols]
    return "[" + "".join(parts) + "]+" if parts else r"\S+"


def is_generic(text: str) -> bool:
    """Closers, imports, lone keywords, very short lines: nothing an incident is recognised by."""
    return bool(GENERIC.match(text))


def piece(path: str, number: int, text: str, secrets: Sequence[Any]) -> Piece | None:
    """The pattern and example of one offending line; secrets become classes (None: no safe form exists)."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    trimmed = _TRAILING.search(text[start:end])
    core_end = start + trimmed.start() if trimmed else end
    if core_end - start < 4:  # trimming left too little: keep the closers
        core_end = end
    spans = sorted({m.span() for s in secrets for m in s.finditer(text) if m.end() > m.start()})
    spans = _merge(spans)
    for a, b in spans:
        core_end = max(core_end, min(b, end)) if a < core_end + 1 else core_end
    pattern_parts: list[str] = []
    example = text
    pos = start
    for a, b in spans:
        if b <= start or a >= core_end:
            continue
        a, b = max(a, start), min(b, core_end)
        pattern_parts.append(generalise(text[pos:a]))
        cls = secret_class(text[a:b])
        filler = _filler(cls, b - a, example, a, secrets)
        if filler is None:
            return None
        example = example[:a] + filler + example[b:]
        pattern_parts.append(cls)
        pos = b
    pattern_parts.append(generalise(text[pos:core_end]))
    pattern = "".join(pattern_parts)
    literal = sum(b - a for a, b in _gaps(spans, start, core_end))
    if spans and literal < 4:  # nothing but the secret: its class alone would flag any word
        return None
    if text[start : start + 1].isalnum() or text[start : start + 1] == "_":
        pattern = r"\b" + pattern
    if any(s.search(example) for s in secrets):
        return None
    return Piece(path, number, pattern, example, redacted=bool(spans))


def _gaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The stretches of [start, end) outside the secret spans."""
    pos = start
    for a, b in spans:
        if a > pos:
            yield pos, min(a, end)
        pos = max(pos, b)
    if pos < end:
        yield pos, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _filler(cls: str, n: int, line: str, at: int, secrets: Sequence[Any]) -> str | None:
    """Text of the secret's length that its class matches and no secret rule does."""
    full = rulefile.regex(f"(?:{cls})", "the secret's class", full=True)
    for ch in FILLERS:
        candidate = ch * n
        trial = line[:at] + candidate + line[at + n :]
        if full.search(candidate) and not any(s.search(trial) for s in secrets):
            return candidate
    return None


def include_glob(path: str) -> str:
    """`src/app.js` → `src/**/*.js`; a root file → `*.js`; no extension → the path itself."""
    folder, name = os.path.split(path)
    ext = os.path.splitext(name)[1]
    if not ext:
        return "/" + path if "/" not in path else path
    return f"{folder}/**/*{ext}" if folder else f"*{ext}"


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
        picked = []
        for path, number in chosen:
            line = next((ln for ln in files[path].added if ln.number == number), None) if path in files else None
            if line is None:
                raise FatalError(
                    f"--line {path}:{number}: commit {incident.short} adds no line {number} to {path}; "
                    "pick an added line (git show --stat shows the files)"
                )
            picked.append((path, line.number, line.text))
        return picked
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
    limit = len(chosen) or (MAX_LINES if fix is not None else 1)
    notes: list[str] = []
    pieces: list[Piece] = []
    for path, number, text in candidates:
        p = piece(path, number, text, compiled)
        if p is None:
            notes.append(f"{path}:{number}: holds a secret that cannot be generalised safely; line skipped")
            continue
        if p.pattern not in {q.pattern for q in pieces}:
            pieces.append(p)
        if len(pieces) >= limit:
            break
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
    subject = incident.message.subject
    message = f"repeats incident {sha7} ({subject}): {{match}}"
    return Draft(pattern, include, fail, passing, message, hint, rule_id, any(p.redacted for p in pieces), tuple(notes))


def _pass_cases(
    incident: Commit, fix: Commit | None, pieces: Sequence[Piece], regex: Any, secrets: Sequence[Any]
) -> tuple[Mapping[str, Any], ...]:
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
    message = f"repeats incident {incident.short}: {{match}}"
    passing = tuple((rule.examples or {}).get("pass") or ())
    return Draft(
        str(rule.param("pattern")),
        (include_glob(path),),
        (),
        passing,
        message,
        hint,
        rule_id,
        True,
        tuple(notes),
        keywords=tuple(rule.param("keywords") or ()),
    )


# --- the rule as YAML text ---------------------------------------------------------------------


def check_pattern(pattern: str, where: str = "--pattern") -> Any:
    """The compiled pattern; RE2 refusing it, or a pattern that matches every line, is exit 3 in one line."""
    regex = rulefile.regex(pattern, where)
    if regex.search(""):
        raise FatalError(
            f"{where}: pattern {pattern!r} matches every line (it matches the empty line); "
            "make it match only the bad code"
        )
    if all(regex.search(s) for s in ORDINARY_LINES):
        raise FatalError(
            f"{where}: pattern {pattern!r} matches every line (it matches ordinary lines such as 'x' and '}}'); "
            "make it match only the bad code"
        )
    return regex


def rule_data(
    *,
    rule_id: str,
    kind: str,
    pattern: str,
    include: Sequence[str],
    message: str,
    hint: str,
    severity: str,
    applies_to: str,
    description: str = "",
    keywords: Sequence[str] = (),
    redact: bool = False,
    fail: Sequence[Mapping[str, Any]] = (),
    passing: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The rule as plain data, keys in the order a reader expects."""
    data: dict[str, Any] = {
        "id": rule_id,
        "kind": kind,
        "description": description or describe(message),
        "message": message,
    }
    if hint:
        data["hint"] = hint
    data["severity"] = severity
    if applies_to != "all":
        data["applies-to"] = applies_to
    if redact:
        data["redact"] = True
    if keywords:
        data["keywords"] = list(keywords)
    data["pattern"] = pattern
    if include:
        data["paths"] = {"include": list(include)}
    examples: dict[str, Any] = {}
    who = {"all": None, "agent": "ai"}.get(applies_to, applies_to)  # cases the rule applies to
    if fail:
        examples["fail"] = [_as(c, who) for c in fail]
    if passing:
        examples["pass"] = [_as(c, who) for c in passing]
    if examples:
        data["examples"] = examples
    return data


def _as(case: Mapping[str, Any], who: str | None) -> Mapping[str, Any]:
    return case if who is None or "agent" in case else {"agent": who, **case}


def describe(message: str) -> str:
    """A one-sentence description from the message: placeholders dropped."""
    text = re.sub(r"(?:\s+(?:in|at|on|from|of))?\s*\{[\w-]+\}", "", message)
    text = re.sub(r"\s*:\s*(?=$|[.,;])", "", text)
    text = re.sub(r"^[\s:,.;-]+|[\s:,;-]+$", "", re.sub(r"\s{2,}", " ", text))
    text = text[:1].upper() + text[1:]
    return (text if text.endswith(".") else text + ".") if text else "A rule learned from an incident."


_PLAIN = re.compile(r"[A-Za-z_][\w./-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    if text and text.isprintable() and "'" not in text and text == text.strip():
        return f"'{text}'"  # single quotes keep backslashes literal: patterns stay readable
    return json.dumps(text, ensure_ascii=False)  # JSON strings are YAML double-quoted scalars


def _flow(value: Any) -> str:
    """A value in YAML flow style (one line)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _case(case: Mapping[str, Any]) -> str:
    """`files: [...]` for a one-key case, else one flow mapping."""
    if len(case) == 1:
        ((k, v),) = case.items()
        return f"{k}: {_flow(v)}"
    return _flow(case)


def render_rule(data: Mapping[str, Any], dash: int, key: int) -> list[str]:
    """The rule as block-style lines: `- ` at column `dash`, its keys at column `key`."""
    pad, sub = " " * key, " " * (key + 2)
    lines: list[str] = []
    for i, (k, v) in enumerate(data.items()):
        lead = " " * dash + "- " + " " * (key - dash - 2) if i == 0 else pad
        if k == "paths":
            lines.append(f"{lead}{k}:")
            lines += [f"{sub}{pk}: {_flow(pv)}" for pk, pv in v.items()]
        elif k == "examples":
            lines.append(f"{lead}{k}:")
            for ek, cases in v.items():
                lines.append(f"{sub}{ek}:")
                lines += [f"{sub}  - {_case(case)}" for case in cases]
        else:
            lines.append(f"{lead}{k}: {_flow(v)}")
    return lines


# --- inserting as text ----------------------------------------------------------------------------


def append_rule(path: str, text: str | None, data: Mapping[str, Any]) -> str:
    """The rule file's text with the rule appended to its `rules:` list; every other line kept as it was."""
    if text is None or not text.strip():
        return NEW_RULE_FILE + "\n".join(render_rule(data, 2, 4)) + "\n"
    doc = rulefile.read_yaml(path, text)
    if not isinstance(doc, Mapping):
        raise FatalError(f"{path}: not a rule file (expected a mapping with `version: 1` and `rules:`)")
    flow_item = "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in data.items()) + "}"
    return _append(path, text, doc, "rules", lambda dash, key: render_rule(data, dash, key), flow_item)


def append_extends(path: str, text: str, entry: str) -> str:
    """The config's text with `entry` added to `extends` (as text, so its comments stay)."""
    doc = rulefile.read_yaml(path, text)
    if not isinstance(doc, Mapping):
        raise FatalError(f"{path}: not a config file (expected a mapping with `version: 1`)")
    return _append(path, text, doc, "extends", lambda dash, key: [" " * dash + "- " + _scalar(entry)], _scalar(entry))


def _append(path: str, text: str, doc: Any, key: str, block: Any, flow_item: str) -> str:
    """Append one item to the top-level list `key`: block, flow, empty or missing."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    top = getattr(doc, "fa", None) is not None and doc.fa.flow_style()
    if key not in doc:
        if top:
            raise FatalError(f"{path}: the document is one flow mapping; add a `{key}:` list to it first")
        return "".join(lines) + f"{key}:\n" + "".join(ln + "\n" for ln in block(2, 4))
    value: Any = doc[key]
    vline, vcol = doc.lc.value(key)
    if value is None:  # `rules:` with nothing after it
        kline = doc.lc.key(key)[0]
        lines[kline + 1 : kline + 1] = [ln + "\n" for ln in block(2, 4)]
        return "".join(lines)
    if not isinstance(value, list):
        raise FatalError(f"{path}:{vline + 1}:{vcol + 1}: '{key}' should be a list")
    value = doc[key]  # ruamel's CommentedSeq: its flow style and positions
    if lines[vline][vcol : vcol + 1] == "[":  # a flow sequence (ruamel leaves `[]` unmarked)
        return _append_flow(path, lines, vline, vcol, len(value), flow_item, block, doc, key)
    last = len(value) - 1
    iline, icol = value.lc.item(last)
    dash = lines[iline].rfind("-", 0, icol + 1) if "-" in lines[iline][: icol + 1] else icol - 2
    dash = max(dash, 0)
    item_key = max(icol, dash + 2)
    end = _list_end(doc, key, lines, dash)
    lines[end:end] = [ln + "\n" for ln in block(dash, item_key)]
    return "".join(lines)


def _list_end(doc: Any, key: str, lines: Sequence[str], dash: int) -> int:
    """The line index after the list's last item: before the next top-level key and any comments that lead it."""
    keys = list(doc)
    after = keys[keys.index(key) + 1 :]
    end = doc.lc.key(after[0])[0] if after else len(lines)
    while end > 0:
        ln = lines[end - 1]
        stripped = ln.strip()
        if not stripped or (stripped.startswith("#") and len(ln) - len(ln.lstrip()) < dash):
            end -= 1
            continue
        if stripped.startswith("#") and dash == 0 and len(ln) - len(ln.lstrip()) == 0 and after:
            end -= 1  # a comment at column 0 right before the next key introduces that key
            continue
        break
    return end


def _append_flow(
    path: str,
    lines: list[str],
    vline: int,
    vcol: int,
    count: int,
    flow_item: str,
    block: Any,
    doc: Any,
    key: str,
) -> str:
    text = "".join(lines)
    start = sum(len(ln) for ln in lines[:vline]) + vcol
    close = _closing_bracket(text, start)
    if close is None:
        raise FatalError(f"{path}:{vline + 1}:{vcol + 1}: cannot find the end of the '{key}' list")
    top_flow = getattr(doc, "fa", None) is not None and doc.fa.flow_style()
    line_end = text.find("\n", close)
    rest = text[close + 1 : line_end if line_end >= 0 else len(text)].strip()
    if count == 0 and not top_flow and "\n" not in text[start:close] and (not rest or rest.startswith("#")):
        # `rules: []` alone on its line: just that line becomes `rules:`, the item follows in block style
        kcol = doc.lc.key(key)[1]
        head = text[:start].rstrip(" ") + (f"  {rest}" if rest else "") + "\n"
        return head + "".join(ln + "\n" for ln in block(kcol + 2, kcol + 4)) + text[line_end + 1 :]
    before = text[:close].rstrip()
    sep = "" if count == 0 else ", "
    inner_end = len(before)
    return text[:inner_end] + sep + flow_item + text[inner_end:]


def _closing_bracket(text: str, start: int) -> int | None:
    """Index of the `]` that closes the flow sequence opening at `start` (quotes and comments respected)."""
    depth = 0
    i = start
    quote = ""
    while i < len(text):
        c = text[i]
        if quote:
            if quote == "'" and c == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            if quote == '"' and c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
            continue
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


# --- the plan ------------------------------------------------------------------------------------


def plan(
    *,
    toplevel: str,
    config_path: str | None,
    config_files: Sequence[str],
    existing_ids: Iterable[str],
    rule_file: str,
    data: Mapping[str, Any],
    read: Any,
) -> Proposal:
    """Every file edit (rule file, and `.agentops.yaml` when it does not load the rule file yet), validated."""
    from agentops_hooks import ruletest

    rule_id = str(data["id"])
    if rule_id in set(existing_ids):
        raise FatalError(f"a rule with the id '{rule_id}' is already loaded; choose another with --id")
    rule_abs = os.path.normpath(os.path.join(toplevel, rule_file))
    shown_rule = _rel(rule_abs, toplevel)
    before = read(rule_abs)
    after = append_rule(shown_rule, before, data)
    doc = rulefile.load_text(shown_rule, after)  # re-parse and validate the whole new text
    raw = next(r for r in doc["rules"] if r.get("id") == rule_id)
    rule = rulefile.compile_rule(shown_rule, raw, "local", origin=f"{shown_rule} rule #{len(doc['rules'])}")
    failed = [o for o in ruletest.run([rule]) if o.problem and not o.problem.startswith("untested")]
    if failed:
        raise FatalError(
            f"the proposed rule's examples do not hold ({failed[0].case}: {failed[0].problem}); "
            "adjust --pattern or choose lines with --line"
        )
    edits = [FileEdit(rule_abs, before, after)]
    notes: list[str] = []
    cfg_abs = os.path.join(toplevel, CONFIG_NAME) if config_path is None else os.path.abspath(config_path)
    loaded = shown_rule in config_files or rule_abs in config_files or rule_abs == cfg_abs
    if not loaded:
        entry = _rel(rule_abs, os.path.dirname(cfg_abs))
        cfg_before = read(cfg_abs)
        if cfg_before is None:
            cfg_after = NEW_CONFIG.format(path=entry)
        else:
            cfg_after = append_extends(_rel(cfg_abs, toplevel), cfg_before, entry)
        rulefile.load_text(_rel(cfg_abs, toplevel), cfg_after)
        edits.append(FileEdit(cfg_abs, cfg_before, cfg_after))
        notes.append(f"{_rel(cfg_abs, toplevel)}: extends {entry}")
    return Proposal(rule, tuple(edits), tuple(notes))


def _rel(path: str, base: str) -> str:
    rel = os.path.relpath(path, base).replace(os.sep, "/")
    return path if rel.startswith("../") else rel


def apply(edits: Iterable[FileEdit]) -> None:
    """Write the edits (folders made as needed)."""
    for e in edits:
        try:
            os.makedirs(os.path.dirname(e.path) or ".", exist_ok=True)
            with open(e.path, "w", encoding="utf-8", newline="") as f:
                f.write(e.after)
        except OSError as err:
            raise FatalError(f"{e.path}: cannot write: {err.strerror}") from None


def secret_rules(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """The `redact: true` rules with a line pattern: their matches are never copied."""
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.redact and r.compiled.regex("pattern") is not None:
            seen.setdefault(r.id, r)
    return tuple(seen.values())


def parse_line_choice(value: str) -> tuple[str, int]:
    """`PATH:N` → (path, n)."""
    path, _, number = value.rpartition(":")
    if not path or not number.isdigit():
        raise FatalError(f"--line {value!r}: expected PATH:N, e.g. src/app.js:12")
    return path, int(number)


# --- the command's steps (the application layer: git and config reached through their modules) ----


def draft(
    ctx: Any,
    *,
    from_commit: str | None,
    pattern: str | None,
    paths: Sequence[str],
    lines: Sequence[str],
    rule_id: str | None,
    kind: str,
    keywords: Sequence[str],
) -> Draft:
    """What a bad commit (or the flags) suggest; nothing is written."""
    secrets = _secrets(ctx)
    if pattern is not None:
        if not rule_id:
            raise FatalError("learn --pattern needs --id ID (a kebab-case name for the new rule)")
        if any(s.compiled.regexes["pattern"].search(pattern) for s in secrets):
            raise FatalError("--pattern contains text a secrets rule matches; write the shape, not the secret")
        include = tuple(paths)
        message = f"matches the pattern of {rule_id}: {{match}}"
        return Draft(pattern, include, (), (), message, "", rule_id, kind=kind, keywords=tuple(keywords))
    if from_commit is None:
        raise FatalError("learn needs --from-commit SHA or --pattern RE (see `agentops-check learn --help`)")
    chosen = [parse_line_choice(v) for v in lines]
    d = _commit_draft(from_commit, secrets, chosen)
    if paths:
        d = replace(d, include=tuple(paths))
    if rule_id:
        d = replace(d, rule_id=rule_id)
    return d


def _secrets(ctx: Any) -> tuple[Rule, ...]:
    """The loaded `redact` rules, and the secrets pack's even when the config leaves it out."""
    from agentops_hooks import config, packs

    pack = config.load(str(packs.builtin_path("secrets")), pack="builtin:secrets").rules
    return secret_rules((*ctx.config.rules, *pack))


def _commit_draft(sha: str, secrets: Sequence[Rule], chosen: Sequence[tuple[str, int]]) -> Draft:
    from agentops_hooks import gitrepo, sources

    full = gitrepo.resolve(sha)
    commits = [c.held() for c in sources.history([f"{full}^!"], include_merges=True)]
    if not commits:
        raise FatalError(f"commit {full[:7]} has no changes to learn from")
    incident = commits[0]
    fix = find_fix(incident, sources.history([f"{full}..HEAD"]))
    old_text: dict[str, str] = {}
    if incident.parents:
        for f in incident.files:
            if not f.binary and f.status != "A":
                old = gitrepo.file_at(incident.parents[0], f.old_path or f.path)
                old_text[f.path] = (old or b"").decode("utf-8", "replace")
    return draft_from_commit(incident, fix, old_text, secrets, chosen)


def finish(
    ctx: Any,
    d: Draft,
    *,
    message: str | None,
    hint: str | None,
    description: str | None,
    severity: str,
    applies_to: str,
    rule_file: str,
    config_path: str | None,
) -> Proposal:
    """The rule named and worded, its pattern checked, inserted into the rule file text and validated."""
    check_pattern(d.pattern, "--pattern" if not d.fail else f"the pattern proposed from {d.rule_id}")
    data = rule_data(
        rule_id=d.rule_id,
        kind=d.kind,
        pattern=d.pattern,
        include=d.include,
        message=message or d.message,
        hint=d.hint if hint is None else hint,
        severity=severity,
        applies_to=applies_to,
        description=description or "",
        keywords=d.keywords,
        redact=d.redact,
        fail=d.fail,
        passing=d.passing,
    )
    proposal = plan(
        toplevel=ctx.repo.toplevel,
        config_path=ctx.config.path if config_path is None else config_path,
        config_files=ctx.config.files,
        existing_ids=[r.id for r in ctx.config.rules],
        rule_file=rule_file,
        data=data,
        read=read_text,
    )
    secrets = [r.compiled.regexes["pattern"] for r in _secrets(ctx)]
    if any(s.search(v) for v in _strings(data) for s in secrets):  # the last guard
        raise FatalError(f"the proposed rule '{d.rule_id}' would contain a secret; nothing written")
    return _with_notes(proposal, d.notes)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _with_notes(p: Proposal, notes: Sequence[str]) -> Proposal:
    return replace(p, notes=(*notes, *p.notes))
