"""A gitleaks configuration (v8 TOML) as our rule file, and what could not be carried over.

gitleaks' regexes are Go RE2, so they compile with ours as written. A rule becomes an
`added-pattern` (`regex` → `pattern`, `secretGroup` → `secret-group`, `entropy`, `keywords`), or a
`file-limits` rule with `forbidden-names` when it has only a `path`. Allowlists: regexes on the
secret and stopwords become `allow` (per rule, or the file's pack-wide `allow:` for a global
allowlist); path regexes become `paths.exclude` globs when they translate. Everything else (commit
allowlists, `AND` conditions, line targets, `[extend] path`) is reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agentops_hooks.errors import RuleFileError
from agentops_hooks.patterns import re2_escape, regex
from agentops_hooks.regexglob import path_globs
from agentops_hooks.values import frozen

PREFIX = "gitleaks-"  # imported ids never collide with a built-in pack's


@frozen
class Problem:
    """One thing that did not carry over: which rule (or section) and why."""

    rule: str
    why: str


USE_DEFAULT = (
    "[extend] useDefault: list builtin:secrets in your config's extends beside this file"
    " (our secrets pack stands for gitleaks' default rules)"
)


def convert(doc: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem], list[str]]:
    """The rule file (version, allow, rules), the problems in the order they were met, and notes."""
    problems: list[Problem] = []
    out: dict[str, Any] = {"version": 1}
    extend = doc.get("extend") or {}
    problems += _extend(extend)
    notes = [USE_DEFAULT] if extend.get("useDefault") else []  # not extended here: a config extends it once
    shared = _Allowed()
    targeted: dict[str, _Allowed] = {}
    for i, al in enumerate(_global_allowlists(doc)):
        where = f"allowlists[{i}]" if "allowlists" in doc else "[allowlist]"
        into = [targeted.setdefault(t, _Allowed()) for t in strings(al, "targetRules")] or [shared]
        for allowed in into:
            problems += allowed.add(al, where, global_=True)
    if shared.allow:
        out["allow"] = list(shared.allow)
    rules = []
    for r in doc.get("rules") or ():
        rule, found = _rule(r, shared, targeted.get(str(r.get("id")), _Allowed()))
        problems += found
        if rule is not None:
            rules.append(rule)
    out["rules"] = rules
    return out, problems, notes


def _extend(extend: Mapping[str, Any]) -> list[Problem]:
    problems = []
    if extend.get("path"):
        problems.append(Problem("[extend]", f"path {extend['path']!r}: import that file too and list it in extends:"))
    if extend.get("disabledRules"):
        names = ", ".join(strings(extend, "disabledRules"))
        problems.append(Problem("[extend]", f"disabledRules ({names}) name gitleaks' default rules, not ours"))
    return problems


def strings(table: Mapping[str, Any], key: str) -> list[str]:
    """A list of strings of a TOML table (none when unset); any other shape is a TypeError naming the key."""
    value = table.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key} must be a list of strings")
    return value


def _global_allowlists(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The old single `[allowlist]` and the newer `[[allowlists]]`."""
    old = doc.get("allowlist")
    return ([old] if old else []) + list(doc.get("allowlists") or [])


class _Allowed:
    """What allowlists carry over: `allow` patterns on the secret, `paths.exclude` globs."""

    def __init__(self) -> None:
        self.allow: list[str] = []
        self.exclude: list[str] = []

    def add(self, al: Mapping[str, Any], where: str, global_: bool = False, grouped: bool = False) -> list[Problem]:
        """Carry one allowlist over; the problems of what could not be."""
        kinds = [k for k in ("commits", "paths", "regexes", "stopwords") if al.get(k)]
        if str(al.get("condition", "OR")).upper() == "AND" and len(kinds) > 1:
            return [Problem(where, f"condition AND over {', '.join(kinds)}: our allow and excludes each hold alone")]
        problems = []
        if commits := strings(al, "commits"):
            problems.append(Problem(where, f"commits allowlist ({len(commits)}): use the baseline instead"))
        target = str(al.get("regexTarget") or "secret").lower()
        if al.get("regexes"):
            if target == "line" or (target == "match" and (grouped or global_)):
                problems.append(Problem(where, f"regexTarget {target}: our allow patterns are searched in the secret"))
            else:
                problems += self._regexes(strings(al, "regexes"), where)
        for word in strings(al, "stopwords"):
            self.allow.append(f"(?i){re2_escape(str(word))}")
        for path in strings(al, "paths"):
            globs = path_globs(str(path))
            if globs is None:
                problems.append(Problem(where, f"path regex {path!r} has no glob that says the same"))
            else:
                self.exclude += globs
        return problems

    def _regexes(self, patterns: list[str], where: str) -> list[Problem]:
        problems = []
        for p in patterns:
            try:
                regex(str(p), where)
                self.allow.append(str(p))
            except RuleFileError as e:
                problems.append(Problem(where, f"allow regex is not RE2 ({str(e).rpartition(': ')[2]})"))
        return problems


def _rule(r: Mapping[str, Any], shared: _Allowed, targeted: _Allowed) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One gitleaks rule as ours (None when it cannot be), and its problems."""
    source_id = str(r.get("id") or "")
    if not source_id:
        return None, [Problem("[[rules]]", "a rule without an id")]
    rid = PREFIX + (re.sub(r"[^a-z0-9]+", "-", source_id.lower()).strip("-") or "rule")
    text, path = r.get("regex"), r.get("path")
    if not text and not path:
        return None, [Problem(source_id, "neither regex nor path")]
    what = str(r.get("description") or source_id).strip().rstrip(".")
    description = f"{what} (gitleaks rule {source_id})."
    if not text:
        return _path_rule(rid, source_id, description, what, str(path), shared)
    try:
        groups = regex(str(text), source_id).groups
    except RuleFileError as e:
        return None, [Problem(source_id, f"regex is not RE2: {str(e).partition('RE2: ')[2] or e}")]
    rule = _common(rid, "added-pattern", description, what + " in {path}: {match}")
    return _pattern_rule(rule, r, int(groups), shared, targeted)


def _common(rid: str, kind: str, description: str, message: str) -> dict[str, Any]:
    """The keys every imported rule has: a secret, never exempted, never shown."""
    hint = "Remove it, rotate the credential, and load it from a secret store (an imported gitleaks rule)."
    return {
        "id": rid, "kind": kind, "factor": "XI", "description": description, "message": message,
        "hint": hint, "severity": "error", "exemptible": False, "redact": True,
    }  # fmt: skip


def _path_rule(
    rid: str, source_id: str, description: str, what: str, path: str, shared: _Allowed
) -> tuple[dict[str, Any] | None, list[Problem]]:
    globs = path_globs(path)
    if globs is None:
        return None, [Problem(source_id, f"path-only rule: the path regex {path!r} has no glob that says the same")]
    rule = _common(rid, "file-limits", description, "{problem}: " + what)
    rule["forbidden-names"] = globs
    if shared.exclude:
        rule["paths"] = {"exclude": list(shared.exclude)}
    return rule, []


def _pattern_rule(
    rule: dict[str, Any], r: Mapping[str, Any], groups: int, shared: _Allowed, targeted: _Allowed
) -> tuple[dict[str, Any], list[Problem]]:
    source_id = str(r["id"])
    problems: list[Problem] = []
    if keywords := strings(r, "keywords"):
        rule["keywords"] = keywords
    rule["pattern"] = str(r["regex"])
    group = int(r.get("secretGroup") or 0)
    if group or groups:  # gitleaks takes the first non-empty group when none is named
        rule["secret-group"] = group or 1
    if r.get("entropy"):
        rule["entropy"] = float(r["entropy"])
    own = _Allowed()
    lists = list(r.get("allowlists") or []) + ([r["allowlist"]] if r.get("allowlist") else [])
    for i, al in enumerate(lists):
        problems += [Problem(source_id, f"allowlist {i + 1}: {p.why}") for p in own.add(al, source_id, grouped=group > 0)]
    allow = own.allow + targeted.allow
    if allow:
        rule["allow"] = allow
    paths: dict[str, list[str]] = {}
    if r.get("path"):
        include = path_globs(str(r["path"]))
        if include is None:
            problems.append(Problem(source_id, f"path {r['path']!r} has no glob that says the same: every file is read"))
        else:
            paths["include"] = include
    if exclude := own.exclude + targeted.exclude + shared.exclude:
        paths["exclude"] = list(dict.fromkeys(exclude))
    if paths:
        rule["paths"] = paths
    return rule, problems
